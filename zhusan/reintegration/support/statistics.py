"""Support's columns of the pseudonymous statistical row and its indicators.

Every figure goes through reporting's disclosure control. Referrals to
security services are never counted here: their existence stays in the
justice-and-security compartment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.registry.models import Sex
from zhusan.reporting.indicators import DIMENSIONS, Dimension, Indicator

from .models import Employment, Referral, ReferralKind, ReferralStatus, VocationalCourse
from .outcomes import FIRST_GROUP

NOT_REFERRED = "none"

REFERRAL_KIND = Dimension(
    "referral_kind",
    _("Kind of referral (the person's latest)"),
    tuple((k.value, k.label) for k in ReferralKind if k != ReferralKind.SECURITY),
)
REFERRAL_OUTCOME = Dimension(
    "referral_outcome",
    _("Outcome of the referral (the person's latest)"),
    tuple((s.value, s.label) for s in ReferralStatus),
)


def _care_referrals() -> Any:
    return Referral.objects.filter(person=OuterRef("pk")).exclude(kind=ReferralKind.SECURITY)


def columns() -> dict[str, Any]:
    today = timezone.localdate()
    current = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    latest = _care_referrals().order_by("-sent_on", "-pk")
    answered = _care_referrals().filter(responded_on__isnull=False).order_by("sent_on", "pk")
    return {
        "support_employed": Exists(Employment.objects.filter(current, person=OuterRef("pk"), started_on__lte=today)),
        "support_in_training": Exists(
            VocationalCourse.objects.filter(current, person=OuterRef("pk"), started_on__lte=today)
        ),
        "referral_kind": Subquery(latest.values("kind")[:1]),
        "referral_outcome": Subquery(latest.values("status")[:1]),
        "support_referral_sent_on": Subquery(answered.values("sent_on")[:1]),
        "support_referral_answered_on": Subquery(answered.values("responded_on")[:1]),
    }


def _adult_woman_returnee(row: dict[str, Any]) -> bool:
    return row["sex"] == Sex.FEMALE and row["age_group"] == "adults" and row["arrived_on"] is not None


def _works_or_trains(row: dict[str, Any]) -> bool:
    return bool(row.get("support_employed") or row.get("support_in_training"))


def _referred(row: dict[str, Any]) -> bool:
    return bool(row.get("referral_kind"))


def _answered(row: dict[str, Any]) -> bool:
    return row.get("support_referral_answered_on") is not None


def indicators() -> list[Indicator]:
    # Reporting has no extension point for dimensions yet: declare ours in
    # its table (the lead is asked for a ``dimensions`` point).
    DIMENSIONS.setdefault(REFERRAL_KIND.code, REFERRAL_KIND)
    DIMENSIONS.setdefault(REFERRAL_OUTCOME.code, REFERRAL_OUTCOME)
    return [
        Indicator(
            code="women_in_work_or_training",
            name=_("Adult women in work or training"),
            definition=_(
                "Percentage of adult women returnees (18+ on the reference date, with a recorded arrival) who "
                "hold a current job or attend a current vocational course."
            ),
            numerator=_("Adult women returnees in work or in a vocational course"),
            denominator=_("Adult women returnees"),
            disaggregations=("region", "operation"),
            population=_adult_woman_returnee,
            measure="rate",
            numerator_filter=_works_or_trains,
            unit=_("percent"),
            hxl_tag="#reached",
        ),
        Indicator(
            code="persons_referred",
            name=_("Persons referred to other agencies"),
            definition=_(
                "Subjects with at least one referral to an agency or service (health, psychosocial, legal, "
                "education, livelihood, housing), by the kind and the outcome of their latest referral."
            ),
            numerator=_("Subjects referred"),
            denominator=None,
            disaggregations=("referral_kind", "referral_outcome", "sex", "age_group", "region"),
            population=_referred,
            hxl_tag="#reached",
        ),
        Indicator(
            code="referral_response_days",
            name=_("Days for an agency to answer a referral"),
            definition=_(
                "For subjects whose referral was answered (accepted or declined), the days between the first "
                "such referral and its answer; the median is published."
            ),
            numerator=_("Median of the days, over answered referrals"),
            denominator=_("Subjects with an answered referral"),
            disaggregations=("age_group", "region"),
            population=_answered,
            measure="duration",
            duration=("support_referral_sent_on", "support_referral_answered_on"),
            unit=_("days"),
            headline=False,
        ),
        Indicator(
            code="first_group_women_working",
            name=_("Women of the first group in work"),
            definition=_(
                "Adult women who arrived with the programme's first operation and hold a current job, as the "
                "programme's outcome is reported."
            ),
            numerator=_("Adult women of the first operation in work"),
            denominator=None,
            disaggregations=("region",),
            population=_first_group_woman_working,
            hxl_tag="#reached",
            headline=False,
        ),
    ]


def _first_group_woman_working(row: dict[str, Any]) -> bool:
    return _adult_woman_returnee(row) and row["operation"] == FIRST_GROUP and bool(row.get("support_employed"))


def first_group_sentence(figure: Callable[[str], str]) -> str:
    """The briefing's sentence on the first group's women at work, from the
    published (disclosure-controlled) figure."""
    return str(
        _("%(n)s women of the first group (%(operation)s) work.")
        % {"n": figure("first_group_women_working"), "operation": FIRST_GROUP}
    )
