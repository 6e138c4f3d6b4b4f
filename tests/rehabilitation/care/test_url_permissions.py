"""Every care URL answers each role as ``url_permissions.PERMISSIONS`` says
(the probe's rule, run here on care's URLs alone): in scope, a role listed
gets 200/302/405 (a POST-only form action) on GET and no server error on an
empty POST; a role not listed gets no 2xx either way."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ...registry.helpers import login
from .url_permissions import PERMISSIONS, objects

pytestmark = pytest.mark.django_db


def _url(name: str, values: dict[str, str]) -> str:
    """The URL of ``name`` on the probe's objects (each route takes at most one UUID)."""
    for take in ([], *[[k] for k in values]):
        try:
            return reverse(name, kwargs={k: values[k] for k in take})
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot reverse {name}")


def test_every_care_url_name_is_in_the_map():
    resolver = get_resolver()
    care = resolver.namespace_dict["rehabilitation_care"][1]
    names = {f"rehabilitation_care:{n}" for n in care.reverse_dict if isinstance(n, str)}
    names |= {n for n in resolver.reverse_dict if isinstance(n, str) and n.startswith(("api-care-", "api-person-care"))}
    assert names == set(PERMISSIONS)


@pytest.mark.parametrize("role", sorted(Role))
def test_each_role_is_answered_as_the_map_says(role):
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    world = {"home": home, "registrar": registrar, "inside": make_person(registrar, birth_year=2012)}
    world["inside_adult"] = make_person(registrar, given="Dana", birth_year=1990)
    values = objects(world)
    user = make_staff(role, home, username=f"probe-{role}")
    CaseAssignment.objects.create(person=world["inside"], user=user)
    client = login(Client(raise_request_exception=False), user)
    problems = []
    for name, allowed_roles in PERMISSIONS.items():
        url = _url(name, values)
        allowed = role in allowed_roles
        status = client.get(url).status_code
        if status >= 500 or (not allowed and 200 <= status < 300) or (allowed and status not in {200, 302, 405}):
            problems.append(f"GET {name} as {role}: {status} (map: {'allowed' if allowed else 'refused'})")
        status = client.post(url, {}).status_code
        if status >= 500 or (not allowed and 200 <= status < 300):
            problems.append(f"POST {name} as {role}: {status}")
    assert not problems, "\n".join(problems)
