"""The data-protection officer records a suspected breach, picks the records
it touched from the audit trail, sees the 72-hour clock on the breach and in
the log, records the notification to the authority and to the persons, and
closes it."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing.models import Breach, BreachRecord
from zhusan.registry.selectors import get_person_for_user

from ..factories import UnitFactory, make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-breach-log"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_officer_records_a_breach_picks_the_records_sees_the_clock_notifies_and_closes_it(page):
    unit = UnitFactory(name="Reintegration team")
    consul = make_staff(Role.CONSULAR_OFFICER, unit, username="consul")
    worker = make_staff(Role.SOCIAL_WORKER, unit, username="saule")
    officer = make_staff(Role.DATA_PROTECTION_OFFICER, unit, username="dpo")
    dana = make_person(consul, given="Dana", family="Serikova", birth_year=1991)
    aruzhan = make_person(consul, given="Aruzhan", family="Serikova", birth_year=2016)
    for person in (dana, aruzhan):  # the social worker opens both records: the trail says so
        get_person_for_user(Actor.system("tests", user=worker), person.uuid)
    base = page.base_url
    now = timezone.now()

    page.goto(f"{base}/data-protection/sharing/breaches/new/")
    log_in(page, officer)
    page.wait_for_url(re.compile(r"/breaches/new/"))
    page.get_by_label("Short title").fill("Laptop stolen from a car")
    page.get_by_label("What happened").fill("A social worker's laptop was stolen; the session may have been open.")
    page.get_by_label("When it happened").fill(local(now - timedelta(hours=8)))
    page.get_by_label("When it was found").fill(local(now - timedelta(hours=5)))
    shot(page, "1-form")
    page.get_by_role("button", name="Record the breach").click()
    page.wait_for_url(re.compile(r"/breaches/[0-9a-f-]{36}/$"))
    breach = Breach.objects.get()
    clock = page.locator("[data-clock]").first
    assert clock.get_attribute("data-clock") == "running"
    assert re.match(r"6[67] h \d\d min left to notify the authority", clock.inner_text())
    shot(page, "2-clock-running")

    # The records: the social worker's events in the last hours, from the audit trail.
    page.get_by_role("link", name="Choose records from the audit trail").click()
    page.get_by_label("User name").fill("saule")
    page.get_by_label("From", exact=True).fill(local(now - timedelta(hours=1)))
    page.get_by_role("button", name="Search the audit trail").click()
    page.wait_for_url(re.compile(r"username=saule"))  # the results' page, loaded, before its rows are counted
    rows = page.locator("tbody tr", has_text="saule")
    expect(rows.nth(1)).to_be_visible()
    for case_number in (dana.case_number, aruzhan.case_number):
        page.locator("tbody tr", has_text=case_number).first.locator("input[type=checkbox]").check()
    shot(page, "3-audit-trail")
    page.get_by_role("button", name="Add the chosen records to the breach").click()
    page.wait_for_url(re.compile(r"/breaches/[0-9a-f-]{36}/$"))
    assert "2 persons affected" in page.content()
    assert set(BreachRecord.objects.values_list("person", flat=True)) == {dana.pk, aruzhan.pk}

    # The clock in the log.
    page.get_by_role("link", name="Breach log").first.click()
    row = page.locator("tbody tr", has_text="Laptop stolen from a car")
    assert "left to notify the authority" in row.inner_text()
    shot(page, "4-log")
    row.get_by_role("link").click()

    # Notifications.
    authority = page.locator("section", has_text="Notification to the supervisory authority").last
    authority.get_by_label("Notified", exact=True).check()
    authority.get_by_label("Notified at").fill(local(now))
    authority.get_by_label("The authority's reference").fill("DPA-2026-0999")
    authority.get_by_role("button", name="Record the notification to the authority").click()
    page.wait_for_url(re.compile(r"/breaches/[0-9a-f-]{36}/$"))
    assert "Authority notified in time" in page.locator("[data-clock]").first.inner_text()
    persons = page.locator("section", has_text="Notification to the persons affected").last
    persons.get_by_label("Notified", exact=True).check()
    persons.get_by_label("Told on").fill(timezone.localdate().isoformat())
    persons.get_by_role("button", name="Record the notification to the persons").click()
    page.wait_for_url(re.compile(r"/breaches/[0-9a-f-]{36}/$"))

    # Closing needs the containment and the lessons: refused, then done.
    page.get_by_role("button", name="Close the breach").click()
    page.wait_for_load_state()  # the refusal's page, loaded
    assert "Record how the breach was contained before closing it." in page.content()
    page.get_by_role("textbox", name="Containment").fill("Sessions and tokens revoked; the laptop wiped remotely.")
    page.get_by_role("textbox", name="Lessons learned").fill("Shorter sessions on laptops.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Close the breach").click()
    page.wait_for_url(re.compile(r"/breaches/[0-9a-f-]{36}/$"))
    shot(page, "5-closed")
    breach.refresh_from_db()
    assert breach.status == "closed"
    assert "Reopen the breach" in page.content()
    assert not [e for e in page.console_errors if not e.startswith("400 ")]  # type: ignore[attr-defined]
