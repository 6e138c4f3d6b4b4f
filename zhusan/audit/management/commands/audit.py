"""``zhusan audit verify``: recompute the hash chain of the whole audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from zhusan.audit.models import AuditEvent
from zhusan.audit.services import verify_certificates, verify_chain


class Command(BaseCommand):
    help = "Work with the audit trail. 'verify' checks that no event was changed, removed or inserted, and every deletion certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        sub.add_parser("verify", help="Recompute every event's hash and link; exit 1 if the chain is broken.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        total = AuditEvent.objects.count()
        # Progress goes to stderr so the verdict on stdout stays easy to read by scripts.
        with Progress(
            TextColumn("Verifying audit chain"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("verify", total=total)
            result = verify_chain(progress=lambda: progress.advance(task))
        problems = verify_certificates()
        if result.ok:
            self.stdout.write(f"Audit chain intact: {result.checked} events")
        else:
            self.stdout.write(f"Audit chain BROKEN at event #{result.first_broken_seq}: {result.reason}")
        if problems:
            for problem in problems:
                self.stdout.write(f"Deletion certificate BROKEN: {problem}")
        else:
            self.stdout.write("Deletion certificates intact: every signature and deletion event matches")
        if not result.ok or problems:
            raise SystemExit(1)
