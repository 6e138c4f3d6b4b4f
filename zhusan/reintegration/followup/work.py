"""Follow-up's panels on the "My work" page (``registry.extensions.my_work_panel``):
the worker's follow-ups overdue or due in the next 30 days, and the closures
waiting for a supervisor's decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors
from .models import FollowUpPlan

SHOWN = 8


def follow_ups_due_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None or not selectors.reads_follow_up(user):
        return None
    today = timezone.localdate()
    qs = selectors.due_for_worker(user, today=today)
    count = qs.count()
    if count == 0 and not FollowUpPlan.objects.filter(worker=user, active=True).exists():
        return None
    items = [
        WorkItem(
            text=contact.plan.person.case_number,
            url=reverse("reintegration_followup:contact_detail", args=[contact.uuid]),
            note=(_("overdue since %(day)s") if contact.due_on < today else _("due %(day)s"))
            % {"day": date_format(contact.due_on)},
        )
        for contact in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Follow-ups due"),
        items=items,
        count=count,
        url=reverse("reintegration_followup:overdue") + "?mine=on",
        link_text=gettext_lazy("My overdue follow-ups"),
        order=30,
    )


def closures_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None or not has_capability(user, Capability.APPROVE_CARE):
        return None
    qs = selectors.closures_to_decide(user)
    count = qs.count()
    if count == 0:
        return None
    items = [
        WorkItem(
            text=closure.person.case_number,
            url=reverse("reintegration_followup:closure_detail", args=[closure.uuid]),
            note=str(closure.get_reason_display()),
        )
        for closure in qs[:SHOWN]
    ]
    return WorkPanel(title=gettext_lazy("Case closures waiting for your approval"), items=items, count=count, order=31)
