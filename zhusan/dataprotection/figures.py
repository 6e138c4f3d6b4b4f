"""The data-protection officer's figures: one registry, every figure protected.

Each part of the data-protection package (retention and deletion, data-subject
requests and sealing, sharing agreements and breaches) registers a *provider*
from its ``extensions.register()``::

    from zhusan.dataprotection import figures

    def _my_figures(query: figures.FigureQuery) -> list[figures.Figure]:
        return [
            figures.Figure(
                code="requests_by_kind",
                title=_("Data-subject requests by kind"),
                lines=[figures.Line.of(label, uuids) for label, uuids in ...],
                order=20,
            )
        ]

    figures.figure_provider("dataprotection_rights.requests", _my_figures)

A provider takes a ``FigureQuery`` (the period asked for: ``start``/``end``,
both inclusive, either may be None) and returns ``Figure`` objects: a title
and labelled counts (``Line``). It never publishes anything itself:
``published(query)`` asks every provider and passes every figure through
disclosure control (``zhusan.reporting.disclosure.protect``, the threshold and
perturbation table of ``zhusan.reporting.indicators``), exactly as the
published indicators are:

- a non-zero count below the threshold is suppressed, and so is whatever would
  let it be recomputed (the figure's total, a second cell);
- a line built with ``Line.of(label, identifiers)`` (the UUIDs of the records
  it counts) gets cell-key perturbation: the same records always give the
  same published count; a figure any of whose lines is a bare count
  (``Line(label, count)``) is suppressed but not perturbed.

Durations (e.g. time to answer a request) are published as counts in bands
("answered within 7 days", "within 30 days", "late"), never as individual
values. A provider that fails is logged and left out; the page says so.

The page that shows them is ``dataprotection_sharing:figures`` (the officer's
figures, ``zhusan/dataprotection/sharing/views.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

from zhusan.reporting.disclosure import PublishedTable, Table, protect, record_key
from zhusan.reporting.indicators import cell_key_secret, disclosure_threshold, perturbation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureQuery:
    """The period the figures cover (inclusive; None = open)."""

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Line:
    """One labelled count. ``identifiers`` (the counted records' UUIDs, as
    strings) make it perturbable; without them it is only suppressed."""

    label: str | Promise
    count: int
    identifiers: tuple[str, ...] | None = None

    @classmethod
    def of(cls, label: str | Promise, identifiers: Iterable[object]) -> Line:
        """A line counting the given records (one identifier each)."""
        ids = tuple(str(i) for i in identifiers)
        return cls(label=label, count=len(ids), identifiers=ids)


@dataclass(frozen=True)
class Figure:
    """A titled list of counts; the total is shown only if ``total`` is True."""

    code: str
    title: str | Promise
    lines: Sequence[Line]
    description: str | Promise = ""
    order: int = 100
    total: bool = False


@dataclass(frozen=True)
class PublishedLine:
    label: str
    # None: suppressed.
    value: int | None


@dataclass(frozen=True)
class PublishedFigure:
    code: str
    title: str
    description: str
    lines: tuple[PublishedLine, ...]
    total: int | None
    show_total: bool
    table: PublishedTable

    @property
    def any_suppressed(self) -> bool:
        return self.table.any_suppressed


FigureProvider = Callable[[FigureQuery], Sequence[Figure]]

_PROVIDERS: dict[str, FigureProvider] = {}


def figure_provider(name: str, provider: FigureProvider) -> None:
    """Register (or replace, on a second ``ready()``) the provider ``name``
    (``"<app_label>.<what>"``)."""
    _PROVIDERS[name] = provider


def providers() -> dict[str, FigureProvider]:
    return dict(_PROVIDERS)


def protect_figure(figure: Figure) -> PublishedFigure:
    """One figure through disclosure control (suppression, then perturbation when keyed)."""
    labels = [str(line.label) for line in figure.lines]
    rows = tuple(f"{i}" for i in range(len(labels)))
    keyed = bool(figure.lines) and all(line.identifiers is not None for line in figure.lines)
    threshold = disclosure_threshold()
    if keyed:
        secret = cell_key_secret()
        records = [
            (row, "count", record_key(secret, identifier))
            for row, line in zip(rows, figure.lines, strict=True)
            for identifier in (line.identifiers or ())
        ]
        table = Table.from_records(rows, ("count",), records, title=str(figure.title))
        published = protect(table, threshold=threshold, perturbation=perturbation())
    else:
        table = Table.series(rows, [line.count for line in figure.lines], title=str(figure.title))
        published = protect(table, threshold=threshold)
    lines = tuple(PublishedLine(label=label, value=published.cells[i][0]) for i, label in enumerate(labels))
    return PublishedFigure(
        code=figure.code,
        title=str(figure.title),
        description=str(figure.description),
        lines=lines,
        total=published.grand_total,
        show_total=figure.total,
        table=published,
    )


@dataclass
class Figures:
    """What the page shows: the protected figures, and the providers that failed."""

    figures: list[PublishedFigure] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def published(query: FigureQuery | None = None) -> Figures:
    """Every registered figure, protected, in ``order`` then title."""
    query = query or FigureQuery()
    raw: list[Figure] = []
    out = Figures()
    for name, provider in sorted(_PROVIDERS.items()):
        try:
            raw.extend(provider(query))
        except Exception:
            logger.exception("data-protection figure provider %s failed", name)
            out.failed.append(name)
    raw.sort(key=lambda f: (f.order, str(f.title)))
    out.figures = [protect_figure(f) for f in raw]
    return out
