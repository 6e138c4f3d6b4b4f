"""What waits for a member of staff: their assigned cases and the emergency
accesses they must review. Reads through the one access path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, Prefetch, QuerySet

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import BreakGlassAccess
from zhusan.accounts.permissions import Capability, Detail
from zhusan.accounts.services import break_glass_supervised_by
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.registry.access import lists_read_justice, stage_label, stage_shown, visible_to, withheld_in_lists
from zhusan.registry.models import Person, PersonName

if TYPE_CHECKING:
    from zhusan.accounts.models import User

# Reads are not activity: the last thing done on a case is a write.
_NOT_ACTIVITY = [Action.VIEW, Action.LIST, Action.SEARCH, Action.PERMISSION_DENIED]


@dataclass(frozen=True)
class AssignedCase:
    person: Person
    last_activity: datetime | None
    # The stage as this reader may see it: "Restriction applies" for a justice
    # stage to a care role, nothing where the timeline is withheld (a teacher).
    stage: str = ""


def assigned_cases(actor: Actor, *, limit: int = 50) -> tuple[list[AssignedCase], int]:
    """The persons assigned to the actor that they may see (at most ``limit``,
    most recently active first, each with the time of the last write on it),
    and how many there are in all. Audited as a list; three queries."""
    assert actor.user is not None
    qs = visible_to(actor.user).filter(assignments__user=actor.user, assignments__ended_at__isnull=True)
    total = qs.count()
    persons = list(
        qs.prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "pk"))).order_by(
            "-updated_at"
        )[:limit]
    )
    last = dict(
        AuditEvent.objects.filter(person_ref__in=[str(p.uuid) for p in persons])
        .exclude(action__in=_NOT_ACTIVITY)
        .values("person_ref")
        .annotate(last=Max("at"))
        .values_list("person_ref", "last")
    )
    record(actor, Action.LIST, object_type=ObjectType.PERSON, detail={"filters": {"assigned_to_me": True}})
    justice = lists_read_justice(actor.user)
    masked = Detail.TIMELINE in withheld_in_lists(actor.user)
    cases = [
        AssignedCase(p, last.get(str(p.uuid)), "" if masked else stage_label(stage_shown(p.stage, justice=justice)))
        for p in persons
    ]
    cases.sort(key=lambda c: (c.last_activity is None, -(c.last_activity.timestamp() if c.last_activity else 0)))
    return cases, total


def break_glass_to_review(user: User) -> QuerySet[BreakGlassAccess] | None:
    """Emergency accesses waiting for this supervisor's review (not their
    own: another supervisor reviews those); None for a user who supervises nobody."""
    if not has_capability(user, Capability.SUPERVISE):
        return None
    return break_glass_supervised_by(user).filter(reviewed_at__isnull=True).exclude(user=user)
