"""A stage that reveals justice data (a custody) is shown as "Restriction
applies" to every reader outside justice and security, in the UI, the API and
the exports; its reason stays out of the audit trail in clear (the event holds
it encrypted), and every timeline reason is encrypted at rest."""

from __future__ import annotations

import importlib
import json
import re
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.core.crypto import decrypt
from zhusan.registry import services
from zhusan.registry.models import TimelineEntry

pytestmark = pytest.mark.django_db

PATH = ["verified", "cleared", "repatriated"]


def _move(user: Any, person: Any, to: str, reason: str) -> AuditEvent:
    person.refresh_from_db()
    services.stage_change(
        actor=Actor.system("tests", user=user),
        person=person,
        to_stage=to,
        reason=reason,
        expected_version=person.version,
    )
    return AuditEvent.objects.filter(action=Action.UPDATE, person_ref=str(person.uuid)).latest("seq")


def test_the_reason_for_a_custody_is_audited_encrypted(alice: Any) -> None:
    person = make_person(alice)
    for stage in PATH:
        _move(alice, person, stage, "On the way")
    event = _move(alice, person, "in_custody", "Detained on arrival")
    assert "Detained" not in json.dumps(event.changes) + json.dumps(event.detail)
    assert event.changes["reason"]["encrypted"] is True
    assert decrypt(event.changes["reason"]["new"]) == "Detained on arrival"


def test_the_reason_for_leaving_custody_is_audited_encrypted_too(alice: Any) -> None:
    person = make_person(alice)
    for stage in PATH:
        _move(alice, person, stage, "On the way")
    _move(alice, person, "in_custody", "Detained on arrival")
    event = _move(alice, person, "in_rehabilitation", "Released by the court")
    assert "Released" not in json.dumps(event.changes) + json.dumps(event.detail)


def test_other_stage_reasons_stay_readable_for_the_auditor(alice: Any) -> None:
    person = make_person(alice)
    event = _move(alice, person, "verified", "DNA kinship confirmed")
    assert event.detail["reason"] == "DNA kinship confirmed"


# --- Shown as "Restriction applies" to readers outside justice and security ----------
#
# One rule (``registry.access.stage_shown``) for the person header, summary,
# list (column and filter), timeline, API (detail, list, stage, timeline) and
# case exports: a care role learns that a restriction applies, never that the
# person is in custody nor why.

CUSTODY = "In custody"
REASON = "Detained on arrival"
RELEASE = "Released by the court"


@pytest.fixture
def custody(centre_unit: Any) -> dict[str, Any]:
    from tests.factories import make_staff
    from zhusan.accounts.permissions import Role

    registrar = make_staff(Role.CONSULAR_OFFICER, centre_unit, username="registrar")
    manager = make_staff(Role.CASE_MANAGER, centre_unit, username="manager")
    woman = make_person(registrar, given="Aisha")
    child = make_person(registrar, given="Yusuf", birth_year=date.today().year - 15, sex="male")
    for person in (woman, child):
        services.assignment_add(actor=Actor.system("tests", user=registrar), person=person, user=manager)
        for stage in PATH:
            _move(registrar, person, stage, "On the way")
        _move(registrar, person, "in_custody", REASON)
    return {
        "woman": woman,
        "child": child,
        "psychologist": make_staff(Role.PSYCHOLOGIST, centre_unit, username="psy"),
        "case_manager": manager,
        "teacher": make_staff(Role.TEACHER, centre_unit, username="teacher"),
        "security_liaison": make_staff(Role.SECURITY_LIAISON, centre_unit, username="liaison"),
    }


CARE_ROLES = ["psychologist", "case_manager", "teacher"]


def _ui(user: Any) -> Any:
    from django.test import Client

    from tests.registry.helpers import login

    return login(Client(), user)


def _api(user: Any) -> Any:
    from tests.api.conftest import token_client

    return token_client(user)


def _subject(custody: dict[str, Any], role: str) -> Any:
    return custody["child"] if role == "teacher" else custody["woman"]


