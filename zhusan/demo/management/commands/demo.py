"""``zhusan demo``: load the synthetic demo dataset into an empty database."""

from __future__ import annotations

import io
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from zhusan.demo.builder import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_TOTP_BASE32,
    DemoLoader,
    DemoRefusedError,
    DemoResult,
)
from zhusan.registry.models import Person


class Command(BaseCommand):
    help = (
        "Load a deterministic, clearly fictional dataset (organisations, one login per role, about 700 "
        "invented persons reproducing the published figures of the 2019–2021 operations) into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing, successfully, when the database already holds persons."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("The database already holds persons; the demo was not loaded.")
            return
        started = time.monotonic()
        loader = DemoLoader(options["seed"])
        progress = Progress(
            TextColumn("Loading the synthetic demo"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        try:
            with progress:
                task = progress.add_task("demo", total=loader.total_steps)
                result = loader.run(lambda: progress.advance(task))
        except DemoRefusedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self._report(result, time.monotonic() - started))

    def _report(self, result: DemoResult, seconds: float) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=110, force_terminal=False, color_system=None)
        console.print(f"Loaded {result.persons} invented persons in {seconds:.1f} s. Every person is synthetic.\n")
        logins = Table(title="Demo logins")
        for column in ("Username", "Role", "Organisation"):
            logins.add_column(column)
        for login in result.logins:
            logins.add_row(*login)
        console.print(logins)
        console.print(f"Password for every demo login: {DEMO_PASSWORD}")
        console.print(
            f"Second factor (TOTP) secret for every demo login: {DEMO_TOTP_BASE32}\n"
            f"  add it to any authenticator app, or compute codes with `oathtool --totp -b {DEMO_TOTP_BASE32}`\n"
        )
        counts = Table(title="Returned persons per operation (counted from the records)")
        columns = ("total", "men", "women", "children", "orphans")
        counts.add_column("Operation")
        for column in columns:
            counts.add_column(column.capitalize(), justify="right")
        for operation, row in result.table.items():
            counts.add_row(operation, *(str(row[c]) for c in columns))
        console.print(counts)
        return buffer.getvalue()
