"""Rows of this part naming a person, for the merge-graph test
(``tests/registry/test_merge_graph.py``): a data-subject request and a seal
follow the person into the surviving record (a seal left behind would leave
the moved justice data unsealed)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.audit.services import Actor
from zhusan.dataprotection.rights import services
from zhusan.registry.models import Person, SealedCompartment


def _request(merged: Person, other: Person) -> Model:
    consul = User.objects.get(username="consul")
    return services.subject_request_register(
        actor=Actor.system("tests", user=consul),
        person=merged,
        kind="access",
        requester_kind="person",
        received_on=timezone.localdate(),
    )


def _seal(merged: Person, other: Person) -> Model:
    return SealedCompartment.objects.create(
        person=merged, compartment="justice_security", sealed_on=timezone.localdate(), reason="Sealed at majority"
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "dataprotection_rights.SubjectRequest.person": _request,
    "registry.SealedCompartment.person": _seal,
}
