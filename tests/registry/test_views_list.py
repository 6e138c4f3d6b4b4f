from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import NameKind, Script, Site, SiteKind, Vulnerability

from ..factories import CYRILLIC_DIGITS, letters, make_person, make_staff
from .helpers import login

URL = reverse("registry:person_list")


@pytest.fixture
def client_alice(client, alice):
    return login(client, alice)


def test_it_lists_the_persons_in_scope_and_not_others(client_alice, alice, charlie):
    make_person(alice, given="Aisha", family="Nurlanova")
    make_person(charlie, given="Mariam", family="Outsider")
    html = client_alice.get(URL).content.decode()
    assert "Nurlanova" in html
    assert "Outsider" not in html


def test_a_cyrillic_query_finds_a_name_stored_in_cyrillic(client_alice, alice):
    make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC)
    make_person(alice, given="Dana", family="Other")
    html = client_alice.get(URL, {"q": "Жүсіпова"}).content.decode()
    assert "Жүсіпова" in html
    assert "Other" not in html


@pytest.mark.parametrize("query", ["zhusipova", "ZHUSIPOVA", "жүсіпова", "Zhusipová"])
def test_a_latin_or_differently_cased_query_finds_the_cyrillic_name(client_alice, alice, query):
    make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC)
    make_person(alice, given="Dana", family="Other")
    html = client_alice.get(URL, {"q": query}).content.decode()
    assert "Жүсіпова" in html
    assert "Other" not in html


def test_a_search_is_audited_as_a_search(client_alice, alice):
    client_alice.get(URL, {"q": "nobody"})
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_id=alice.pk).exists()


def test_it_shows_all_names_of_a_person_compactly(client_alice, alice):
    make_person(
        alice,
        given="Aisha",
        family="Zhusipova",
        extra_names=[services.NameInput(script=Script.ARABIC, kind=NameKind.ALIAS, given="عائشة")],
    )
    html = client_alice.get(URL).content.decode()
    assert "Aisha Zhusipova" in html
    assert "عائشة" in html


def test_it_marks_an_age_derived_from_a_year_only_as_approximate(client_alice, alice):
    make_person(alice, birth_year=2015)
    html = client_alice.get(URL).content.decode()
    assert 'title="approximate">~</abbr>' in html


def test_the_filters_narrow_the_list(client_alice, alice):
    make_person(
        alice, given="Girl", family="Child", sex="female", birth_year=2017, vulnerabilities=[Vulnerability.ORPHAN]
    )
    make_person(alice, given="Man", family="Adult", sex="male", birth_year=1980)
    html = client_alice.get(URL, {"sex": "male"}).content.decode()
    assert "Adult" in html and "Girl Child" not in html
    html = client_alice.get(URL, {"age_band": "5-11"}).content.decode()
    assert "Girl Child" in html and "Adult" not in html
    html = client_alice.get(URL, {"vulnerability": Vulnerability.ORPHAN}).content.decode()
    assert "Girl Child" in html and "Adult" not in html
    html = client_alice.get(URL, {"stage": "closed"}).content.decode()
    assert "Girl Child" not in html and "Adult" not in html


def test_the_site_filter_finds_who_is_there_now(client_alice, alice):
    site = Site.objects.create(name="Roj", kind=SiteKind.CAMP, country="SY")
    here = make_person(alice, given="Here", family="Now")
    make_person(alice, given="Elsewhere", family="Person")
    services.stay_add(actor=Actor.system("tests", user=alice), person=here, kind=SiteKind.CAMP, site=site)
    html = client_alice.get(URL, {"site": str(site.uuid)}).content.decode()
    assert "Here Now" in html and "Elsewhere" not in html
    assert "Roj" in html


def test_it_paginates_by_25(client_alice, alice):
    for i in range(27):
        make_person(alice, given=f"Person{letters(f'{i:02d}')}", family="Paged")
    first = client_alice.get(URL)
    assert len(first.context["rows"]) == 25
    second = client_alice.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 2
    assert "Page 2 of 2" in second.content.decode()


