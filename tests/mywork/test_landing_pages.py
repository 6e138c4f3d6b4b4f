"""Every role lands on its own home, and the menu offers no page that refuses it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role

from ..factories import OrganisationFactory, UnitFactory, make_staff
from ..registry.helpers import login

HOME = {
    Role.SYSTEM_ADMIN: "admin:index",
    Role.ANALYST: "reporting:dashboard",
    Role.AUDITOR: "audit:event_list",
    Role.DATA_PROTECTION_OFFICER: "dataprotection:home",
}
MENU = re.compile(r'<nav class="main-nav".*?</nav>', re.S)


@pytest.fixture
def unit(db):
    return UnitFactory(organisation=OrganisationFactory(name="Ministry"), name="Programme office")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_follows_home_to_its_own_landing_page_which_answers_200(unit, role):
    client = login(Client(), make_staff(role, unit, username=f"u-{role}"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse(HOME.get(role, "mywork:home"))
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_no_menu_entry_answers_403(unit, role):
    client = login(Client(), make_staff(role, unit, username=f"m-{role}"))
    # The admin draws its own pages: read the menu where every role finds it.
    page = client.get(reverse("mywork:home"))
    menu = MENU.search(page.content.decode())
    assert menu is not None, role
    links = re.findall(r'href="([^"]+)"', menu.group(0))
    assert links, role
    for link in links:
        assert client.get(link).status_code == 200, (role, link)


def test_a_user_holding_case_work_and_figures_lands_on_my_work(unit):
    user = make_staff(Role.CASE_MANAGER, unit, username="both")
    user.grants.create(role=Role.ANALYST, organisation=unit.organisation, unit=unit)
    assert login(Client(), user).get("/").url == reverse("mywork:home")


def test_api_tokens_are_in_the_menu_only_for_roles_that_may_issue_them(unit):
    manager = login(Client(), make_staff(Role.CASE_MANAGER, unit, username="cm"))
    teacher = login(Client(), make_staff(Role.TEACHER, unit, username="teacher"))
    tokens = reverse("accounts:tokens")
    assert f'href="{tokens}"' in manager.get(reverse("mywork:home")).content.decode()
    assert f'href="{tokens}"' not in teacher.get(reverse("mywork:home")).content.decode()


def test_the_second_factor_page_shows_no_navigation(unit):
    user = make_staff(Role.CASE_MANAGER, unit, username="half")
    client = Client()
    client.force_login(user)  # password passed, second factor not yet
    page = client.get(reverse("accounts:verify"))
    assert page.status_code == 200
    assert 'class="main-nav"' not in page.content.decode()
