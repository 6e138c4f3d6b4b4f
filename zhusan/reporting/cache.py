"""The dashboard's figures, computed once and kept: a million persons answer in milliseconds.

Computing the dashboard reads one statistical row per subject and passes every
table through disclosure control (``indicators.compute``): seconds for a
hundred thousand persons, about a minute for a million. The published figures
are therefore kept in ``DashboardFigures``, one row per set of filters (and
disclosure settings), and shown with the time they were computed.

* A registry of at most ``ZHUSAN_DASHBOARD_INLINE_LIMIT`` subjects (default
  5,000) is computed on every view, as before: it takes well under a second.
* A larger one is read from the stored figures. They are *stale* when the
  audit trail records a write after them (every write of every app goes
  through ``write_action`` and its audit event; reads, logins and exports do
  not count), when they were computed on an earlier day (ages move), or when
  they are older than ``ZHUSAN_DASHBOARD_MAX_AGE_SECONDS`` (default 3,600).
  Stale figures are still shown, with their time, while the task
  ``tasks.recompute_dashboard`` computes them again on the queue
  (``zhusan worker``); one request per set of filters at a time.
* Never computed yet: the task is queued and the dashboard says so.

What is stored went through disclosure control already: published tables,
rates and medians, never a statistical row or a record key. Figures computed
again from the same records are the same figures (the cell keys are stable),
so caching changes when a figure is seen, never what it says.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.extensions import contributed_indicators
from zhusan.registry.models import Person

from .disclosure import PublishedTable
from .indicators import (
    Indicator,
    IndicatorResult,
    ReportFilters,
    arrival_period,
    catalogue,
    cell_key_secret,
    compute,
    disclosure_threshold,
    order_rule,
    perturbation,
    statistical_rows,
)
from .models import DashboardFigures

# Bump when the payload's shape changes: older rows are then never read.
FORMAT = 2  # 2: medians and quartiles under rule 6 (rounded and perturbed)
HEADLINE = ("persons", "returnees", "orphans", "unaccompanied_children")
RATIOS = ("children_share_of_returnees", "days_identification_to_arrival")
# Audit actions that change no record: they leave the figures fresh.
READS = frozenset(
    {
        Action.VIEW,
        Action.LIST,
        Action.SEARCH,
        Action.EXPORT,
        Action.LOGIN,
        Action.LOGIN_FAILED,
        Action.LOGOUT,
        Action.MFA_FAILED,
        Action.PERMISSION_DENIED,
        Action.BREAK_GLASS,
    }
)


def inline_limit() -> int:
    return int(getattr(settings, "ZHUSAN_DASHBOARD_INLINE_LIMIT", 5000))


def max_age() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "ZHUSAN_DASHBOARD_MAX_AGE_SECONDS", 3600)))


def min_interval() -> timedelta:
    """Stale figures computed less than this long ago are shown as they are,
    not computed again: at a million persons a computation holds one core
    of the worker for a minute and a half, and a registry written to every
    few minutes would keep it computing (docs/benchmarks.md, session 8)."""
    return timedelta(seconds=float(getattr(settings, "ZHUSAN_DASHBOARD_MIN_INTERVAL_SECONDS", 600)))


# A request put on the queue this long ago without result is taken as lost and made again.
REQUEST_LOST_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class DashboardResults:
    """The figures the dashboard shows, and when they were computed."""

    results: dict[str, Any]
    computed_at: datetime
    seconds: float
    stale: bool = False
    # Stale figures younger than ``min_interval()``: when their recomputation
    # will be queued (None: it is queued or running).
    recomputed_after: datetime | None = None

    def __getitem__(self, name: str) -> Any:
        return self.results[name]


# ----------------------------------------------------------------------------
# Keys, marks and sizes


def figures_key(filters: ReportFilters) -> str:
    """One key per set of filters and disclosure settings (a changed secret or noise table is another key)."""
    material = {
        "format": FORMAT,
        "filters": filters.as_dict(),
        "threshold": disclosure_threshold(),
        "noise": list(perturbation().probabilities),
        "order": repr(order_rule()),
        "secret": hashlib.sha256(cell_key_secret()).hexdigest(),
        "headline": sorted(i.code for i in contributed_indicators() if i.headline),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def data_mark() -> int:
    """The sequence number of the audit trail's last event (0 when none): one index lookup."""
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return int(seq or 0)


