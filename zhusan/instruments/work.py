"""Instruments' panels on the "My work" page: unacknowledged safety alerts
(first, they cannot wait) and overdue instruments."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors

SHOWN = 5


def alerts_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None:
        return None
    qs = selectors.open_alerts_for_user(user)
    alerts = list(qs[:SHOWN])
    if not alerts and not selectors.reads_psychosocial(user):
        return None
    count = len(alerts) if len(alerts) < SHOWN else qs.count()
    return WorkPanel(
        title=gettext_lazy("Safety alerts to acknowledge"),
        items=[
            WorkItem(
                text=alert.person.case_number,
                url=alert.get_absolute_url(),
                note=str(gettext_lazy("PHQ-9 item 9, %(day)s") % {"day": alert.administration.administered_on}),
            )
            for alert in alerts
        ],
        count=count,
        url=reverse("instruments:alert_list"),
        link_text=gettext_lazy("All open safety alerts"),
        order=5,
    )


def overdue_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None or not selectors.reads_psychosocial(user):
        return None
    qs = selectors.overdue_for_user(user)
    rows = list(qs[:SHOWN])
    count = len(rows) if len(rows) < SHOWN else qs.count()
    return WorkPanel(
        title=gettext_lazy("Overdue instruments"),
        items=[
            WorkItem(
                text=row.person.case_number,
                url=reverse("instruments:person_instruments", args=[row.person.uuid]),
                note=f"{row.get_instrument_display()} · {row.get_occasion_display()} · {row.due_on}",
            )
            for row in rows
        ],
        count=count,
        url=reverse("instruments:overdue_list"),
        link_text=gettext_lazy("All overdue instruments"),
        order=25,
    )
