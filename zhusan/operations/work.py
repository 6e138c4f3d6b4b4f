"""Operations' panel on the "My work" page (``registry.extensions.my_work_panel``):
entries of planned movements whose clearance waits for this user."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.registry.access import visible_to
from zhusan.registry.extensions import WorkItem, WorkPanel

from .models import ClearanceItem, ClearanceKind, EntryStatus, ManifestEntry, MovementStatus

SHOWN = 5
# Entries still being cleared for boarding.
_CLEARING = [EntryStatus.PROPOSED, EntryStatus.VERIFIED]


def clearance_panel(actor: Actor) -> WorkPanel | None:
    """A security liaison's pending security clearances; for those who manage
    operations (consular officers), entries with another required item unmet."""
    user = actor.user
    if user is None:
        return None
    security = has_capability(user, Capability.RECORD_SECURITY_CLEARANCE)
    manages = has_capability(user, Capability.MANAGE_OPERATIONS)
    if not (security or manages):
        return None
    waiting = Q()
    if security:
        waiting |= Q(kind=ClearanceKind.SECURITY_CLEARANCE)
    if manages:
        waiting |= ~Q(kind__in=[ClearanceKind.SECURITY_CLEARANCE, ClearanceKind.MEDICAL_FITNESS])
    qs = (
        ManifestEntry.objects.filter(
            movement__status=MovementStatus.PLANNED,
            status__in=_CLEARING,
            person__in=visible_to(user).values("pk"),
            clearance_items__in=ClearanceItem.objects.filter(waiting, required=True, satisfied=False),
        )
        .select_related("person", "movement")
        .distinct()
        .order_by("movement__pk", "pk")
    )
    count = qs.count()
    items = [
        WorkItem(text=entry.person.case_number, url=entry.get_absolute_url(), note=str(entry.movement))
        for entry in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Planned movements: entries awaiting your clearance"),
        items=items,
        count=count,
        url=reverse("operations:operation_list"),
        link_text=gettext_lazy("Operations"),
        order=40,
    )
