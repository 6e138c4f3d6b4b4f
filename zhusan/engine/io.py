"""Reading person lists from CSV or XLSX files for linkage.

The file is read by the one reader (:mod:`.tabular`), as manifest imports
read theirs. Columns are mapped by the caller (``given=FirstName,family=Surname``,
several columns joined with ``+``: ``address=Number+Street``) or recognised
from the header (usual names in English, Russian, Kazakh, Uzbek, Tajik and Arabic:
:data:`.tabular.HEADER_NAMES`). Every column a list carries is read: names
(given, family, patronymic, father, mother, a full name, kunya, aliases), a
date of birth or an age with the date it was stated (a date column of the
list or ``age_on``, else the file is refused naming ``--age-on``), sex (read
by :func:`.tabular.normalise_sex`), place of birth, address, district,
postcode, phone, and an id (rows numbered from 1 when there is none, which
:meth:`PersonFile.id_notice` tells the user). Values stay text, so records
travel as JSON (a linkage job) and :mod:`.persons` turns them into the
compared columns. Formula cells are never evaluated: the reader gives a
formula's text, and a formula is not data, so it is dropped as empty here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .dates import parse_date
from .tabular import (
    HEADER_NAMES,
    MORE_COLUMNS,
    TableError,
    header_key,
    iter_rows,
    kind_of,
    normalise_sex,
    recognise_headers,
)

#: Record keys the linkage understands (see zhusan.engine.persons).
TARGETS = (
    "id", "full_name", "given", "family", "patronymic", "father", "mother", "kunya", "alias",
    "birth", "age", "age_on", "sex", "place", "address", "district", "postcode", "phone",
)  # fmt: skip

# Header names recognised without a --map (a year of birth is a birth date
# known to the year).
HEADERS: dict[str, tuple[str, ...]] = {
    key: HEADER_NAMES[key] + (HEADER_NAMES["birth_year"] if key == "birth" else ()) for key in TARGETS
}

NAME_COLUMNS = ("full_name", "given", "family", "kunya", "alias")

#: Ages read from an age column: whole years, 0 to 120.
MAX_AGE = 120


class LinkFileError(ValueError):
    """A file that cannot be read as a person list; the message says why."""


@dataclass
class PersonFile:
    path: Path
    mapping: dict[str, str]  # target key -> column header (several joined with "+")
    records: list[dict[str, object]]
    #: No id column: each record's id is its row number under the header, from 1.
    numbered: bool = False
    notes: list[str] = field(default_factory=list)

    def id_notice(self) -> str:
        """What to tell the user when rows are numbered ("" when an id column was read)."""
        if not self.numbered:
            return ""
        return (
            f"{self.path.name}: no id column found; rows are numbered from 1 (the first row under the header) "
            "in the output's id column; to use a column of the file, map it: --map id=COLUMN"
        )


def parse_mapping(text: str | None) -> dict[str, str]:
    """``given=FirstName,family=Surname`` -> {"given": "FirstName", ...}.
    Several columns joined into one key: ``address=Street+House``."""
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
        out[key] = "+".join(c.strip() for c in column.split("+") if c.strip())
    return out


def parse_age_on(text: str | None) -> str | None:
    """The date ages were stated (``--age-on``), as ISO text; None if not given."""
    if text is None or not text.strip():
        return None
    try:
        when = parse_date(text)
    except ValueError as exc:
        raise LinkFileError(f"--age-on {text!r} is not a date (e.g. 2019-03-01)") from exc
    assert when is not None
    return str(when)


def _columns(spec: str) -> list[str]:
    return [c for c in spec.split("+") if c]


def recognise(headers: list[str], given: dict[str, str]) -> dict[str, str]:
    """The mapping: explicit entries first, then headers recognised by name
    (several address columns joined in the header's order)."""
    present = set(headers)
    for key, spec in given.items():
        for column in _columns(spec):
            if column not in present:
                raise LinkFileError(f"column {column!r} (mapped to {key}) is not in the header: {', '.join(headers)}")
    taken = [c for spec in given.values() for c in _columns(spec)]
    mapping = dict(given) | recognise_headers(
        headers, {k: v for k, v in HEADERS.items() if k not in given}, taken=taken
    )
    used = set(taken) | set(mapping.values())
    for key, more in MORE_COLUMNS.items():
        if key in given:
            continue
        wanted = {header_key(m) for m in more} | ({header_key(mapping[key])} if key in mapping else set())
        found = [h for h in headers if h and header_key(h) in wanted and (h not in used or h == mapping.get(key))]
        if found:
            mapping[key] = "+".join(found)
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

_AGE = re.compile(r"^\D{0,3}(\d{1,3})(?:[.,]\d+)?(?:\s*\D*)$")


def read_age(text: str) -> int | None:
    """Whole years from an age cell: ``34``, ``34 years``, ``~34``, ``34 лет``,
    ``34.5``; None if the cell holds no age (empty, a word, over 120).
    Eastern Arabic digits are read."""
    text = text.strip().translate(_ARABIC_DIGITS)
    m = _AGE.match(text)
    if not m:
        return None
    years = int(m.group(1))
    if _MONTHS.search(text.casefold()):
        return 0 if years < 12 else years // 12
    return years if years <= MAX_AGE else None


_MONTHS = re.compile(r"month|mo\b|мес|ай|oy|شهر|أشهر")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _value(key: str, cell: str) -> str | None:
    text = cell.strip()
    if text.startswith("="):  # a formula's text is not data
        return None
    if key == "sex":
        sex = normalise_sex(text)
        return sex if sex in ("female", "male") else None
    if key == "age":
        years = read_age(text)
        return None if years is None else str(years)
    if key == "age_on":
        try:
            when = parse_date(text.translate(_ARABIC_DIGITS))
        except ValueError:
            return None
        return str(when) if when else None
    return text or None


def read_person_file(
    path: Path, mapping: dict[str, str] | None = None, *, age_on: str | dt.date | None = None
) -> PersonFile:
    """All rows of a CSV or XLSX person list, as records keyed by TARGETS.

    An ``age`` column needs the date its ages were stated: a date column of
    the list (``list_date``, ``stated_on`` …, read as ``age_on`` per row) or
    ``age_on`` for the whole file (``--age-on``); a row with an age and
    neither is refused, naming ``--age-on``. Without an ``id`` column each
    record's id is its row number from 1 (:attr:`PersonFile.numbered`)."""
    if not path.is_file():
        raise LinkFileError(f"{path}: no such file")
    kind = kind_of(path.name)
    if kind is None:
        raise LinkFileError(f"{path.name}: unknown file type {path.suffix.lower() or '(none)'}; use .csv or .xlsx")
    stated = age_on.isoformat() if isinstance(age_on, dt.date) else parse_age_on(age_on)
    try:
        rows = iter_rows(path, kind)
        header = next(rows, None)
        if header is None:
            raise LinkFileError(f"{path.name}: the file is empty")
        cols = recognise(header, mapping or {})
        where = {key: [header.index(c) for c in _columns(spec)] for key, spec in cols.items()}
        records: list[dict[str, object]] = []
        for line in rows:
            rec: dict[str, object] = {}
            for key, at in where.items():
                cells = [line[i] if i < len(line) else "" for i in at]
                rec[key] = _value(key, " ".join(c.strip() for c in cells if c.strip()))
            records.append(rec)
    except TableError as exc:
        message = _MESSAGES.get(exc.kind, "{detail}").format(detail=exc.detail)
        raise LinkFileError(f"{path.name}: {message}") from exc
    numbered = "id" not in cols
    blank = 0
    for n, rec in enumerate(records, start=1):
        if not rec.get("id"):
            rec["id"] = str(n)
            blank += not numbered
        if rec.get("age") is not None and not rec.get("age_on"):
            if stated is None:
                raise LinkFileError(_no_age_date(path.name, cols, n))
            rec["age_on"] = stated
    notes = []
    if blank:
        notes.append(f"{path.name}: {blank} row(s) have an empty {cols['id']!r}; their id is their row number from 1")
    return PersonFile(path, cols, records, numbered=numbered, notes=notes)


def _no_age_date(name: str, cols: dict[str, str], row: int) -> str:
    where = f"column {cols['age_on']!r} is empty on row {row}" if "age_on" in cols else "the list has no date column"
    return (
        f"{name}: column {cols['age']!r} gives ages, but {where}: say when the ages were stated with "
        "--age-on DATE (e.g. --age-on 2019-03-01) or a date column (list_date, stated_on) mapped with --map age_on=COLUMN"
    )
