"""The sessions panel of the "My work" page: the user's sessions today, and
their planned sessions of earlier days still to mark held or cancel."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors, services

SHOWN = 8


def sessions_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None:
        return None
    today = timezone.localdate()
    todays = list(selectors.sessions_of_staff_on(user, today))
    overdue = selectors.sessions_to_mark_held(user, today)
    overdue_count = overdue.count()
    if not todays and not overdue_count and not services.disciplines_of(user):
        return None
    items = [
        WorkItem(
            text=f"{time_format(timezone.localtime(s.starts_at), 'TIME_FORMAT')} · {s.get_discipline_display()} · "
            f"{s.get_kind_display()}",
            url=s.get_absolute_url(),
            note=", ".join(p.person.case_number for p in s.participants.all()) + f" — {s.get_status_display()}",
        )
        for s in todays[:SHOWN]
    ]
    items += [
        WorkItem(
            text=_("To mark held: %(when)s · %(discipline)s")
            % {
                "when": timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"),
                "discipline": s.get_discipline_display(),
            },
            url=s.get_absolute_url(),
        )
        for s in overdue[: max(0, SHOWN - len(items))]
    ]
    return WorkPanel(
        title=gettext_lazy("Today's sessions"),
        items=items,
        count=len(todays) + overdue_count,
        url=reverse("rehabilitation_sessions:today"),
        link_text=gettext_lazy("Today's sessions"),
        order=20,
    )
