"""Rehabilitation's panel on the "My work" page: "My residents", the
caseload of a member of a centre's staff (with a warning over the limit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.audit.services import Actor
from zhusan.registry.access import visible_to
from zhusan.registry.extensions import WorkItem, WorkPanel

from .models import KeyWorker
from .selectors import staff_member

SHOWN = 8


def residents_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None:
        return None
    member = staff_member(user)
    if member is None:
        return None
    current = KeyWorker.objects.filter(user=user, ended_on__isnull=True)
    count = current.count()
    limit = member.centre.caseload_limit(member.discipline)
    shown = (
        current.filter(person__in=visible_to(user).values("pk"))
        .select_related("person")
        .order_by("started_on", "person__case_number")[:SHOWN]
    )
    items = [
        WorkItem(
            text=kw.person.case_number,
            url=reverse("rehabilitation:person_rehabilitation", kwargs={"person_uuid": kw.person.uuid}),
            note=_("key worker since %(day)s") % {"day": kw.started_on.isoformat()},
        )
        for kw in shown
    ]
    if count > limit:
        items.insert(
            0,
            WorkItem(
                text=_("Over the caseload limit: %(n)d residents, limit %(limit)d.") % {"n": count, "limit": limit},
                url=reverse("rehabilitation:caseload", kwargs={"staff_uuid": member.uuid}),
            ),
        )
    return WorkPanel(
        title=gettext_lazy("My residents"),
        items=items,
        count=count,
        url=reverse("rehabilitation:caseload", kwargs={"staff_uuid": member.uuid}),
        link_text=gettext_lazy("My caseload"),
        order=30,
    )
