"""A case manager logs in with a password and a TOTP code, searches a name
typed in Cyrillic, opens the person and edits a field — in real Chromium."""

from __future__ import annotations

import re

import pytest

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Person, Script

from ..factories import make_person
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_logs_in_with_mfa_finds_a_cyrillic_name_and_edits_the_person(page, alice):
    person = make_person(alice, given="Айгерім", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1994)
    make_person(alice, given="Dana", family="Serikova")
    base = page.base_url

    page.goto(f"{base}/persons/")
    assert "/accounts/login/" in page.url  # every data URL needs a login first
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/persons/"))

    page.fill("input[name=q]", "жүсіпова")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Жүсіпова" in rows.first.inner_text()

    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(str(person.uuid)))
    page.click("text=Edit")
    page.fill("input[name=place_of_birth]", "Aktau")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/persons/{person.uuid}/$"))
    assert "Aktau" in page.content()

    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("Aktau", 2)
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_username="alice").exists()
    assert AuditEvent.objects.filter(action=Action.UPDATE, person_ref=str(person.uuid)).exists()
    assert Person.objects.count() == 2
    assert page.console_errors == []  # no CSP violations or script errors
