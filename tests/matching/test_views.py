"""Review pages: reachable by reviewers, 403 for a teacher; actions work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.matching import services
from zhusan.matching.models import DuplicateStatus, MergeRecord, TracingMatchStatus, TracingRequest
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose, RecordType, Relationship, Script

from ..factories import make_person, make_staff
from ..registry.helpers import login


def actor(user):
    return Actor.system("tests", user=user)


@pytest.fixture
def candidate(alice):
    make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    lat = make_person(alice, given="Aysha", family="Nurlanov", birth_year=1995)
    (found,) = services.duplicates_check(actor=actor(alice), person=lat)
    return found


@pytest.mark.parametrize("name", ["matching:duplicate_list", "matching:tracing_list", "matching:tracing_create"])
def test_reviewers_reach_the_review_pages(client: Client, alice, centre_unit, name):
    for user in (
        alice,
        make_staff(Role.CONSULAR_OFFICER, centre_unit),
        make_staff(Role.PROGRAMME_MANAGER, centre_unit),
    ):
        login(client, user)
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    "name", ["matching:duplicate_list", "matching:tracing_list", "matching:tracing_create", "matching:check"]
)
def test_a_teacher_gets_403_on_the_review_pages(client: Client, centre_unit, name):
    login(client, make_staff(Role.TEACHER, centre_unit))
    assert client.get(reverse(name)).status_code == 403


def test_a_teacher_cannot_open_or_decide_a_candidate(client: Client, centre_unit, candidate):
    login(client, make_staff(Role.TEACHER, centre_unit))
    assert client.get(candidate.get_absolute_url()).status_code == 403
    assert client.post(reverse("matching:duplicate_same", args=[candidate.uuid])).status_code == 403
    assert MergeRecord.objects.count() == 0


def test_the_queue_shows_the_evidence_and_the_side_by_side_page_both_records(client: Client, alice, candidate):
    login(client, alice)
    page = client.get(reverse("matching:duplicate_list")).content.decode()
    assert candidate.person_a.case_number in page and "Born in the same year" in page and "weight" not in page.lower()
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert "Айша" in page and "Aysha" in page
    assert "Same person" in page and "Different people" in page


def test_same_person_then_undo_from_the_page(client: Client, alice, candidate):
    login(client, alice)
    response = client.post(reverse("matching:duplicate_same", args=[candidate.uuid]))
    assert response.status_code == 302
    merge = MergeRecord.objects.get()
    assert "Undo" in client.get(candidate.get_absolute_url()).content.decode()
    client.post(reverse("matching:merge_undo", args=[candidate.uuid]))
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_different_people_from_the_page_is_remembered(client: Client, alice, candidate):
    login(client, alice)
    client.post(reverse("matching:duplicate_different", args=[candidate.uuid]))
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DIFFERENT
    assert candidate.person_a.case_number not in client.get(reverse("matching:duplicate_list")).content.decode()


def test_check_before_saving_shows_likely_existing_records(client: Client, alice):
    existing = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    login(client, alice)
    data = {"given": "Aisha", "family": "Nurlanova", "sex": "female", "birth_precision": "year", "birth_year": "1995"}
    page = client.post(reverse("matching:check"), data).content.decode()
    assert existing.case_number in page
    assert AuditEvent.objects.filter(action=Action.SEARCH, detail__purpose="duplicates_before_create").exists()


def test_the_create_form_runs_the_check_inline_before_saving(client: Client, alice):
    existing = make_person(alice, given="Aisha", family="Nurlanova", birth_year=1995)
    login(client, alice)
    data = {
        "lawful_basis": "public_interest",
        "kind": "legal",
        "given": "Айша",
        "family": "Нурланова",
        "sex": "female",
        "birth_precision": "year",
        "birth_year": "1995",
        "managing_unit": str(alice.unit.uuid),
    }
    page = client.post(reverse("registry:person_create"), data).content.decode()
    assert "Possible existing record" in page
    assert existing.get_absolute_url() in page


def test_a_tracing_request_from_the_form_is_matched_and_confirmed(client: Client, alice):
    grandmother = make_person(
        alice, given="Gulnar", family="Serikova", birth_year=1958, record_type=RecordType.RELATIVE, stage=None
    )
    daughter = make_person(alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990)
    registry.consent_record(
        actor=actor(alice), person=daughter, purpose=ConsentPurpose.TRACING, status="granted", given_by="self"
    )
    login(client, alice)
    form = {
        "given": "Zhanar",
        "family": "Serikova",
        "sex": "female",
        "birth_year": "1990",
        "relation_to_inquirer": "mother",
        "managing_unit": str(alice.unit.uuid),
    }
    # The inquirer is found with the picker (type, Find, choose), not a typed case number.
    found = client.post(reverse("matching:tracing_create"), {**form, "find": "Gulnar", "action": "find"})
    assert found.status_code == 200 and not TracingRequest.objects.exists()
    assert f'value="{grandmother.uuid}"' in found.content.decode()
    response = client.post(reverse("matching:tracing_create"), {**form, "inquirer": str(grandmother.uuid)})
    request = TracingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    match = request.matches.get()
    assert match.status == TracingMatchStatus.LIKELY
    assert daughter.case_number in client.get(request.get_absolute_url()).content.decode()
    client.post(reverse("matching:tracing_confirm", args=[request.uuid, match.uuid]), {"relation": "mother"})
    assert Relationship.objects.filter(from_person=grandmother, to_person=daughter, kind="mother").exists()


def test_an_inquirer_outside_the_caseload_is_neither_offered_nor_accepted(client: Client, alice, charlie):
    outsider = make_person(
        charlie, given="Gulnar", family="Serikova", birth_year=1958, record_type=RecordType.RELATIVE, stage=None
    )
    login(client, alice)
    form = {"given": "Zhanar", "sex": "female", "managing_unit": str(alice.unit.uuid)}
    found = client.post(reverse("matching:tracing_create"), {**form, "find": "Gulnar", "action": "find"})
    assert str(outsider.uuid) not in found.content.decode()
    response = client.post(reverse("matching:tracing_create"), {**form, "inquirer": str(outsider.uuid)})
    assert response.status_code == 200 and not TracingRequest.objects.exists()
    assert "No person with this case number in your caseload." in response.content.decode()


def test_a_tracing_request_of_another_organisation_is_not_found(client: Client, alice, charlie):
    request = services.tracing_request_create(
        actor=actor(charlie),
        data=services.TracingInput(
            managing_unit=charlie.unit, inquirer_name="Gulnar", sought=[services.SoughtInput(given="Zhanar")]
        ),
    )
    login(client, alice)
    assert client.get(request.get_absolute_url()).status_code == 404
