"""The officer's figures of this part: requests by kind, and time to answer
(in bands, never individual values), through the package's figure registry
(disclosure control on every count)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhusan.dataprotection import figures

from .models import RequestKind, RequestStatus, SubjectRequest


def _in_period(query: figures.FigureQuery) -> list[SubjectRequest]:
    qs = SubjectRequest.objects.all()
    if query.start:
        qs = qs.filter(received_on__gte=query.start)
    if query.end:
        qs = qs.filter(received_on__lte=query.end)
    return list(qs.only("uuid", "kind", "status", "received_on", "answered_on", "due_on"))


def provide(query: figures.FigureQuery) -> list[figures.Figure]:
    rows = _in_period(query)
    by_kind = [figures.Line.of(label, [r.uuid for r in rows if r.kind == kind]) for kind, label in RequestKind.choices]
    answered = [(r, r.answered_on) for r in rows if r.status == RequestStatus.ANSWERED and r.answered_on]
    took = {r.pk: (on - r.received_on).days for r, on in answered}

    bands = [
        figures.Line.of(_("Answered within 7 days"), [r.uuid for r, _on in answered if took[r.pk] <= 7]),
        figures.Line.of(
            _("Answered within 30 days"), [r.uuid for r, on in answered if 7 < took[r.pk] <= 30 and on <= r.due_on]
        ),
        figures.Line.of(
            _("Answered later, within an extended deadline"),
            [r.uuid for r, on in answered if took[r.pk] > 30 and on <= r.due_on],
        ),
        figures.Line.of(_("Answered after the deadline"), [r.uuid for r, on in answered if on > r.due_on]),
    ]
    return [
        figures.Figure(
            code="requests_by_kind", title=_("Data-subject requests by kind"), lines=by_kind, order=20, total=True
        ),
        figures.Figure(code="time_to_answer", title=_("Time to answer data-subject requests"), lines=bands, order=21),
    ]


def register() -> None:
    figures.figure_provider("dataprotection_rights.requests", provide)
