"""``zhusan link LEFT RIGHT -o pairs.csv`` and ``zhusan link LEFT --registry -o pairs.csv``.

Links a person list (CSV or XLSX) against another list or against the
registry, with the cross-script Fellegi–Sunter model trained on the data
itself, in process (``--engine zhusan``, the default), with DuckDB's blocking
joins (``duckdb``) or in Spark's partitions (``spark``): the same model and the
same pairs (see :mod:`zhusan.engine.engines`), and writes each proposed pair
with its match probability and the evidence of every field. The output is written to a temporary file and
renamed only when everything succeeded: a failed run leaves no output.
Linking against the registry exports personal data, so it is audited.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from zhusan.audit.models import ObjectType
from zhusan.engine.engines import DEFAULT_ENGINE, ENGINES, EngineUnavailableError, check_engine
from zhusan.engine.io import LinkFileError
from zhusan.matching.jobs import link_to_csv, read_list, registry_records


@contextmanager
def atomic_output(path: Path) -> Iterator[Any]:
    """A text file at ``path`` that appears only if the block succeeds."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"output directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Link a person list (CSV/XLSX) to another list or to the registry; write pairs with probabilities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("left", help="the list to link (.csv or .xlsx)")
        parser.add_argument("right", nargs="?", help="the list to link it to (omit with --registry)")
        parser.add_argument("--registry", action="store_true", help="link LEFT against the persons in the registry")
        parser.add_argument("-o", "--output", required=True, help="where to write the pairs (CSV)")
        parser.add_argument("--map", dest="map_left", help="LEFT's columns: given=FirstName,family=Surname,birth=DOB")
        parser.add_argument("--map-right", help="RIGHT's columns, as --map (default: the same as --map)")
        parser.add_argument(
            "--age-on",
            help="the date the ages of an age column were stated (e.g. 2019-03-01), unless the list has a date "
            "column (list_date, stated_on)",
        )
        parser.add_argument("--threshold", type=float, default=0.5, help="lowest match probability kept (0.5)")
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default=DEFAULT_ENGINE,
            help="zhusan: the model in process (default); duckdb: the same model with DuckDB's blocking joins; "
            "spark: the same model in Spark's partitions, local mode unless a session is running "
            "(needs pyspark and Java 17)",
        )
        parser.add_argument(
            "--all-pairs", action="store_true", help="keep every pair above the threshold, not only the best per row"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        left_path, right_arg = Path(options["left"]), options["right"]
        if options["registry"] == bool(right_arg):
            raise CommandError("give either RIGHT or --registry (exactly one)")
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        try:
            check_engine(options["engine"])
        except EngineUnavailableError as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"])
        console = Console(stderr=True)
        try:
            map_left = options["map_left"]
            map_right = options["map_right"] or map_left
            left = read_list(left_path, mapping=map_left, age_on=options["age_on"])
            files = [left]
            if right_arg:
                right_file = read_list(Path(right_arg), mapping=map_right, age_on=options["age_on"])
                right, right_name = right_file.records, Path(right_arg).name
                files.append(right_file)
            else:
                right, right_name = registry_records(), "registry"
        except LinkFileError as exc:
            raise CommandError(str(exc)) from exc
        for person_file in files:
            for note in [person_file.id_notice(), *person_file.notes]:
                if note:
                    self.stderr.write(note)
        if not left.records:
            raise CommandError(f"{left_path.name}: no rows under the header")
        if not right:
            raise CommandError(f"{right_name}: no records to link to")

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            step = progress.add_task(f"Linking {len(left.records):,} × {len(right):,}", total=100)

            def report(percent: int, message: str) -> None:
                progress.update(step, completed=percent, description=message)

            with atomic_output(output) as fh:
                summary = link_to_csv(
                    left.records,
                    right,
                    fh,
                    threshold=options["threshold"],
                    all_pairs=options["all_pairs"],
                    engine=options["engine"],
                    progress=report,
                )

        if options["registry"]:
            self._audit(left_path, output, len(left.records), len(right), summary.pairs, options["engine"])
        self.stdout.write(
            f"{summary.pairs:,} pairs written to {output} "
            f"({summary.candidates:,} candidate pairs compared; {len(left.records):,} × {len(right):,} records; "
            f"engine {options['engine']})"
        )

    def _audit(self, left: Path, output: Path, n_left: int, n_right: int, n_pairs: int, engine: str) -> None:
        from zhusan.audit.models import Action
        from zhusan.audit.services import Actor, record

        record(
            Actor.system("zhusan link"),
            Action.EXPORT,
            object_type=ObjectType.LINKAGE,
            detail={
                "left": left.name,
                "right": "registry",
                "output": output.name,
                "left_records": n_left,
                "registry_names": n_right,
                "pairs": n_pairs,
                "engine": engine,
            },
        )
