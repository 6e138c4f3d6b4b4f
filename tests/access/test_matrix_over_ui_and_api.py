"""The permission matrix again, through the interfaces: for every role, every
compartment, read and write, in scope and out of scope, over the REST API and
the browser UI. Expected values come from the hand-written EXPECTED table."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import CaseAssignment

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login
from .test_permission_matrix import CHILD_BORN, COMPARTMENTS, EXPECTED, REACHES_OTHER_ORGANISATIONS, R, W

# Where each compartment shows in the API detail, and which UI tab shows it.
DETAIL_KEY = {"identity": "names", "family": "relationships", "contact_location": "stays", "documents": "documents"}
UI_TAB = {"identity": "names", "family": "family", "contact_location": "locations"}
# The "identity and documents" tab opens with identity; document rows show only with documents.
DOCUMENT_MARKER = "DOC-MARKER-0042"
SEVERE = ["health", "psychosocial", "religious", "justice_security"]


def write_request(compartment: str, relative_uuid: str) -> tuple[str, dict]:
    return {
        "identity": ("names/", {"script": "latin", "kind": "alias", "given": "Aiya"}),
        "family": ("relationships/", {"other_person": relative_uuid, "kind": "sibling", "established_by": "declared"}),
        "contact_location": ("stays/", {"kind": "home", "address": "Aktau, microdistrict 12"}),
        "documents": ("documents/", {"doc_type": "birth_certificate", "status": "applied"}),
    }.get(compartment, ("notes/", {"compartment": compartment, "body": "Seen today."}))


@pytest.fixture
def world(db):
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    away = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="registrar")
    far = make_staff(Role.CONSULAR_OFFICER, away, username="far-registrar")
    # Children, so that a teacher's scope (pupils under 18) reaches them too.
    inside = make_person(registrar, unit=home, birth_year=CHILD_BORN)
    outside = make_person(far, unit=away, given="Zhanna", birth_year=CHILD_BORN)
    for who, person in ((registrar, inside), (far, outside)):
        services.document_add(
            actor=Actor.system("tests", user=who), person=person, doc_type="passport", status="issued",
            number=DOCUMENT_MARKER,
        )  # fmt: skip
    return {
        "home": home,
        "inside": inside,
        "relative": make_person(registrar, unit=home, given="Dana", birth_year=1992),
        "outside": outside,
        "outside_relative": make_person(far, unit=away, given="Saule", birth_year=1993),
    }


def expected_status(can: bool, visible: bool) -> set[int]:
    if can:
        return {200, 201}
    return {403, 404} if visible else {404, 403}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_the_api_enforces_the_matrix(world, role, where):
    user = make_staff(role, world["home"], username=f"api-{role}")
    if role == "case_manager":
        for key in ("inside", "relative"):
            CaseAssignment.objects.create(person=world[key], user=user)
    person = world[where]
    relative = world["relative" if where == "inside" else "outside_relative"]
    in_reach = where == "inside" or role in REACHES_OTHER_ORGANISATIONS
    rights = dict(zip(COMPARTMENTS, EXPECTED[role], strict=True))
    client = APIClient()
    client.force_authenticate(user)
    base = f"/api/v1/persons/{person.uuid}/"

    detail = client.get(base)
    visible = in_reach and rights["identity"] in (R, W)
    assert detail.status_code == (200 if visible else (403 if not any(v != "-" for v in rights.values()) else 404)) or (
        not visible and detail.status_code in (403, 404)
    ), (role, where, detail.status_code)
    for compartment in COMPARTMENTS:
        can_read = in_reach and rights[compartment] in (R, W)
        can_write = in_reach and rights[compartment] == W
        if compartment in DETAIL_KEY and visible:
            assert (DETAIL_KEY[compartment] in detail.json()) is can_read, (role, where, compartment, "read")
        if compartment in SEVERE:
            notes = client.get(f"{base}notes/", {"compartment": compartment})
            assert (notes.status_code == 200) is can_read, (role, where, compartment, notes.status_code)
        path, body = write_request(compartment, str(relative.uuid))
        written = client.post(base + path, body, format="json")
        assert (written.status_code == 201) is can_write, (role, where, compartment, written.status_code, written.data)
        if not can_write:
            assert written.status_code in (403, 404), (role, where, compartment, written.status_code)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_the_ui_enforces_the_matrix(world, role, where):
    user = make_staff(role, world["home"], username=f"ui-{role}")
    if role == "case_manager":
        CaseAssignment.objects.create(person=world["inside"], user=user)
    person = world[where]
    in_reach = where == "inside" or role in REACHES_OTHER_ORGANISATIONS
    rights = dict(zip(COMPARTMENTS, EXPECTED[role], strict=True))
    client = login(Client(), user)
    for compartment, tab in UI_TAB.items():
        can_read = in_reach and rights[compartment] in (R, W)
        response = client.get(f"/persons/{person.uuid}/{tab}/")
        assert (response.status_code == 200) is can_read, (role, where, compartment, response.status_code)
        if not can_read:
            assert response.status_code in (403, 404)
    documents_tab = client.get(f"/persons/{person.uuid}/documents/")
    # The tab shows identity evidence and consents: a teacher's field mask withholds them.
    shows_evidence = rights["identity"] in (R, W) and role != "teacher"
    assert (documents_tab.status_code == 200) is (in_reach and shows_evidence)
    can_read_documents = in_reach and rights["documents"] in (R, W)
    assert (DOCUMENT_MARKER in documents_tab.content.decode()) is can_read_documents, (role, where)
