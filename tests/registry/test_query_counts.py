"""Query counts of the registry's pages do not grow with the rows they show.

Each test builds N rows, counts the queries of one request, builds up to 3N
and counts again: an N+1 (a query per row) makes the second count larger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import (
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    HouseholdMember,
    NameKind,
    Person,
    Relationship,
    Script,
    Site,
    SiteKind,
)

from ..api.conftest import token_client
from ..factories import CYRILLIC_DIGITS, letters, make_person
from .helpers import login

N = 2


def queries(get: Callable[[], Any]) -> int:
    """The number of queries one request makes (it must succeed)."""
    with CaptureQueriesContext(connection) as ctx:
        response = get()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def assert_flat(counts: tuple[int, int], what: str) -> None:
    n, three_n = counts
    assert three_n == n, f"{what}: {n} queries with N rows, {three_n} with 3N rows (a query per row?)"


def act(user) -> Actor:
    return Actor.system("tests", user=user)


@pytest.fixture
def client_alice(client, alice):
    return login(client, alice)


@pytest.fixture
def person(alice):
    return make_person(alice, given="Aisha", family="Nurlanova", birth_year=1990)


@pytest.fixture
def site(db):
    return Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")


def _page(client, name: str, person: Person) -> Callable[[], Any]:
    url = reverse(name, args=[person.uuid])
    return lambda: client.get(url)


# --- One person, its tabs ---------------------------------------------------------------


def _grow_detail(alice, bob, person: Person, i: int) -> None:
    services.protected_note_add(actor=act(bob), person=person, compartment="psychosocial", body=f"session {i}")


def _grow_names(alice, bob, person: Person, i: int) -> None:
    name = services.NameInput(script=Script.LATIN, kind=NameKind.ALIAS, given=f"Aisha{letters(i)}", family="Nurlanova")
    services.name_add(actor=act(alice), person=person, name=name)


def _grow_documents(alice, bob, person: Person, i: int) -> None:
    services.document_add(actor=act(alice), person=person, doc_type="passport", number=f"N{i}", status="issued")
    services.evidence_add(actor=act(alice), person=person, topic="identity", method="document", outcome="confirmed")
    services.consent_record(
        actor=act(alice),
        person=person,
        purpose=ConsentPurpose.SERVICES,
        status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.SELF,
    )


def _grow_locations(alice, bob, person: Person, i: int) -> None:
    site = Site.objects.create(name=f"Camp {i}", kind=SiteKind.CAMP, country="SY")
    services.stay_add(actor=act(alice), person=person, kind=SiteKind.CAMP, site=site, section=f"block {i}")


def _grow_timeline(alice, bob, person: Person, i: int) -> None:
    person.refresh_from_db()
    to = services.allowed_transitions(person)[0]
    services.stage_change(
        actor=act(alice), person=person, to_stage=to, reason=f"step {i}", expected_version=person.version
    )


TABS = {
    "registry:person_detail": _grow_detail,
    "registry:person_names": _grow_names,
    "registry:person_documents": _grow_documents,
    "registry:person_locations": _grow_locations,
    "registry:person_timeline": _grow_timeline,
}


@pytest.mark.parametrize("tab", list(TABS))
def test_a_person_tab_makes_as_many_queries_for_many_rows_as_for_few(client_alice, alice, bob, person, tab):
    grow = TABS[tab]
    get = _page(client_alice, tab, person)
    counts = []
    for target in (N, 3 * N):
        for i in range(len(counts) * N, target):
            grow(alice, bob, person, i)
        counts.append(queries(get))
    assert_flat((counts[0], counts[1]), tab)


def _add_relatives(alice, charlie, person: Person, start: int, stop: int) -> None:
    """Per step: a child and a sibling in scope, a relative out of scope, and a
    household with one member in scope and one out of scope."""
    for i in range(start, stop):
        child = make_person(alice, given=f"Child{letters(i)}", family="Nurlanov", birth_year=2015)
        sibling = make_person(alice, given=f"Sister{letters(i)}", family="Nurlanova", birth_year=1992)
        outsider = make_person(charlie, given=f"Cousin{letters(i)}", family="Outsider", birth_year=1988)
        services.relationship_add(
            actor=act(alice), from_person=person, to_person=child, kind="mother", established_by="declared"
        )
        services.relationship_add(
            actor=act(alice), from_person=sibling, to_person=person, kind="sibling", established_by="document"
        )
        # Recorded by another organisation: alice may not write the outsider.
        Relationship.objects.create(from_person=outsider, to_person=person, kind="other", established_by="declared")
        household = services.household_create(
            actor=act(alice), label=f"Tent {i}", members=[(person, "head"), (child, "child")]
        )
        HouseholdMember.objects.create(household=household, person=outsider, role="member")


def test_the_family_page_makes_as_many_queries_for_many_relatives_and_households_as_for_few(
    client_alice, alice, charlie, person
):
    get = _page(client_alice, "registry:person_family", person)
    _add_relatives(alice, charlie, person, 0, N)
    few = queries(get)
    _add_relatives(alice, charlie, person, N, 3 * N)
    many = queries(get)
    html = get().content.decode()
    assert "Cousin" not in html and "Not in your scope" in html
    assert_flat((few, many), "family page")


# --- Lists ------------------------------------------------------------------------------


def _register(alice, site: Site, start: int, stop: int) -> None:
    for i in range(start, stop):
        extra = [
            services.NameInput(
                script=Script.CYRILLIC, kind=NameKind.TRANSLITERATION, given=f"Айша{letters(i, CYRILLIC_DIGITS)}"
            )
        ]
        p = make_person(
            alice, given=f"Aisha{letters(i)}", family="Nurlanova", extra_names=extra, vulnerabilities=["pregnancy"]
        )
        services.stay_add(actor=act(alice), person=p, kind=SiteKind.CAMP, site=site)


def test_the_person_list_makes_as_many_queries_for_many_persons_as_for_few(client_alice, alice, site):
    url = reverse("registry:person_list")
    _register(alice, site, 0, 4)
    few = queries(lambda: client_alice.get(url))
    _register(alice, site, 4, 12)
    many = queries(lambda: client_alice.get(url))
    assert_flat((few, many), "person list")


def test_the_api_person_list_makes_as_many_queries_for_many_persons_as_for_few(alice, site):
    api = token_client(alice)
    url = reverse("api-person-list")
    _register(alice, site, 0, 4)
    few = queries(lambda: api.get(url))
    _register(alice, site, 4, 12)
    many = queries(lambda: api.get(url))
    assert len(api.get(url).json()["results"]) == 12
    assert_flat((few, many), "API person list")
