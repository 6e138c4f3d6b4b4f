"""The rehabilitation part of the URL probe, run here on its own: every
URL of the app, as every role, GET and empty POST, against
``url_permissions.PERMISSIONS`` (the shared probe in
``tests/access/test_every_url.py`` reads the same map)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login
from .url_permissions import PERMISSIONS, objects

pytestmark = pytest.mark.django_db


def _names(resolver: URLResolver, prefix: str = "", params: tuple[str, ...] = ()) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            out.extend(_names(entry, ns, params + tuple(entry.pattern.converters)))
        elif isinstance(entry, URLPattern) and entry.name:
            out.append((prefix + entry.name, [*params, *entry.pattern.converters]))
    return out


def routes() -> list[tuple[str, list[str]]]:
    return [(n, p) for n, p in _names(get_resolver()) if n in PERMISSIONS or n.startswith("rehabilitation:")]


def test_every_url_of_the_app_is_in_the_map():
    names = {n for n, _p in routes()}
    assert {n for n in names if n.startswith("rehabilitation:")} <= set(PERMISSIONS)
    assert set(PERMISSIONS) <= names


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    return {
        "home": home,
        "registrar": registrar,
        "inside": make_person(registrar, birth_year=2012),
        "inside_adult": make_person(registrar, given="Gulnara", birth_year=1990),
    }


@pytest.mark.parametrize("role", sorted(Role))
def test_every_url_answers_each_role_as_the_map_says(world, role):
    kwargs = objects(world)
    user = make_staff(role, world["home"], username=f"probe-{role}")
    CaseAssignment.objects.create(person=world["inside"], user=user)
    client = login(Client(raise_request_exception=False), user)
    problems = []
    for name, params in routes():
        url = reverse(name, kwargs={p: kwargs[p] for p in params})
        allowed = role in PERMISSIONS[name]
        status = client.get(url).status_code
        if status >= 500 or (not allowed and 200 <= status < 300) or (allowed and status not in {200, 302, 405}):
            problems.append(f"GET {name} as {role}: {status}")
        status = client.post(url, {}).status_code
        if status >= 500 or (not allowed and 200 <= status < 300):
            problems.append(f"POST {name} as {role}: {status}")
    assert not problems, "\n".join(problems)
