"""Support's panels on the "My work" page (``registry.extensions.my_work_panel``):
referrals waiting for the user's organisation's answer, and consent
overrides for supervisors to review."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from zhusan.audit.services import Actor
from zhusan.registry.extensions import WorkItem, WorkPanel

from . import selectors

SHOWN = 5


def referrals_waiting_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None:
        return None
    qs = selectors.waiting_for_answer(user)
    count = qs.count()
    if not count:
        return None
    items = [
        WorkItem(
            text=f"{r.person.case_number} · {r.get_kind_display()}",
            url=r.get_absolute_url(),
            note=str(gettext_lazy("answer due %(day)s") % {"day": r.due_on.isoformat()}),
        )
        for r in qs[:SHOWN]
    ]
    return WorkPanel(
        title=gettext_lazy("Referrals waiting for your organisation's answer"),
        items=items,
        count=count,
        url=reverse("reintegration_support:referrals_received"),
        link_text=gettext_lazy("Referrals received"),
        order=45,
    )


def overrides_panel(actor: Actor) -> WorkPanel | None:
    user = actor.user
    if user is None:
        return None
    referrals, transfers = selectors.overrides_to_review(user)
    count = referrals.count() + transfers.count()
    if not count:
        return None
    items = [
        WorkItem(text=f"{r.person.case_number} · {r.get_kind_display()}", url=r.get_absolute_url(), note=r.receiver)
        for r in referrals[:SHOWN]
    ] + [WorkItem(text=t.person.case_number, url=t.get_absolute_url(), note=str(t.to_unit)) for t in transfers[:SHOWN]]
    return WorkPanel(
        title=gettext_lazy("Sent without consent: overrides to review"),
        items=items[:SHOWN],
        count=count,
        url=reverse("reintegration_support:overrides"),
        link_text=gettext_lazy("Overrides"),
        order=46,
    )
