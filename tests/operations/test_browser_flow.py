"""A consular officer walks one person through a movement, proposed to
arrived, in real Chromium (uses tests/browser's ``page`` fixture)."""

from __future__ import annotations

import re

import pytest

from zhusan.operations import services
from zhusan.operations.models import ManifestEntry
from zhusan.registry.models import Stage

from ..browser.conftest import page  # noqa: F401 (the fixture)
from ..browser.helpers import log_in
from ..factories import make_person
from .helpers import act, approve_and_depart, give_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consular_officer_walks_a_person_from_proposed_to_arrived(page, consul, liaison, movement):  # noqa: F811
    person = make_person(consul, given="Aigerim", family="Zhusupova", birth_year=1990)
    give_consent(consul, person)
    base = page.base_url
    page.goto(f"{base}/operations/")
    log_in(page, consul)
    page.wait_for_url(re.compile(r"/operations/$"))

    page.click("text=Zhusan-2")
    page.click("text=Flight 1")
    page.fill("#find-person-form input[name=find]", person.case_number)
    page.click("#find-person-form button[type=submit]")
    page.click("#add-person-form button[type=submit]")
    page.click(f"table.manifest >> text={person.case_number}")
    page.wait_for_url(re.compile(r"/operations/entries/"))
    entry = ManifestEntry.objects.get()
    services.security_clearance_record(actor=act(liaison), entry=entry, outcome="cleared")

    for kind in ("identity_verified", "nationality_confirmed", "travel_document", "medical_fitness"):
        page.click(f"button[name=tick-{kind}]")
        page.wait_for_load_state()
    for status in ("verified", "cleared", "boarded"):
        page.select_option("#advance-form select[name=to_status]", status)
        page.click("#advance-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".entry-status").inner_text().lower() == status
    approve_and_depart(consul, movement)
    page.reload()
    page.select_option("#arrival-form select[name=placement]", "rehabilitation_centre")
    page.fill("#arrival-form textarea[name=protection_needs]", "Female interpreter")
    page.click("#arrival-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".entry-status").inner_text() == "Arrived"

    page.goto(f"{base}/operations/movements/{movement.uuid}/reconciliation/")
    assert page.locator("#arrived-total").inner_text() == "1"
    person.refresh_from_db()
    assert person.stage == Stage.IN_REHABILITATION
    assert page.console_errors == []
