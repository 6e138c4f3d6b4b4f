"""A case manager opens "My work", sees the follow-up due next month, opens
it, logs a home visit, and the next contact becomes the one due."""

from __future__ import annotations

import importlib
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.models import ContactStatus, FollowUpVisit

from ..reintegration.followup.helpers import act, returnee
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-follow-up"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _default_template() -> None:
    """A transactional test starts from a flushed database: the default
    template its data migration wrote may be gone; write it the same way."""
    from django.apps import apps

    from zhusan.reintegration.followup.models import FollowUpTemplate

    if not FollowUpTemplate.objects.exists():
        migration = importlib.import_module("zhusan.reintegration.followup.migrations.0002_default_follow_up_template")
        migration.create_default(apps, None)


def test_a_case_manager_logs_the_home_visit_due_next_month_and_the_next_one_becomes_due(page, alice):
    _default_template()
    today = timezone.localdate()
    person = returnee(alice, given="Aigerim", arrived=today - timedelta(days=5))
    plan = services.plan_create(actor=act(alice), person=person)
    first, second = plan.contacts.order_by("due_on")[:2]
    assert today < first.due_on <= today + timedelta(days=31)

    page.goto(page.base_url + "/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/my-work/|/$"))
    panel = page.locator("section.panel", has=page.get_by_role("heading", name="Follow-ups due"))
    assert panel.count() == 1
    link = panel.get_by_role("link", name=person.case_number)
    assert f"due {date_format(first.due_on)}" in panel.inner_text()
    shot(page, "1-my-work")

    link.click()
    page.wait_for_url(re.compile(r"/reintegration/follow-up/contacts/"))
    page.get_by_label("Kind of contact").select_option("home_visit")
    page.get_by_role("textbox", name="Date (required)", exact=True).fill(today.isoformat())
    page.get_by_label("Outcome").select_option("seen_well")
    page.get_by_label("Next step").fill("Check school attendance")
    page.get_by_label("Notes").fill("The family is settled; the girl likes her new school.")
    shot(page, "2-contact")
    page.get_by_role("button", name="Log the visit").click()

    page.wait_for_url(re.compile(rf"/reintegration/follow-up/persons/{person.uuid}/$"))
    assert "Visit logged." in page.inner_text("body")
    next_due = page.get_by_text("Next due:")
    assert date_format(second.due_on) in next_due.inner_text()
    shot(page, "3-follow-up-tab")

    first.refresh_from_db()
    assert first.status == ContactStatus.DONE and first.done_on == today
    visit = FollowUpVisit.objects.get(person=person)
    assert (visit.kind, visit.worker, visit.contact) == ("home_visit", alice, first)
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]