def test_the_list_runs_a_constant_number_of_queries(client_alice, alice, django_assert_max_num_queries):
    site = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
    for i in range(30):
        p = make_person(
            alice,
            given=f"P{letters(i)}",
            extra_names=[
                services.NameInput(script=Script.CYRILLIC, kind=NameKind.ALIAS, given=f"П{letters(i, CYRILLIC_DIGITS)}")
            ],
        )
        services.stay_add(actor=Actor.system("tests", user=alice), person=p, kind=SiteKind.CAMP, site=site)
    with django_assert_max_num_queries(20):
        response = client_alice.get(URL)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_roles_without_person_access_get_a_clear_403(client, centre_unit, role):
    user = make_staff(role, centre_unit)
    response = login(client, user).get(URL)
    assert response.status_code == 403
    assert "does not give access to individual person records" in response.content.decode()


def test_the_page_shows_the_synthetic_data_banner_when_the_dataset_is_synthetic(client_alice):
    from zhusan.core.models import DatasetMarker

    DatasetMarker.objects.create(is_synthetic=True)
    assert "every person here is invented" in client_alice.get(URL).content.decode()


def test_a_case_number_finds_its_person(client_alice, alice):
    person = make_person(alice, given="Yusuf", family="")
    make_person(alice, given="Dana", family="Other")
    for query in [person.case_number, person.case_number.lower(), "KZ-1", "kz000001"]:
        html = client_alice.get(URL, {"q": query}).content.decode()
        assert person.case_number in html, query
        assert "Other" not in html


def test_a_latin_query_finds_a_name_stored_only_in_arabic(client_alice, alice):
    make_person(alice, given="عائشة", family="", script=Script.ARABIC)
    make_person(alice, given="Dana", family="Other")
    html = client_alice.get(URL, {"q": "Aisha"}).content.decode()
    assert "عائشة" in html
    assert "Other" not in html


@pytest.mark.parametrize("query", ["umm zaid", "Умм Зайд", "UMM ZAYD"])
def test_a_kunya_is_found_whatever_its_spelling_or_script(client_alice, alice, query):
    make_person(
        alice,
        given="Aigerim",
        family="Nurlanova",
        extra_names=[services.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Zayd")],
    )
    make_person(
        alice,
        given="Dana",
        family="Other",
        extra_names=[services.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Yusuf")],
    )
    html = client_alice.get(URL, {"q": query}).content.decode()
    assert "Umm Zayd" in html
    assert "Other" not in html


def test_the_latin_spelling_finds_the_cyrillic_name(client_alice, alice):
    make_person(alice, given="Юсуф", family="Абдурахман", script=Script.CYRILLIC)
    html = client_alice.get(URL, {"q": "Yusuf Abdurrahman"}).content.decode()
    assert "Юсуф Абдурахман" in html


def test_a_person_found_by_several_names_is_listed_once(client_alice, alice):
    make_person(
        alice,
        given="Yusuf",
        family="",
        extra_names=[services.NameInput(script=Script.CYRILLIC, kind=NameKind.ALIAS, given="Юсуф")],
    )
    response = client_alice.get(URL, {"q": "yusuf"})
    assert len(response.context["rows"]) == 1


def test_the_list_sorts_by_name_stage_and_last_activity_and_stably(client_alice, alice):
    zara = make_person(alice, given="Zara", family="")
    adam = make_person(alice, given="Adam", family="")
    services.person_update(
        actor=Actor.system("tests", user=alice), person=zara, expected_version=zara.version, place_of_birth="Raqqa"
    )

    def order(sort):
        return [row["person"].pk for row in client_alice.get(URL, {"sort": sort}).context["rows"]]

    assert order("name") == [adam.pk, zara.pk]
    assert order("activity") == [zara.pk, adam.pk]
    assert order("stage") == [zara.pk, adam.pk]  # same stage: by case number
    assert order("") == [zara.pk, adam.pk]


def test_the_api_list_takes_the_same_search_and_sort(alice):
    from ..api.conftest import token_client

    make_person(alice, given="عائشة", family="", script=Script.ARABIC)
    make_person(alice, given="Adam", family="")
    api = token_client(alice)
    found = api.get("/api/v1/persons/", {"q": "Aisha"}).json()
    assert [p["primary_name"] for p in found["results"]] == ["عائشة"]
    names = [p["primary_name"] for p in api.get("/api/v1/persons/", {"sort": "name"}).json()["results"]]
    assert names == ["Adam", "عائشة"]
