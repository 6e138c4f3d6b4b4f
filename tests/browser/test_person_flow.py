"""A case manager logs in with a password and a TOTP code, searches a name
typed in Cyrillic, opens the person and edits a field — in real Chromium."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Person, Script

from ..factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(user) -> str:
    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_case_manager_logs_in_with_mfa_finds_a_cyrillic_name_and_edits_the_person(page, alice):
    person = make_person(alice, given="Айгерім", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1994)
    make_person(alice, given="Dana", family="Serikova")
    base = page.base_url

    page.goto(f"{base}/persons/")
    assert "/accounts/login/" in page.url  # every data URL needs a login first
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/verify/"))
    page.fill("input[name=code]", current_code(alice))
    page.click("form.form button[type=submit]")
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
