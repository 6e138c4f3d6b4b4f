"""The indicator catalogue: every published figure is declared here once.

An indicator says who it counts (its population, a predicate on one
person's statistical row), what it measures (a count, a rate or a duration)
and by what it may be broken down. ``compute`` reads the records with one
ORM query, builds the table and passes it through disclosure control: no
figure leaves this module unprotected.

Adding an indicator is one ``Indicator(...)`` in ``CATALOGUE`` plus its test
(tests/reporting/test_indicators.py) and its row in docs/reporting.md. Other
apps add theirs without editing this module: ``registry.extensions.indicators``
for the indicators and ``registry.extensions.statistics_columns`` for the
columns of the statistical row they read; ``catalogue()`` is the whole list.

Statistical rows are pseudonymous by construction (domain rule 10): sex,
age band (never a birth date), current stage, region of the managing unit,
the operation a returnee arrived with and the month and quarter of that
arrival, whether they were a man, a woman or a child on arrival, two dates
used only to compute durations, and the days spent in each lifecycle stage
left (from the timeline; never the dates themselves). Each row also carries
a *record key*, a keyed hash of the person's identifier that disclosure
control sums into cell keys (``disclosure.py``, rule 4); the identifier itself
never stays on the row, and neither the key nor the secret is ever published.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, CharField, DateTimeField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry import extensions
from zhusan.registry.dates import birth_window_for_age, completed_years
from zhusan.registry.models import MAIN_PATH, Person, PersonVulnerability, Sex, Stage, TimelineEntry, Vulnerability
from zhusan.registry.selectors import AGE_BANDS

from .disclosure import (
    DEFAULT_NOISE,
    DEFAULT_ORDER_BASE,
    DEFAULT_ORDER_NOISE,
    DEFAULT_ORDER_THRESHOLD,
    OrderRule,
    Perturbation,
    PublishedTable,
    Table,
    protect,
    rate,
    record_key,
)

UNKNOWN = "unknown"
NO_OPERATION = "none"
Row = dict[str, Any]


def disclosure_threshold() -> int:
    return int(getattr(settings, "ZHUSAN_DISCLOSURE_THRESHOLD", 5))


def perturbation() -> Perturbation:
    """The perturbation table every published count goes through (``ZHUSAN_DISCLOSURE_NOISE``)."""
    configured = getattr(settings, "ZHUSAN_DISCLOSURE_NOISE", None) or DEFAULT_NOISE
    try:
        return Perturbation(tuple(float(p) for p in configured))
    except ValueError as exc:
        raise ImproperlyConfigured(f"ZHUSAN_DISCLOSURE_NOISE: {exc}") from exc


def order_rule(threshold: int | None = None) -> OrderRule:
    """How medians and quartiles are published (``disclosure.OrderRule``, docs/reporting.md rule 6).

    ``ZHUSAN_DISCLOSURE_ORDER_THRESHOLD`` (default 10; never below the count
    threshold), ``ZHUSAN_DISCLOSURE_ORDER_BASE`` (days, default 7: whole weeks)
    and ``ZHUSAN_DISCLOSURE_ORDER_NOISE`` (probabilities of moving by -1, 0, +1
    bases; ``["1"]`` for none). With count perturbation off
    (``ZHUSAN_DISCLOSURE_NOISE=1``, verification only, never in production)
    their defaults are exact too: the count threshold, no rounding, no offset."""
    count_threshold = threshold or disclosure_threshold()
    exact = perturbation().noise == 0
    defaults = (
        (count_threshold, 1, ("1",)) if exact else (DEFAULT_ORDER_THRESHOLD, DEFAULT_ORDER_BASE, DEFAULT_ORDER_NOISE)
    )
    noise = getattr(settings, "ZHUSAN_DISCLOSURE_ORDER_NOISE", None) or defaults[2]
    try:
        return OrderRule(
            threshold=max(int(getattr(settings, "ZHUSAN_DISCLOSURE_ORDER_THRESHOLD", defaults[0])), count_threshold),
            base=int(getattr(settings, "ZHUSAN_DISCLOSURE_ORDER_BASE", defaults[1])),
            perturbation=Perturbation(tuple(float(p) for p in noise)),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"ZHUSAN_DISCLOSURE_ORDER_*: {exc}") from exc


def order_rule_sentence(rule: OrderRule | None = None) -> str:
    """Rule 6 as printed on the dashboard, in the files and in the briefing (translated)."""
    rule = rule or order_rule()
    text = _("Medians and quartiles are published only for groups of at least %(n)d persons") % {"n": rule.threshold}
    if rule.base > 1:
        text += _(", rounded to a multiple of %(base)d days") % {"base": rule.base}
    if rule.noise:
        text += _(" and moved by up to %(noise)d days, the same way every time for the same persons") % {
            "noise": rule.noise
        }
    return text + "."


def cell_key_secret() -> bytes:
    """The secret behind the record keys: ``ZHUSAN_CELL_KEY_SECRET``, else derived from SECRET_KEY."""
    configured = str(getattr(settings, "ZHUSAN_CELL_KEY_SECRET", "") or "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"zhusan statistical record keys", hashlib.sha256).digest()


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
    # A time axis ("month": 2019-05, "quarter": 2019-Q2): every period from the
    # first to the last one observed, so that a period with no one is a zero.
    period: Literal["month", "quarter"] | None = None

    def category_codes(self, rows: Sequence[Row]) -> list[str]:
        if self.categories is not None:
            return [code for code, _label in self.categories]
        if self.period is not None:
            return period_range(self.period, [str(row[self.code]) for row in rows if row[self.code]])
        return sorted({str(row[self.code]) for row in rows})

    def label(self, code: str) -> str:
        for known, label in (*(self.categories or ()), *self.other_labels):
            if known == code:
                return str(label)
        return code


def month_code(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_code(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def _period_index(kind: str, code: str) -> int:
    year, part = code.split("-")
    return int(year) * (12 if kind == "month" else 4) + int(part.lstrip("Q")) - 1


def _period_code(kind: str, index: int) -> str:
    per_year = 12 if kind == "month" else 4
    year, part = divmod(index, per_year)
    return f"{year:04d}-{part + 1:02d}" if kind == "month" else f"{year:04d}-Q{part + 1}"


def period_range(kind: Literal["month", "quarter"], codes: Sequence[str]) -> list[str]:
    """Every month (or quarter) from the earliest to the latest of ``codes``."""
    if not codes:
        return []
    indices = [_period_index(kind, code) for code in codes]
    return [_period_code(kind, k) for k in range(min(indices), max(indices) + 1)]


# More months than this between the first and the last arrival: arrivals are counted per quarter.
MAX_MONTHS_ON_AXIS = 24


def arrival_period(rows: Sequence[Row]) -> str:
    """The time dimension for arrivals over ``rows``: per month, or per quarter when the span is long."""
    months = period_range("month", [row["arrival_month"] for row in rows if row.get("arrival_month")])
    return "arrival_quarter" if len(months) > MAX_MONTHS_ON_AXIS else "arrival_month"


# Stages in the order of the pathway, then the exits from it.
LIFECYCLE_ORDER = [*MAIN_PATH, *(s for s in Stage if s not in MAIN_PATH)]
STAGE_STATUS = (("left", _("Left the stage")), ("still_in", _("Still in the stage")))

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
    "arrival_month": Dimension("arrival_month", _("Month of arrival"), period="month"),
    "arrival_quarter": Dimension("arrival_quarter", _("Quarter of arrival"), period="quarter"),
    # For the time spent in each stage: the stage, not a person's current one.
    "lifecycle_stage": Dimension(
        "lifecycle_stage", _("Lifecycle stage"), tuple((s.value, s.label) for s in LIFECYCLE_ORDER)
    ),
}


# ----------------------------------------------------------------------------
# Filters and the statistical rows


@dataclass(frozen=True)
class ReportFilters:
    """Who is counted: identified within the period, in a region, of a sex,
    managed by one programme (organisation, by its UUID), on the manifests of
    one operation (by its code)."""

    start: date | None = None
    end: date | None = None
    region: str = ""
    sex: str = ""
    programme: str = ""
    operation: str = ""

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
            "programme": self.programme,
            "operation": self.operation,
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


def _first_entry(stage: Stage) -> Subquery:
    """When the person first entered ``stage``, from their timeline (NULL when never)."""
    entries = TimelineEntry.objects.filter(person=OuterRef("pk"), to_stage=stage).order_by("at")
    return Subquery(entries.values("at")[:1], output_field=DateTimeField())


def statistical_rows(filters: ReportFilters) -> list[Row]:
    """One pseudonymous row per subject in scope of the filters (one query)."""
    subjects = Person.objects.subjects()
    if filters.region:
        subjects = subjects.filter(managing_unit__region=filters.region)
    if filters.sex:
        subjects = subjects.filter(sex=filters.sex)
    if filters.programme:
        subjects = subjects.filter(managing_unit__organisation__uuid=filters.programme)
    if filters.operation:
        on_manifest = ManifestEntry.objects.filter(person=OuterRef("pk"), movement__operation__code=filters.operation)
        subjects = subjects.filter(Exists(on_manifest))
    vulnerable = PersonVulnerability.objects.filter(person=OuterRef("pk"))
    contributed = extensions.contributed_statistics_columns()
    arrived_entry = ManifestEntry.objects.filter(person=OuterRef("pk"), status=EntryStatus.ARRIVED).order_by(
        "arrived_at", "pk"
    )
    qs = subjects.annotate(
        age_band=_age_band_case(filters.reference_date),
        region=Coalesce(F("managing_unit__region"), Value(""), output_field=CharField()),
        # First entries as correlated subqueries (the timeline's person index), not a join
        # with GROUP BY: grouping would evaluate every other column once per timeline row.
        identified_at=Coalesce(_first_entry(Stage.IDENTIFIED), F("created_at")),
        arrived_at=_first_entry(Stage.REPATRIATED),
        orphan=Exists(vulnerable.filter(kind=Vulnerability.ORPHAN)),
        unaccompanied=Exists(vulnerable.filter(kind=Vulnerability.UNACCOMPANIED)),
        operation=Coalesce(
            Subquery(arrived_entry.values("movement__operation__code")[:1]),
            Value(NO_OPERATION),
            output_field=CharField(),
        ),
        operation_arrived_at=Subquery(arrived_entry.values("arrived_at")[:1]),
        **contributed,
    ).order_by()
    rows = list(
        qs.values(
            "pk",
            "uuid",
            "sex",
            "stage",
            "age_band",
            "region",
            "identified_at",
            "arrived_at",
            "orphan",
            "unaccompanied",
            "operation",
            "operation_arrived_at",
            "birth_date_mid",
            *contributed,
        )
    )
    tz = timezone.get_current_timezone()
    stage_days = _days_in_stages(subjects.values("pk"), tz)
    secret = cell_key_secret()
    kept = []
    for row in rows:
        row["record_key"] = record_key(secret, str(row.pop("uuid")))
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
        # The day of arrival as the arrived manifest entry records it, else the timeline's.
        arrival = _local_date(row.pop("operation_arrived_at"), tz) or row["arrived_on"]
        row["arrival_month"] = month_code(arrival) if arrival else ""
        row["arrival_quarter"] = quarter_code(arrival) if arrival else ""
        row["stage_days"] = stage_days.get(row.pop("pk"), {})
        kept.append(row)
    return kept


def _days_in_stages(persons: Any, tz: Any) -> dict[Any, dict[str, int]]:
    """Per person, the days spent in each stage they entered and later left (one query).

    A stay runs from the timeline entry into a stage to the next entry; repeated
    stays in one stage add up. A next entry that says it left another stage means
    a step is missing from the timeline: that stay is not counted, rather than
    counted wrong."""
    out: dict[Any, dict[str, int]] = {}
    entries = (
        TimelineEntry.objects.filter(person__in=persons)
        .order_by("person_id", "at", "pk")
        # The local day computed by the database: no time zone conversion per row in Python.
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values_list("person_id", "from_stage", "to_stage", "day")
    )
    previous: tuple[Any, str, date] | None = None
    for person_id, from_stage, to_stage, day in entries:
        assert day is not None
        if previous and previous[0] == person_id and from_stage in ("", previous[1]) and previous[1] != to_stage:
            days = out.setdefault(person_id, {})
            days[previous[1]] = days.get(previous[1], 0) + (day - previous[2]).days
        previous = (person_id, to_stage, day)
    return out


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
    return bool(row["age_group"] == "children")


def _returned(row: Row) -> bool:
    return row["arrived_on"] is not None


def _arrived(row: Row) -> bool:
    return bool(row["arrival_month"])


def _been_in_a_stage(row: Row) -> bool:
    return bool(row["stage_days"]) or row["stage"] != "none"


# "stage_duration": per stage, the persons who left it and those still in it,
# and the median and quartiles of the days spent in it by those who left.
Measure = Literal["count", "rate", "duration", "stage_duration"]


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
    # Whether its overall figure is a headline (one number that means something alone).
    headline: bool = True

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
        Indicator(
            code="arrivals",
            name=_("Arrivals by operation over time"),
            definition=_(
                "Returnees by the month of their arrival (by quarter when the arrivals span more than two years) "
                "and the operation they arrived with. The day of arrival is the one recorded on the person's "
                "arrived manifest entry, else their first 'repatriated' timeline entry."
            ),
            numerator=_("Returnees arrived in the month (or quarter)"),
            denominator=None,
            disaggregations=("arrival_month", "arrival_quarter", "operation"),
            population=_arrived,
            hxl_tag="#reached",
            headline=False,
        ),
        Indicator(
            code="time_in_stage",
            name=_("Time spent in each stage"),
            definition=_(
                "For each lifecycle stage, the median and the interquartile range of the days spent in it by the "
                "persons who left it (from their timeline; repeated stays add up), and the number of persons "
                "still in it. A stay whose end the timeline does not record consistently is not counted."
            ),
            numerator=_("Median days in the stage, over persons who left it"),
            denominator=_("Persons who left the stage"),
            disaggregations=("lifecycle_stage",),
            population=_been_in_a_stage,
            measure="stage_duration",
            unit=_("days"),
            headline=False,
        ),
    ]
}


def catalogue() -> dict[str, Indicator]:
    """Every indicator: reporting's own, then those other apps declare."""
    contributed = {i.code: i for i in extensions.contributed_indicators()}
    clash = set(contributed) & set(CATALOGUE)
    if clash:
        raise ImproperlyConfigured(f"Indicator codes declared twice: {', '.join(sorted(clash))}")
    return {**CATALOGUE, **contributed}


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
    # For durations: the lower and upper quartiles beside each median (None = suppressed).
    quartiles: tuple[tuple[float, float] | None, ...] | None = None

    def row_labels(self) -> list[str]:
        return [DIMENSIONS[self.by[0]].label(code) for code in self.table.rows] if self.by else [str(_("All"))]

    def column_labels(self) -> list[str]:
        if len(self.by) > 1:
            return [DIMENSIONS[self.by[1]].label(code) for code in self.table.columns]
        if self.indicator.measure == "rate":
            return [str(self.indicator.numerator), str(_("Others"))]
        if self.indicator.measure == "stage_duration":
            return [str(label) for _code, label in STAGE_STATUS]
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
        if self.quartiles is not None:
            out["quartiles"] = [list(q) if q else None for q in self.quartiles]
        return out


