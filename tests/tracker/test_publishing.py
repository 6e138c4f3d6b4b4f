"""Publishing from a deployment: the preview is exactly what is written, a
folder outside the publishing root is refused, endpoints receive the same
bytes by POST, schedules publish what is due, everything is audited, and the
tracker accepts what a deployment publishes."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor
from zhusan.operations.models import Movement
from zhusan.tracker import services
from zhusan.tracker.aggregate import FILENAME, aggregate_file, aggregate_lines
from zhusan.tracker.models import Publication, PublicationStatus, PublishTarget, Trigger
from zhusan.tracker.sources import read_aggregate

from ..factories import make_staff
from ..registry.helpers import login
from ..reporting.conftest import journeys  # noqa: F401  (fixture)


@pytest.fixture
def root(settings: Any, tmp_path: Path) -> Path:
    settings.ZHUSAN_PUBLISH_ROOT = str(tmp_path / "publish")
    return tmp_path / "publish"


@pytest.fixture
def manager(journeys: dict[str, Any]) -> Any:  # noqa: F811
    Movement.objects.filter(operation=journeys["zhusan_1"]).update(arrival_on=date(2019, 3, 10))
    return make_staff(Role.PROGRAMME_MANAGER, journeys["west"], username="pm")


def _actor(user: Any) -> Actor:
    return Actor.system("test", user)


def _folder_target(manager: Any, folder: str = "tracker/kz", **kw: Any) -> PublishTarget:
    return services.target_create(actor=_actor(manager), name="Site", kind="folder", folder=folder, **kw)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_file_written_is_exactly_the_preview(client: Client, root: Path, manager: Any) -> None:
    target = _folder_target(manager)
    page = login(client, manager).get("/tracker/publish/").content.decode()
    publication = services.publish(actor=_actor(manager), target=target)

    assert publication.status == PublicationStatus.PUBLISHED
    written = (root / "tracker" / "kz" / FILENAME).read_bytes().decode("utf-8")
    assert written == aggregate_file(aggregate_lines()) == publication.content
    lines = _rows(written)
    header = next(k for k, line in enumerate(lines) if line and line[0].startswith("#")) - 1
    assert lines[header][:3] == ["Country", "Year", "Operation"]
    # Every data row of the file is a row of the preview table, in order.
    for row in lines[header + 2 :]:
        assert "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" in page
    assert publication.data_rows == len(lines) - header - 2 == 3


def test_the_preview_download_is_the_same_file(client: Client, root: Path, manager: Any) -> None:
    response = login(client, manager).get("/tracker/publish/preview.csv")
    assert response.content.decode() == aggregate_file(aggregate_lines())
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type=ObjectType.PUBLICATION).exists()


def test_what_a_deployment_publishes_is_accepted_by_the_tracker(root: Path, manager: Any) -> None:
    services.publish(actor=_actor(manager), target=_folder_target(manager))
    figures = read_aggregate(str(root / "tracker" / "kz" / FILENAME), min_threshold=5)
    by_operation = {f.label: f for f in figures}
    assert by_operation["Zhusan-1"].country == "KZ" and by_operation["Zhusan-1"].year == 2019
    assert by_operation["Zhusan-2"].year is None  # its movement records no date
    assert all(f.count("total") in ("x", 0) or int(f.count("total") or 0) >= 5 for f in figures)


@pytest.mark.parametrize("folder", ["../outside", "/etc", "tracker/../../outside", "~/x", ""])
def test_a_folder_outside_the_publishing_root_is_refused_and_nothing_is_saved(
    root: Path, manager: Any, folder: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _folder_target(manager, folder=folder)
    assert "folder" in caught.value.message_dict
    assert not PublishTarget.objects.exists()


def test_a_link_that_leads_out_of_the_root_fails_the_publication(root: Path, manager: Any, tmp_path: Path) -> None:
    target = _folder_target(manager, folder="linked")
    (tmp_path / "elsewhere").mkdir()
    root.mkdir(parents=True, exist_ok=True)
    (root / "linked").symlink_to(tmp_path / "elsewhere")
    publication = services.publish(actor=_actor(manager), target=target)
    assert publication.status == PublicationStatus.FAILED and "outside the publishing root" in publication.detail
    assert not list((tmp_path / "elsewhere").iterdir())


def test_an_endpoint_receives_the_same_bytes_by_post(root: Path, manager: Any, monkeypatch: Any) -> None:
    sent: dict[str, Any] = {}

    class Response:
        status = 201

        def __enter__(self) -> Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    def fake_urlopen(request: Any, timeout: int) -> Response:
        sent.update(url=request.full_url, method=request.get_method(), data=request.data)
        return Response()

    monkeypatch.setattr(services.urllib.request, "urlopen", fake_urlopen)
    target = services.target_create(actor=_actor(manager), name="Hub", kind="endpoint", url="https://hub.example/in")
    publication = services.publish(actor=_actor(manager), target=target)
    assert sent == {"url": "https://hub.example/in", "method": "POST", "data": publication.content.encode()}
    assert publication.status == PublicationStatus.PUBLISHED and publication.detail == "HTTP 201"


def test_an_endpoint_that_does_not_answer_is_a_failed_publication_listed_with_its_reason(
    client: Client, root: Path, manager: Any
) -> None:
    target = services.target_create(actor=_actor(manager), name="Down", kind="endpoint", url="http://127.0.0.1:9/")
    response = login(client, manager).post(f"/tracker/publish/targets/{target.uuid}/publish/", follow=True)
    assert "Publishing failed" in response.content.decode()
    publication = Publication.objects.get()
    assert publication.status == PublicationStatus.FAILED and publication.published_by == manager
    assert "Failed" in client.get("/tracker/publish/publications/").content.decode()


def test_a_non_http_endpoint_is_refused(root: Path, manager: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.target_create(actor=_actor(manager), name="F", kind="endpoint", url="file:///etc/passwd")
    assert "url" in caught.value.message_dict


def test_every_publication_is_audited_with_what_where_and_who(root: Path, manager: Any) -> None:
    publication = services.publish(actor=_actor(manager), target=_folder_target(manager))
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type=ObjectType.PUBLICATION)
    assert event.actor_id == manager.pk and event.object_ref == str(publication.uuid)
    assert event.detail["destination"] == "tracker/kz" and event.detail["sha256"] == publication.sha256
    assert event.detail["status"] == "published" and event.detail["data_rows"] == 3


def test_the_daily_job_publishes_what_is_due_once_a_day(root: Path, manager: Any) -> None:
    daily = _folder_target(manager, folder="daily", schedule="daily")
    weekly = _folder_target(manager, folder="weekly", schedule="weekly", weekday=2)  # Wednesday
    _folder_target(manager, folder="manual")
    wednesday, thursday = date(2026, 12, 2), date(2026, 12, 3)
    from django.utils import timezone

    today = timezone.localdate()
    assert {p.target for p in services.publish_due(today)} == ({daily, weekly} if today.weekday() == 2 else {daily})
    assert services.publish_due(today) == []  # idempotent: already published today
    assert services.due(weekly, wednesday) != (today.weekday() == 2)
    assert not services.due(weekly, thursday)
    assert all(p.trigger == Trigger.SCHEDULE and p.published_by is None for p in Publication.objects.all())
    assert not (root / "manual").exists()


def test_the_daily_job_is_registered() -> None:
    from zhusan.core.schedule import jobs

    assert "tracker.publish_due" in jobs()


def test_a_stale_update_of_a_target_is_refused(root: Path, manager: Any) -> None:
    from zhusan.core.concurrency import StaleVersionError

    target = _folder_target(manager)
    services.target_update(
        actor=_actor(manager), target=target, expected_version=1, name="Renamed", kind="folder", folder="tracker/kz"
    )
    with pytest.raises(StaleVersionError):
        services.target_update(
            actor=_actor(manager), target=target, expected_version=1, name="Again", kind="folder", folder="x"
        )
    assert PublishTarget.objects.get().name == "Renamed"


def test_an_analyst_sees_aggregates_but_may_not_publish(client: Client, root: Path, journeys: Any) -> None:  # noqa: F811
    analyst = make_staff(Role.ANALYST, journeys["west"], username="ana")
    assert login(client, analyst).get("/tracker/publish/").status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type=ObjectType.PUBLICATION).exists()
    with pytest.raises(PermissionDenied):
        services.target_create(actor=_actor(analyst), name="X", kind="folder", folder="x")


def test_the_publishing_page_creates_a_target_from_the_form(client: Client, root: Path, manager: Any) -> None:
    logged_in = login(client, manager)
    response = logged_in.post(
        "/tracker/publish/", {"name": "Escape", "kind": "folder", "folder": "../../etc", "schedule": "manual"}
    )
    assert response.status_code == 200 and "outside the publishing root" in response.content.decode()
    response = logged_in.post(
        "/tracker/publish/", {"name": "Site", "kind": "folder", "folder": "site", "schedule": "weekly", "weekday": "0"}
    )
    assert response.status_code == 302
    assert PublishTarget.objects.get().weekday == 0


def test_the_publications_list_takes_a_bounded_number_of_queries(client: Client, root: Path, manager: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = _folder_target(manager)
    logged_in = login(client, manager)
    counts = []
    for n in (2, 6):
        while Publication.objects.count() < n:
            services.publish(actor=_actor(manager), target=target)
        with CaptureQueriesContext(connection) as queries:
            response = logged_in.get("/tracker/publish/publications/")
        assert response.content.decode().count("<bdi>tracker/kz</bdi>") == n, response.content.decode().count(
            "tracker/kz"
        )
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


def test_the_publishing_page_takes_as_many_queries_for_many_targets_as_for_one(
    client: Client, root: Path, manager: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logged_in = login(client, manager)
    counts = []
    for n in (1, 5):
        while PublishTarget.objects.count() < n:
            target = _folder_target(manager, folder=f"t{PublishTarget.objects.count()}")
            services.publish(actor=_actor(manager), target=target)
        with CaptureQueriesContext(connection) as queries:
            response = logged_in.get("/tracker/publish/")
        assert response.content.decode().count("Publish now to Site") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_publication_builds_into_the_tracker_beside_the_curated_figures(root: Path, manager: Any) -> None:
    from django.core.management import call_command

    services.publish(actor=_actor(manager), target=_folder_target(manager))
    out = root.parent / "site"
    call_command("tracker", "build", str(root / "tracker" / "kz" / FILENAME), "-o", str(out))
    html = (out / "en" / "KZ.html").read_text()
    assert "Zhusan-1" in html and "Published by the programme after disclosure control" in html
    assert '<td class="num total">595</td>' in html  # the curated 2019 total is still there
