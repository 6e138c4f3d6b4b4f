"""Names, relationships, documents, evidence, stays, consents, assents and notes."""

from __future__ import annotations

import pytest

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import (
    ChildAssent,
    Consent,
    Document,
    IdentityEvidence,
    LocationStay,
    PersonName,
    ProtectedNote,
    Relationship,
    Site,
)

pytestmark = pytest.mark.django_db


def test_a_name_is_added_changed_and_removed(alice, alice_api):
    person = make_person(alice)
    url = f"/api/v1/persons/{person.uuid}/names/"
    added = alice_api.post(url, {"script": "latin", "kind": "kunya", "given": "Umm Ali"}, format="json")
    assert added.status_code == 201, added.json()
    name_url = f"/api/v1/names/{added.json()['uuid']}/"

    changed = alice_api.patch(name_url, {"given": "Umm Yusuf", "version": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["kind"] == "kunya"
    assert [n["given"] for n in alice_api.get(url).json()] == ["Aisha", "Umm Yusuf"]

    assert alice_api.delete(name_url).status_code == 204
    assert PersonName.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="name", via="api").exists()


def test_the_last_name_cannot_be_removed(alice, alice_api):
    person = make_person(alice)
    name = person.names.get()
    response = alice_api.delete(f"/api/v1/names/{name.uuid}/")
    assert response.status_code == 400
    assert PersonName.objects.filter(pk=name.pk).exists()


def test_a_bad_name_change_writes_nothing(alice, alice_api):
    person = make_person(alice)
    name = person.names.get()
    response = alice_api.patch(f"/api/v1/names/{name.uuid}/", {"given": "<b>x</b>", "version": 1}, format="json")
    assert response.status_code == 400
    name.refresh_from_db()
    assert name.given == "Aisha"


def test_a_psychologist_cannot_add_names(alice, bob_api):
    person = make_person(alice)
    response = bob_api.post(
        f"/api/v1/persons/{person.uuid}/names/", {"script": "latin", "kind": "alias", "given": "X"}, format="json"
    )
    assert response.status_code == 403
    assert person.names.count() == 1


def test_an_outsider_cannot_touch_a_name(alice, charlie_api):
    name = make_person(alice).names.get()
    assert charlie_api.patch(f"/api/v1/names/{name.uuid}/", {"given": "Z"}, format="json").status_code == 404
    assert charlie_api.delete(f"/api/v1/names/{name.uuid}/").status_code == 404


def test_a_relationship_links_two_persons_in_scope(alice, alice_api):
    child = make_person(alice, given="Ali", birth_year=2016)
    mother = make_person(alice, given="Aisha")
    response = alice_api.post(
        f"/api/v1/persons/{child.uuid}/relationships/",
        {"other_person": str(mother.uuid), "kind": "mother", "established_by": "declared"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    rel = Relationship.objects.get()
    assert (rel.from_person, rel.kind, rel.to_person) == (mother, "mother", child)
    listed = alice_api.get(f"/api/v1/persons/{mother.uuid}/relationships/").json()
    assert [(r["from_person"], r["kind"]) for r in listed] == [(str(mother.uuid), "mother")]


def test_a_relationship_to_someone_out_of_scope_is_refused(alice, charlie, alice_api):
    child = make_person(alice)
    stranger = make_person(charlie)
    response = alice_api.post(
        f"/api/v1/persons/{child.uuid}/relationships/",
        {"other_person": str(stranger.uuid), "kind": "mother", "established_by": "declared"},
        format="json",
    )
    assert response.status_code == 400
    assert "other_person" in response.json()
    assert not Relationship.objects.exists()


def test_a_document_is_added_and_updated(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/documents/",
        {"doc_type": "birth_certificate", "status": "applied", "applied_on": "2020-02-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    doc_url = f"/api/v1/documents/{response.json()['uuid']}/"
    changed = alice_api.patch(
        doc_url, {"status": "issued", "issued_on": "2020-05-01", "number": "I-77", "version": 1}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert Document.objects.get().number == "I-77"
    assert [d["status"] for d in alice_api.get(f"/api/v1/persons/{person.uuid}/documents/").json()] == ["issued"]


def test_a_document_expiring_before_issue_is_refused(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/documents/",
        {"doc_type": "passport", "status": "issued", "issued_on": "2020-05-01", "expires_on": "2019-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_evidence_records_a_dna_outcome_with_its_lab_reference(alice, alice_api):
    child = make_person(alice, given="Ali", birth_year=2016)
    grandmother = make_person(alice, given="Gulnara", birth_year=1960)
    response = alice_api.post(
        f"/api/v1/persons/{child.uuid}/evidence/",
        {
            "topic": "kinship",
            "method": "dna_kinship",
            "outcome": "confirmed",
            "matched_relative": str(grandmother.uuid),
            "reference": "LAB-7",
            "decision": "accepted",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    evidence = IdentityEvidence.objects.get()
    assert evidence.matched_relative == grandmother
    assert evidence.decided_by == alice
    assert alice_api.get(f"/api/v1/persons/{child.uuid}/evidence/").json()[0]["reference"] == "LAB-7"


def test_evidence_refuses_a_genetic_profile_field(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/evidence/",
        {"topic": "kinship", "method": "dna_kinship", "outcome": "confirmed", "profile": "D8S1179 13,14"},
        format="json",
    )
    assert response.status_code == 400
    assert "profile" in response.json()
    assert not IdentityEvidence.objects.exists()


def test_a_stay_needs_a_site_or_an_address(alice, alice_api):
    person = make_person(alice)
    site = Site.objects.create(name="al-Hol", kind="camp", country="SY")
    url = f"/api/v1/persons/{person.uuid}/stays/"
    assert alice_api.post(url, {"kind": "camp"}, format="json").status_code == 400
    assert not LocationStay.objects.exists()
    response = alice_api.post(url, {"kind": "camp", "site": str(site.uuid), "section": "Annex 5"}, format="json")
    assert response.status_code == 201, response.json()
    assert alice_api.get(url).json()[0]["site_name"] == "al-Hol"
    by_site = alice_api.get("/api/v1/persons/", {"site": str(site.uuid)}).json()["results"]
    assert [r["uuid"] for r in by_site] == [str(person.uuid)]


def test_consent_and_the_childs_assent_are_recorded_apart(alice, alice_api):
    child = make_person(alice, given="Ali", birth_year=2015)
    mother = make_person(alice, given="Aisha")
    consent = alice_api.post(
        f"/api/v1/persons/{child.uuid}/consents/",
        {"purpose": "tracing", "status": "granted", "given_by": "parent", "given_by_person": str(mother.uuid)},
        format="json",
    )
    assert consent.status_code == 201, consent.json()
    assent = alice_api.post(
        f"/api/v1/persons/{child.uuid}/assents/",
        {"purpose": "tracing", "assent": "agrees", "views": "Wants to see grandmother"},
        format="json",
    )
    assert assent.status_code == 201, assent.json()
    body = alice_api.get(f"/api/v1/persons/{child.uuid}/consents/").json()
    assert [c["given_by_person"] for c in body["consents"]] == [str(mother.uuid)]
    assert [a["assent"] for a in body["assents"]] == ["agrees"]


def test_a_child_cannot_consent_for_themselves(alice, alice_api):
    child = make_person(alice, given="Ali", birth_year=2015)
    response = alice_api.post(
        f"/api/v1/persons/{child.uuid}/consents/",
        {"purpose": "tracing", "status": "granted", "given_by": "self"},
        format="json",
    )
    assert response.status_code == 400
    assert "given_by" in response.json()
    assert not Consent.objects.exists()


def test_assent_is_only_for_children(alice, alice_api):
    adult = make_person(alice, birth_year=1990)
    response = alice_api.post(
        f"/api/v1/persons/{adult.uuid}/assents/", {"purpose": "tracing", "assent": "agrees"}, format="json"
    )
    assert response.status_code == 400
    assert not ChildAssent.objects.exists()


def test_a_psychologist_adds_a_psychosocial_note_but_not_a_health_one(alice, bob_api):
    person = make_person(alice)
    url = f"/api/v1/persons/{person.uuid}/notes/"
    ok = bob_api.post(url, {"compartment": "psychosocial", "body": "First session"}, format="json")
    assert ok.status_code == 201, ok.json()
    refused = bob_api.post(url, {"compartment": "health", "body": "BP 120/80"}, format="json")
    assert refused.status_code == 403
    assert list(ProtectedNote.objects.values_list("compartment", flat=True)) == ["psychosocial"]


def test_a_case_manager_cannot_add_a_note_of_a_compartment_it_cannot_write(alice, alice_api):
    person = make_person(alice)
    response = alice_api.post(
        f"/api/v1/persons/{person.uuid}/notes/", {"compartment": "psychosocial", "body": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not ProtectedNote.objects.exists()
