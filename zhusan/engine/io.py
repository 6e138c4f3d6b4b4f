"""Reading person lists from CSV or XLSX files for linkage.

The file is read by the one reader (:mod:`.tabular`), as manifest imports
read theirs. Columns are mapped by the caller (``given=FirstName,family=Surname``)
or recognised from the header (common English, Russian and Kazakh names:
:data:`.tabular.HEADER_NAMES`); sex is read by :func:`.tabular.normalise_sex`.
Formula cells are never evaluated: the reader gives a formula's text, and a
formula is not a name or a date, so it is dropped as empty here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .tabular import HEADER_NAMES, TableError, iter_rows, kind_of, normalise_sex, recognise_headers

#: Record keys the linkage understands (see zhusan.engine.persons).
TARGETS = ("id", "full_name", "given", "family", "patronymic", "father", "kunya", "birth", "sex", "place")

# Header names recognised without a --map (a year of birth is a birth date
# known to the year).
HEADERS: dict[str, tuple[str, ...]] = {
    key: HEADER_NAMES[key] + (HEADER_NAMES["birth_year"] if key == "birth" else ()) for key in TARGETS
}

NAME_COLUMNS = ("full_name", "given", "family", "kunya")


class LinkFileError(ValueError):
    """A file that cannot be read as a person list; the message says why."""


@dataclass
class PersonFile:
    path: Path
    mapping: dict[str, str]  # target key -> column header
    records: list[dict[str, object]]


def parse_mapping(text: str | None) -> dict[str, str]:
    """``given=FirstName,family=Surname`` -> {"given": "FirstName", ...}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip()
        if not sep or not column.strip():
            raise LinkFileError(f"--map entry {part.strip()!r} is not key=Column")
        if key not in TARGETS:
            raise LinkFileError(f"--map key {key!r} is not one of: {', '.join(TARGETS)}")
        out[key] = column.strip()
    return out


def recognise(headers: list[str], given: dict[str, str]) -> dict[str, str]:
    """The mapping: explicit entries first, then headers recognised by name."""
    present = set(headers)
    for key, column in given.items():
        if column not in present:
            raise LinkFileError(f"column {column!r} (mapped to {key}) is not in the header: {', '.join(headers)}")
    mapping = dict(given) | recognise_headers(
        headers, {k: v for k, v in HEADERS.items() if k not in given}, taken=list(given.values())
    )
    if not any(k in mapping for k in NAME_COLUMNS):
        raise LinkFileError(
            "no name column: map one with --map given=Column,family=Column (or full_name=Column); "
            f"header is: {', '.join(h for h in headers if h) or '(empty)'}"
        )
    return mapping


_MESSAGES = {
    "binary": "not a text file; save it as UTF-8 CSV",
    "encoding": "not UTF-8 text ({detail}); save it as UTF-8",
    "csv": "not a readable CSV file ({detail})",
    "xlsx": "not a readable XLSX workbook ({detail})",
}


def _value(key: str, cell: str) -> str | None:
    text = cell.strip()
    if text.startswith("="):  # a formula's text is not data
        return None
    if key == "sex":
        sex = normalise_sex(text)
        return sex if sex in ("female", "male") else None
    return text or None


def read_person_file(path: Path, mapping: dict[str, str] | None = None) -> PersonFile:
    """All rows of a CSV or XLSX person list, as records keyed by TARGETS."""
    if not path.is_file():
        raise LinkFileError(f"{path}: no such file")
    kind = kind_of(path.name)
    if kind is None:
        raise LinkFileError(f"{path.name}: unknown file type {path.suffix.lower() or '(none)'}; use .csv or .xlsx")
    try:
        rows = iter_rows(path, kind)
        header = next(rows, None)
        if header is None:
            raise LinkFileError(f"{path.name}: the file is empty")
        cols = recognise(header, mapping or {})
        where = {key: header.index(column) for key, column in cols.items()}
        records: list[dict[str, object]] = []
        for line in rows:
            records.append({key: _value(key, line[i] if i < len(line) else "") for key, i in where.items()})
    except TableError as exc:
        message = _MESSAGES.get(exc.kind, "{detail}").format(detail=exc.detail)
        raise LinkFileError(f"{path.name}: {message}") from exc
    return PersonFile(path, cols, records)
