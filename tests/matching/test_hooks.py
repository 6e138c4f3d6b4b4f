"""Matching on registration: registering a person (in the UI, through the API
or by a manifest import) proposes its likely duplicates and runs the open
tracing requests once the registration has committed; the person page says
so to reviewers; matching failures never undo the registration.

The handlers run after commit: each test that expects them runs its request
inside ``django_capture_on_commit_callbacks(execute=True)`` (the test's own
transaction never commits)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhusan.audit.services import Actor
from zhusan.matching import services
from zhusan.matching.models import DuplicateCandidate, TracingMatch, TracingMatchStatus
from zhusan.registry.models import Person, RecordType, Script

from ..factories import make_person
from ..registry.helpers import login

CREATE = reverse("registry:person_create")
API_PAYLOAD = {
    "sex": "female",
    "lawful_basis": "public_interest",
    "birth_precision": "year",
    "birth_year": 1995,
    "names": [{"script": "latin", "kind": "legal", "given": "Aysha", "family": "Nurlanova"}],
}


def form(alice: Any, **overrides: str) -> dict[str, Any]:
    data = {
        "lawful_basis": "public_interest",
        "script": "latin",
        "kind": "legal",
        "given": "Aysha",
        "family": "Nurlanova",
        "sex": "female",
        "birth_precision": "year",
        "birth_year": "1995",
        "managing_unit": str(alice.unit.uuid),
        # Past the inline "possible existing records" warning: registered anyway.
        "register_anyway": "1",
    }
    data.update(overrides)
    return data


def test_registering_a_close_match_proposes_a_duplicate_and_the_person_page_says_so(
    client, alice, django_capture_on_commit_callbacks
):
    existing = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, alice).post(CREATE, form(alice))
    new = Person.objects.exclude(pk=existing.pk).get()
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {existing, new}
    page = client.get(response["Location"]).content.decode()
    assert "1 possible duplicate of this record waits for review." in page
    assert f'<a href="{reverse("matching:duplicate_list")}">' in page


def test_registering_someone_new_proposes_nothing(client, alice, django_capture_on_commit_callbacks):
    make_person(alice, given="Айгерим", family="Сарсенова", script=Script.CYRILLIC, birth_year=1978)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, alice).post(CREATE, form(alice))
    assert response.status_code == 302
    assert not DuplicateCandidate.objects.exists()
    assert "possible duplicate" not in client.get(response["Location"]).content.decode()


def test_nothing_is_matched_before_the_registration_commits(client, alice, django_capture_on_commit_callbacks):
    make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        login(client, alice).post(CREATE, form(alice))
    assert callbacks, "the handlers wait for the commit"
    assert not DuplicateCandidate.objects.exists()


def test_a_matching_failure_does_not_undo_the_registration(
    client, alice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("matching is down")

    monkeypatch.setattr(services, "duplicates_check", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, alice).post(CREATE, form(alice))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert f"matching.propose_duplicates after {person.case_number} failed" in caplog.text


@pytest.fixture
def tracing_request(alice):
    grandmother = make_person(
        alice, given="Гульнар", family="Серикова", script=Script.CYRILLIC, birth_year=1958,
        record_type=RecordType.RELATIVE, stage=None,
    )  # fmt: skip
    sought = services.SoughtInput(given="Zhanar", family="Serikova", sex="female", birth_year=1990)
    data = services.TracingInput(managing_unit=alice.unit, inquirer=grandmother, sought=[sought])
    return services.tracing_request_create(actor=Actor.system("tests", user=alice), data=data)


def test_a_registered_person_is_matched_to_an_open_request_once_tracing_consent_is_granted(
    client, alice, tracing_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, alice).post(
            CREATE, form(alice, script="cyrillic", given="Жанар", family="Серикова", birth_year="1990")
        )
    daughter = Person.objects.get(names__given="Жанар")
    # Without consent to tracing, registration alone matches nothing.
    assert not TracingMatch.objects.exists()
    consent = {"purpose": "tracing", "status": "granted", "given_by": "self", "given_on": "2026-01-10"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:consent_add", args=[daughter.uuid]), consent)
    assert response.status_code == 302
    match = TracingMatch.objects.get()
    assert match.person == daughter
    assert match.sought.request == tracing_request
    assert match.status == TracingMatchStatus.LIKELY


def test_a_refused_tracing_consent_matches_nothing(client, alice, tracing_request):
    login(client, alice).post(
        CREATE, form(alice, script="cyrillic", given="Жанар", family="Серикова", birth_year="1990")
    )
    daughter = Person.objects.get(names__given="Жанар")
    consent = {"purpose": "tracing", "status": "refused", "given_by": "self", "given_on": "2026-01-10"}
    client.post(reverse("registry:consent_add", args=[daughter.uuid]), consent)
    assert not TracingMatch.objects.exists()


def test_registering_a_close_match_through_the_api_proposes_a_duplicate_too(alice, django_capture_on_commit_callbacks):
    from tests.api.conftest import token_client

    existing = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(alice).post("/api/v1/persons/", API_PAYLOAD, format="json")
    assert response.status_code == 201
    new = Person.objects.get(uuid=response.json()["uuid"])
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {existing, new}


def test_a_failing_match_never_undoes_a_registration_through_the_api(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.api.conftest import token_client

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("matching is down")

    monkeypatch.setattr(services, "duplicates_check", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(alice).post("/api/v1/persons/", API_PAYLOAD, format="json")
    assert response.status_code == 201 and Person.objects.filter(uuid=response.json()["uuid"]).exists()


def test_a_manifest_import_proposes_duplicates_and_runs_tracing(
    alice, centre_unit, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhusan.accounts.permissions import Role
    from zhusan.operations import imports
    from zhusan.operations import services as operations
    from zhusan.registry.models import Site, SiteKind

    from ..factories import make_staff

    consul = make_staff(Role.CONSULAR_OFFICER, centre_unit, username="consul")
    existing = make_person(consul, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    traced: list[Person] = []
    monkeypatch.setattr(services, "tracing_on_new_person", lambda *, actor, person: traced.append(person) or [])
    act = Actor.system("tests", user=consul)
    operation = operations.operation_create(actor=act, code="Zhusan-2", name="Zhusan 2", country="KZ")
    camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
    movement = operations.movement_create(
        actor=act, operation=operation, label="Flight 1", origin=camp, destination="Aktau"
    )
    upload = SimpleUploadedFile(
        "alhol.csv",
        b"family_name,given_name,sex,birth_year\nNurlanova,Aysha,F,1995\nSerikova,Zhanar,F,1990\n",
        content_type="text/csv",
    )
    staged = imports.import_stage(actor=act, movement=movement, upload=upload, lawful_basis="public_interest")
    staged.rows.update(decision="new", matched_person=None)  # the reviewer registers both anew
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_merge(actor=act, staged=staged)
    aysha = Person.objects.exclude(pk=existing.pk).get(names__given="Aysha")
    zhanar = Person.objects.get(names__given="Zhanar")
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {existing, aysha}
    assert sorted(p.pk for p in traced) == sorted([aysha.pk, zhanar.pk])