def _table(rows: Sequence[Row], by: tuple[str, ...], *, all_rows: Sequence[Row], title: str) -> Table:
    """Counts of ``rows`` by up to two dimensions (categories from ``all_rows``), with their cell keys."""
    if not by:
        return Table.from_records(
            ["all"], ["count"], (("all", "count", row["record_key"]) for row in rows), title=title
        )
    first = DIMENSIONS[by[0]]
    row_codes = first.category_codes(all_rows)
    if len(by) == 1:
        records = ((str(row[first.code]), "count", row["record_key"]) for row in rows)
        return Table.from_records(row_codes, ["count"], records, title=title)
    second = DIMENSIONS[by[1]]
    col_codes = second.category_codes(all_rows)
    pairs = ((str(row[first.code]), str(row[second.code]), row["record_key"]) for row in rows)
    return Table.from_records(row_codes, col_codes, pairs, title=title)


def _checked(code: str, by: Sequence[str]) -> tuple[Indicator, tuple[str, ...]]:
    indicator = catalogue()[code]
    by = tuple(by)
    if indicator.measure == "stage_duration" and not by:
        by = indicator.disaggregations  # a time per stage; there is no figure for all stages together
    if indicator.measure == "stage_duration" and by != indicator.disaggregations:
        raise DisaggregationError(_("%(code)s is given per lifecycle stage only.") % {"code": code})
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
    """The published (disclosure-controlled) figures of one indicator: every
    count suppressed where small and perturbed by its cell key (disclosure.py)."""
    indicator, by = _checked(code, by)
    filters = filters or ReportFilters()
    threshold = threshold or disclosure_threshold()
    noise_table = perturbation()
    order = order_rule(threshold)
    all_rows = list(rows) if rows is not None else statistical_rows(filters)
    population = [row for row in all_rows if indicator.population(row)]
    title = str(indicator.name)
    if indicator.measure == "count":
        raw = count_table(code, by=by, filters=filters, rows=all_rows)
        counts = protect(raw, threshold=threshold, rounding_base=rounding_base, perturbation=noise_table)
        return IndicatorResult(indicator, by, counts, filters=filters)

    if indicator.measure == "rate":
        # Numerator and its complement are protected as one table whose row
        # totals are the denominators: protecting them apart would let a reader
        # subtract a shown numerator from a shown denominator.
        assert indicator.numerator_filter is not None
        hit = indicator.numerator_filter
        keys = [str(row[by[0]]) if by else "all" for row in population]
        row_codes = DIMENSIONS[by[0]].category_codes(all_rows) if by else ["all"]
        records = [
            (key, "yes" if hit(row) else "no", row["record_key"]) for key, row in zip(keys, population, strict=True)
        ]
        joint = protect(
            Table.from_records(row_codes, ["yes", "no"], records, title=title),
            threshold=threshold,
            rounding_base=rounding_base,
            perturbation=noise_table,
        )
        values = tuple(rate(line[0], total) for line, total in zip(joint.cells, joint.row_totals, strict=True))
        return IndicatorResult(indicator, by, joint, values=values, filters=filters)

    if indicator.measure == "stage_duration":
        return _stage_durations(indicator, by, population, filters, threshold, rounding_base, noise_table, order)

    # Duration: the median is published only where its count of persons is.
    counts = protect(
        _table(population, by, all_rows=all_rows, title=title),
        threshold=threshold,
        rounding_base=rounding_base,
        perturbation=noise_table,
    )
    assert indicator.duration is not None
    start_key, end_key = indicator.duration
    groups: dict[str, list[tuple[float, int]]] = {}
    for row in population:
        if row[start_key] is None or row[end_key] is None:
            continue
        key = str(row[by[0]]) if by else "all"
        groups.setdefault(key, []).append(((row[end_key] - row[start_key]).days, row["record_key"]))
    # A median and its quartiles: rule 6 of disclosure.py, and only where the count of persons is shown.
    spreads = [
        order.publish(groups.get(label, []), shown=count[0] is not None)
        for label, count in zip(counts.rows, counts.cells, strict=True)
    ]
    values = tuple(spread.median for spread in spreads)
    quartiles = tuple(spread.quartiles for spread in spreads)
    return IndicatorResult(indicator, by, counts, values=values, filters=filters, quartiles=quartiles)