def written_since(mark: int) -> bool:
    """Whether a write was audited after ``mark``: reads only the events since (an index range on seq)."""
    return AuditEvent.objects.filter(seq__gt=mark).exclude(action__in=READS).exists()


#: Below this many persons by PostgreSQL's estimate, the persons are counted.
ESTIMATE_TRUSTED_FROM = 100_000


def registry_size() -> int:
    """About how many persons the registry holds: PostgreSQL's estimate (no count of a million rows), else a count."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Person._meta.db_table])
            row = cursor.fetchone()
        # The estimate is trusted when it is large (counting would cost); a small or
        # stale one (0 after an ANALYZE of an empty table, -1 before any) is counted.
        if row and row[0] is not None and row[0] >= ESTIMATE_TRUSTED_FROM:
            return int(row[0])
    return Person.objects.count()


# ----------------------------------------------------------------------------
# Payload: published results to JSON and back


def dump_result(result: IndicatorResult) -> dict[str, Any]:
    table = result.table
    return {
        "code": result.indicator.code,
        "by": list(result.by),
        "table": {
            "rows": list(table.rows),
            "columns": list(table.columns),
            "cells": [list(line) for line in table.cells],
            "row_totals": list(table.row_totals),
            "column_totals": list(table.column_totals),
            "grand_total": table.grand_total,
            "threshold": table.threshold,
            "rounding_base": table.rounding_base,
            "title": table.title,
            "suppressed": sorted(list(pos) for pos in table.suppressed),
            "noise": table.noise,
        },
        "values": list(result.values) if result.values is not None else None,
        "quartiles": [list(q) if q else None for q in result.quartiles] if result.quartiles is not None else None,
    }


def load_result(
    data: dict[str, Any], filters: ReportFilters, *, indicators: dict[str, Indicator] | None = None
) -> IndicatorResult:
    """``data`` (``dump_result``) as the result it was; ``indicators`` is the
    catalogue, given by a caller loading many (it is built anew per call)."""
    t = data["table"]
    table = PublishedTable(
        rows=tuple(t["rows"]),
        columns=tuple(t["columns"]),
        cells=tuple(tuple(line) for line in t["cells"]),
        row_totals=tuple(t["row_totals"]),
        column_totals=tuple(t["column_totals"]),
        grand_total=t["grand_total"],
        threshold=t["threshold"],
        rounding_base=t["rounding_base"],
        title=t["title"],
        suppressed=frozenset(tuple(pos) for pos in t["suppressed"]),
        noise=t["noise"],
    )
    values = tuple(data["values"]) if data["values"] is not None else None
    quartiles = tuple((q[0], q[1]) if q else None for q in data["quartiles"]) if data["quartiles"] is not None else None
    indicator = (indicators if indicators is not None else catalogue())[data["code"]]
    return IndicatorResult(indicator, tuple(data["by"]), table, values=values, filters=filters, quartiles=quartiles)


def compute_payload(filters: ReportFilters) -> dict[str, Any]:
    """Every figure the dashboard shows, published (disclosure-controlled), as JSON."""
    threshold = disclosure_threshold()
    rows = statistical_rows(filters)  # one query, shared by every figure

    def figure(code: str, by: tuple[str, ...] = ()) -> dict[str, Any]:
        return dump_result(compute(code, by=by, filters=filters, rows=rows, threshold=threshold))

    return {
        "stages": figure("persons", ("stage",)),
        "pyramid": figure("persons", ("age_band", "sex")),
        "headline": [figure(code) for code in HEADLINE],
        "ratios": [figure(code) for code in RATIOS],
        # What the apps after arrival declare (rehabilitation, reintegration, …): their headline figures.
        "outcomes": [figure(i.code) for i in contributed_indicators() if i.headline],
        "arrivals": figure("arrivals", (arrival_period(rows), "operation")),
        "stage_time": figure("time_in_stage"),
    }


def load_payload(payload: dict[str, Any], filters: ReportFilters) -> dict[str, Any]:
    indicators = catalogue()  # once for the twenty-odd figures of a dashboard

    def one(data: dict[str, Any]) -> IndicatorResult:
        return load_result(data, filters, indicators=indicators)

    return {
        name: [one(item) for item in value] if isinstance(value, list) else one(value)
        for name, value in payload.items()
    }


# ----------------------------------------------------------------------------
# Computing, storing, reading


def refresh(filters: ReportFilters) -> DashboardFigures:
    """Compute the figures for ``filters`` now and store them (one upsert)."""
    mark = data_mark()  # before reading: a write during the computation makes them stale, not lost
    started = time.monotonic()
    payload = compute_payload(filters)
    row = DashboardFigures(
        key=figures_key(filters),
        filters=filters.as_dict(),
        payload=payload,
        computed_at=timezone.now(),
        seconds=round(time.monotonic() - started, 3),
        data_mark=mark,
        requested_at=None,
    )
    DashboardFigures.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["filters", "payload", "computed_at", "seconds", "data_mark", "requested_at"],
    )
    return row


def is_fresh(row: DashboardFigures, now: datetime | None = None) -> bool:
    """Computed, today, not too long ago, and no write audited since."""
    if row.payload is None or row.computed_at is None:
        return False
    now = now or timezone.now()
    return (
        timezone.localdate(row.computed_at) == timezone.localdate(now)
        and now - row.computed_at <= max_age()
        and not written_since(row.data_mark)
    )


def request_refresh(filters: ReportFilters) -> bool:
    """Put a recomputation of ``filters`` on the queue unless one is already waiting; True if queued."""
    from . import tasks

    key = figures_key(filters)
    now = timezone.now()
    DashboardFigures.objects.get_or_create(key=key, defaults={"filters": filters.as_dict()})
    # One request at a time: claim it with a conditional update (two web workers cannot both win).
    claimed = (
        DashboardFigures.objects.filter(key=key)
        .exclude(requested_at__gt=now - REQUEST_LOST_AFTER)
        .update(requested_at=now)
    )
    if not claimed:
        return False
    tasks.queue_recompute(filters.as_dict())
    return True


def _results(
    row: DashboardFigures, filters: ReportFilters, *, stale: bool, recomputed_after: datetime | None = None
) -> DashboardResults | None:
    if row.payload is None or row.computed_at is None:
        return None
    try:
        results = load_payload(row.payload, filters)
    except (KeyError, TypeError, ValueError):
        return None  # an indicator gone from the catalogue: compute again
    return DashboardResults(results, row.computed_at, row.seconds, stale=stale, recomputed_after=recomputed_after)


def dashboard_results(filters: ReportFilters) -> DashboardResults | None:
    """The dashboard's figures for ``filters``: computed now for a small registry;
    else the stored ones (stale ones with a recomputation queued, or shown
    as they are until ``min_interval()`` has passed since they were
    computed); None while the first computation is still on the queue."""
    if registry_size() <= inline_limit():
        row = refresh(filters)
        return _results(row, filters, stale=False)
    key = figures_key(filters)
    stored = DashboardFigures.objects.filter(key=key).first()
    if stored is not None and is_fresh(stored):
        fresh = _results(stored, filters, stale=False)
        if fresh is not None:
            return fresh
    if stored is not None and stored.computed_at is not None:
        next_at = stored.computed_at + min_interval()
        if timezone.now() < next_at and timezone.localdate(stored.computed_at) == timezone.localdate():
            recent = _results(stored, filters, stale=True, recomputed_after=next_at)
            if recent is not None:
                return recent
    request_refresh(filters)
    # The queue may have run it already (immediate backend, or a fast worker).
    stored = DashboardFigures.objects.filter(key=key).first()
    if stored is None:
        return None
    return _results(stored, filters, stale=not is_fresh(stored))
