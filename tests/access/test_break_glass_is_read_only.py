"""Break-the-glass reads and never writes: every write of the person, through
the UI and the API, is refused to a user who reaches the person only through
an emergency access, and every audit event of that access is marked.

Charlie, a case manager of another organisation, opens break-the-glass on a
person alice manages; charlie's own role writes the core case compartments,
so only the emergency nature of the access stands between charlie and a write.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import Household, IdentityEvidence, Person, PersonName, Site
from zhusan.registry.selectors import get_record_for_user

from ..api.conftest import token_client
from ..factories import make_person
from ..registry.helpers import login

WRITES = {Action.CREATE, Action.UPDATE, Action.DELETE}


@pytest.fixture
def emergency(alice: Any, charlie: Any) -> dict[str, Any]:
    """Alice's person (with a name, a document, a household), a person of
    charlie's own, and charlie's open break-the-glass access to alice's."""
    person = make_person(alice, given="Madina", birth_year=2014)
    by_alice = Actor.system("tests", user=alice)
    document = services.document_add(actor=by_alice, person=person, doc_type="birth_certificate", status="applied")
    household = services.household_create(actor=by_alice, label="Madina's family", members=[(person, "child")])
    services.evidence_add(
        actor=by_alice, person=person, topic="kinship", method="dna_kinship", outcome="confirmed", reference="LAB-7"
    )
    own = make_person(charlie, given="Zarina")
    services.break_glass_open(
        actor=Actor.system("tests", user=charlie), person=person, reason="Child taken to hospital at night"
    )
    return {
        "person": person,
        "name": person.names.get(),
        "document": document,
        "household": household,
        "own": own,
        "site": Site.objects.create(name="al-Hol", kind="camp", country="SY"),
    }


def _writes_to(person: Person) -> int:
    return AuditEvent.objects.filter(person_ref=str(person.uuid), action__in=WRITES).count()


