"""The care pages make as many queries for many rows as for few (N, then 3N):
the Plan tab (goals, reviews, conferences), a plan, the plans waiting, the
conference list and a conference with its cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhusan.registry.models import CaseAssignment
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import Domain
from zhusan.rehabilitation.care.services import ActionInput, CaseInput

from ...factories import letters, make_person
from ...registry.helpers import login
from .conftest import act, in_days, today

pytestmark = pytest.mark.django_db

N = 2


def queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = get()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def grow(psychologist, care_manager, registrar, resident, start: int, stop: int) -> Any:
    """Per step: another resident with a submitted plan, another goal on the
    resident's draft, and a conference discussing both with a minute and an action."""
    draft = services.plan_create(actor=act(psychologist), person=resident) if start == 0 else None
    for i in range(start, stop):
        if draft is not None:
            services.goal_add(
                actor=act(psychologist), plan=draft, domain=Domain.HEALTH, text=f"Goal {letters(i)}",
                owner=psychologist, due_on=in_days(10),
            )  # fmt: skip
        other = make_person(registrar, given=f"Dana{letters(i)}", family="Omarova")
        CaseAssignment.objects.create(person=other, user=care_manager)
        plan = services.plan_create(actor=act(psychologist), person=other)
        services.goal_add(
            actor=act(psychologist), plan=plan, domain=Domain.FAMILY, text="Family contact", owner=psychologist,
            due_on=in_days(10),
        )  # fmt: skip
        services.plan_submit(actor=act(psychologist), plan=plan, expected_version=plan.version)
        services.conference_create(
            actor=act(psychologist), held_on=today(), title=f"Conference {letters(i)}", chair=care_manager,
            cases=[
                CaseInput(person=resident, decisions="Continue", dissents=[("Marat", "Wait")],
                          minutes={"psychosocial": "Minute"},
                          actions=[ActionInput(Domain.FAMILY, "Call her mother", psychologist, in_days(5))]),
                CaseInput(person=other, decisions="Start"),
            ],
        )  # fmt: skip
    return draft


def test_care_pages_make_as_many_queries_for_many_rows_as_for_few(
    client, psychologist, care_manager, registrar, resident
):
    draft = grow(psychologist, care_manager, registrar, resident, 0, N)
    conference = services.conference_create(actor=act(psychologist), held_on=today(), title="Big", chair=care_manager)
    from zhusan.registry.models import Person

    def pages() -> dict[str, tuple[Any, Callable[[], Any]]]:
        return {
            "tab": (psychologist, lambda: client.get(reverse("rehabilitation_care:person_plan", args=[resident.uuid]))),
            "plan": (psychologist, lambda: client.get(reverse("rehabilitation_care:plan_detail", args=[draft.uuid]))),
            "waiting": (care_manager, lambda: client.get(reverse("rehabilitation_care:plans_waiting"))),
            "conferences": (psychologist, lambda: client.get(reverse("rehabilitation_care:conference_list"))),
            "conference": (
                psychologist,
                lambda: client.get(reverse("rehabilitation_care:conference_detail", args=[conference.uuid])),
            ),
        }

    def add_cases(start: int, stop: int) -> None:
        for person in Person.objects.exclude(conference_cases__conference=conference).order_by("pk")[: stop - start]:
            services.conference_case_add(
                actor=act(psychologist), conference=conference, case=CaseInput(person=person, decisions="Discussed",
                minutes={"psychosocial": "Minute"})
            )  # fmt: skip

    add_cases(0, N)
    few = {}
    for name, (user, get) in pages().items():
        login(client, user)
        few[name] = queries(get)
    grow(psychologist, care_manager, registrar, resident, N, 3 * N)
    add_cases(N, 3 * N)
    for name, (user, get) in pages().items():
        login(client, user)
        many = queries(get)
        assert many == few[name], f"{name}: {few[name]} queries for few rows, {many} for many"
