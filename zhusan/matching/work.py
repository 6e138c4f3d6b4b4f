"""Matching's panels on a reviewer's "My work" page (``registry.extensions.my_work_panel``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors
from .models import TracingMatchStatus, TracingStatus

SHOWN = 5


def duplicates_panel(actor: Actor) -> WorkPanel | None:
    """Open duplicate pairs the reviewer sees both records of, likeliest first."""
    if actor.user is None or not has_capability(actor.user, Capability.REVIEW_MATCHES):
        return None
    qs = selectors.duplicates_for_user(actor)
    count = qs.count()
    items = [
        WorkItem(
            text=_("%(a)s and %(b)s") % {"a": c.person_a.case_number, "b": c.person_b.case_number},
            url=reverse("matching:duplicate_detail", args=[c.uuid]),
        )
        for c in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Possible duplicates to review"),
        items=items,
        count=count,
        url=reverse("matching:duplicate_list"),
        link_text=gettext_lazy("All possible duplicates"),
        order=20,
    )


def tracing_panel(actor: Actor) -> WorkPanel | None:
    """Open tracing requests of the reviewer's organisations with a match to decide."""
    if actor.user is None or not has_capability(actor.user, Capability.REVIEW_MATCHES):
        return None
    qs = (
        selectors.tracing_requests_for_user(actor, status=TracingStatus.OPEN)
        .filter(matches__status__in=[TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE])
        .distinct()
    )
    count = qs.count()
    items = [
        WorkItem(
            text=", ".join(str(s) for s in r.sought.all()) or str(r),
            url=r.get_absolute_url(),
            note=_("asked by %(who)s") % {"who": r.inquirer_name or (r.inquirer.case_number if r.inquirer else "")},
        )
        for r in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Tracing requests with a match to decide"),
        items=items,
        count=count,
        url=reverse("matching:tracing_list") + "?status=open",
        link_text=gettext_lazy("All open tracing requests"),
        order=30,
    )
