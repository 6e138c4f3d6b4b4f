"""``zhusan plan OPERATION``: the capacity plan of an operation on the command
line, the same figures as the planning page (a progress bar while it runs).

    zhusan plan Zhusan-6 --runs 50 --what-if "+5 psychologists"
    zhusan plan Zhusan-6 --extra-children 200 --extra-women 100 --what-if "two flights instead of three"
    zhusan plan Zhusan-2 --back-test      # a past operation against its records

Reads aggregates only (counts and durations) and writes nothing but one
audit event.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.operations.models import Operation
from zhusan.planning import planner
from zhusan.planning.charts import back_test_svg
from zhusan.planning.simulation import DISCIPLINES, ScenarioError, Summary, apply_what_if, simulate


class Command(BaseCommand):
    help = "Simulate the centre's pathway for an operation's arrivals (the capacity plan), with a what-if."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", help="The operation's code, e.g. Zhusan-6")
        parser.add_argument("--runs", type=int, default=planner.DEFAULT_RUNS, help="Seeded runs (default 20).")
        parser.add_argument("--seed", type=int, default=1, help="First seed (default 1).")
        parser.add_argument(
            "--what-if",
            action="append",
            default=[],
            help='A change to compare, e.g. "+5 psychologists", "+40 beds", "two flights instead of three".',
        )
        parser.add_argument("--beds", type=int, help="Beds (default: the centre's rooms).")
        parser.add_argument("--staff", action="append", default=[], help="discipline=count, e.g. psychologist=17")
        parser.add_argument("--flights", type=int, help="Regroup the persons on this many flights.")
        parser.add_argument("--every", type=int, help="Days between the regrouped flights.")
        parser.add_argument("--extra-women", type=int, default=0)
        parser.add_argument("--extra-men", type=int, default=0)
        parser.add_argument("--extra-children", type=int, default=0)
        parser.add_argument("--start", default="", help="Day of the first arrival (YYYY-MM-DD).")
        parser.add_argument(
            "--back-test", action="store_true", help="Compare the simulation of a past operation with its records."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--svg", help="With --back-test: write the comparison charts to this SVG file.")

    def handle(self, *args: Any, **options: Any) -> None:
        operation = Operation.objects.filter(code=options["operation"]).first()
        if operation is None:
            raise CommandError(f"No operation with the code {options['operation']!r}.")
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            if options["back_test"]:
                step = progress.add_task(f"Back-test of {operation.code}", total=options["runs"])
                try:
                    result = planner.back_test(
                        operation,
                        runs=options["runs"],
                        progress=lambda done, total: progress.update(step, completed=done),
                    )
                except ScenarioError as exc:
                    raise CommandError("; ".join(exc.errors.values())) from exc
                self._audit(operation, {"back_test": True, "runs": options["runs"]})
                self._back_test(result, options["json"])
                if options["svg"]:
                    Path(options["svg"]).write_text(back_test_svg(result), encoding="utf-8")
                    self.stderr.write(f"Charts written to {options['svg']}")
                return
            summaries = self._plan(operation, options, progress)
        self._audit(operation, {"runs": options["runs"], "what_if": options["what_if"]})
        if options["json"]:
            self.stdout.write(json.dumps({label: s.as_dict() for label, s in summaries}, indent=2))
            return
        self._print(summaries)

    def _plan(self, operation: Operation, options: dict[str, Any], progress: Progress) -> list[tuple[str, Summary]]:
        spec = planner.default_spec(operation)
        spec.update(
            runs=options["runs"],
            seed=options["seed"],
            flights=options["flights"],
            every=options["every"],
            extra_women=options["extra_women"],
            extra_men=options["extra_men"],
            extra_children=options["extra_children"],
            start=options["start"],
        )
        if options["beds"] is not None:
            spec["beds"] = options["beds"]
        for item in options["staff"]:
            discipline, _sep, count = item.partition("=")
            if discipline not in DISCIPLINES or not count.lstrip("-").isdigit():
                raise CommandError(f"--staff {item!r}: write discipline=count, one of {', '.join(DISCIPLINES)}.")
            spec["staff"][discipline] = int(count)
        try:
            base = planner.build_scenario(operation, spec)
            scenarios = [("baseline", base)]
            for text in options["what_if"]:
                scenarios.append((text, apply_what_if(replace(base), text)))
        except ScenarioError as exc:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from exc
        out: list[tuple[str, Summary]] = []
        for label, scenario in scenarios:
            step = progress.add_task(f"Simulating {label}", total=options["runs"])

            def advance(done: int, total: int, step: Any = step) -> None:
                progress.update(step, completed=done)

            summary = simulate(scenario, runs=options["runs"], seed=options["seed"], progress=advance)
            out.append((label, summary))
        return out

    def _audit(self, operation: Operation, detail: dict[str, Any]) -> None:
        record(
            Actor.system("zhusan plan"),
            Action.VIEW,
            object_type=ObjectType.PLAN_RUN,
            object_ref=operation.uuid,
            detail={"operation": operation.code, **detail},
        )

    def _print(self, summaries: list[tuple[str, Summary]]) -> None:
        labels = [label for label, _s in summaries]
        width = max(len(label) for label in labels) + 2

        def spread(d: dict[str, Any] | None, percent: bool = False) -> str:
            if not d or d.get("median") is None:
                return "–"
            if percent:
                return f"{round(100 * d['median'])}% ({round(100 * d['p10'])}–{round(100 * d['p90'])})"
            return f"{d['median']:g} ({d['p10']:g}–{d['p90']:g})"

        first = summaries[0][1]
        self.stdout.write(
            f"{first.arrivals} arrivals from {first.start.isoformat()}, {first.runs} seeded runs; "
            "median of the runs (10th–90th percentile)\n"
        )
        dicts = [s.as_dict() for _l, s in summaries]
        rows: list[tuple[str, list[str]]] = [
            ("Peak residents", [spread(d["peak_occupancy"]) for d in dicts]),
            ("Median stay (days)", [spread(d["stay"]) for d in dicts]),
            ("Mean days waiting for a bed", [spread(d["bed_wait"]) for d in dicts]),
        ]
        for discipline in ("psychologist", "theologian"):
            rows.append((f"Days to first {discipline}", [spread(d["waits"].get(discipline)) for d in dicts]))
            rows.append(
                (
                    f"Seen by a {discipline} within 7 days",
                    [spread(d["within_week"].get(discipline), True) for d in dicts],
                )
            )
        for discipline in DISCIPLINES:
            if any(discipline in d["utilisation"] for d in dicts):
                rows.append(
                    (f"Utilisation: {discipline}", [spread(d["utilisation"].get(discipline), True) for d in dicts])
                )
        rows.append(
            (
                "Last resident leaves",
                [
                    f"{d['last_departure_date'].get('median')} ({d['last_departure_date'].get('p10')}–"
                    f"{d['last_departure_date'].get('p90')})"
                    for d in dicts
                ],
            )
        )
        name_w = max(len(r[0]) for r in rows) + 2
        cell_w = max(width, *(len(c) + 2 for _n, cells in rows for c in cells))
        self.stdout.write("".ljust(name_w) + "".join(label.ljust(cell_w) for label in labels))
        for name, cells in rows:
            self.stdout.write(name.ljust(name_w) + "".join(c.ljust(cell_w) for c in cells))

    def _back_test(self, result: planner.BackTest, as_json: bool) -> None:
        rows = result.rows()
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "operation": result.operation,
                        "persons": result.recorded.persons,
                        "admitted": result.recorded.admitted,
                        "passed": result.passed,
                        "rows": [
                            {"figure": f, "recorded": r, "simulated": s, "p10": lo, "p90": hi, "within_tolerance": ok}
                            for f, r, s, lo, hi, ok in rows
                        ],
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Back-test of {result.operation}: {result.recorded.persons} arrivals, {result.recorded.admitted} admitted; "
            f"{result.simulated.runs} seeded runs\n"
        )
        self.stdout.write(f"{'figure':45}{'recorded':>10}{'simulated (p10–p90)':>26}  within tolerance")
        for figure, recorded, simulated, lo, hi, ok in rows:
            self.stdout.write(
                f"{figure:45}{recorded:>10g}{f'{simulated:g} ({lo:g}–{hi:g})':>26}  {'yes' if ok else 'NO'}"
            )
        self.stdout.write(
            f"\nTolerance: stay within max({planner.STAY_TOLERANCE_DAYS:g} days, "
            f"{round(100 * planner.STAY_TOLERANCE_SHARE)} %), waits within {planner.WAIT_TOLERANCE_DAYS:g} days. "
            + ("PASSED" if result.passed else "FAILED")
        )
