"""The reporting dashboard and its exports: aggregates only, never a person.

Only holders of Capability.VIEW_AGGREGATES (programme managers, analysts)
get in. Every page view and every export is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.models import DatasetMarker
from zhusan.registry.models import MAIN_PATH, Sex, Stage
from zhusan.registry.selectors import AGE_BANDS

from . import briefing as briefing_report
from . import charts, exports
from .cache import DashboardResults, dashboard_results
from .forms import ReportFilterForm
from .indicators import (
    DIMENSIONS,
    DisaggregationError,
    catalogue,
    compute,
    disclosure_threshold,
    order_rule,
    order_rule_sentence,
    perturbation,
)

aggregates_required = capability_required(
    Capability.VIEW_AGGREGATES,
    object_type=ObjectType.REPORT,
    refusal=_l("Only programme managers and analysts may see reports."),
)


def rule_text(threshold: int) -> str:
    text = _(
        "Counts from 1 to %(below)d are suppressed, together with the other figures needed so that no "
        "suppressed count can be recomputed from the totals; rates and medians based on a suppressed count "
        "are suppressed too."
    ) % {"below": threshold - 1}
    noise = perturbation().noise
    if noise:
        text += " " + _(
            "Other counts may differ from the true count by up to %(noise)d, the same way every time for the "
            "same persons, so that comparing overlapping figures reveals no small count; zeros are exact."
        ) % {"noise": noise}
    return text + " " + order_rule_sentence(order_rule(threshold))


def is_synthetic() -> bool:
    marker = DatasetMarker.current()
    return bool(marker and marker.is_synthetic)


def _figure_context(figures: DashboardResults, rtl: bool) -> dict[str, Any]:
    """The dashboard's tables and charts from its published figures."""
    stages = figures["stages"]
    pipeline_codes = [s.value for s in MAIN_PATH]
    pipeline = [stages.table.cells[stages.table.rows.index(code)][0] for code in pipeline_codes]
    pyramid_result = figures["pyramid"]
    bands = [band for band in AGE_BANDS]
    female = [pyramid_result.table.cell(b, Sex.FEMALE) for b in bands]
    male = [pyramid_result.table.cell(b, Sex.MALE) for b in bands]
    other_stages = [s for s in Stage if s not in MAIN_PATH]
    arrivals = figures["arrivals"]
    stage_time = figures["stage_time"]
    return {
        "headline": [(r.indicator.name, r) for r in figures["headline"]],
        "ratios": [(r.indicator.name, r) for r in figures["ratios"]],
        "outcomes": [(r.indicator.name, r) for r in figures["outcomes"]],
        "pipeline_chart": charts.bar_chart(
            [str(Stage(c).label) for c in pipeline_codes], pipeline, title=_("Persons by current stage"), rtl=rtl
        ),
        "other_stages_chart": charts.bar_chart(
            [str(s.label) for s in other_stages],
            [stages.table.cells[stages.table.rows.index(s.value)][0] for s in other_stages],
            title=_("Persons who left the main path"),
            rtl=rtl,
        ),
        "pyramid_chart": charts.pyramid(bands, female, male, title=_("Age and sex"), rtl=rtl),
        "arrivals_chart": charts.arrivals_chart(arrivals, rtl=rtl),
        "arrivals_table": briefing_report.printed_rows(arrivals),
        "stage_time_chart": charts.stage_time_chart(stage_time, rtl=rtl),
        "stage_time_table": briefing_report.printed_rows(stage_time),
    }


@aggregates_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    threshold = disclosure_threshold()
    rtl = get_language_bidi()
    # Computed now for a small registry, else the stored figures (cache.py), with their time.
    figures = dashboard_results(filters)
    context: dict[str, Any] = {
        "form": form,
        "query": request.GET.urlencode(),
        "rule": rule_text(threshold),
        "synthetic": is_synthetic(),
        "figures": figures,
        "catalogue": [
            (indicator, [DIMENSIONS[d] for d in indicator.disaggregations]) for indicator in catalogue().values()
        ],
        "generated_on": timezone.localdate(figures.computed_at) if figures else timezone.localdate(),
    }
    if figures is not None:
        context.update(_figure_context(figures, rtl))
    record(
        Actor.from_request(request),
        Action.VIEW,
        object_type=ObjectType.REPORT,
        object_ref="dashboard",
        detail={"filters": filters.as_dict()},
    )
    return render(request, "reporting/dashboard.html", context)


FORMATS = {"csv", "hxl", "xlsx"}


@aggregates_required
def export(request: AuthenticatedHttpRequest, code: str, fmt: str) -> HttpResponse:
    if code not in catalogue() or fmt not in FORMATS:
        raise Http404("No such report")
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    by = tuple(d for d in request.GET.get("by", "").split(",") if d)
    threshold = disclosure_threshold()
    try:
        result = compute(code, by=by, filters=filters, threshold=threshold)
    except DisaggregationError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    synthetic = is_synthetic()
    rule = rule_text(threshold)
    stem = f"zhusan-{code}{'-by-' + '-'.join(by) if by else ''}-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx([result], synthetic=synthetic, rule=rule),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{stem}.xlsx"
    else:
        response = HttpResponse(
            exports.to_csv(result, synthetic=synthetic, rule=rule, hxl=fmt == "hxl"),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"{stem}{'-hxl' if fmt == 'hxl' else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    record(
        Actor.from_request(request),
        Action.EXPORT,
        object_type=ObjectType.REPORT,
        object_ref=code,
        detail={"format": fmt, "by": list(by), "filters": filters.as_dict()},
    )
    return response


BRIEFING_FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@aggregates_required
def briefing(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The briefing for the dashboard's filters: a PDF, or its tables as XLSX."""
    if fmt not in BRIEFING_FORMATS:
        raise Http404("No such briefing format")
    form = ReportFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    if fmt == "pdf" and briefing_report.missing_fonts():
        missing = briefing_report.missing_fonts()
        context = {"missing": missing, "package": briefing_report.FONT_PACKAGE}
        return render(request, "reporting/briefing_unavailable.html", context, status=503)
    filters = form.filters()
    threshold = disclosure_threshold()
    data = briefing_report.collect(filters, rule=rule_text(threshold), synthetic=is_synthetic(), threshold=threshold)
    content = briefing_report.to_pdf(data) if fmt == "pdf" else briefing_report.to_xlsx(data)
    response = HttpResponse(content, content_type=BRIEFING_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="zhusan-briefing-{data.produced_on.isoformat()}.{fmt}"'
    record(
        Actor.from_request(request),
        Action.EXPORT,
        object_type=ObjectType.BRIEFING,
        object_ref=fmt,
        detail={"format": fmt, "filters": filters.as_dict(), "threshold": threshold},
    )
    return response
