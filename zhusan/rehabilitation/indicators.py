"""Rehabilitation's published figures: admissions by centre and month,
residents by centre (occupancy), and the length of stay.

The statistical row (one per person) carries the person's first admission
(its centre and month), whether they are resident today, and the dates of
their latest completed stay; every figure goes through reporting's
disclosure control like any other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, ExtractMonth, ExtractYear, LPad
from django.utils.translation import gettext_lazy as _

from zhusan.reporting.indicators import DIMENSIONS, Dimension, Indicator

from .models import Admission

NO_CENTRE = "none"


def _first_admission() -> Any:
    return Admission.objects.filter(person=OuterRef("pk")).order_by("admitted_on", "pk")


def _latest_discharge() -> Any:
    return Admission.objects.filter(person=OuterRef("pk"), discharged_on__isnull=False).order_by(
        "-discharged_on", "-pk"
    )


def statistics_columns() -> dict[str, Any]:
    month = Concat(
        Cast(ExtractYear("admitted_on"), CharField()),
        Value("-"),
        LPad(Cast(ExtractMonth("admitted_on"), CharField()), 2, Value("0")),
        output_field=CharField(),
    )
    return {
        "rehab_centre": Coalesce(
            Subquery(_first_admission().values("centre__name")[:1], output_field=CharField()),
            Value(NO_CENTRE),
            output_field=CharField(),
        ),
        "rehab_admission_month": Subquery(
            _first_admission().annotate(month=month).values("month")[:1], output_field=CharField()
        ),
        "rehab_resident": Exists(Admission.objects.open().filter(person=OuterRef("pk"))),
        "rehab_stay_start": Subquery(_latest_discharge().values("admitted_on")[:1]),
        "rehab_stay_end": Subquery(_latest_discharge().values("discharged_on")[:1]),
    }


def register_dimensions() -> None:
    """The centre and the month of admission as dimensions of the figures."""
    DIMENSIONS.setdefault(
        "rehab_centre",
        Dimension("rehab_centre", _("Rehabilitation centre"), other_labels=((NO_CENTRE, _("No centre")),)),
    )
    DIMENSIONS.setdefault(
        "rehab_admission_month", Dimension("rehab_admission_month", _("Month of admission"), period="month")
    )


def _admitted(row: dict[str, Any]) -> bool:
    return bool(row.get("rehab_admission_month"))


def _resident(row: dict[str, Any]) -> bool:
    return bool(row.get("rehab_resident"))


def _stayed(row: dict[str, Any]) -> bool:
    return row.get("rehab_stay_start") is not None and row.get("rehab_stay_end") is not None


def indicators() -> list[Indicator]:
    return [
        Indicator(
            code="rehabilitation_admissions",
            name=_("Admissions to rehabilitation centres"),
            definition=_(
                "Persons admitted to a rehabilitation centre, by the centre and the month of their first admission."
            ),
            numerator=_("Persons admitted (first admission)"),
            denominator=None,
            disaggregations=("rehab_admission_month", "rehab_centre", "sex", "age_group", "region", "operation"),
            population=_admitted,
            hxl_tag="#reached",
            headline=False,
        ),
        Indicator(
            code="rehabilitation_residents",
            name=_("Residents of rehabilitation centres"),
            definition=_("Persons resident in a rehabilitation centre on the day of the report (occupancy)."),
            numerator=_("Persons with an open admission"),
            denominator=None,
            disaggregations=("rehab_centre", "sex", "age_group", "region"),
            population=_resident,
            hxl_tag="#reached",
        ),
        Indicator(
            code="rehabilitation_length_of_stay",
            name=_("Length of stay in a rehabilitation centre"),
            definition=_(
                "For persons discharged from a centre, the days from admission to discharge of their latest "
                "completed stay (derived from the two dates, never typed); the median is published."
            ),
            numerator=_("Median days of the stay, over persons discharged"),
            denominator=_("Persons discharged from a centre"),
            disaggregations=("rehab_centre", "sex", "age_group", "region"),
            population=_stayed,
            measure="duration",
            duration=("rehab_stay_start", "rehab_stay_end"),
            unit=_("days"),
            hxl_tag="#reached",
            headline=False,
        ),
    ]
