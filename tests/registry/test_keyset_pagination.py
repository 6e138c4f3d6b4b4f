"""Keyset pages of the person list (UI and API): every row exactly once, in
every sort, forwards and backwards, with a count that stops at a bound."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import paging
from zhusan.registry.models import LawfulBasis, NameKind, Person, PersonName, Script, Stage
from zhusan.registry.paging import BadCursorError
from zhusan.registry.selectors import SORT_KEYS, SORTS, PersonFilters, persons_for_user, persons_page
from zhusan.registry.text import match_keys, search_key

from ..api.conftest import token_client
from ..factories import letters, make_staff
from .helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("registry:person_list")
STAGES = [Stage.IDENTIFIED, Stage.VERIFIED, Stage.IDENTIFIED, Stage.CLOSED]


@pytest.fixture
def manager(centre_unit):
    return make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="manager")


@pytest.fixture
def persons(manager):
    """23 persons with ties in every sort: shared names, stages and change times."""
    made = Person.objects.bulk_create(
        Person(
            case_number=f"KZ-{i:06d}",
            sex="female",
            managing_unit=manager.unit,
            lawful_basis=LawfulBasis.PUBLIC_INTEREST,
            stage=STAGES[i % len(STAGES)],
        )
        for i in range(23, 0, -1)  # created out of case-number order
    )
    names = []
    for i, person in enumerate(made):
        given = "Aisha" if i % 3 else f"Name{letters(i % 5)}"
        names.append(
            PersonName(
                person=person,
                script=Script.LATIN,
                kind=NameKind.LEGAL,
                is_primary=True,
                given=given,
                family="Paged",
                search_key=search_key(given, "Paged"),
                match_key=match_keys(given, "Paged"),
            )
        )
    PersonName.objects.bulk_create(names)
    now = timezone.now()
    for i, person in enumerate(made):
        # Groups of four share a change time, to the microsecond.
        Person.objects.filter(pk=person.pk).update(updated_at=now - timedelta(minutes=i // 4))
    return made


def _list(manager, sort=""):
    return persons_for_user(Actor.system("tests", user=manager), PersonFilters(sort=sort))


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", [3, 4, 25])
def test_keyset_pages_cover_every_row_exactly_once_forwards_and_backwards(manager, persons, sort, size):
    qs = _list(manager, sort)
    expected = [p.case_number for p in qs]
    assert len(expected) == 23

    pages, cursor = [], None
    while True:
        page = persons_page(qs, PersonFilters(sort=sort), size=size, cursor=cursor)
        pages.append([p.case_number for p in page.object_list])
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert [c for p in pages for c in p] == expected
    assert page.count == 23 and page.count_exact

    back = [pages[-1]]
    while page.has_previous:
        page = persons_page(qs, PersonFilters(sort=sort), size=size, cursor=page.previous_cursor)
        back.append([p.case_number for p in page.object_list])
    assert back[::-1] == pages
    assert page.number == 1


def test_a_page_number_without_a_cursor_still_works_by_offset(manager, persons):
    qs = _list(manager)
    page = persons_page(qs, PersonFilters(), size=10, page=3)
    assert [p.case_number for p in page.object_list] == [f"KZ-{i:06d}" for i in range(21, 24)]
    assert (page.number, page.num_pages, page.has_next, page.has_previous) == (3, 3, False, True)
    # A page past the end shows the last one.
    assert persons_page(qs, PersonFilters(), size=10, page=99).number == 3


def test_the_count_stops_at_the_bound(manager, persons, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    page = persons_page(_list(manager), PersonFilters(), size=4)
    assert (page.count, page.count_exact, page.num_pages) == (5, False, None)
    assert page.has_next
    # Offsets reach only as far as the bound: beyond, follow the cursor.
    assert persons_page(_list(manager), PersonFilters(), size=4, page=9).number == 2


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize(("size", "number"), [(4, 1), (4, 3), (4, 6), (4, 99), (25, 1)])
def test_a_search_page_read_through_its_ids_is_the_page_and_count_read_apart(manager, persons, sort, size, number):
    # A search counts and places its first page in one read of the ids
    # (paging.keyset_page(ids_first=True)): the same rows, count and links.
    search = PersonFilters(q="paged", sort=sort)
    qs = persons_for_user(Actor.system("tests", user=manager), search)
    apart = paging.keyset_page(qs, keys=SORT_KEYS[sort], tag=sort, size=size, page=number)
    together = persons_page(qs, search, size=size, page=number)
    assert [p.case_number for p in together.object_list] == [p.case_number for p in apart.object_list]
    assert together.object_list and together.count == 23 and together.count_exact
    for attr in ("number", "has_next", "has_previous", "next_cursor", "previous_cursor", "count", "count_exact"):
        assert getattr(together, attr) == getattr(apart, attr), attr
    following = persons_page(qs, search, size=size, cursor=together.next_cursor) if together.has_next else None
    assert following is None or following.object_list[0].case_number not in {
        p.case_number for p in together.object_list
    }


def test_a_search_page_beyond_the_bound_says_more(manager, persons, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    search = PersonFilters(q="paged")
    page = persons_page(persons_for_user(Actor.system("tests", user=manager), search), search, size=4)
    assert (page.count, page.count_exact, page.has_next, len(page.object_list)) == (5, False, True, 4)


@pytest.mark.parametrize("cursor", ["nonsense", "e30", "eyJ0IjoibmFtZSIsImQiOiJuIiwidiI6WyJhIiwiYiJdfQ"])
def test_a_cursor_not_made_for_this_list_is_refused(manager, persons, cursor):
    # The last one is a cursor of the name sort ({"t":"name", ...}) offered to the case sort.
    with pytest.raises(BadCursorError):
        persons_page(_list(manager), PersonFilters(), size=5, cursor=cursor)


# --- The list page ---------------------------------------------------------------

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def pages_of_ten(monkeypatch):
    from zhusan.registry import views

    monkeypatch.setattr(views, "PAGE_SIZE", 10)


def test_following_next_in_the_list_page_visits_every_person_once(client, manager, persons, pages_of_ten):
    client = login(client, manager)
    seen, url, numbers = [], LIST + "?sort=activity", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        seen += [r["person"].case_number for r in response.context["rows"]]
        numbers.append(response.context["page_obj"].number)
        assert f"Page {numbers[-1]} of 3" in html
        found = NEXT.search(html)
        url = LIST + unescape(found.group(1)) if found else None
    assert seen == [p.case_number for p in _list(manager, "activity")]
    assert numbers == [1, 2, 3]
    assert "23 persons" in html
    assert 'rel="prev"' in html


def test_the_list_page_says_more_than_the_bound_and_pages_by_cursor(
    client, manager, persons, pages_of_ten, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 20)
    client = login(client, manager)
    html = client.get(LIST, {"sort": "case"}).content.decode()
    assert "More than 20 persons" in html
    assert "Page 1" in html and "Page 1 of" not in html
    href = unescape(NEXT.search(html).group(1))
    assert "cursor=" in href and "page=2" in href
    second = client.get(LIST + href)
    assert [r["person"].case_number for r in second.context["rows"]] == [f"KZ-{i:06d}" for i in range(11, 21)]
    assert "Page 2" in second.content.decode()


def test_an_edited_cursor_in_the_list_page_starts_again(client, manager, persons):
    response = login(client, manager).get(LIST, {"cursor": "edited", "page": "4"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_a_page_by_cursor_runs_a_constant_number_of_queries(
    client, manager, persons, pages_of_ten, django_assert_max_num_queries
):
    client = login(client, manager)
    cursor = persons_page(_list(manager, "name"), PersonFilters(sort="name"), size=10).next_cursor
    with django_assert_max_num_queries(20):
        response = client.get(LIST, {"sort": "name", "cursor": cursor, "page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 10


# --- The API ---------------------------------------------------------------------


def test_following_next_in_the_api_visits_every_person_once(manager, persons, monkeypatch):
    from zhusan.registry import api

    monkeypatch.setattr(api.PersonPagination, "page_size", 5)
    client = token_client(manager)
    seen, url, bodies = [], "/api/v1/persons/?sort=stage", []
    while url:
        body = client.get(url).json()
        bodies.append(body)
        seen += [r["case_number"] for r in body["results"]]
        url = body["next"]
    assert seen == [p.case_number for p in _list(manager, "stage")]
    assert {b["count"] for b in bodies} == {23}
    assert all(b["count_exact"] for b in bodies)
    back = client.get(bodies[-1]["previous"]).json()
    assert back["results"] == bodies[-2]["results"]


def test_the_api_refuses_a_bad_cursor_and_a_page_past_the_end(manager, persons):
    client = token_client(manager)
    response = client.get("/api/v1/persons/", {"cursor": "edited"})
    assert response.status_code == 400
    assert "cursor" in response.json()
    assert client.get("/api/v1/persons/", {"page": 2}).status_code == 404
    assert client.get("/api/v1/persons/", {"page": 1}).json()["count"] == 23
