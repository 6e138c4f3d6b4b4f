"""Matching on registration: registering a person (in the UI or through the API) proposes
its likely duplicates and runs the open tracing requests; matching failures
never undo the registration."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
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
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_registering_a_close_match_proposes_a_duplicate_and_says_so(client, alice):
    existing = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    response = login(client, alice).post(CREATE, form(alice))
    new = Person.objects.exclude(pk=existing.pk).get()
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {existing, new}
    warning = messages_of(response)[-1]
    assert f'<a href="{reverse("matching:duplicate_list")}">' in warning
    assert "1 possible duplicate(s)" in warning


def test_registering_someone_new_proposes_nothing(client, alice):
    make_person(alice, given="Айгерим", family="Сарсенова", script=Script.CYRILLIC, birth_year=1978)
    response = login(client, alice).post(CREATE, form(alice))
    assert response.status_code == 302
    assert not DuplicateCandidate.objects.exists()
    assert not any("duplicate" in m for m in messages_of(response))


def test_a_matching_failure_does_not_undo_the_registration(client, alice, monkeypatch, caplog):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("matching is down")

    monkeypatch.setattr(services, "duplicates_check", broken)
    response = login(client, alice).post(CREATE, form(alice))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert "matching after registering" in caplog.text


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
    client, alice, tracing_request
):
    login(client, alice).post(
        CREATE, form(alice, script="cyrillic", given="Жанар", family="Серикова", birth_year="1990")
    )
    daughter = Person.objects.get(names__given="Жанар")
    # Without consent to tracing, registration alone matches nothing.
    assert not TracingMatch.objects.exists()
    consent = {"purpose": "tracing", "status": "granted", "given_by": "self", "given_on": "2026-01-10"}
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


def test_registering_a_close_match_through_the_api_proposes_a_duplicate_too(alice):
    from tests.api.conftest import token_client

    existing = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995)
    response = token_client(alice).post("/api/v1/persons/", API_PAYLOAD, format="json")
    assert response.status_code == 201
    new = Person.objects.get(uuid=response.json()["uuid"])
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {existing, new}


def test_a_failing_match_never_undoes_a_registration_through_the_api(alice, monkeypatch):
    from tests.api.conftest import token_client

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("matching is down")

    monkeypatch.setattr(services, "duplicates_check", broken)
    response = token_client(alice).post("/api/v1/persons/", API_PAYLOAD, format="json")
    assert response.status_code == 201 and Person.objects.filter(uuid=response.json()["uuid"]).exists()
