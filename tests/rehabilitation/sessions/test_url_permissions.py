"""Every sessions URL answers each role as ``url_permissions.PERMISSIONS``
says (a GET, or for a POST-only route an empty POST that must not succeed),
on the probe's own world: a 14-year-old in the unit, a session with her."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment

from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ...registry.helpers import login
from .url_permissions import PERMISSIONS, objects


def _our_names() -> set[str]:
    from zhusan.rehabilitation.sessions import api_urls, urls

    return {f"rehabilitation_sessions:{p.name}" for p in urls.urlpatterns} | {p.name for p in api_urls.urlpatterns}


def test_every_url_of_the_app_is_in_the_map(db: Any) -> None:
    assert _our_names() == set(PERMISSIONS)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    home = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, home, username="probe-registrar")
    w = {"home": home, "registrar": registrar, "inside": make_person(registrar, birth_year=2012)}
    w["inside_adult"] = make_person(registrar, given="Zhanna", birth_year=1990)
    w.update(objects(w))
    return w


def _url(name: str, world: dict[str, Any]) -> str:
    kwargs: dict[str, str] = {}
    if "person" in name:
        kwargs["person_uuid"] = str(world["inside"].uuid)
    elif name not in ("rehabilitation_sessions:today", "api-sessions-today"):
        kwargs["session_uuid"] = world["session_uuid"]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", sorted(Role))
def test_each_url_answers_each_role_as_the_map_says(world: dict[str, Any], role: Role) -> None:
    user = make_staff(role, world["home"], username=f"probe-{role}")
    CaseAssignment.objects.create(person=world["inside"], user=user)
    client = login(Client(raise_request_exception=False), user)
    problems = []
    for name, roles in PERMISSIONS.items():
        url = _url(name, world)
        allowed = role in roles
        status = client.get(url).status_code
        if status >= 500 or (not allowed and 200 <= status < 300) or (allowed and status not in {200, 302, 405}):
            problems.append(f"GET {name} as {role}: {status}")
        posted = client.post(url, {}).status_code
        if posted >= 500 or (not allowed and 200 <= posted < 300):
            problems.append(f"POST {name} as {role}: {posted}")
    assert not problems, problems
