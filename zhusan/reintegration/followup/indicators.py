"""Follow-up's published figures: follow-ups done on time, closures by reason.

The statistical row gains three columns (counted in the database, never a
date): how many of the person's follow-up contacts are settled (due at least
``ON_TIME_DAYS`` ago, not cancelled), how many of those were late or missed,
and the reason of the closure of a closed case. Disclosure control applies
as to every indicator (``reporting.indicators.compute``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.registry.models import Stage
from zhusan.reporting.indicators import DIMENSIONS, Dimension, Indicator, Row

from .models import CaseClosure, ClosureReason, ClosureStatus, ContactStatus, FollowUpContact
from .services import ON_TIME_DAYS

NO_REASON = "none"


def _settled(late_only: bool) -> Subquery:
    cutoff = timezone.localdate() - timedelta(days=ON_TIME_DAYS)
    condition = Q(plan__person=OuterRef("pk"), due_on__lte=cutoff) & ~Q(status=ContactStatus.CANCELLED)
    if late_only:
        condition &= ~Q(status=ContactStatus.DONE, on_time=True)
    counted = (
        FollowUpContact.objects.filter(condition)
        .order_by()
        .values("plan__person")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Subquery(counted, output_field=IntegerField())


def statistics_columns() -> dict[str, Any]:
    closure = CaseClosure.objects.filter(person=OuterRef("pk"), status=ClosureStatus.APPROVED).order_by(
        "-decided_on", "-pk"
    )
    return {
        "followup_settled": Coalesce(_settled(False), Value(0)),
        "followup_late": Coalesce(_settled(True), Value(0)),
        "closure_reason": Coalesce(Subquery(closure.values("reason")[:1]), Value(NO_REASON), output_field=CharField()),
    }


def _followed_up(row: Row) -> bool:
    return bool(row.get("followup_settled"))


def _all_on_time(row: Row) -> bool:
    return not row.get("followup_late")


def _closed_with_reason(row: Row) -> bool:
    return row.get("stage") == Stage.CLOSED and row.get("closure_reason", NO_REASON) != NO_REASON


def indicators() -> list[Indicator]:
    DIMENSIONS.setdefault(
        "closure_reason",
        Dimension("closure_reason", _("Closure reason"), tuple((r.value, r.label) for r in ClosureReason)),
    )
    return [
        Indicator(
            code="follow_ups_on_time",
            name=_("Follow-ups done on time"),
            definition=_(
                "Of the persons with a follow-up plan whose scheduled contacts fell due at least two weeks ago, "
                "the percentage who had every one of those contacts made within two weeks of its due date."
            ),
            numerator=_("Persons with every due follow-up made on time"),
            denominator=_("Persons with at least one follow-up due"),
            disaggregations=("sex", "age_group", "region", "operation"),
            population=_followed_up,
            measure="rate",
            numerator_filter=_all_on_time,
            unit=_("percent"),
            hxl_tag="#reached",
        ),
        Indicator(
            code="closures_by_reason",
            name=_("Closed cases by reason"),
            definition=_(
                "Subjects whose case is closed, by the reason of the approved closure (a reopened case is not counted)."
            ),
            numerator=_("Closed cases"),
            denominator=None,
            disaggregations=("closure_reason", "sex", "age_group", "region", "operation"),
            population=_closed_with_reason,
            hxl_tag="#reached",
            headline=False,
        ),
    ]
