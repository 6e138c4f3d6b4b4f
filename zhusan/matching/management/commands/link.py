"""``zhusan link LEFT RIGHT -o pairs.csv`` and ``zhusan link LEFT --registry -o pairs.csv``.

Links a person list (CSV or XLSX) against another list or against the
registry, with the cross-script Fellegi–Sunter model trained on the data
itself, and writes each proposed pair with its match probability and the
evidence of every field. The output is written to a temporary file and
renamed only when everything succeeded: a failed run leaves no output.
Linking against the registry exports personal data, so it is audited.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhusan.matching.dates import PartialDate, StatedAge
from zhusan.matching.io import LinkFileError, parse_mapping, read_person_file
from zhusan.matching.link import Linker, LinkResult
from zhusan.matching.persons import PERSON_FIELDS, PERSON_RULES, person_columns

SHOWN = ("given", "family", "father", "birth", "sex")


def registry_records() -> list[dict[str, object]]:
    """One record per name of every registry person (a person with a Cyrillic
    legal name and a Latin transliteration is found by either)."""
    from zhusan.registry.dates import BirthPrecision
    from zhusan.registry.models import NameKind, Person

    records: list[dict[str, object]] = []
    for person in Person.objects.prefetch_related("names").order_by("case_number"):
        birth = _birth_of(person, BirthPrecision)
        sex = person.sex if person.sex in ("female", "male") else None
        for name in person.names.all():
            rec: dict[str, object] = {
                "id": person.case_number,
                "registry": True,
                "birth": birth,
                "sex": sex,
                "place": person.place_of_birth or None,
            }
            if name.kind == NameKind.KUNYA:
                rec["kunya"] = name.given
                rec["family"] = name.family or None
            else:
                rec |= {"given": name.given or None, "family": name.family or None}
                rec["patronymic"] = name.patronymic or None
            records.append(rec)
    return records


def _birth_of(person: Any, precision: Any) -> PartialDate | StatedAge | None:
    """The birth date at the precision it was recorded: a year stays a year."""
    p = person.birth_precision
    try:
        if p == precision.EXACT and person.birth_year and person.birth_month and person.birth_day:
            return PartialDate(person.birth_year, person.birth_month, person.birth_day)
        if p in (precision.EXACT, precision.MONTH) and person.birth_year and person.birth_month:
            return PartialDate(person.birth_year, person.birth_month)
        if p == precision.ESTIMATED and person.stated_age is not None and person.stated_age_on:
            on = person.stated_age_on
            return StatedAge(person.stated_age, PartialDate(on.year, on.month, on.day))
        if person.birth_year:
            return PartialDate(person.birth_year)
    except ValueError:
        return None
    return None


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
        parser.add_argument("--threshold", type=float, default=0.5, help="lowest match probability kept (0.5)")
        parser.add_argument(
            "--all-pairs", action="store_true", help="keep every pair above the threshold, not only the best per row"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        left_path, right_arg = Path(options["left"]), options["right"]
        if options["registry"] == bool(right_arg):
            raise CommandError("give either RIGHT or --registry (exactly one)")
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        output = Path(options["output"])
        console = Console(stderr=True)
        try:
            map_left = parse_mapping(options["map_left"])
            map_right = parse_mapping(options["map_right"]) if options["map_right"] else map_left
            left = read_person_file(left_path, map_left)
            if right_arg:
                right_file = read_person_file(Path(right_arg), map_right)
                right, right_name = right_file.records, Path(right_arg).name
            else:
                right, right_name = registry_records(), "registry"
        except LinkFileError as exc:
            raise CommandError(str(exc)) from exc
        if not left.records:
            raise CommandError(f"{left_path.name}: no rows under the header")
        if not right:
            raise CommandError(f"{right_name}: no records to link to")

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            step = progress.add_task(f"Linking {len(left.records):,} × {len(right):,}", total=3)
            linker = Linker(PERSON_FIELDS, PERSON_RULES)
            lcols, rcols = person_columns(left.records), person_columns(right)
            progress.advance(step)
            result = linker.link(
                lcols, rcols, threshold=options["threshold"], each_left_matches_at_most_one=True, train=True
            )
            progress.advance(step)
            keep = np.arange(len(result)) if options["all_pairs"] else _best(result)
            progress.advance(step)
            write = progress.add_task("Writing pairs", total=len(keep))
            with atomic_output(output) as fh:
                self._write(fh, linker, result, keep, left.records, right, lcols, rcols, progress, write)

        if options["registry"]:
            self._audit(left_path, output, len(left.records), len(right), len(keep))
        self.stdout.write(
            f"{len(keep):,} pairs written to {output} "
            f"({result.n_candidates:,} candidate pairs compared; {len(left.records):,} × {len(right):,} records)"
        )

    def _write(
        self,
        fh: Any,
        linker: Linker,
        result: LinkResult,
        keep: np.ndarray,
        left: list[dict[str, object]],
        right: list[dict[str, object]],
        lcols: dict[str, Any],
        rcols: dict[str, Any],
        progress: Progress,
        task: Any,
    ) -> None:
        labels = [f.label or f.name for f in linker.fields]
        writer = csv.writer(fh)
        writer.writerow(
            ["left_row", "left_id", "right_row", "right_id", "match_probability", "match_weight"]
            + [f"left_{k}" for k in SHOWN]
            + [f"right_{k}" for k in SHOWN]
            + [f"evidence: {label}" for label in labels]
        )
        for k in keep.tolist():
            i, j = int(result.left[k]), int(result.right[k])
            evidence = linker.evidence(result, k)
            writer.writerow(
                [i + 2, left[i].get("id") or "", "" if right[j].get("registry") else j + 2, right[j].get("id") or ""]
                + [f"{result.probability[k]:.4f}", f"{result.weight[k]:.2f}"]
                + [_show(lcols[c][i]) for c in SHOWN]
                + [_show(rcols[c][j]) for c in SHOWN]
                + [f"{e.level} ({e.weight:+.2f})" for e in evidence]
            )
            progress.advance(task)

    def _audit(self, left: Path, output: Path, n_left: int, n_right: int, n_pairs: int) -> None:
        from zhusan.audit.models import Action
        from zhusan.audit.services import Actor, record

        record(
            Actor.system("zhusan link"),
            Action.EXPORT,
            object_type="linkage",
            detail={
                "left": left.name,
                "right": "registry",
                "output": output.name,
                "left_records": n_left,
                "registry_names": n_right,
                "pairs": n_pairs,
            },
        )


def _best(result: LinkResult) -> np.ndarray:
    """The best pair per left row (row numbers in the output are 1-based with the header)."""
    if not len(result):
        return np.empty(0, np.int64)
    order = np.lexsort((-result.weight, result.left))
    first = np.ones(len(order), bool)
    first[1:] = result.left[order][1:] != result.left[order][:-1]
    return np.sort(order[first])


def _show(value: object) -> str:
    return "" if value is None else str(value)