@pytest.mark.parametrize("role", CARE_ROLES)
def test_a_care_role_sees_a_custody_only_as_restriction_applies_on_every_page(custody: Any, role: str) -> None:
    person = _subject(custody, role)
    client = _ui(custody[role])
    for url in (f"/persons/{person.uuid}/", f"/persons/{person.uuid}/timeline/", "/persons/?sort="):
        response = client.get(url)
        page = response.content.decode()
        assert CUSTODY not in page, url
        assert REASON not in page, url
        if role != "teacher" and response.status_code == 200:
            assert "Restriction applies" in page, url


@pytest.mark.parametrize("role", CARE_ROLES)
def test_a_care_role_cannot_filter_the_list_by_custody(custody: Any, role: str) -> None:
    person = _subject(custody, role)
    client = _ui(custody[role])
    everyone = client.get("/persons/?sort=").content.decode()
    assert person.case_number in everyone
    assert 'value="in_custody"' not in everyone
    # The value is dropped as invalid: the list is the same as without it.
    asked = client.get("/persons/?stage=in_custody").content.decode()
    assert re.findall(r"KZ-[0-9]+", asked) == re.findall(r"KZ-[0-9]+", everyone)
    api = _api(custody[role])
    assert api.get("/api/v1/persons/?stage=in_custody").status_code == 400


@pytest.mark.parametrize("role", CARE_ROLES)
def test_the_api_tells_a_care_role_restricted_in_detail_list_and_timeline(custody: Any, role: str) -> None:
    person = _subject(custody, role)
    api = _api(custody[role])
    detail = api.get(f"/api/v1/persons/{person.uuid}/").json()
    listed = {row["uuid"]: row for row in api.get("/api/v1/persons/?mine=false").json()["results"]}
    assert str(person.uuid) in listed
    if role == "teacher":  # a teacher sees no stage at all
        assert "stage" not in detail and "stage" not in listed[str(person.uuid)]
        assert api.get(f"/api/v1/persons/{person.uuid}/timeline/").status_code == 403
        return
    assert detail["stage"] == "restricted"
    assert detail["allowed_transitions"] == []
    assert listed[str(person.uuid)]["stage"] == "restricted"
    timeline = api.get(f"/api/v1/persons/{person.uuid}/timeline/").json()
    assert CUSTODY not in json.dumps(timeline) and REASON not in json.dumps(timeline)
    into = [e for e in timeline if e["to_stage"] == "restricted"]
    assert len(into) == 1 and into[0]["reason"] is None and into[0]["from_stage"] == "repatriated"
    assert "in_custody" not in json.dumps(timeline)


def test_the_security_liaison_sees_the_custody_and_its_reason_in_the_ui_and_the_api(custody: Any) -> None:
    person = custody["woman"]
    liaison = custody["security_liaison"]
    client = _ui(liaison)
    assert CUSTODY in client.get(f"/persons/{person.uuid}/").content.decode()
    timeline = client.get(f"/persons/{person.uuid}/timeline/").content.decode()
    assert CUSTODY in timeline and REASON in timeline
    listed = client.get("/persons/?stage=in_custody").content.decode()
    assert person.case_number in listed and 'value="in_custody"' in listed
    api = _api(liaison)
    assert api.get(f"/api/v1/persons/{person.uuid}/").json()["stage"] == "in_custody"
    rows = api.get("/api/v1/persons/?stage=in_custody").json()["results"]
    assert {r["stage"] for r in rows} == {"in_custody"}
    entries = api.get(f"/api/v1/persons/{person.uuid}/timeline/").json()
    assert any(e["to_stage"] == "in_custody" and e["reason"] == REASON for e in entries)


def test_leaving_custody_is_restricted_too_and_later_stages_show_again(custody: Any) -> None:
    person = custody["woman"]
    liaison = custody["security_liaison"]
    _move(liaison, person, "in_rehabilitation", RELEASE)
    api = _api(custody["psychologist"])
    assert api.get(f"/api/v1/persons/{person.uuid}/").json()["stage"] == "in_rehabilitation"
    entries = api.get(f"/api/v1/persons/{person.uuid}/timeline/").json()
    out = [e for e in entries if e["from_stage"] == "restricted"]
    assert out == [{**out[0], "to_stage": "in_rehabilitation", "reason": None}]
    page = _ui(custody["psychologist"]).get(f"/persons/{person.uuid}/timeline/").content.decode()
    assert RELEASE not in page and CUSTODY not in page


