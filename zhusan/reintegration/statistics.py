"""Reintegration's columns of the pseudonymous statistical row and its
indicators (``registry.extensions.statistics_columns`` / ``indicators``):
returned children living with family, in school or kindergarten, with a
birth certificate; and the briefing's sentence on them. Every figure goes
through reporting's disclosure control."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhusan.registry.models import DocumentStatus, DocumentType
from zhusan.reporting.indicators import Indicator

from .models import FAMILY_BASED, Enrolment, Placement, PlacementKind

Row = dict[str, Any]
BY = ("region", "operation", "sex")
SCHOOL_AGE_BANDS = ("5-11", "12-17")


def columns() -> dict[str, Any]:
    from zhusan.registry.models import Document

    open_placement = Placement.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
    return {
        "reint_with_family": Exists(open_placement.filter(kind__in=[k.value for k in FAMILY_BASED])),
        "reint_in_institution": Exists(open_placement.filter(kind=PlacementKind.INSTITUTION)),
        "reint_in_education": Exists(Enrolment.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)),
        "reint_birth_certificate": Exists(
            Document.objects.filter(
                person=OuterRef("pk"), doc_type=DocumentType.BIRTH_CERTIFICATE, status=DocumentStatus.ISSUED
            )
        ),
    }


def _returned_child(row: Row) -> bool:
    return row["arrived_on"] is not None and row["age_group"] == "children"


def _returned_school_age(row: Row) -> bool:
    return _returned_child(row) and row["age_band"] in SCHOOL_AGE_BANDS


def indicators() -> list[Indicator]:
    returned_children = _("Returned children (under 18 on the reference date, with a recorded arrival)")
    return [
        Indicator(
            code="children_with_family_share",
            name=_("Returned children living with family"),
            definition=_(
                "Percentage of returned children whose current placement is family-based (relatives, a parent or a "
                "foster family), not an institution. Children with no placement recorded count in the denominator."
            ),
            numerator=_("Returned children in a family-based placement"),
            denominator=returned_children,
            disaggregations=BY,
            population=_returned_child,
            measure="rate",
            numerator_filter=lambda row: bool(row["reint_with_family"]),
            unit=_("percent"),
            hxl_tag="#reached",
        ),
        Indicator(
            code="children_in_education_share",
            name=_("Returned children in school or kindergarten"),
            definition=_("Percentage of returned children aged 5 to 17 with an open school or kindergarten enrolment."),
            numerator=_("Returned children aged 5 to 17 enrolled now"),
            denominator=_("Returned children aged 5 to 17"),
            disaggregations=BY,
            population=_returned_school_age,
            measure="rate",
            numerator_filter=lambda row: bool(row["reint_in_education"]),
            unit=_("percent"),
            hxl_tag="#reached",
        ),
        Indicator(
            code="children_with_birth_certificate_share",
            name=_("Returned children with a birth certificate"),
            definition=_("Percentage of returned children with an issued birth certificate in the registry."),
            numerator=_("Returned children with an issued birth certificate"),
            denominator=returned_children,
            disaggregations=BY,
            population=_returned_child,
            measure="rate",
            numerator_filter=lambda row: bool(row["reint_birth_certificate"]),
            unit=_("percent"),
            hxl_tag="#reached",
        ),
        Indicator(
            code="children_living_with_relatives",
            name=_("Returned children living with relatives"),
            definition=_("Returned children whose current placement is family-based (not an institution)."),
            numerator=_("Returned children in a family-based placement"),
            denominator=None,
            disaggregations=BY,
            population=lambda row: _returned_child(row) and bool(row["reint_with_family"]),
            hxl_tag="#reached",
            headline=False,
        ),
        Indicator(
            code="children_attending_school",
            name=_("Returned children attending school or kindergarten"),
            definition=_("Returned children with an open school or kindergarten enrolment."),
            numerator=_("Returned children enrolled now"),
            denominator=None,
            disaggregations=BY,
            population=lambda row: _returned_child(row) and bool(row["reint_in_education"]),
            hxl_tag="#reached",
            headline=False,
        ),
    ]


def children_sentence(figure: Any) -> str:
    """The briefing's outcome sentence on children, from published counts."""
    return gettext("%(family)s returned children live with relatives and %(school)s attend school or kindergarten.") % {
        "family": figure("children_living_with_relatives"),
        "school": figure("children_attending_school"),
    }
