"""From a planned operation and a planner's choices to a ``Scenario`` (the
selectors read the records), and the back-test against a past operation.

A scenario is asked for as a plain dict (the page's form, the command's
options, the job's record), the same keys for the baseline and the what-if:

``centre`` (UUID or ""), ``staff`` ({discipline: count}), ``beds``,
``flights`` (how many, or None for the manifests' own flights), ``every``
(days between flights when regrouped), ``extra_women`` / ``extra_men`` /
``extra_children`` (expected, not yet on a manifest), ``start`` (ISO day of
the first arrival, or "" for the manifests' own), ``hours_per_day``,
``working_days`` (0 = Monday), ``runs``, ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from zhusan.operations.models import Operation
from zhusan.rehabilitation.models import Centre

from . import selectors
from .simulation import DISCIPLINES, Flight, Scenario, ScenarioError, Summary, regroup, simulate

DEFAULT_RUNS = 20
MAX_RUNS = 200
# The back-test passes when the simulated median stay is within this many
# days (or this share) of the recorded one, and each median first-session
# wait within WAIT_TOLERANCE days.
STAY_TOLERANCE_DAYS = 3.0
STAY_TOLERANCE_SHARE = 0.10
WAIT_TOLERANCE_DAYS = 2.0


def _centre(ref: object) -> Centre | None:
    if not ref:
        return None
    return Centre.objects.filter(uuid=str(ref)).first()


def default_spec(operation: Operation) -> dict[str, Any]:
    """The scenario as the records stand: the manifests' flights, the centre's roster and beds."""
    plan = selectors.arrival_plan(operation)
    centre = selectors.centre_for(operation)
    cap = selectors.capacity(centre, plan.persons)
    return {
        "centre": str(centre.uuid) if centre else "",
        "staff": dict(cap.staff),
        "beds": cap.beds,
        "flights": None,
        "every": None,
        "extra_women": 0,
        "extra_men": 0,
        "extra_children": 0,
        "start": "",
        "hours_per_day": 6.0,
        "working_days": selectors.learned_working_days(centre),
        "runs": DEFAULT_RUNS,
        "seed": 1,
    }


def _int(spec: dict[str, Any], key: str, errors: dict[str, str], *, default: int = 0) -> int:
    value = spec.get(key, default)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[key] = f"{key}: a whole number, please."
        return default


def build_scenario(operation: Operation, spec: dict[str, Any], *, arrived_only: bool = False) -> Scenario:
    """The scenario ``spec`` asks for; ``ScenarioError`` (field → message) when it cannot be simulated."""
    errors: dict[str, str] = {}
    plan = selectors.arrival_plan(operation, arrived_only=arrived_only)
    start = plan.start
    if spec.get("start"):
        try:
            start = date.fromisoformat(str(spec["start"]))
        except ValueError:
            errors["start"] = "The first arrival's day is not a date (YYYY-MM-DD)."
    women = _int(spec, "extra_women", errors)
    men = _int(spec, "extra_men", errors)
    children = _int(spec, "extra_children", errors)
    for key, value in (("extra_women", women), ("extra_men", men), ("extra_children", children)):
        if value < 0:
            errors[key] = "Cannot be negative."
    flights = list(plan.flights)
    extra = selectors.extra_arrivals(max(women, 0), max(men, 0), max(children, 0))
    if extra:
        if flights:
            first = flights[0]
            flights[0] = Flight(first.day, first.arrivals + extra)
        else:
            flights = [Flight(0, extra)]
    count = spec.get("flights")
    every = spec.get("every")
    staff: dict[str, int] = {}
    for discipline, value in (spec.get("staff") or {}).items():
        try:
            staff[str(discipline)] = int(value)
        except (TypeError, ValueError):
            errors[f"staff_{discipline}"] = "A whole number, please."
    beds = _int(spec, "beds", errors, default=1)
    runs = _int(spec, "runs", errors, default=DEFAULT_RUNS)
    if not 1 <= runs <= MAX_RUNS:
        errors["runs"] = f"Between 1 and {MAX_RUNS} runs."
    try:
        hours = float(spec.get("hours_per_day") or 6.0)
    except (TypeError, ValueError):
        errors["hours_per_day"] = "A number of hours, please."
        hours = 6.0
    working = frozenset(int(d) for d in spec.get("working_days", [0, 1, 2, 3, 4]) if str(d).isdigit() and int(d) < 7)
    if count not in (None, ""):
        try:
            n, gap = int(str(count)), (int(str(every)) if every not in (None, "") else None)
        except (TypeError, ValueError):
            errors["flights"] = "A whole number of flights, please."
        else:
            if n < 1:
                errors["flights"] = "At least one flight."
            elif gap is not None and gap < 0:
                errors["every"] = "Days between flights cannot be negative."
            elif flights:
                flights = list(regroup(flights, n, gap))
    if errors:
        raise ScenarioError(errors)
    centre = _centre(spec.get("centre"))
    scenario = Scenario(
        start=start,
        flights=tuple(flights),
        staff=staff,
        beds=beds,
        norms=selectors.learned_norms(centre),
        hours_per_day=hours,
        working_days=working,
    )
    scenario.check()
    return scenario


def runs_of(spec: dict[str, Any]) -> int:
    try:
        return max(1, min(int(spec.get("runs") or DEFAULT_RUNS), MAX_RUNS))
    except (TypeError, ValueError):
        return DEFAULT_RUNS


def check(operation: Operation, scenario: dict[str, Any], what_if: dict[str, Any] | None) -> None:
    """Refuse a scenario or a what-if that cannot be simulated; the what-if's
    fields are named ``what_if_<field>``."""
    errors: dict[str, str] = {}
    try:
        build_scenario(operation, scenario)
    except ScenarioError as exc:
        errors.update(exc.errors)
    if what_if:
        try:
            build_scenario(operation, what_if)
        except ScenarioError as exc:
            errors.update({f"what_if_{k}": v for k, v in exc.errors.items()})
    if errors:
        raise ScenarioError(errors)


def run(
    operation: Operation,
    scenario: dict[str, Any],
    what_if: dict[str, Any] | None,
    *,
    progress: Callable[[int, str], None] | None = None,
) -> dict[str, Any]:
    """Simulate the baseline (and the what-if): the figures as a JSON-ready dict."""
    report = progress or (lambda percent, message: None)
    base = build_scenario(operation, scenario)
    alternative = build_scenario(operation, what_if) if what_if else None
    runs = runs_of(scenario)
    parts = 2 if alternative else 1

    def step(k: int) -> Callable[[int, int], None]:
        def on(done: int, total: int) -> None:
            report(round(100 * (k * total + done) / (parts * total)), f"Run {k * total + done} of {parts * total}")

        return on

    result: dict[str, Any] = {
        "baseline": _figures(base, simulate(base, runs=runs, seed=int(scenario.get("seed") or 1), progress=step(0)))
    }
    if alternative is not None:
        seed = int(what_if.get("seed") or 1) if what_if else 1
        result["what_if"] = _figures(alternative, simulate(alternative, runs=runs, seed=seed, progress=step(1)))
    result["norms"] = dict(base.norms.sources)
    return result


def _figures(scenario: Scenario, summary: Summary) -> dict[str, Any]:
    figures = summary.as_dict()
    figures["staff"] = {d: int(scenario.staff.get(d, 0)) for d in DISCIPLINES}
    figures["beds"] = scenario.beds
    figures["flights"] = [{"day": f.day, "persons": len(f.arrivals)} for f in scenario.flights]
    return figures


# --- the back-test ---------------------------------------------------------------------


@dataclass(frozen=True)
class BackTest:
    operation: str
    recorded: selectors.Recorded
    simulated: Summary
    stay_ok: bool
    waits_ok: dict[str, bool]

    @property
    def passed(self) -> bool:
        return self.stay_ok and all(self.waits_ok.values())

    def rows(self) -> list[tuple[str, float, float, float, float, bool]]:
        """(figure, recorded, simulated median, p10, p90, within tolerance)."""
        out = [
            (
                "median length of stay (days)",
                self.recorded.stay_median,
                self.simulated.stay.median,
                self.simulated.stay.p10,
                self.simulated.stay.p90,
                self.stay_ok,
            )
        ]
        for discipline, ok in self.waits_ok.items():
            spread = self.simulated.waits[discipline]
            out.append(
                (
                    f"median days to first {discipline.replace('_', ' ')} session",
                    self.recorded.waits[discipline],
                    spread.median,
                    spread.p10,
                    spread.p90,
                    ok,
                )
            )
        return out


def back_test(
    operation: Operation, *, runs: int = DEFAULT_RUNS, progress: Callable[[int, int], None] | None = None
) -> BackTest:
    """Simulate a past operation's arrivals (as they arrived) with its centre's
    roster and beds and the learned norms; compare with its recorded stays and waits."""
    centre = selectors.centre_for(operation)
    spec = default_spec(operation)
    scenario = build_scenario(operation, spec, arrived_only=True)
    scenario = replace(scenario, norms=selectors.learned_norms(centre))
    summary = simulate(scenario, runs=runs, progress=progress)
    recorded = selectors.recorded_outcomes(operation, centre)
    tolerance = max(STAY_TOLERANCE_DAYS, STAY_TOLERANCE_SHARE * recorded.stay_median)
    stay_ok = not math.isnan(recorded.stay_median) and abs(summary.stay.median - recorded.stay_median) <= tolerance
    waits_ok = {
        d: abs(summary.waits[d].median - recorded.waits[d]) <= WAIT_TOLERANCE_DAYS
        for d in ("psychologist", "theologian")
        if d in recorded.waits and d in summary.waits
    }
    return BackTest(operation.code, recorded, summary, stay_ok, waits_ok)
