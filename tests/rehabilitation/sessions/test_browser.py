"""In Chromium: a psychologist opens a resident's Sessions tab, plans a
session with the form (labels, keyboard), holds it with attendance, writes a
note; a theologian opening the session sees that it took place and that its
notes are withheld. Screenshots in the temp dir (zhusan-sessions)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from zhusan.rehabilitation.sessions.models import Session, SessionStatus

from ...browser.conftest import page  # noqa: F401 - the Chromium fixture
from ...browser.helpers import log_in

SHOTS = Path(tempfile.gettempdir()) / "zhusan-sessions"


def shot(page: Any, name: str) -> None:  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_psychologist_plans_holds_and_notes_a_session_and_the_theologian_sees_only_that_it_took_place(
    page: Any,  # noqa: F811
    world: dict[str, Any],
) -> None:
    base, woman = page.base_url, world["woman"]
    page.goto(f"{base}/rehabilitation/sessions/persons/{woman.uuid}/")
    log_in(page, world["psychologist"])
    page.goto(f"{base}/rehabilitation/sessions/persons/{woman.uuid}/")
    page.get_by_label("Kind of session").select_option("individual")
    page.get_by_label("Discipline").select_option("psychologist")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Time").fill("00:10")
    page.get_by_label("psychologist", exact=True).check()
    shot(page, "1-plan")
    page.get_by_label("Planned duration (minutes)").press("Enter")
    page.wait_for_url(re.compile(r"/rehabilitation/sessions/[0-9a-f-]{36}/$"))
    session = Session.objects.get()
    page.get_by_label("Duration held (minutes)").fill("45")
    page.get_by_role("button", name="Mark the session held").click()
    page.wait_for_url(re.compile(rf"/rehabilitation/sessions/{session.uuid}/"))
    page.get_by_role("textbox", name="Note").fill("Talked about her children's school.")
    page.get_by_role("button", name="Save the note").click()
    page.wait_for_url(re.compile(rf"/rehabilitation/sessions/{session.uuid}/"))
    assert page.get_by_text("Talked about her children's school.").is_visible()
    shot(page, "2-held-with-note")
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD

    page.get_by_role("button", name="Log out").or_(page.get_by_role("link", name="Log out")).first.click()
    page.goto(f"{base}/rehabilitation/sessions/{session.uuid}/")
    log_in(page, world["theologian"])
    page.goto(f"{base}/rehabilitation/sessions/{session.uuid}/")
    assert page.locator("#notes-withheld").is_visible()
    assert page.get_by_text("Talked about").count() == 0
    shot(page, "3-theologian")
