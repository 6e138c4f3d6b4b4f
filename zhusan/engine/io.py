"""Reading person lists from CSV or XLSX files for linkage.

Columns are mapped by the caller (``given=FirstName,family=Surname``) or
recognised from the header (common English and Russian names). Formula cells
in a workbook are never evaluated: openpyxl reads the cached value, or the
formula text if none was saved, and a formula text is dropped as empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Record keys the linkage understands (see zhusan.engine.persons).
TARGETS = ("id", "full_name", "given", "family", "patronymic", "father", "kunya", "birth", "sex", "place")

# Header names recognised without a --map, compared lower-cased with spaces,
# dots, dashes and underscores removed.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "recordid", "ref", "reference", "caseno", "casenumber", "№", "номер", "ид"),
    "full_name": ("name", "fullname", "фио", "имя фамилия", "полноеимя", "толықаты"),
    "given": ("given", "givenname", "firstname", "forename", "имя", "аты"),
    "family": ("family", "familyname", "surname", "lastname", "фамилия", "тегі"),
    "patronymic": ("patronymic", "middlename", "отчество", "әкесініңаты"),
    "father": ("father", "fathersname", "fathername", "имяотца"),
    "kunya": ("kunya", "куня", "кунья"),
    "birth": ("birth", "dob", "birthdate", "dateofbirth", "born", "датарождения", "годрождения", "туғанкүні"),
    "sex": ("sex", "gender", "пол", "жынысы"),
    "place": ("place", "placeofbirth", "birthplace", "city", "место", "месторождения", "город"),
}

NAME_COLUMNS = ("full_name", "given", "family", "kunya")


class LinkFileError(ValueError):
    """A file that cannot be read as a person list; the message says why."""


@dataclass
class PersonFile:
    path: Path
    mapping: dict[str, str]  # target key -> column header
    records: list[dict[str, object]]


def _norm(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " ._-'’")


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
    mapping = dict(given)
    taken = set(given.values())
    by_norm = {_norm(h): h for h in headers if h}
    for key, names in HEADERS.items():
        if key in mapping:
            continue
        for name in names:
            header = by_norm.get(_norm(name))
            if header and header not in taken:
                mapping[key] = header
                taken.add(header)
                break
    if not any(k in mapping for k in NAME_COLUMNS):
        raise LinkFileError(
            "no name column: map one with --map given=Column,family=Column (or full_name=Column); "
            f"header is: {', '.join(h for h in headers if h) or '(empty)'}"
        )
    return mapping


def _rows_csv(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LinkFileError(
            f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from exc
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as exc:
        raise LinkFileError(f"{path.name}: not a readable CSV file ({exc})") from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # a date cell: keep the date, drop a midnight time
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return "" if text.startswith("=") else text  # an unevaluated formula is not data


def _rows_xlsx(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a corrupt or foreign file
        raise LinkFileError(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        sheet = wb.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        wb.close()


_SEX = {"f": "f", "female": "f", "ж": "f", "жен": "f", "женский": "f", "әйел": "f",
        "m": "m", "male": "m", "м": "m", "муж": "m", "мужской": "m", "ер": "m"}  # fmt: skip


def _sex(value: str) -> str:
    return _SEX.get(value.strip().lower().rstrip("."), "")


def read_person_file(path: Path, mapping: dict[str, str] | None = None) -> PersonFile:
    """All rows of a CSV or XLSX person list, as records keyed by TARGETS."""
    if not path.is_file():
        raise LinkFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        rows = _rows_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_xlsx(path)
    else:
        raise LinkFileError(f"{path.name}: unknown file type {suffix or '(none)'}; use .csv or .xlsx")
    header = next(rows, None)
    if header is None:
        raise LinkFileError(f"{path.name}: the file is empty")
    header = [h.strip() for h in header]
    cols = recognise(header, mapping or {})
    where = {key: header.index(column) for key, column in cols.items()}
    records: list[dict[str, object]] = []
    for line in rows:
        if not any(cell.strip() for cell in line):
            continue
        rec: dict[str, object] = {}
        for key, i in where.items():
            value = line[i].strip() if i < len(line) else ""
            rec[key] = (_sex(value) if key == "sex" else value) or None
        records.append(rec)
    return PersonFile(path, cols, records)
