"""Task (b) of day one: a grandmother in Kazakhstan asks after her daughter
and grandchildren. A case manager records the request, sees the likely
match, confirms it and registers the grandmother as a relative at home
linked to her daughter in one step; the grandmother is not counted in the
programme (the dashboard's persons and the person list leave her out)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.matching.models import TracingMatch, TracingMatchStatus, TracingRequest, TracingStatus
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose, NameKind, Person, RecordType, Relationship, Script

from ..factories import letters, make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-day-one-tracing"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def consenting(user, *, given_by: str = "self", **kwargs) -> Person:
    person = make_person(user, **kwargs)
    registry.consent_record(
        actor=Actor.system("tests", user=user), person=person, purpose=ConsentPurpose.TRACING,
        status="granted", given_by=given_by,
    )  # fmt: skip
    return person


def test_a_grandmothers_request_is_matched_confirmed_and_she_is_registered_as_a_relative_at_home(page, alice, settings):
    # Published counts are perturbed (±2, docs/reporting.md); this test reads the
    # dashboard's count to see who is counted, so the perturbation is off.
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    kunya = registry.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Abdullah")
    daughter = consenting(
        alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990, extra_names=[kunya]
    )
    for given, year, sex in (("Абдулла", 2014, "male"), ("Айша", 2017, "female")):
        consenting(alice, given=given, family="Серикова", script=Script.CYRILLIC, birth_year=year, sex=sex,
                   given_by="authority")  # fmt: skip
    for k in range(3):
        make_person(alice, given=f"Other{letters(k)}", family="Nurlanova", birth_year=1980 + k)
    subjects = Person.objects.subjects().count()
    assert subjects == 6
    analyst = make_staff(Role.ANALYST, alice.unit, username="dana")
    base = page.base_url

    # The case manager records the request.
    page.goto(f"{base}/matching/tracing/new/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/matching/tracing/new/"))
    page.fill("input[name=inquirer_name]", "Гульнар Серикова")
    page.fill("textarea[name=inquirer_contact]", "Aktobe, +7 700 000 00 00")
    page.fill("input[name=given]", "Zhanar")
    page.fill("input[name=family]", "Serikova")
    page.fill("textarea[name=other_names]", "Умм Абдулла")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=birth_year]", "1990")
    page.fill("input[name=last_known_place]", "al-Hol")
    page.fill("textarea[name=relatives_names]", "Абдулла, Айша (her children)")
    page.select_option("select[name=relation_to_inquirer]", "mother")
    shot(page, "1-request-form")
    page.click("form.form button[type=submit]:not([name=action])")  # save, not the inquirer picker's Find
    page.wait_for_url(re.compile(r"/matching/tracing/[0-9a-f-]{36}/"))
    request = TracingRequest.objects.get()

    # The likely match, in words: one band, the evidence folded below it.
    article = page.locator("article.tracing-match", has_text=daughter.case_number)
    assert article.count() == 1
    assert "Very likely the same person" in article.inner_text()
    assert "weight" not in page.content().lower()
    article.locator("summary").click()
    findings = article.locator(".evidence-findings").inner_text()
    assert "Names agree across scripts" in findings
    assert "Born in the same year" in findings
    assert "kunya" not in article.locator("details").inner_text().split("not compared:")[-1]
    shot(page, "2-likely-match")

    # Confirm and register the grandmother as a relative at home, in one step.
    form = article.locator("form.register-inquirer")
    assert form.locator("input[name=given]").input_value() == "Гульнар"
    assert form.locator("input[name=family]").input_value() == "Серикова"
    assert form.locator("select[name=script]").input_value() == "cyrillic"
    assert form.locator("select[name=relation]").input_value() == "mother"
    form.locator("input[name=birth_year]").fill("1962")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(str(request.uuid)))
    assert "registered as a relative at home" in page.content()
    shot(page, "3-confirmed")

    grandmother = Person.objects.get(record_type=RecordType.RELATIVE)
    assert grandmother.stage is None and grandmother.primary_name.full == "Гульнар Серикова"
    assert Relationship.objects.filter(from_person=grandmother, to_person=daughter, kind="mother").exists()
    assert TracingMatch.objects.get(person=daughter).status == TracingMatchStatus.CONFIRMED
    request.refresh_from_db()
    assert request.inquirer == grandmother and request.status == TracingStatus.MATCHED
    assert f"{grandmother.case_number}" in page.locator("#request-status").locator("..").inner_text()

    # Not a person in the programme: the person list of subjects leaves her out.
    page.goto(f"{base}/persons/")
    listed = page.locator("table tbody").inner_text()
    assert daughter.case_number in listed and grandmother.case_number not in listed
    shot(page, "4-person-list")

    # Nor does the dashboard's count of persons in the programme.
    page.context.clear_cookies()
    page.goto(f"{base}/reports/")
    log_in(page, analyst)
    page.wait_for_url(re.compile(r"/reports/"))
    row = page.locator("tr", has_text="Persons in the programme").first
    assert row.locator("td").last.inner_text().strip() == str(subjects)  # six, not seven with her
    shot(page, "5-dashboard")
    assert page.console_errors == []
