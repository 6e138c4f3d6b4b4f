"""Listing and reading persons: scope, compartments and audit as in the UI."""

from __future__ import annotations

import pytest

from tests.factories import make_person, make_staff
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import EvidenceMethod, EvidenceOutcome, EvidenceTopic

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_persons_in_scope(alice, charlie, alice_api, charlie_api):
    mine = make_person(alice, given="Aisha")
    theirs = make_person(charlie, given="Madina", family="Serikova")

    alice_rows = alice_api.get("/api/v1/persons/").json()["results"]
    charlie_rows = charlie_api.get("/api/v1/persons/").json()["results"]

    assert [r["uuid"] for r in alice_rows] == [str(mine.uuid)]
    assert [r["uuid"] for r in charlie_rows] == [str(theirs.uuid)]


def test_a_list_row_carries_the_summary_fields(alice, alice_api):
    person = make_person(alice, given="Aisha", family="Nurlanova", birth_year=2015)
    row = alice_api.get("/api/v1/persons/").json()["results"][0]
    assert row["case_number"] == person.case_number
    assert row["primary_name"] == "Aisha Nurlanova"
    assert row["names"] == ["Aisha Nurlanova"]
    assert row["birth"]["precision"] == "year"
    assert row["birth"]["display"] == "2015"
    assert row["age"] == person.age()
    assert row["stage"] == "identified"
    assert row["version"] == 1


def test_the_list_filters_by_name_and_sex_and_is_audited_as_a_search(alice, alice_api):
    make_person(alice, given="Aisha", sex="female")
    make_person(alice, given="Timur", family="Bekov", sex="male")

    rows = alice_api.get("/api/v1/persons/", {"q": "timur"}).json()["results"]
    assert [r["primary_name"] for r in rows] == ["Timur Bekov"]
    rows = alice_api.get("/api/v1/persons/", {"sex": "female"}).json()["results"]
    assert [r["primary_name"] for r in rows] == ["Aisha Nurlanova"]
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_id=alice.pk, via="api").exists()


def test_the_list_refuses_an_unknown_filter_value(alice_api):
    response = alice_api.get("/api/v1/persons/", {"stage": "nowhere"})
    assert response.status_code == 400
    assert "stage" in response.json()


def test_the_list_is_paginated(alice, alice_api):
    for i in range(3):
        make_person(alice, given=f"Child{chr(65 + i)}")
    body = alice_api.get("/api/v1/persons/").json()
    assert body["count"] == 3
    assert body["next"] is None


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_roles_without_case_compartments_cannot_list_persons(role, centre_unit, alice):
    make_person(alice)
    user = make_staff(role, centre_unit)
    response = token_client(user).get("/api/v1/persons/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_id=user.pk).exists()


def test_a_person_out_of_scope_is_not_found_and_the_attempt_is_audited(alice, charlie, charlie_api):
    person = make_person(alice)
    response = charlie_api.get(f"/api/v1/persons/{person.uuid}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, actor_id=charlie.pk, person_ref=str(person.uuid), via="api"
    ).exists()
    assert not AuditEvent.objects.filter(action=Action.VIEW, actor_id=charlie.pk).exists()


def test_reading_a_person_is_audited_as_a_view(alice, alice_api):
    person = make_person(alice)
    response = alice_api.get(f"/api/v1/persons/{person.uuid}/", HTTP_USER_AGENT="zhusan-test")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.VIEW, actor_id=alice.pk, person_ref=str(person.uuid))
    assert event.via == "api"
    assert event.user_agent == "zhusan-test"


def test_the_detail_carries_an_etag_with_the_version(alice, alice_api):
    person = make_person(alice)
    response = alice_api.get(f"/api/v1/persons/{person.uuid}/")
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_a_case_manager_sees_every_core_compartment(alice, alice_api):
    person = make_person(alice)
    body = alice_api.get(f"/api/v1/persons/{person.uuid}/").json()
    for key in ("names", "relationships", "stays", "documents", "evidence", "consents", "assents"):
        assert key in body, key
    assert body["restriction_applies"] is False