def _ui_writes(e: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = e["person"].uuid
    name_args = [p, e["name"].uuid]
    return [
        (reverse("registry:person_edit", args=[p]), {"sex": "female", "version": 1, "lawful_basis": "consent"}),
        (reverse("registry:person_stage", args=[p]), {"to_stage": "verified", "reason": "Checked", "version": 1}),
        (reverse("registry:name_add", args=[p]), {"script": "latin", "kind": "alias", "given": "Aiya"}),
        (
            reverse("registry:name_edit", args=name_args),
            {"script": "latin", "kind": "legal", "given": "Mila", "version": 1},
        ),
        (reverse("registry:name_delete", args=name_args), {}),
        (
            reverse("registry:relationship_add", args=[p]),
            {"case_number": e["own"].case_number, "kind": "sibling", "established_by": "declared"},
        ),
        (reverse("registry:household_add", args=[p]), {"label": "New household", "role": "child"}),
        (
            reverse("registry:household_member_add", args=[p]),
            {"household": e["household"].pk, "case_number": e["own"].case_number, "role": "sibling"},
        ),
        (reverse("registry:document_add", args=[p]), {"doc_type": "passport", "status": "applied"}),
        (
            reverse("registry:evidence_add", args=[p]),
            {"topic": "kinship", "method": "dna_kinship", "outcome": "confirmed"},
        ),
        (reverse("registry:consent_add", args=[p]), {"purpose": "tracing", "status": "granted", "given_by": "parent"}),
        (reverse("registry:assent_add", args=[p]), {"purpose": "tracing", "assent": "agrees"}),
        (reverse("registry:stay_add", args=[p]), {"kind": "home", "address": "Aktau, microdistrict 12"}),
        (reverse("registry:note_add", args=[p]), {"compartment": "health", "body": "Seen at night."}),
    ]


def _api_writes(e: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/api/v1/persons/{e['person'].uuid}/"
    return [
        ("patch", base, {"place_of_birth": "Raqqa", "version": 1}),
        ("post", base + "stage/", {"to_stage": "verified", "reason": "Checked", "version": 1}),
        ("post", base + "names/", {"script": "latin", "kind": "alias", "given": "Aiya"}),
        ("patch", f"/api/v1/names/{e['name'].uuid}/", {"given": "Mila", "version": 1}),
        ("delete", f"/api/v1/names/{e['name'].uuid}/", {}),
        (
            "post",
            base + "relationships/",
            {"other_person": str(e["own"].uuid), "kind": "sibling", "established_by": "declared"},
        ),
        ("post", base + "documents/", {"doc_type": "passport", "status": "applied"}),
        ("patch", f"/api/v1/documents/{e['document'].uuid}/", {"number": "P-1", "version": 1}),
        ("post", base + "evidence/", {"topic": "kinship", "method": "dna_kinship", "outcome": "confirmed"}),
        ("post", base + "stays/", {"kind": "camp", "site": str(e["site"].uuid)}),
        ("post", base + "consents/", {"purpose": "tracing", "status": "granted", "given_by": "parent"}),
        ("post", base + "assents/", {"purpose": "tracing", "assent": "agrees"}),
        ("post", base + "notes/", {"compartment": "health", "body": "Seen at night."}),
    ]


UI_COUNT, API_COUNT = 14, 13


@pytest.mark.parametrize("index", range(UI_COUNT))
def test_every_ui_write_of_the_person_is_refused_under_break_the_glass(
    client: Client, charlie: Any, emergency: dict[str, Any], index: int
) -> None:
    person = emergency["person"]
    url, data = _ui_writes(emergency)[index]
    before = (_writes_to(person), person.names.count(), Household.objects.count())
    response = login(client, charlie).post(url, data)
    assert response.status_code == 403, (url, response.status_code)
    assert (_writes_to(person), person.names.count(), Household.objects.count()) == before
    person.refresh_from_db()
    assert (person.version, person.stage) == (1, "identified")


@pytest.mark.parametrize("index", range(API_COUNT))
def test_every_api_write_of_the_person_is_refused_under_break_the_glass(
    charlie: Any, emergency: dict[str, Any], index: int
) -> None:
    person = emergency["person"]
    method, url, data = _api_writes(emergency)[index]
    before = (_writes_to(person), person.names.count())
    response = getattr(token_client(charlie), method)(url, data, format="json")
    assert response.status_code == 403, (method, url, response.status_code, response.content[:300])
    assert (_writes_to(person), person.names.count()) == before
    person.refresh_from_db()
    assert (person.version, person.stage) == (1, "identified")


def test_the_lists_of_writes_cover_every_write_route_of_the_person(emergency: dict[str, Any]) -> None:
    assert len(_ui_writes(emergency)) == UI_COUNT
    assert len(_api_writes(emergency)) == API_COUNT


def test_the_stage_service_itself_refuses_break_the_glass(charlie: Any, emergency: dict[str, Any]) -> None:
    person = emergency["person"]
    with pytest.raises(services.Denied, match="read-only"):
        services.stage_change(
            actor=Actor.system("tests", user=charlie),
            person=person,
            to_stage="verified",
            reason="Checked",
            expected_version=1,
        )
    person.refresh_from_db()
    assert person.stage == "identified"


def test_the_same_user_still_writes_persons_in_their_own_scope(charlie: Any, emergency: dict[str, Any]) -> None:
    own = emergency["own"]
    services.stage_change(
        actor=Actor.system("tests", user=charlie), person=own, to_stage="verified", reason="Checked", expected_version=1
    )
    own.refresh_from_db()
    assert own.stage == "verified"
    assert "break_glass" not in AuditEvent.objects.get(action=Action.UPDATE, person_ref=str(own.uuid)).detail


def test_every_event_during_break_the_glass_carries_the_mark(
    client: Client, charlie: Any, emergency: dict[str, Any]
) -> None:
    person = emergency["person"]
    opened = AuditEvent.objects.get(action=Action.BREAK_GLASS, person_ref=str(person.uuid)).seq
    login(client, charlie)
    for name in ["person_detail", "person_names", "person_family", "person_documents", "person_locations"]:
        assert client.get(reverse(f"registry:{name}", args=[person.uuid])).status_code == 200
    api = token_client(charlie)
    for path in ["", "names/", "documents/", "evidence/", "timeline/", "consents/"]:
        assert api.get(f"/api/v1/persons/{person.uuid}/{path}").status_code == 200
    for method, url, data in _api_writes(emergency)[:3]:
        getattr(api, method)(url, data, format="json")
    for url, data in _ui_writes(emergency)[:3]:
        client.post(url, data)
    events = list(AuditEvent.objects.filter(seq__gt=opened, actor_username="charlie", person_ref=str(person.uuid)))
    assert {e.action for e in events} >= {Action.VIEW, Action.PERMISSION_DENIED}
    assert len(events) > 15
    assert [e.seq for e in events if not e.detail.get("break_glass")] == []


def test_a_break_the_glass_read_of_a_record_is_marked(charlie: Any, emergency: dict[str, Any]) -> None:
    person = emergency["person"]
    evidence = IdentityEvidence.objects.get(person=person)
    get_record_for_user(Actor.system("tests", user=charlie), IdentityEvidence, evidence.uuid)
    event = AuditEvent.objects.filter(action=Action.VIEW, object_type="evidence").latest("seq")
    assert event.detail.get("break_glass") is True


def test_events_of_staff_in_scope_carry_no_mark(alice: Any, emergency: dict[str, Any]) -> None:
    person = emergency["person"]
    assert token_client(alice).get(f"/api/v1/persons/{person.uuid}/").status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW, person_ref=str(person.uuid)).latest("seq")
    assert event.actor_username == "alice"
    assert "break_glass" not in event.detail


def test_names_are_untouched_after_every_refused_write(client: Client, charlie: Any, emergency: dict[str, Any]) -> None:
    person = emergency["person"]
    login(client, charlie)
    for url, data in _ui_writes(emergency):
        client.post(url, data)
    api = token_client(charlie)
    for method, url, data in _api_writes(emergency):
        getattr(api, method)(url, data, format="json")
    assert list(PersonName.objects.filter(person=person).values_list("given", flat=True)) == ["Madina"]
    assert _writes_to(person) == 4  # alice's registration, document, household and evidence
