"""``zhusan dedupe LIST -o clusters.csv``: the same person listed twice in one file.

Reads a person list (CSV or XLSX) as ``zhusan link`` does (the same reader
and column mapping), links it against itself with the engine's model trained
on the list (:mod:`zhusan.engine.dedupe`), and writes one row per member of
each cluster of two or more rows: ``cluster_id``, the row in the file and
its id, the match probability, the member it was linked to, and the evidence
of every field. Clusters are connected components of the pairs at or above
``--threshold``. The output is written to a temporary file and renamed only
when everything succeeded: a failed run leaves no output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from zhusan.core.tabular_out import csv_writer
from zhusan.engine.dedupe import dedupe_records, result_rows
from zhusan.engine.io import LinkFileError, parse_mapping, read_person_file

from .link import atomic_output


class Command(BaseCommand):
    help = "Find the same person listed twice in one person list (CSV/XLSX); write the clusters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("list", help="the list to deduplicate (.csv or .xlsx)")
        parser.add_argument("-o", "--output", required=True, help="where to write the clusters (CSV)")
        parser.add_argument(
            "--map", dest="mapping", help="the list's columns: given=FirstName,family=Surname,birth=DOB"
        )
        parser.add_argument(
            "--threshold", type=float, default=0.5, help="lowest match probability that joins two rows (0.5)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, output = Path(options["list"]), Path(options["output"])
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        try:
            person_file = read_person_file(path, parse_mapping(options["mapping"]))
        except LinkFileError as exc:
            raise CommandError(str(exc)) from exc
        records = person_file.records
        if not records:
            raise CommandError(f"{path.name}: no rows under the header")

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            step = progress.add_task(f"Deduplicating {len(records):,} records", total=100)

            def report(percent: int, message: str) -> None:
                progress.update(step, completed=percent, description=message)

            result = dedupe_records(records, threshold=options["threshold"], progress=report, translate=_)
            with atomic_output(output) as fh:
                csv_writer(fh).writerows(result_rows(records, result, translate=_))

        self.stdout.write(
            f"{result.clusters:,} clusters ({len(result.members):,} rows listed more than once) written to {output} "
            f"({result.candidates:,} pairs compared among {result.records:,} records)"
        )
