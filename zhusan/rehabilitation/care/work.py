"""Care's panels on the "My work" page (``registry.extensions.my_work_panel``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors

SHOWN = 5


def approvals_panel(actor: Actor) -> WorkPanel | None:
    """Plans submitted for approval that this user may decide (APPROVE_CARE, not the author)."""
    user = actor.user
    if user is None or not has_capability(user, Capability.APPROVE_CARE):
        return None
    qs = selectors.plans_waiting_for(user)
    count = qs.count()
    items = [
        WorkItem(
            text=plan.person.case_number,
            url=plan.get_absolute_url(),
            note=_("submitted by %(who)s") % {"who": plan.author.get_full_name() or plan.author.get_username()},
        )
        for plan in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Plans waiting for my approval"),
        items=items,
        count=count,
        url=reverse("rehabilitation_care:plans_waiting"),
        link_text=gettext_lazy("All plans waiting"),
        order=30,
    )


def goals_panel(actor: Actor) -> WorkPanel | None:
    """Goals this user owns that are due soon or overdue."""
    user = actor.user
    if user is None or not selectors.is_care_reader(user):
        return None
    today = timezone.localdate()
    qs = selectors.goals_due_for(user, today)
    count = qs.count()
    if not count:
        return None
    items = [
        WorkItem(
            text=f"{goal.plan.person.case_number}: {goal.text}",
            url=goal.plan.get_absolute_url(),
            note=(_("overdue since %(d)s") if goal.due_on < today else _("due %(d)s")) % {"d": goal.due_on.isoformat()},
        )
        for goal in qs[:SHOWN]
    ]
    return WorkPanel(title=gettext_lazy("My plan goals due or overdue"), items=items, count=count, order=32)


def reviews_panel(actor: Actor) -> WorkPanel | None:
    """Active plans past their review date that this user wrote or owns a goal of."""
    user = actor.user
    if user is None or not selectors.is_care_reader(user):
        return None
    qs = selectors.reviews_overdue_for(user)
    count = qs.count()
    if not count:
        return None
    items = [
        WorkItem(
            text=plan.person.case_number,
            url=plan.get_absolute_url(),
            note=_("review was due %(d)s") % {"d": plan.next_review_on.isoformat() if plan.next_review_on else ""},
        )
        for plan in qs[:SHOWN]
    ]
    return WorkPanel(title=gettext_lazy("Plan reviews overdue"), items=items, count=count, order=34)
