"""Support's URLs answer every role as url_permissions.PERMISSIONS says: the
probe's rule (tests/access/test_every_url.py) run over this app's routes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ...registry.helpers import login
from .url_permissions import PERMISSIONS, objects


def _routes(resolver: Any = None, prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            out += _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name and f"{ns}{entry.name}" in PERMISSIONS:
            out.append((f"{ns}{entry.name}", prefix + str(entry.pattern)))
    return out


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    world = {
        "home": home,
        "registrar": registrar,
        "inside": make_person(registrar, birth_year=2012),
        "inside_adult": make_person(registrar, given="Gulnar", birth_year=1990),
    }
    world["values"] = {"person_uuid": str(world["inside"].uuid), **objects(world)}
    return world


def test_every_route_of_the_app_is_in_the_map(world):
    assert {name for name, _ in _routes()} == set(PERMISSIONS)


@pytest.mark.parametrize("role", sorted(Role))
def test_each_route_answers_each_role_as_the_map_says(world, role):
    user = make_staff(role, world["home"], username=f"probe-{role}")
    CaseAssignment.objects.create(person=world["inside"], user=user)
    client = login(Client(raise_request_exception=False), user)
    problems = []
    for name, pattern in _routes():
        url = "/" + re.sub(r"<(?:[^>:]+:)?(\w+)>", lambda m: world["values"][m.group(1)], pattern)
        allowed = role in PERMISSIONS[name]
        status = client.get(url).status_code
        if status >= 500 or (not allowed and 200 <= status < 300) or (allowed and status not in {200, 302, 405}):
            problems.append(f"GET {name} as {role}: {status} (map: {'allowed' if allowed else 'refused'})")
        status = client.post(url, {}).status_code
        if status >= 500 or (not allowed and 200 <= status < 300):
            problems.append(f"POST {name} (empty) as {role}: {status}")
    assert not problems, "\n".join(problems)
