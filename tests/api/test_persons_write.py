"""Registering and changing persons through the API: validation, atomicity,
optimistic concurrency and the lifecycle."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Person, PersonName

pytestmark = pytest.mark.django_db

GOOD = {
    "sex": "female",
    "lawful_basis": "public_interest",
    "birth_precision": "year",
    "birth_year": 2016,
    "names": [{"script": "latin", "kind": "legal", "given": "Aisha", "family": "Nurlanova"}],
    "vulnerabilities": ["orphan"],
    "nationalities": [{"country": "kz", "status": "claimed"}],
}


def _with(**changes):
    return {**GOOD, **changes}


def test_a_case_manager_registers_a_person(alice, alice_api):
    response = alice_api.post("/api/v1/persons/", GOOD, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(uuid=body["uuid"])
    assert person.managing_unit == alice.unit
    assert body["primary_name"] == "Aisha Nurlanova"
    assert body["vulnerabilities"] == ["orphan"]
    assert body["nationalities"] == [{"country": "KZ", "status": "claimed"}]
    assert response["ETag"] == '"1"'
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="person", person_ref=str(person.uuid))
    assert event.via == "api"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_with(lawful_basis=None), "lawful_basis"),
        ({k: v for k, v in GOOD.items() if k != "lawful_basis"}, "lawful_basis"),
        ({k: v for k, v in GOOD.items() if k != "sex"}, "sex"),
        (_with(names=[]), "names"),
        (_with(names="Aisha"), "names"),
        (_with(birth_year="two thousand"), "birth_year"),
        (_with(birth_precision="exact"), "birth_month"),
        (_with(birth_precision="year", birth_year=2016, birth_month=3), "birth_month"),
        (_with(sex="woman"), "sex"),
        (_with(vulnerabilities=["risky"]), "vulnerabilities"),
        (_with(names=[{"script": "latin", "kind": "legal", "given": "<script>alert(1)</script>"}]), "given"),
        (
            _with(names=[{"script": "latin", "kind": "legal", "given": "A" * (settings.ZHUSAN_MAX_NAME_LENGTH + 1)}]),
            "names",
        ),
        (_with(names=[{"script": "latin", "kind": "legal", "given": ""}]), "given"),
        (_with(risk_score=5), "risk_score"),
        (_with(names=[{"script": "latin", "kind": "legal", "given": "Aisha", "nickname": "A"}]), "names"),
        (_with(managing_unit="not-a-uuid"), "managing_unit"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_written(alice_api, payload, field):
    persons, names, events = Person.objects.count(), PersonName.objects.count(), AuditEvent.objects.count()
    response = alice_api.post("/api/v1/persons/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json()), response.json()
    assert Person.objects.count() == persons
    assert PersonName.objects.count() == names
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()
    assert AuditEvent.objects.count() == events


def test_a_script_tag_in_a_name_gets_a_clear_message(alice_api):
    payload = _with(names=[{"script": "latin", "kind": "legal", "given": "<script>"}])
    response = alice_api.post("/api/v1/persons/", payload, format="json")
    assert response.status_code == 400
    assert "LESS-THAN SIGN (U+003C) is not allowed in a name" in response.json()["names"]["0"]["given"][0]
    assert Person.objects.count() == 0


def test_a_person_cannot_be_managed_by_another_organisations_unit(alice_api, other_unit):
    response = alice_api.post("/api/v1/persons/", _with(managing_unit=str(other_unit.uuid)), format="json")
    assert response.status_code == 400
    assert "managing_unit" in response.json()
    assert Person.objects.count() == 0


def test_a_psychologist_cannot_register_persons(bob_api):
    response = bob_api.post("/api/v1/persons/", GOOD, format="json")
    assert response.status_code == 403
    assert Person.objects.count() == 0


# --- PATCH and versions ------------------------------------------------------


def test_a_patch_with_the_current_version_in_if_match_succeeds(alice, alice_api):
    person = make_person(alice)
    response = alice_api.patch(
        f"/api/v1/persons/{person.uuid}/", {"place_of_birth": "Raqqa"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("Raqqa", 2)
    assert AuditEvent.objects.filter(action=Action.UPDATE, person_ref=str(person.uuid), via="api").exists()


def test_a_patch_with_the_version_in_the_body_succeeds(alice, alice_api):
    person = make_person(alice)
    response = alice_api.patch(f"/api/v1/persons/{person.uuid}/", {"version": 1, "languages": "kk, ru"}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.languages == "kk, ru"


def test_a_patch_without_a_version_is_refused_with_428(alice, alice_api):
    person = make_person(alice)
    response = alice_api.patch(f"/api/v1/persons/{person.uuid}/", {"place_of_birth": "Raqqa"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("", 1)


def test_a_patch_with_a_stale_version_is_refused_with_409_and_nothing_written(alice, alice_api):
    person = make_person(alice)
    url = f"/api/v1/persons/{person.uuid}/"
    assert alice_api.patch(url, {"version": 1, "place_of_birth": "Raqqa"}, format="json").status_code == 200
    updates = AuditEvent.objects.filter(action=Action.UPDATE).count()

    response = alice_api.patch(url, {"version": 1, "place_of_birth": "Mosul"}, format="json")

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("Raqqa", 2)
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == updates


def test_two_clients_editing_the_same_version_lose_no_update(alice, alice_api):
    from .conftest import token_client

    person = make_person(alice)
    url = f"/api/v1/persons/{person.uuid}/"
    other_tab = token_client(alice)
    first_read = alice_api.get(url)["ETag"]
    second_read = other_tab.get(url)["ETag"]
    assert first_read == second_read == '"1"'

    a = alice_api.patch(url, {"place_of_birth": "Raqqa"}, format="json", HTTP_IF_MATCH=first_read)
    b = other_tab.patch(url, {"place_of_birth": "Hasakah"}, format="json", HTTP_IF_MATCH=second_read)

    assert sorted([a.status_code, b.status_code]) == [200, 409]
    person.refresh_from_db()
    assert person.place_of_birth == "Raqqa"
    assert person.version == 2


def test_conflicting_versions_in_header_and_body_are_refused(alice, alice_api):
    person = make_person(alice)
    response = alice_api.patch(
        f"/api/v1/persons/{person.uuid}/", {"version": 2, "languages": "kk"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.languages == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"case_number": "KZ-999999"}, "case_number"),
        ({"birth_month": 13}, "birth_month"),
        ({"birth_month": 3}, "birth_month"),
        ({"sex": 7}, "sex"),
        ({"stage": "closed"}, "stage"),
    ],
)
def test_a_bad_patch_is_refused_and_nothing_changes(alice, alice_api, payload, field):
    person = make_person(alice)
    response = alice_api.patch(f"/api/v1/persons/{person.uuid}/", {**payload, "version": 1}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    person.refresh_from_db()
    assert person.version == 1
    assert (person.birth_month, person.stage) == (None, "identified")


def test_a_psychologist_cannot_patch_identity_fields(alice, bob_api):
    person = make_person(alice)
    response = bob_api.patch(f"/api/v1/persons/{person.uuid}/", {"version": 1, "languages": "ru"}, format="json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.version == 1


def test_an_outsider_cannot_patch_and_learns_nothing(alice, charlie_api):
    person = make_person(alice)
    response = charlie_api.patch(f"/api/v1/persons/{person.uuid}/", {"version": 1, "languages": "ru"}, format="json")
    assert response.status_code == 404


# --- Lifecycle ----------------------------------------------------------------


def test_an_allowed_stage_transition_is_made_and_recorded(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/stage/",
        {"to_stage": "verified", "reason": "DNA kinship confirmed", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "verified"
    assert response["ETag"] == '"2"'
    timeline = alice_api.get(f"/api/v1/persons/{person.uuid}/timeline/").json()
    assert timeline[0]["to_stage"] == "verified"
    assert timeline[0]["reason"] == "DNA kinship confirmed"


def test_a_stage_transition_outside_the_lifecycle_is_refused(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/stage/",
        {"to_stage": "closed", "reason": "skip ahead", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot move" in str(response.json()["to_stage"])
    person.refresh_from_db()
    assert (person.stage, person.version) == ("identified", 1)


def test_a_stage_change_needs_a_reason_and_a_version(alice, alice_api):
    person = make_person(alice)
    url = f"/api/v1/persons/{person.uuid}/stage/"
    assert alice_api.post(url, {"to_stage": "verified", "reason": "ok"}, format="json").status_code == 428
    response = alice_api.post(url, {"to_stage": "verified", "reason": "", "version": 1}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    person.refresh_from_db()
    assert person.stage == "identified"


def test_a_psychologist_cannot_change_the_stage(alice, bob_api):
    person = make_person(alice)
    response = bob_api.post(
        f"/api/v1/persons/{person.uuid}/stage/",
        {"to_stage": "verified", "reason": "why not", "version": 1},
        format="json",
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.stage == "identified"
