"""Rows of rehabilitation naming a person, for the merge graph test
(``tests/registry/test_merge_graph.py`` imports ``BUILDERS``): every relation
moves with a merge. Written with the ORM: the graph's persons are not
arrived residents and its actor is a consular officer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.registry.models import BestInterestsAssessment, Person
from zhusan.rehabilitation.models import Admission, Centre, FamilySeparation, KeyWorker, Room


def _user() -> User:
    return User.objects.order_by("pk").first()  # type: ignore[return-value]


def _room(person: Person) -> Room:
    centre, _ = Centre.objects.get_or_create(
        name="Merge centre", defaults={"region": "Mangystau", "town": "Aktau", "unit": person.managing_unit}
    )
    room, _ = Room.objects.get_or_create(centre=centre, name="Merge room", defaults={"beds": 20})
    return room


def _admission(person: Person, *, open_: bool = False) -> Admission:
    room = _room(person)
    day = timezone.localdate() - timedelta(days=20)
    return Admission.objects.create(
        person=person,
        centre=room.centre,
        room=room,
        admitted_on=day,
        discharged_on=None if open_ else day + timedelta(days=10),
        destination="" if open_ else "relatives",
    )


def _admission_row(merged: Person, other: Person) -> Model:
    return _admission(merged)


def _key_worker_row(merged: Person, other: Person) -> Model:
    return KeyWorker.objects.create(
        person=merged,
        user=_user(),
        discipline="psychologist",
        started_on=timezone.localdate() - timedelta(days=5),
        ended_on=timezone.localdate(),
    )


def _separation(child: Person, carer: Person, about: Person) -> FamilySeparation:
    assessment = BestInterestsAssessment.objects.create(
        person=child,
        purpose="separation",
        assessed_on=timezone.localdate(),
        assessor=_user(),
        recommendation="Stay in hospital first.",
    )
    return FamilySeparation.objects.create(
        admission=_admission(about),
        child=child,
        carer=carer,
        assessment=assessment,
        justification="Hospital care.",
        by=_user(),
    )


def _separation_child_row(merged: Person, other: Person) -> Model:
    return _separation(merged, other, other)


def _separation_carer_row(merged: Person, other: Person) -> Model:
    return _separation(other, merged, other)


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "rehabilitation.Admission.person": _admission_row,
    "rehabilitation.KeyWorker.person": _key_worker_row,
    "rehabilitation.FamilySeparation.child": _separation_child_row,
    "rehabilitation.FamilySeparation.carer": _separation_carer_row,
}