def test_a_refused_move_does_not_name_the_custody_to_the_case_manager(custody: Any) -> None:
    person = custody["woman"]
    api = _api(custody["case_manager"])
    person.refresh_from_db()
    response = api.post(
        f"/api/v1/persons/{person.uuid}/stage/",
        {"to_stage": "cleared", "reason": "A try", "version": person.version},
        format="json",
    )
    assert response.status_code == 400
    assert CUSTODY not in response.content.decode() and "Restriction applies" in response.content.decode()


def test_the_case_manager_gets_no_stage_form_on_a_restricted_stage(custody: Any) -> None:
    page = _ui(custody["case_manager"]).get(f"/persons/{custody['woman'].uuid}/timeline/").content.decode()
    assert "/stage/" not in page


def test_a_hand_made_post_to_the_stage_form_gets_no_form_back_that_would_name_the_custody(custody: Any) -> None:
    person = custody["woman"]
    person.refresh_from_db()
    response = _ui(custody["case_manager"]).post(
        f"/persons/{person.uuid}/stage/", {"to_stage": "cleared", "reason": "A try", "version": person.version}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="to_stage"' not in page and f'action="/persons/{person.uuid}/stage/"' not in page
    assert "Restriction applies" in page and CUSTODY not in page
    person.refresh_from_db()
    assert person.stage == "in_custody"


def test_a_case_export_shows_restriction_applies_and_refuses_a_custody_filter(custody: Any) -> None:
    from zhusan.reporting import case_exports

    field = case_exports.catalogue()["stage"]
    ctx = case_exports.RowContext(today=date.today(), script=case_exports.PRIMARY)
    assert field.value(custody["woman"], ctx) == "Restriction applies"
    with pytest.raises(case_exports.CaseExportError):
        case_exports.case_export_create(
            actor=Actor.system("tests", user=custody["case_manager"]),
            fields=["case_number", "stage"],
            filters=case_exports.ExportFilters(stage="in_custody"),
            fmt="csv",
            passphrase="a long passphrase",
        )


# --- Timeline reasons encrypted at rest ----------------------------------------------

MIGRATION = importlib.import_module("zhusan.registry.migrations.0008_encrypt_timeline_reason")


def _raw_reasons(person: Any) -> list[str]:
    """The stored reasons of a person's timeline, read past the field (no decryption)."""
    table = connection.ops.quote_name(TimelineEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reason FROM {table} WHERE person_id = %s ORDER BY id", [person.pk])  # noqa: S608 (a model's table)
        return [row[0] for row in cursor.fetchall()]


class _Editor:
    connection = connection


def test_the_timeline_reason_column_holds_no_clear_text(custody: Any) -> None:
    person = custody["woman"]
    raw = _raw_reasons(person)
    assert len(raw) == 1 + len(PATH) + 1  # registered, the path, the custody
    assert all(value.startswith("fernet:") for value in raw)
    assert not any(REASON in value or "On the way" in value for value in raw)
    assert person.timeline.filter(to_stage="in_custody").get().reason == REASON


def test_the_migration_encrypts_reasons_written_in_clear_and_the_reverse_decrypts_them(custody: Any) -> None:
    person = custody["woman"]
    table = connection.ops.quote_name(TimelineEntry._meta.db_table)
    with connection.cursor() as cursor:  # as rows were before the migration
        for entry in person.timeline.all():
            cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", [entry.reason, entry.pk])  # noqa: S608 (a model's table)
    assert REASON in _raw_reasons(person)

    MIGRATION.encrypt_rows(apps, _Editor())
    encrypted = _raw_reasons(person)
    assert all(value.startswith("fernet:") for value in encrypted)
    assert person.timeline.filter(to_stage="in_custody").get().reason == REASON
    MIGRATION.encrypt_rows(apps, _Editor())  # a second run changes nothing
    assert _raw_reasons(person) == encrypted

    MIGRATION.decrypt_rows(apps, _Editor())
    clear = _raw_reasons(person)
    assert REASON in clear and not any(value.startswith("fernet:") for value in clear)
    MIGRATION.decrypt_rows(apps, _Editor())  # and the reverse can be re-run too
    assert _raw_reasons(person) == clear
