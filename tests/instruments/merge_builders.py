"""Rows of instruments naming a person, for the merge graph test
(``tests/registry/test_merge_graph.py`` imports ``BUILDERS``): every relation
moves with a merge. Written with the ORM: the graph's merged person is a
9-year-old and its actor a consular officer, who writes no psychosocial record."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.instruments.models import Administration, SafetyAlert, ScheduledAdministration
from zhusan.registry.models import Person


def _user() -> User:
    return User.objects.order_by("pk").first()  # type: ignore[return-value]


def _administration(person: Person) -> Administration:
    return Administration.objects.create(
        person=person,
        instrument="cries8",
        occasion="baseline",
        administered_on=timezone.localdate() - timedelta(days=1),
        administered_by=_user(),
        answers_json=json.dumps({str(k): 1 for k in range(1, 9)}),
        total=8,
        subscales={"intrusion": 4, "avoidance": 4},
        band="Below the cut-off",
    )


def _admin_row(merged: Person, other: Person) -> Model:
    return _administration(merged)


def _schedule_row(merged: Person, other: Person) -> Model:
    return ScheduledAdministration.objects.create(
        person=merged, instrument="sdq", occasion="baseline", due_on=timezone.localdate()
    )


def _alert_row(merged: Person, other: Person) -> Model:
    return SafetyAlert.objects.create(person=merged, administration=_administration(other))


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "instruments.Administration.person": _admin_row,
    "instruments.ScheduledAdministration.person": _schedule_row,
    "instruments.SafetyAlert.person": _alert_row,
}
