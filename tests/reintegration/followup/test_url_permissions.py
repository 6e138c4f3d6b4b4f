"""The permission map of follow-up's URLs holds: each role opens exactly what
``url_permissions.PERMISSIONS`` says (a small twin of the project-wide probe)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ...api.conftest import token_client
from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ...registry.helpers import login
from .url_permissions import PERMISSIONS, objects

pytestmark = pytest.mark.django_db


def _routes() -> dict[str, list[str]]:
    """URL name → its parameters, for this app's UI and API routes."""
    out: dict[str, list[str]] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                out[f"{namespace}{p.name}"] = list(p.pattern.converters)

    walk(get_resolver().url_patterns, "")
    return {k: v for k, v in out.items() if k.startswith(("reintegration_followup:", "api-follow-up-"))}


@pytest.fixture
def world():
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    return {
        "home": home,
        "registrar": registrar,
        "inside": make_person(registrar, birth_year=2012),
        "inside_adult": make_person(registrar, given="Dana", birth_year=1990),
    }


def test_every_url_is_in_the_map():
    assert set(_routes()) == set(PERMISSIONS)


def test_each_role_opens_what_the_map_says(world):
    values = objects(world) | {"person_uuid": str(world["inside"].uuid)}
    routes = _routes()
    problems = []
    for role in Role:
        user = make_staff(role, world["home"], username=f"probe-{role}")
        CaseAssignment.objects.create(person=world["inside"], user=user)
        client = login(Client(), user)
        api = token_client(user)
        for name, params in routes.items():
            url = reverse(name, kwargs={p: values[p] for p in params})
            status = (api if name.startswith("api-") else client).get(url).status_code
            allowed = role in PERMISSIONS[name]
            if status >= 500 or (allowed and status not in {200, 302, 405}) or (not allowed and status < 300):
                problems.append(f"GET {name} as {role}: {status}")
            if name.startswith("api-"):
                status = api.post(url, {}, format="json").status_code
                if status >= 500 or (not allowed and status < 300):
                    problems.append(f"POST {name} as {role}: {status}")
    assert not problems, "\n".join(problems)
