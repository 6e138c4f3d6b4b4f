"""Reintegration's panels on the "My work" page (``registry.extensions.my_work_panel``):
placements whose review is due, and document pathways waiting for a lawyer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhusan.accounts.access import active_grants
from zhusan.accounts.permissions import Compartment, policy
from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors

SHOWN = 5


def _writes(actor: Actor, compartment: Compartment) -> bool:
    return actor.user is not None and any(compartment in policy(g.role).write for g in active_grants(actor.user))


def placements_panel(actor: Actor) -> WorkPanel | None:
    """For those who write a child's family record (social workers, case
    managers): placements whose review is overdue or due within two weeks."""
    if not _writes(actor, Compartment.FAMILY):
        return None
    qs = selectors.placements_due(actor)
    count = qs.count()
    if not count:
        return None
    today = timezone.localdate()
    items = [
        WorkItem(
            text=p.person.case_number,
            url=reverse("reintegration:person_reintegration", args=[p.person.uuid]),
            note=str(
                gettext_lazy("review overdue since %(day)s")
                if p.next_review_on < today
                else gettext_lazy("review due %(day)s")
            )
            % {"day": p.next_review_on.isoformat()},
        )
        for p in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Placements due for review"),
        items=items,
        count=count,
        url=reverse("reintegration:placements_due"),
        link_text=gettext_lazy("All placements due"),
        order=55,
    )


def pathways_panel(actor: Actor) -> WorkPanel | None:
    """For those who write documents but not the core case (lawyers): their
    open document pathways."""
    if not _writes(actor, Compartment.DOCUMENTS) or _writes(actor, Compartment.FAMILY):
        return None
    qs = selectors.pathways_waiting(actor, mine_only=True)
    count = qs.count()
    if not count:
        return None
    items = [
        WorkItem(
            text=w.person.case_number,
            url=reverse("reintegration:person_reintegration", args=[w.person.uuid]),
            note=f"{w.get_document_type_display()}: {w.get_status_display()}",
        )
        for w in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Document pathways waiting"),
        items=items,
        count=count,
        url=reverse("reintegration:caseload") + "?mine=1",
        link_text=gettext_lazy("My caseload"),
        order=56,
    )
