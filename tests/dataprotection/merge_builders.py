"""Rows of the retention app naming a person, for the merge-graph test
(``tests/registry/test_merge_graph.py``): a legal hold and an erasure item
follow the person into the surviving record."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.dataprotection import services as retention
from zhusan.registry.models import Person

from ..factories import make_staff


def _officer() -> User:
    found = User.objects.filter(username="merge-dpo").first()
    return found or make_staff(Role.DATA_PROTECTION_OFFICER, username="merge-dpo")


def _hold(merged: Person, other: Person) -> Model:
    """A lifted hold (it still names the person; an active one would refuse the erasure built next)."""
    actor = Actor.system("tests", user=_officer())
    hold = retention.hold_place(actor=actor, person=merged, reason="Trial pending")
    return retention.hold_lift(actor=actor, hold=hold, reason="Acquitted", expected_version=hold.version)


def _item(merged: Person, other: Person) -> Model:
    return retention.request_erasure(
        actor=Actor.system("tests", user=_officer()), person=merged, reason="Asked", source_ref="DSR-M"
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "dataprotection.LegalHold.person": _hold,
    "dataprotection.RetentionItem.person": _item,
}
