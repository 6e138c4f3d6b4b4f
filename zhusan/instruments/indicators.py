"""Instruments' published figures: for each instrument with a defined
threshold, the share of persons with a clinically meaningful improvement
between the baseline and the before-discharge administration (the thresholds
and their sources: ``docs/instruments.md``). The statistical row carries the
two totals only (``statistics_columns``); disclosure control applies as to
every indicator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from zhusan.reporting.indicators import Indicator

from .catalogue import INSTRUMENTS, Instrument
from .models import Administration, Occasion


def _column(code: str, occasion: Occasion) -> str:
    return f"instr_{code}_{occasion.value}"


def _latest_total(code: str, occasion: Occasion) -> Subquery:
    return Subquery(
        Administration.objects.filter(person=OuterRef("pk"), instrument=code, occasion=occasion)
        .order_by("-administered_on", "-pk")
        .values("total")[:1]
    )


def _measured() -> list[Instrument]:
    return [inst for inst in INSTRUMENTS.values() if inst.meaningful_change is not None]


def statistics_columns() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for inst in _measured():
        for occasion in (Occasion.BASELINE, Occasion.BEFORE_DISCHARGE):
            out[_column(inst.code, occasion)] = _latest_total(inst.code, occasion)
    return out


def _both(code: str) -> Callable[[dict[str, Any]], bool]:
    first, last = _column(code, Occasion.BASELINE), _column(code, Occasion.BEFORE_DISCHARGE)
    return lambda row: row.get(first) is not None and row.get(last) is not None


def _improved(code: str, threshold: int) -> Callable[[dict[str, Any]], bool]:
    first, last = _column(code, Occasion.BASELINE), _column(code, Occasion.BEFORE_DISCHARGE)
    return lambda row: row[first] - row[last] >= threshold


def indicators() -> list[Indicator]:
    out = []
    for inst in _measured():
        assert inst.meaningful_change is not None
        out.append(
            Indicator(
                code=f"improvement_{inst.code}",
                name=_("Clinically meaningful improvement on the %(i)s") % {"i": inst.name},
                definition=_(
                    "Percentage of persons with both a baseline and a before-discharge %(i)s whose total fell by "
                    "at least %(n)s points between the two (the latest of each)."
                )
                % {"i": inst.name, "n": inst.meaningful_change},
                numerator=_("Persons whose %(i)s total fell by %(n)s points or more")
                % {"i": inst.name, "n": inst.meaningful_change},
                denominator=_("Persons with a baseline and a before-discharge %(i)s") % {"i": inst.name},
                disaggregations=("sex", "age_group", "region"),
                population=_both(inst.code),
                measure="rate",
                numerator_filter=_improved(inst.code, inst.meaningful_change),
                unit=_("percent"),
                hxl_tag="#reached",
                headline=False,
            )
        )
    return out
