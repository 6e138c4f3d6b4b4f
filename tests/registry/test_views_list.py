from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import NameKind, Script, Site, SiteKind, Vulnerability

from ..factories import make_person, make_staff
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
        make_person(alice, given=f"Person{i:02d}", family="Paged")
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
            given=f"P{i}",
            extra_names=[services.NameInput(script=Script.CYRILLIC, kind=NameKind.ALIAS, given=f"П{i}")],
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
