"""Planning pages (programme managers and others who plan operations):

- ``home``: the planned operations, each with its flights and persons, and
  the latest simulation runs;
- ``scenario``: one operation's scenario (staff by discipline, beds,
  flights; the what-if beside it), prefilled from the centre's roster and
  the manifests; "Run" queues a task and leads to the run's page;
- ``run``: the run's progress (``?status=json`` answers the page's script),
  then the two charts and the figures, the what-if beside the baseline.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.operations.models import Operation
from zhusan.registry.forms import add_service_errors
from zhusan.rehabilitation.models import Discipline

from . import charts, planner, selectors, services
from .forms import ScenarioForm, initial_from
from .models import PlanRun, PlanRunStatus

planners_only = capability_required(
    Capability.MANAGE_OPERATIONS,
    object_type=ObjectType.PLAN_RUN,
    refusal=_l("Planning is for those who plan operations."),
)


@planners_only
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    record(Actor.from_request(request), Action.LIST, object_type=ObjectType.PLAN_RUN)
    context = {
        "operations": list(selectors.planned_operations()),
        "past": list(selectors.other_operations()),
        "runs": list(PlanRun.objects.select_related("operation", "created_by").defer("result")[:10]),
    }
    return render(request, "planning/home.html", context)


def _operation(ref: object) -> Operation:
    try:
        operation = Operation.objects.filter(uuid=str(ref)).first()
    except ValidationError:
        operation = None
    if operation is None:
        raise Http404(_("No such operation."))
    return operation


@planners_only
def scenario(request: AuthenticatedHttpRequest, operation_uuid: str) -> HttpResponse:
    operation = _operation(operation_uuid)
    actor = Actor.from_request(request)
    record(actor, Action.VIEW, object_type=ObjectType.OPERATION, object_ref=operation.uuid, detail={"planning": True})
    defaults = planner.default_spec(operation)
    form = ScenarioForm(request.POST or None, initial=initial_from(defaults))
    if request.method == "POST" and form.is_valid():
        try:
            job = services.plan_run_request(
                actor=actor, operation=operation, scenario=form.scenario(), what_if=form.what_if()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(job.get_absolute_url())
    plan = selectors.arrival_plan(operation)
    context = {
        "operation": operation,
        "form": form,
        "plan": plan,
        "counts": plan.counts(),
        "runs": list(PlanRun.objects.filter(operation=operation).select_related("created_by").defer("result")[:5]),
    }
    return render(request, "planning/scenario.html", context, status=400 if form.is_bound else 200)


def _status(job: PlanRun) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_display": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "finished": job.finished,
    }


DISCIPLINE_LABELS = dict(Discipline.choices)


@planners_only
def run(request: AuthenticatedHttpRequest, run_uuid: str) -> HttpResponse:
    job = services.get_plan_run(Actor.from_request(request), run_uuid)
    if request.GET.get("status") == "json":
        return JsonResponse(_status(job))
    context: dict[str, Any] = {"job": job, "operation": job.operation}
    if job.status == PlanRunStatus.DONE and job.result:
        context.update(_figures(job.result))
    return render(request, "planning/run.html", context)


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    rtl = get_language_bidi()
    base = result["baseline"]
    alt = result.get("what_if")
    columns = [(_("Baseline"), base, False)] + ([(_("What if"), alt, True)] if alt else [])
    start = date.fromisoformat(base["start"])
    occupancy = charts.occupancy_chart(
        start, [(label, f["occupancy"], int(f.get("beds") or 0), dashed) for label, f, dashed in columns], rtl=rtl
    )
    wanted = [d for d in ("psychologist", "theologian") if any(d in f["waits"] for _l, f, _d in columns)]
    waits = charts.waits_chart(
        [(d, str(DISCIPLINE_LABELS.get(d, d))) for d in wanted],
        [(label, f["waits"], dashed) for label, f, dashed in columns],
        rtl=rtl,
    )
    disciplines = [d for d in Discipline.values if any(d in f["utilisation"] for _l, f, _d in columns)]
    rows: list[dict[str, Any]] = []

    def spread(label: str, key: str, sub: str | None = None, percent: bool = False) -> None:
        cells = []
        for _label, f, _dashed in columns:
            value = f.get(key, {})
            if sub is not None:
                value = value.get(sub, {})
            cells.append(_cell(value, percent))
        rows.append({"label": label, "cells": cells})

    spread(_("Peak residents"), "peak_occupancy")
    spread(_("Median length of stay (days)"), "stay")
    spread(_("Mean days waiting for a bed"), "bed_wait")
    for d in wanted:
        name = DISCIPLINE_LABELS.get(d, d)
        spread(_("Median days to the first session: %(d)s") % {"d": name}, "waits", d)
        spread(_("Seen within 7 days of arrival: %(d)s") % {"d": name}, "within_week", d, percent=True)
    for d in disciplines:
        spread(_("Staff utilisation: %(d)s") % {"d": DISCIPLINE_LABELS.get(d, d)}, "utilisation", d, percent=True)
    rows.append(
        {
            "label": _("Last resident leaves"),
            "cells": [
                _("%(median)s (%(p10)s – %(p90)s)")
                % {k: f["last_departure_date"].get(k, "–") for k in ("median", "p10", "p90")}
                for _label, f, _dashed in columns
            ],
        }
    )
    staff_rows = [
        {"label": DISCIPLINE_LABELS.get(d, d), "cells": [f["staff"].get(d, 0) for _l, f, _dd in columns]}
        for d in Discipline.values
    ]
    staff_rows.append({"label": _("Beds"), "cells": [f["beds"] for _l, f, _dd in columns]})
    staff_rows.append(
        {
            "label": _("Flights (day: persons)"),
            "cells": [", ".join(f"{x['day']}: {x['persons']}" for x in f["flights"]) for _l, f, _dd in columns],
        }
    )
    return {
        "columns": [label for label, _f, _d in columns],
        "occupancy_chart": occupancy,
        "waits_chart": waits,
        "rows": rows,
        "staff_rows": staff_rows,
        "never_seen": [
            (label, DISCIPLINE_LABELS.get(d, d), n) for label, f, _d in columns for d, n in f["never_seen"].items()
        ],
        "norms": result.get("norms", {}),
        "runs_count": base["runs"],
        "arrivals": base["arrivals"],
    }


def _cell(value: dict[str, Any], percent: bool) -> str:
    if not value or value.get("median") is None:
        return "–"

    def fmt(v: float | None) -> str:
        if v is None:
            return "–"
        return f"{round(100 * v)} %" if percent else f"{v:g}"

    return f"{fmt(value['median'])} ({fmt(value['p10'])} – {fmt(value['p90'])})"