def _stage_durations(
    indicator: Indicator,
    by: tuple[str, ...],
    population: Sequence[Row],
    filters: ReportFilters,
    threshold: int,
    rounding_base: int | None,
    noise_table: Perturbation,
    order: OrderRule,
) -> IndicatorResult:
    """Per stage: persons who left it, persons still in it, and the spread of the days of those who left.

    A person currently in a stage counts as still in it even after an earlier stay
    there, so the two columns never count one person twice. A median and its
    quartiles follow rule 6 of disclosure.py (enough persons, rounded, perturbed
    by their cell key), and only where the count of persons who left is shown."""
    codes = DIMENSIONS["lifecycle_stage"].category_codes(population)
    days: dict[str, list[tuple[float, int]]] = {code: [] for code in codes}
    records: list[tuple[str, str, int]] = []
    for row in population:
        for stage, spent in row["stage_days"].items():
            if stage != row["stage"] and stage in days:
                days[stage].append((spent, row["record_key"]))
                records.append((stage, "left", row["record_key"]))
        if row["stage"] in days:
            records.append((row["stage"], "still_in", row["record_key"]))
    columns = [code for code, _label in STAGE_STATUS]
    table = protect(
        Table.from_records(codes, columns, records, title=str(indicator.name)),
        threshold=threshold,
        rounding_base=rounding_base,
        perturbation=noise_table,
    )
    spreads = [order.publish(days[code], shown=table.cell(code, "left") is not None) for code in codes]
    values = tuple(spread.median for spread in spreads)
    quartiles = tuple(spread.quartiles for spread in spreads)
    return IndicatorResult(indicator, by, table, values=values, filters=filters, quartiles=quartiles)
