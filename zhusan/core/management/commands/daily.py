"""``zhusan daily``: run the daily jobs not yet run today (for cron, or a
server without the task worker); ``--run NAME`` runs one job now, whether or
not it ran today; ``--list`` shows each job and when it last ran."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhusan.core.models import DailyRun
from zhusan.core.schedule import jobs, run_due, run_now


class Command(BaseCommand):
    help = "Run the daily jobs (retention, sealing, publishing) that have not run today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", metavar="NAME", help="Run this job now, even if it ran today.")
        parser.add_argument("--list", action="store_true", help="List the jobs and when each last ran.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            runs = {r.name: r for r in DailyRun.objects.all()}
            for name in jobs():
                run = runs.get(name)
                when = f"last started {run.started_at:%Y-%m-%d %H:%M}" if run and run.started_at else "never run"
                error = f", failed: {run.error}" if run and run.error else ""
                self.stdout.write(f"{name}: {when}{error}")
            return
        if options["run"]:
            try:
                run_now(options["run"])
            except LookupError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"ran {options['run']}")
            return
        ran = run_due()
        failed = {r.name for r in DailyRun.objects.filter(name__in=ran).exclude(error="")}
        for name in ran:
            self.stdout.write(f"{name}: {'failed' if name in failed else 'done'}")
        if not ran:
            self.stdout.write("Every daily job has run today.")
        if failed:
            raise CommandError(f"{len(failed)} daily job(s) failed: {', '.join(sorted(failed))}")
