"""One row naming the merged person through each of reintegration's relations
(imported by tests/registry/test_merge_graph.py; the actor is its consular
officer ``consul``, who writes the core case). ``merged`` and ``other`` are
children; either may stand as the other's carer here."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from zhusan.accounts.models import User
from zhusan.audit.services import Actor
from zhusan.registry.models import Person

from . import world


def _act() -> Actor:
    return Actor.system("tests", user=User.objects.get(username="consul"))


def _placement(merged: Person, other: Person) -> Model:
    return world.place(_act(), merged, other)


def _placement_carer(merged: Person, other: Person) -> Model:
    return world.place(_act(), other, merged)


def _visit(merged: Person, other: Person) -> Model:
    from zhusan.reintegration import services

    return services.home_visit_record(
        actor=_act(), person=merged, carer=other, visited_on=world.today(), outcome="with_support"
    )


def _visit_carer(merged: Person, other: Person) -> Model:
    from zhusan.reintegration import services

    return services.home_visit_record(
        actor=_act(), person=other, carer=merged, visited_on=world.today(), outcome="suitable"
    )


def _order(merged: Person, other: Person) -> Model:
    world.place(_act(), merged, other, guardianship=True)
    return merged.guardianship_orders.get()


def _order_guardian(merged: Person, other: Person) -> Model:
    world.place(_act(), other, merged, guardianship=True)
    return merged.guardianships.get()


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "reintegration.Placement.person": _placement,
    "reintegration.Placement.carer": _placement_carer,
    "reintegration.HomeVisit.person": _visit,
    "reintegration.HomeVisit.carer": _visit_carer,
    "reintegration.GuardianshipOrder.person": _order,
    "reintegration.GuardianshipOrder.guardian": _order_guardian,
    "reintegration.DocumentPathway.person": lambda merged, other: world.pathway(_act(), merged),
    "reintegration.BenefitClaim.person": lambda merged, other: world.claim(_act(), merged),
    "reintegration.Enrolment.person": lambda merged, other: world.enrol(_act(), merged),
}
