"""A field is shown by one rule in the UI and the API: for every role that
reads persons, every field of every tab of the person page (as rendered HTML)
is visible exactly when the API's serializers return it.

Each text field of a child's record holds a marker of its own; a field is
"visible" on a side when its marker appears in what that side gave the role.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from zhusan.accounts.permissions import POLICIES, Role
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import CaseAssignment, Person

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login

READING_ROLES = sorted(r.value for r, p in POLICIES.items() if p.read)
TABS = ["person_detail", "person_names", "person_family", "person_documents", "person_locations", "person_timeline"]
API_PATHS = ["", "names/", "relationships/", "documents/", "evidence/", "stays/", "consents/", "timeline/"]
NOTE_COMPARTMENTS = ["health", "psychosocial", "religious", "justice_security"]

# Field → the marker its value holds.
MARKERS = {
    "person.place_of_birth": "PlaceMkQ",
    "person.languages": "LangMkQ",
    "person.lawful_basis_note": "BasisMkQ",
    "name.given": "Givenmkq",
    "name.family": "Familymkq",
    "name.patronymic": "Patronmkq",
    "evidence.reference": "LAB-MK-7731",
    "document.number": "DOC-MK-4410",
    "document.issuer": "IssuerMkQ",
    "stay.address": "AddressMkQ",
    "stay.section": "SectionMkQ",
    "consent.witnesses": "WitnessMkQ",
    "assent.views": "ViewsMkQ",
    "relationship.reference": "RelRefMkQ",
    "timeline.reason": "ReasonMkQ",
    **{f"note.{c}": f"Note{c.replace('_', '')}MkQ" for c in NOTE_COMPARTMENTS},
}

# Fields the person page does not display to anyone (so nothing to compare):
# the family tab lists the relation and how it was established, not the
# reference of the establishing document. Shown in the API by the same rule.
NOT_ON_THE_PAGE = {"relationship.reference"}


@pytest.fixture
def child(db: Any) -> dict[str, Any]:
    unit = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    by = Actor.system("tests", user=registrar)
    person = make_person(
        registrar,
        given=MARKERS["name.given"],
        family=MARKERS["name.family"],
        birth_year=timezone.localdate().year - 16,  # a child a teacher reaches, old enough for justice data
        place_of_birth=MARKERS["person.place_of_birth"],
        languages=MARKERS["person.languages"],
        lawful_basis_note=MARKERS["person.lawful_basis_note"],
    )
    person.names.update(patronymic=MARKERS["name.patronymic"])
    mother = make_person(registrar, given="Aisha", birth_year=1990)
    services.evidence_add(
        actor=by,
        person=person,
        topic="kinship",
        method="dna_kinship",
        outcome="confirmed",
        matched_relative=mother,
        reference=MARKERS["evidence.reference"],
    )
    services.document_add(
        actor=by,
        person=person,
        doc_type="passport",
        status="issued",
        number=MARKERS["document.number"],
        issuer=MARKERS["document.issuer"],
    )
    services.stay_add(
        actor=by, person=person, kind="home", address=MARKERS["stay.address"], section=MARKERS["stay.section"]
    )
    services.consent_record(
        actor=by,
        person=person,
        purpose="tracing",
        status="granted",
        given_by="parent",
        given_by_person=mother,
        witnesses=MARKERS["consent.witnesses"],
    )
    services.assent_record(actor=by, person=person, purpose="tracing", assent="agrees", views=MARKERS["assent.views"])
    services.relationship_add(
        actor=by,
        from_person=mother,
        to_person=person,
        kind="mother",
        established_by="dna_kinship",
        reference=MARKERS["relationship.reference"],
    )
    services.stage_change(
        actor=by, person=person, to_stage="verified", reason=MARKERS["timeline.reason"], expected_version=1
    )
    for compartment in NOTE_COMPARTMENTS:
        writer = make_staff(_writer_of(compartment), unit, username=f"writer-{compartment}")
        CaseAssignment.objects.create(person=person, user=writer)
        services.protected_note_add(
            actor=Actor.system("tests", user=writer),
            person=person,
            compartment=compartment,
            body=MARKERS[f"note.{compartment}"],
        )
    return {"unit": unit, "person": person}


def _writer_of(compartment: str) -> Role:
    return next(r for r, p in POLICIES.items() if compartment in p.write)


def _reader(role: str, child: dict[str, Any]) -> Any:
    user = make_staff(role, child["unit"], username=f"reader-{role}")
    CaseAssignment.objects.create(person=child["person"], user=user)  # own-scope roles reach the child too
    return user


def _ui_text(user: Any, person: Person) -> str:
    client = login(Client(), user)
    pages = [client.get(reverse(f"registry:{tab}", args=[person.uuid])) for tab in TABS]
    return "\n".join(p.content.decode() for p in pages if p.status_code == 200)


def _api_text(user: Any, person: Person) -> str:
    client = APIClient()
    client.force_authenticate(user)
    base = f"/api/v1/persons/{person.uuid}/"
    answers = [client.get(base + path) for path in API_PATHS]
    answers += [client.get(base + "notes/", {"compartment": c}) for c in NOTE_COMPARTMENTS]
    return "\n".join(json.dumps(a.json(), ensure_ascii=False) for a in answers if a.status_code == 200)


@pytest.mark.parametrize("role", READING_ROLES)
def test_every_field_of_every_tab_is_shown_by_the_same_rule_as_the_api(role: str, child: dict[str, Any]) -> None:
    user = _reader(role, child)
    ui, api = _ui_text(user, child["person"]), _api_text(user, child["person"])
    assert MARKERS["name.given"] in ui, "the reader should open the person page"
    differ = {
        field: {"ui": marker in ui, "api": marker in api}
        for field, marker in MARKERS.items()
        if (marker in ui) != (marker in api) and field not in NOT_ON_THE_PAGE
    }
    assert differ == {}, role
    assert [f for f in NOT_ON_THE_PAGE if MARKERS[f] in ui] == []


def test_the_dna_laboratory_reference_is_shown_only_to_those_who_keep_identity_data(child: dict[str, Any]) -> None:
    seen_by = set()
    for role in READING_ROLES:
        user = _reader(role, child)
        if MARKERS["evidence.reference"] in _ui_text(user, child["person"]):
            seen_by.add(role)
    assert seen_by == {r.value for r, p in POLICIES.items() if "identity" in p.write}
