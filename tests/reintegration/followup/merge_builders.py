"""Follow-up's rows that a merge moves (``tests/registry/test_merge_graph.py``
imports ``BUILDERS``): one row naming the merged person through each relation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import Person
from zhusan.reintegration.followup import services

from ...factories import make_staff


def _consul() -> Actor:
    return Actor.system("tests", user=User.objects.get(username="consul"))


def _staff(role: Role, person: Person, username: str) -> Actor:
    user = User.objects.filter(username=username).first() or make_staff(role, person.managing_unit, username=username)
    return Actor.system("tests", user=user)


def _plan(merged: Person, other: Person) -> Model:
    return services.plan_create(actor=_consul(), person=merged, start_on=date(2020, 1, 1))


def _visit(merged: Person, other: Person) -> Model:
    return services.visit_log(
        actor=_consul(), person=merged, kind="phone_call", visited_on=timezone.localdate(), outcome="not_reached"
    )


def _incident(merged: Person, other: Person) -> Model:
    return services.incident_record(
        actor=_staff(Role.PSYCHOLOGIST, merged, "merge-psychologist"),
        person=merged,
        kind="stigma",
        occurred_on=timezone.localdate(),
        description="Neighbours refused to greet her",
    )


def _security(merged: Person, other: Person) -> Model:
    from zhusan.reintegration.followup.models import SecurityContact

    # Made as the service would after its checks: the merged record is a
    # child, for whom the service (rightly) records no security follow-up.
    return SecurityContact.objects.create(
        person=merged,
        kind="meeting",
        contacted_on=timezone.localdate(),
        notes="Routine meeting",
        liaison=_staff(Role.SECURITY_LIAISON, merged, "merge-liaison").user,
    )


def _closure(merged: Person, other: Person) -> Model:
    from zhusan.reintegration.followup.models import CaseClosure, ClosureReason

    # Made as the service would after its checks; the merged record's stage
    # (identified) is one the lifecycle does not close from.
    return CaseClosure.objects.create(
        person=merged,
        reason=ClosureReason.GOALS_ACHIEVED,
        requested_by=User.objects.get(username="consul"),
        requested_on=timezone.localdate(),
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "reintegration_followup.FollowUpPlan.person": _plan,
    "reintegration_followup.FollowUpVisit.person": _visit,
    "reintegration_followup.Incident.person": _incident,
    "reintegration_followup.SecurityContact.person": _security,
    "reintegration_followup.CaseClosure.person": _closure,
}
