"""Rows naming a person that a merge moves (``tests/registry/test_merge_graph.py``):
a record affected by a breach follows the person it is about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Role
from zhusan.audit.models import AuditEvent
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing import services
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user

from ...factories import make_staff


def _officer() -> User:
    return User.objects.filter(username="mergedpo").first() or make_staff(
        Role.DATA_PROTECTION_OFFICER, username="mergedpo"
    )


def _breach_record(merged: Person, other: Person) -> Model:
    officer = _officer()
    actor = Actor.system("tests", user=officer)
    reader = User.objects.exclude(pk=officer.pk).order_by("pk").first()
    get_person_for_user(Actor.system("tests", user=reader), merged.uuid)
    event = AuditEvent.objects.filter(person_ref=str(merged.uuid)).order_by("-seq").first()
    assert event is not None
    now = timezone.now()
    breach = services.breach_create(
        actor=actor, title="Merge breach", what_happened="A list was e-mailed.",
        happened_at=now - timedelta(hours=2), discovered_at=now - timedelta(hours=1),
    )  # fmt: skip
    return services.breach_add_records(actor=actor, breach=breach, seqs=[event.seq])[0]


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "dataprotection_sharing.BreachRecord.person": _breach_record,
}
