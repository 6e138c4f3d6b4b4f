"""The psychologist's morning (issue 11): she logs in and lands on "My work",
holds the session planned for today, enters a PHQ-9 whose item 9 is above 0,
is taken to the safety alert, acknowledges it with the action taken, and
sees the person's PHQ-9 trajectory chart with its cut-off lines.

Screenshots: $TMPDIR/zhusan-psychologist-morning/."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zhusan.audit.services import Actor
from zhusan.instruments import services as instruments
from zhusan.instruments.models import Administration, SafetyAlert

from ..factories import make_person
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-psychologist-morning"

# PHQ-9 answers by item: total 14 (moderate), item 9 "Several days".
ANSWERS = {1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 2, 7: 1, 8: 1, 9: 1}


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _plan_session(bob, person):
    """A session for this morning through the sessions app's service (it has
    landed); None if the app is not installed in this tree."""
    try:
        from zhusan.rehabilitation.sessions import services as sessions
    except ImportError:  # the sessions app has not landed: that step is skipped
        return None
    starts = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())) + timedelta(hours=11)
    return sessions.session_plan(
        actor=Actor.system("tests", user=bob), kind="individual", discipline="psychologist",
        starts_at=starts, persons=[person], planned_minutes=50,
    )  # fmt: skip


def test_a_psychologist_holds_a_session_enters_a_phq9_acknowledges_the_alert_and_sees_the_trajectory(page, alice, bob):
    woman = make_person(alice, given="Aigerim", family="Sadykova", birth_year=timezone.localdate().year - 31)
    instruments.administration_record(
        actor=Actor.system("tests", user=bob), person=woman, instrument="phq9", occasion="baseline",
        administered_on=timezone.localdate() - timedelta(days=21),
        answers={str(k): v for k, v in enumerate([3, 3, 2, 3, 2, 2, 2, 1, 0], start=1)},
    )  # fmt: skip
    session = _plan_session(bob, woman)
    base = page.base_url

    # She logs in and lands on My work.
    page.goto(f"{base}/")
    log_in(page, bob)
    page.wait_for_url(re.compile(r"/my-work/|/$"))
    page.goto(f"{base}/my-work/")
    assert page.get_by_role("heading", name="My work").is_visible()
    shot(page, "1-my-work")

    # She holds this morning's session.
    if session is not None:
        page.goto(f"{base}/rehabilitation/sessions/{session.uuid}/")
        page.fill("#hold-form input[name=duration_minutes]", "50")
        page.click("#hold-form button[type=submit]")
        page.wait_for_url(re.compile(rf"/rehabilitation/sessions/{session.uuid}/"))
        shot(page, "2-session-held")
        session.refresh_from_db()
        assert session.status == "held"

    # She enters a PHQ-9 from the person's Instruments tab.
    page.goto(f"{base}/instruments/persons/{woman.uuid}/")
    page.get_by_role("link", name="Enter a PHQ-9").click()
    page.wait_for_url(re.compile(r"/administer/"))
    page.fill("input[name=administered_on]", timezone.localdate().isoformat())
    page.select_option("select[name=occasion]", "other")
    for item, value in ANSWERS.items():
        page.check(f"input[name=item_{item}][value='{value}']")
    shot(page, "3-phq9-form")
    page.get_by_role("button", name="Record").click()

    # The alert opens; she acknowledges it with the action taken.
    page.wait_for_url(re.compile(r"/instruments/alerts/[0-9a-f-]{36}/"))
    assert page.get_by_text("has an answer above 0 on item 9").is_visible()
    shot(page, "4-safety-alert")
    page.fill("textarea[name=action_taken]", "Safety plan agreed with her; the centre's doctor informed.")
    page.get_by_role("button", name="Acknowledge the alert").click()
    page.wait_for_url(re.compile(r"/instruments/alerts/"))
    assert page.get_by_text("Acknowledged by bob").is_visible()
    alert = SafetyAlert.objects.get()
    assert not alert.is_open and alert.administration.total == 14

    # My work no longer lists it; the trajectory shows both administrations.
    page.goto(f"{base}/my-work/")
    alerts_panel = page.locator("section.panel", has=page.get_by_role("heading", name="Safety alerts to acknowledge"))
    assert alerts_panel.get_by_text("Nothing waits for you here.").is_visible()
    page.goto(f"{base}/instruments/persons/{woman.uuid}/")
    chart = page.locator("svg.chart").first
    assert chart.is_visible()
    assert chart.locator("circle").count() == Administration.objects.filter(person=woman).count() == 2
    assert chart.locator("line[stroke-dasharray]").count() == 4
    shot(page, "5-trajectory")
    assert not [e for e in page.console_errors if not e.startswith("4")], page.console_errors
