"""The demo writer makes a weekly publishing target and publishes to it once
(built on a hand-made world, not the demo: the demo takes minutes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zhusan.accounts.permissions import Role
from zhusan.demo.tracker import TrackerWriter
from zhusan.tracker.aggregate import FILENAME
from zhusan.tracker.models import Publication, PublicationStatus, PublishTarget

from ..factories import UnitFactory, make_staff


def test_the_demo_writer_publishes_once_to_a_weekly_folder(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.ZHUSAN_PUBLISH_ROOT = str(tmp_path)
    unit = UnitFactory(name="West", region="Mangystau")
    manager = make_staff(Role.PROGRAMME_MANAGER, unit, username="pm")
    writer = TrackerWriter(plan=None, created={}, users={Role.PROGRAMME_MANAGER: manager}, units={}, seed=1)  # type: ignore[arg-type]
    writer.run()
    writer.run()
    target = PublishTarget.objects.get()
    assert (target.schedule, target.weekday, target.folder) == ("weekly", 0, "tracker")
    assert Publication.objects.get().status == PublicationStatus.PUBLISHED
    assert (tmp_path / "tracker" / FILENAME).is_file()