def test_a_psychologist_sees_no_documents_or_stays(alice, bob_api):
    person = make_person(alice)
    services.document_add(
        actor=Actor.system("tests", user=alice), person=person, doc_type="passport", status="issued", number="N123"
    )
    response = bob_api.get(f"/api/v1/persons/{person.uuid}/")
    assert response.status_code == 200
    body = response.json()
    assert "documents" not in body
    assert "stays" not in body
    assert "N123" not in response.content.decode()
    assert "names" in body and "relationships" in body


def test_the_psychologist_cannot_list_documents_and_the_refusal_is_audited(alice, bob, bob_api):
    person = make_person(alice)
    response = bob_api.get(f"/api/v1/persons/{person.uuid}/documents/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, actor_id=bob.pk, person_ref=str(person.uuid)
    ).exists()


def test_the_dna_reference_is_shown_only_to_those_who_may_write_identity(alice, alice_api, bob_api):
    person = make_person(alice)
    services.evidence_add(
        actor=Actor.system("tests", user=alice),
        person=person,
        topic=EvidenceTopic.KINSHIP,
        method=EvidenceMethod.DNA_KINSHIP,
        outcome=EvidenceOutcome.CONFIRMED,
        reference="LAB-2019-0042",
    )
    mine = alice_api.get(f"/api/v1/persons/{person.uuid}/").json()
    bobs = bob_api.get(f"/api/v1/persons/{person.uuid}/").json()
    assert mine["evidence"][0]["reference"] == "LAB-2019-0042"
    assert bobs["evidence"][0]["outcome"] == "confirmed"
    assert "reference" not in bobs["evidence"][0]
    assert "LAB-2019-0042" not in str(bob_api.get(f"/api/v1/persons/{person.uuid}/evidence/").json())


def test_the_restriction_flag_shows_when_justice_notes_exist(alice, alice_api, centre_unit):
    person = make_person(alice, birth_year=1990)
    liaison = make_staff(Role.SECURITY_LIAISON, centre_unit)
    services.protected_note_add(
        actor=Actor.system("tests", user=liaison),
        person=person,
        compartment=Compartment.JUSTICE_SECURITY,
        body="Under investigation",
    )
    response = alice_api.get(f"/api/v1/persons/{person.uuid}/")
    assert response.json()["restriction_applies"] is True
    assert "Under investigation" not in response.content.decode()


def test_protected_notes_are_read_only_by_their_compartment(alice, bob, alice_api, bob_api):
    person = make_person(alice)
    services.protected_note_add(
        actor=Actor.system("tests", user=bob), person=person, compartment=Compartment.PSYCHOSOCIAL, body="Sleeps badly"
    )
    url = f"/api/v1/persons/{person.uuid}/notes/"

    assert "Sleeps badly" not in bob_api.get(f"/api/v1/persons/{person.uuid}/").content.decode()
    denied = alice_api.get(url, {"compartment": "psychosocial"})
    assert denied.status_code == 403
    assert "Sleeps badly" not in denied.content.decode()

    allowed = bob_api.get(url, {"compartment": "psychosocial"})
    assert allowed.status_code == 200
    assert [n["body"] for n in allowed.json()] == ["Sleeps badly"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_type="note", actor_id=bob.pk, person_ref=str(person.uuid)
    ).exists()


def test_a_note_needs_a_known_severe_compartment(alice, bob_api):
    person = make_person(alice)
    response = bob_api.get(f"/api/v1/persons/{person.uuid}/notes/", {"compartment": "identity"})
    assert response.status_code == 400
    assert "compartment" in response.json()


def test_the_timeline_lists_the_registration(alice, alice_api):
    person = make_person(alice)
    rows = alice_api.get(f"/api/v1/persons/{person.uuid}/timeline/").json()
    assert [(r["from_stage"], r["to_stage"], r["by"]) for r in rows] == [("", "identified", "alice")]


def test_the_list_costs_the_same_number_of_queries_for_more_persons(alice, alice_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert alice_api.get("/api/v1/persons/").status_code == 200
        return len(ctx.captured_queries)

    make_person(alice, given="Aisha")
    few = count()
    for i in range(5):
        make_person(alice, given=f"Child{chr(65 + i)}")
    assert count() == few
