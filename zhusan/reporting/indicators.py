"""The indicator catalogue: every published figure is declared here once.

An indicator says who it counts (its population, a predicate on one
person's statistical row), what it measures (a count, a rate or a duration)
and by what it may be broken down. ``compute`` reads the records with one
ORM query, builds the table and passes it through disclosure control: no
figure leaves this module unprotected.

Adding an indicator is one ``Indicator(...)`` in ``CATALOGUE`` plus its test
(tests/reporting/test_indicators.py) and its row in docs/reporting.md.

Statistical rows are pseudonymous by construction (domain rule 10): sex,
age band (never a birth date), current stage, region of the managing unit,
the operation a returnee arrived with, whether they were a man, a woman or a
child on arrival, and two dates used only to compute durations.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry.dates import birth_window_for_age, completed_years
from zhusan.registry.models import Person, PersonVulnerability, Sex, Stage, Vulnerability
from zhusan.registry.selectors import AGE_BANDS

from .disclosure import PublishedTable, Table, protect, rate

UNKNOWN = "unknown"
NO_OPERATION = "none"
Row = dict[str, Any]


def disclosure_threshold() -> int:
    return int(getattr(settings, "ZHUSAN_DISCLOSURE_THRESHOLD", 5))


# ----------------------------------------------------------------------------
# Dimensions


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str | Promise
    # Fixed categories with their labels; None = taken from the data (sorted).
    categories: tuple[tuple[str, str | Promise], ...] | None = None
    # Labels for codes of data-driven categories that are not shown as they are.
    other_labels: tuple[tuple[str, str | Promise], ...] = ()

    def category_codes(self, rows: Sequence[Row]) -> list[str]:
        if self.categories is not None:
            return [code for code, _label in self.categories]
        return sorted({str(row[self.code]) for row in rows})

    def label(self, code: str) -> str:
        for known, label in (*(self.categories or ()), *self.other_labels):
            if known == code:
                return str(label)
        return code


AGE_GROUPS = (("children", _("Children (0–17)")), ("adults", _("Adults (18+)")), (UNKNOWN, _("Age unknown")))
ARRIVAL_GROUPS = (
    ("men", _("Men (18+)")),
    ("women", _("Women (18+)")),
    ("children", _("Children (0–17)")),
    (UNKNOWN, _("Age or sex unknown")),
)

DIMENSIONS: dict[str, Dimension] = {
    "sex": Dimension("sex", _("Sex"), tuple((s.value, s.label) for s in Sex)),
    "age_band": Dimension(
        "age_band", _("Age band"), tuple((band, band) for band in AGE_BANDS) + ((UNKNOWN, _("Age unknown")),)
    ),
    "age_group": Dimension("age_group", _("Children and adults"), AGE_GROUPS),
    "stage": Dimension(
        "stage", _("Current stage"), tuple((s.value, s.label) for s in Stage) + (("none", _("No stage")),)
    ),
    "region": Dimension("region", _("Region (managing unit)")),
    # The operation of the person's arrived manifest entry (its code).
    "operation": Dimension("operation", _("Operation"), other_labels=((NO_OPERATION, _("No operation recorded")),)),
    # Who a returnee was on the day of arrival, as public figures per operation count them.
    "arrival_group": Dimension("arrival_group", _("Men, women and children on arrival"), ARRIVAL_GROUPS),
}


# ----------------------------------------------------------------------------
# Filters and the statistical rows


@dataclass(frozen=True)
class ReportFilters:
    """Who is counted: identified within the period, in a region, of a sex."""

    start: date | None = None
    end: date | None = None
    region: str = ""
    sex: str = ""

    @property
    def reference_date(self) -> date:
        """Ages are computed on this day: the end of the period, else today."""
        return self.end or timezone.localdate()

    def as_dict(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "region": self.region,
            "sex": self.sex,
        }


def _age_band_case(on: date) -> Case:
    whens = []
    for band, (lo, hi) in AGE_BANDS.items():
        earliest, latest = birth_window_for_age(lo, hi, on)
        condition = Q(birth_date_mid__lte=latest)
        if earliest is not None:
            condition &= Q(birth_date_mid__gte=earliest)
        whens.append(When(condition, then=Value(band)))
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def statistical_rows(filters: ReportFilters) -> list[Row]:
    """One pseudonymous row per subject in scope of the filters (one query)."""
    vulnerable = PersonVulnerability.objects.filter(person=OuterRef("pk"))
    qs = (
        Person.objects.subjects()
        .annotate(
            age_band=_age_band_case(filters.reference_date),
            region=Coalesce(F("managing_unit__region"), Value(""), output_field=CharField()),
            identified_at=Coalesce(Min("timeline__at", filter=Q(timeline__to_stage=Stage.IDENTIFIED)), F("created_at")),
            arrived_at=Min("timeline__at", filter=Q(timeline__to_stage=Stage.REPATRIATED)),
            orphan=Exists(vulnerable.filter(kind=Vulnerability.ORPHAN)),
            unaccompanied=Exists(vulnerable.filter(kind=Vulnerability.UNACCOMPANIED)),
            operation=Coalesce(
                Subquery(
                    ManifestEntry.objects.filter(person=OuterRef("pk"), status=EntryStatus.ARRIVED)
                    .order_by("arrived_at", "pk")
                    .values("movement__operation__code")[:1]
                ),
                Value(NO_OPERATION),
                output_field=CharField(),
            ),
        )
        .order_by()
    )
    if filters.region:
        qs = qs.filter(managing_unit__region=filters.region)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    rows = list(
        qs.values(
            "sex",
            "stage",
            "age_band",
            "region",
            "identified_at",
            "arrived_at",
            "orphan",
            "unaccompanied",
            "operation",
            "birth_date_mid",
        )
    )
    tz = timezone.get_current_timezone()
    kept = []
    for row in rows:
        identified = _local_date(row["identified_at"], tz)
        if filters.start and (identified is None or identified < filters.start):
            continue
        if filters.end and (identified is None or identified > filters.end):
            continue
        row["identified_on"] = identified
        row["arrived_on"] = _local_date(row["arrived_at"], tz)
        row["stage"] = row["stage"] or "none"
        row["region"] = row["region"] or ""
        band = row["age_band"]
        row["age_group"] = (
            UNKNOWN if band == UNKNOWN else ("children" if band in {"0-4", "5-11", "12-17"} else "adults")
        )
        # The birth date serves this one computation and never stays on the row.
        row["arrival_group"] = _arrival_group(row["sex"], row.pop("birth_date_mid"), row["arrived_on"])
        kept.append(row)
    return kept


def _arrival_group(sex: str, born: date | None, arrived: date | None) -> str:
    """Man, woman or child on the day of arrival (age from the birth-interval midpoint)."""
    if born is None or arrived is None:
        return UNKNOWN
    if completed_years(born, arrived) < 18:
        return "children"
    return {Sex.MALE.value: "men", Sex.FEMALE.value: "women"}.get(sex, UNKNOWN)


def _local_date(value: datetime | None, tz: Any) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value, tz).date() if timezone.is_aware(value) else value.date()


# ----------------------------------------------------------------------------
# Indicators


def _is_child(row: Row) -> bool:
    return row["age_group"] == "children"


def _returned(row: Row) -> bool:
    return row["arrived_on"] is not None


Measure = Literal["count", "rate", "duration"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    definition: str | Promise
    numerator: str | Promise
    denominator: str | Promise | None
    disaggregations: tuple[str, ...]
    population: Callable[[Row], bool]
    measure: Measure = "count"
    # For rates: the numerator's condition within the population (the denominator).
    numerator_filter: Callable[[Row], bool] | None = None
    # For durations: days from one date of the row to another.
    duration: tuple[str, str] | None = None
    unit: str | Promise = _("persons")
    # HXL base hashtag for the counts: #affected (people in need) or #reached (served).
    hxl_tag: str = "#affected"

    def describe(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": str(self.name),
            "definition": str(self.definition),
            "numerator": str(self.numerator),
            "denominator": str(self.denominator) if self.denominator else None,
            "measure": self.measure,
            "unit": str(self.unit),
            "disaggregations": list(self.disaggregations),
        }


CATALOGUE: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in [
        Indicator(
            code="persons",
            name=_("Persons in the programme"),
            definition=_(
                "Persons registered as subjects of the programme (not relatives at home) whose identification "
                "falls in the period, by their current lifecycle stage."
            ),
            numerator=_("Subjects identified in the period"),
            denominator=None,
            disaggregations=("stage", "sex", "age_band", "age_group", "region"),
            population=lambda row: True,
        ),
        Indicator(
            code="returnees",
            name=_("Returnees"),
            definition=_(
                "Subjects who reached the stage 'repatriated' (arrived in the country), whatever their stage now."
            ),
            numerator=_("Subjects with a recorded arrival"),
            denominator=None,
            disaggregations=("sex", "age_band", "age_group", "stage", "region", "operation", "arrival_group"),
            population=_returned,
            hxl_tag="#reached",
        ),
        Indicator(
            code="orphans",
            name=_("Orphans"),
            definition=_("Subjects recorded with the vulnerability 'orphan'."),
            numerator=_("Subjects recorded as orphans"),
            denominator=None,
            disaggregations=("sex", "age_band", "stage", "region", "operation"),
            population=lambda row: bool(row["orphan"]),
        ),
        Indicator(
            code="unaccompanied_children",
            name=_("Unaccompanied children"),
            definition=_("Subjects aged under 18 recorded with the vulnerability 'unaccompanied child'."),
            numerator=_("Children recorded as unaccompanied"),
            denominator=None,
            disaggregations=("sex", "age_band", "stage", "region"),
            population=lambda row: bool(row["unaccompanied"]) and _is_child(row),
        ),
        Indicator(
            code="children_share_of_returnees",
            name=_("Children among returnees"),
            definition=_("Percentage of returnees who were under 18 on the reference date."),
            numerator=_("Returnees aged under 18"),
            denominator=_("Returnees with a recorded arrival"),
            disaggregations=("sex", "region"),
            population=_returned,
            measure="rate",
            hxl_tag="#reached",
            numerator_filter=_is_child,
            unit=_("percent"),
        ),
        Indicator(
            code="days_identification_to_arrival",
            name=_("Days from identification to arrival"),
            definition=_(
                "For returnees, the days between the first 'identified' entry of their timeline (else their "
                "registration) and their first 'repatriated' entry; the median is published."
            ),
            numerator=_("Median of the days, over returnees"),
            denominator=_("Returnees with both dates"),
            disaggregations=("sex", "age_group", "region"),
            population=_returned,
            measure="duration",
            hxl_tag="#reached",
            duration=("identified_on", "arrived_on"),
            unit=_("days"),
        ),
    ]
}


# ----------------------------------------------------------------------------
# Computing


class DisaggregationError(ValueError):
    pass


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    by: tuple[str, ...]
    # Counts. For a rate: columns "yes" (numerator) and "no", row totals the
    # denominators. For a duration: the persons each value is computed over.
    table: PublishedTable
    # For rates and durations: one published value per row of ``table`` (None = suppressed).
    values: tuple[float | None, ...] | None = None
    filters: ReportFilters = field(default_factory=ReportFilters)

    def row_labels(self) -> list[str]:
        return [DIMENSIONS[self.by[0]].label(code) for code in self.table.rows] if self.by else [str(_("All"))]

    def column_labels(self) -> list[str]:
        if len(self.by) > 1:
            return [DIMENSIONS[self.by[1]].label(code) for code in self.table.columns]
        if self.indicator.measure == "rate":
            return [str(self.indicator.numerator), str(_("Others"))]
        return [str(self.indicator.unit if self.indicator.measure == "count" else _("persons"))]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "indicator": self.indicator.describe(),
            "by": list(self.by),
            "filters": self.filters.as_dict(),
            "table": self.table.as_dict(),
            "row_labels": self.row_labels(),
            "column_labels": self.column_labels(),
        }
        if self.values is not None:
            out["values"] = list(self.values)
        return out


def _table(rows: Sequence[Row], by: tuple[str, ...], *, all_rows: Sequence[Row], title: str) -> Table:
    """Counts of ``rows`` by up to two dimensions (categories from ``all_rows``)."""
    if not by:
        return Table.series(["all"], [len(rows)], title=title)
    first = DIMENSIONS[by[0]]
    row_codes = first.category_codes(all_rows)
    if len(by) == 1:
        counts = Counter(str(row[first.code]) for row in rows)
        return Table.series(row_codes, [counts[c] for c in row_codes], title=title)
    second = DIMENSIONS[by[1]]
    col_codes = second.category_codes(all_rows)
    pairs = Counter((str(row[first.code]), str(row[second.code])) for row in rows)
    return Table.from_counts(row_codes, col_codes, pairs, title=title)


def _checked(code: str, by: Sequence[str]) -> tuple[Indicator, tuple[str, ...]]:
    indicator = CATALOGUE[code]
    by = tuple(by)
    bad = [d for d in by if d not in indicator.disaggregations]
    if bad or len(by) > 2 or len(set(by)) != len(by):
        raise DisaggregationError(
            _("%(code)s can be broken down by at most two of: %(allowed)s.")
            % {"code": code, "allowed": ", ".join(indicator.disaggregations)}
        )
    if indicator.measure != "count" and len(by) > 1:
        raise DisaggregationError(_("Rates and durations are broken down by one dimension at most."))
    return indicator, by


def count_table(
    code: str, *, by: Sequence[str] = (), filters: ReportFilters | None = None, rows: Sequence[Row] | None = None
) -> Table:
    """The persons an indicator counts, BEFORE disclosure control.

    For verification only (tests, reconciliation with published figures):
    nothing may be shown or exported from this; :func:`compute` is the one
    published path and protects this very table."""
    indicator, by = _checked(code, by)
    all_rows = list(rows) if rows is not None else statistical_rows(filters or ReportFilters())
    population = [row for row in all_rows if indicator.population(row)]
    return _table(population, by, all_rows=all_rows, title=str(indicator.name))


def compute(
    code: str,
    *,
    by: Sequence[str] = (),
    filters: ReportFilters | None = None,
    threshold: int | None = None,
    rounding_base: int | None = None,
    rows: Sequence[Row] | None = None,
) -> IndicatorResult:
    """The published (disclosure-controlled) figures of one indicator."""
    indicator, by = _checked(code, by)
    filters = filters or ReportFilters()
    threshold = threshold or disclosure_threshold()
    all_rows = list(rows) if rows is not None else statistical_rows(filters)
    population = [row for row in all_rows if indicator.population(row)]
    title = str(indicator.name)
    if indicator.measure == "count":
        raw = count_table(code, by=by, filters=filters, rows=all_rows)
        counts = protect(raw, threshold=threshold, rounding_base=rounding_base)
        return IndicatorResult(indicator, by, counts, filters=filters)

    if indicator.measure == "rate":
        # Numerator and its complement are protected as one table whose row
        # totals are the denominators: protecting them apart would let a reader
        # subtract a shown numerator from a shown denominator.
        assert indicator.numerator_filter is not None
        hit = indicator.numerator_filter
        keys = [str(row[by[0]]) if by else "all" for row in population]
        row_codes = DIMENSIONS[by[0]].category_codes(all_rows) if by else ["all"]
        pairs = Counter((key, "yes" if hit(row) else "no") for key, row in zip(keys, population, strict=True))
        joint = protect(
            Table.from_counts(row_codes, ["yes", "no"], pairs, title=title),
            threshold=threshold,
            rounding_base=rounding_base,
        )
        values = tuple(rate(line[0], total) for line, total in zip(joint.cells, joint.row_totals, strict=True))
        return IndicatorResult(indicator, by, joint, values=values, filters=filters)

    # Duration: the median is published only where its count of persons is.
    counts = protect(
        _table(population, by, all_rows=all_rows, title=title), threshold=threshold, rounding_base=rounding_base
    )
    assert indicator.duration is not None
    start_key, end_key = indicator.duration
    groups: dict[str, list[int]] = {}
    for row in population:
        if row[start_key] is None or row[end_key] is None:
            continue
        key = str(row[by[0]]) if by else "all"
        groups.setdefault(key, []).append((row[end_key] - row[start_key]).days)
    values = tuple(
        None if count[0] is None or not groups.get(label) else float(statistics.median(groups[label]))
        for label, count in zip(counts.rows, counts.cells, strict=True)
    )
    return IndicatorResult(indicator, by, counts, values=values, filters=filters)
