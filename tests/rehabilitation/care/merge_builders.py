"""Rows of rehabilitation_care naming a person, for the merge graph test
(``tests/registry/test_merge_graph.py`` imports ``BUILDERS``): a needs
assessment, a plan and a case discussed at a conference move with a merge.
Written through the services, by the graph's consular officer ``consul``."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.audit.services import Actor
from zhusan.registry.models import Person
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import Domain, Level


def _act() -> Actor:
    return Actor.system("tests", user=User.objects.get(username="consul"))


def _needs(merged: Person, other: Person) -> Model:
    return services.needs_assessment_create(
        actor=_act(),
        person=merged,
        assessed_on=timezone.localdate(),
        needs={Domain.CIVIL_DOCUMENTS: services.NeedInput(Level.HIGH, "No birth certificate")},
    )


def _plan(merged: Person, other: Person) -> Model:
    return services.plan_create(actor=_act(), person=merged, summary="Documents first")


def _conference_case(merged: Person, other: Person) -> Model:
    actor = _act()
    conference = services.conference_create(
        actor=actor, held_on=timezone.localdate(), title="Merge graph", chair=actor.user
    )
    return services.conference_case_add(
        actor=actor, conference=conference, case=services.CaseInput(person=merged, decisions="Restore documents")
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "rehabilitation_care.NeedsAssessment.person": _needs,
    "rehabilitation_care.CarePlan.person": _plan,
    "rehabilitation_care.ConferenceCase.person": _conference_case,
}
