"""Staged manifest imports: an expected list from a camp administration or a
prison, as CSV or XLSX.

1. ``import_stage`` checks the file (extension, content type, size, magic
   bytes), reads every cell as text (formulas are kept as their text, never
   evaluated), validates every row and refuses the whole file, writing
   nothing, if any row has an error. Otherwise the rows land in staging with
   suggested existing persons and in-file duplicates flagged.
2. The reviewer chooses per row: new person, an existing one, or skip.
3. ``import_merge`` creates persons and manifest entries in one transaction:
   one failure undoes all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, record, write_action
from zhusan.engine.scripts import Detected, detect_script
from zhusan.engine.tabular import (
    HEADER_NAMES,
    TableError,
    normalise_sex,
    read_table,
    recognise_headers,
)
from zhusan.registry import services as registry
from zhusan.registry.access import visible_to
from zhusan.registry.dates import BirthPrecision
from zhusan.registry.models import LawfulBasis, NameKind, Person, PersonName, Stage
from zhusan.registry.text import to_latin

from . import services
from .models import ImportStatus, Movement, RowDecision, StagedImport, StagedRow

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
CONTENT_TYPES = {
    "csv": {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"},
}
COLUMNS = ["family_name", "given_name", "patronymic", "sex", "birth_year", "case_number", "travel_group"]
REQUIRED = ["sex", "birth_year"]
SEX_VALUES = {"f": "female", "female": "female", "m": "male", "male": "male", "u": "unknown", "unknown": "unknown"}
FUZZY_THRESHOLD = 85


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(r)s, column %(c)s: %(m)s") % {"r": self.row, "c": self.column or "—", "m": self.reason}


class ImportRefusedError(ValidationError):
    """The file is refused whole; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        self.row_errors = errors
        super().__init__([str(e) for e in errors])


# --- Reading ---------------------------------------------------------------------


# The columns' usual names (English, Russian, Kazakh), as the linkage knows them.
IMPORT_HEADERS: dict[str, tuple[str, ...]] = {
    "family_name": HEADER_NAMES["family"],
    "given_name": HEADER_NAMES["given"],
    "patronymic": HEADER_NAMES["patronymic"],
    "sex": HEADER_NAMES["sex"],
    "birth_year": HEADER_NAMES["birth_year"],
    "case_number": ("casenumber", "caseno", "номердела", "істің нөмірі"),
    "travel_group": HEADER_NAMES["travel_group"],
}


def check_file(upload: UploadedFile) -> str:
    """The file's kind ("csv" or "xlsx"), or a refusal saying why not."""
    name = (upload.name or "").lower()
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    if kind not in CONTENT_TYPES:
        raise ImportRefusedError([RowError(0, "", _("Only .csv and .xlsx files are accepted."))])
    if upload.size is None or upload.size > MAX_BYTES:
        raise ImportRefusedError([RowError(0, "", _("The file is larger than 5 MB."))])
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type and content_type not in CONTENT_TYPES[kind]:
        raise ImportRefusedError(
            [RowError(0, "", _("The file's type (%(t)s) does not match its name.") % {"t": content_type})]
        )
    head = upload.read(4)
    upload.seek(0)
    if (kind == "xlsx") != (head == b"PK\x03\x04"):
        raise ImportRefusedError([RowError(0, "", _("The file's contents do not match its name."))])
    return kind


def _refusal(error: TableError) -> ImportRefusedError:
    reasons = {
        "binary": _("This is not a text file."),
        "encoding": _("The file is not UTF-8 text."),
        "csv": _("The file's contents do not match its name."),
        "xlsx": _("The spreadsheet cannot be read."),
        "empty": _("The file is empty."),
    }
    return ImportRefusedError(
        [RowError(0, "", reasons.get(error.kind, _("The file's contents do not match its name.")))]
    )


def _column(header: str, recognised: dict[str, str]) -> str:
    return recognised.get(header) or header.strip().lower().replace(" ", "_")


def read_rows(upload: UploadedFile, kind: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows, every cell as text, read by the one reader
    (zhusan.engine.tabular); headers in their usual spellings (``Фамилия``,
    ``Date of birth`` …) become the import's columns, and a sex the lists
    write (``F``, ``жен``, ``әйел``, ``ذكر`` …) becomes female, male or unknown."""
    try:
        table = read_table(upload.read(), "csv" if kind == "csv" else "xlsx")
    except TableError as exc:
        raise _refusal(exc) from exc
    if len(table.rows) > MAX_ROWS:
        raise ImportRefusedError([RowError(0, "", _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})])
    recognised = {h: column for column, h in recognise_headers(table.header, IMPORT_HEADERS).items()}
    header = [_column(h, recognised) for h in table.header]
    if "sex" in header:
        at = header.index("sex")
        for row in table.rows:
            if at < len(row):
                row[at] = normalise_sex(row[at]) or row[at]
    return header, table.rows


# --- Validating and matching -------------------------------------------------------


def validate_row(number: int, data: dict[str, str], this_year: int) -> list[RowError]:
    errors = []
    if not data.get("family_name") and not data.get("given_name"):
        errors.append(RowError(number, "family_name", _("A name is required.")))
    if normalise_sex(data.get("sex", "")) is None:
        errors.append(RowError(number, "sex", _("Use female, male or unknown.")))
    year = data.get("birth_year", "")
    if not year.isdigit() or not 1900 <= int(year) <= this_year:
        errors.append(RowError(number, "birth_year", _("A year between 1900 and this year is required.")))
    for column in ("family_name", "given_name", "patronymic"):
        if len(data.get(column, "")) > 200:
            errors.append(RowError(number, column, _("Longer than 200 characters.")))
    parts = [data.get(c, "") for c in ("given_name", "patronymic", "family_name")]
    if detect_script(*parts) == Detected.MIXED:
        errors.append(RowError(number, "given_name", _("The name mixes letters of several scripts.")))
    return errors


def _folded_name(data: dict[str, str]) -> str:
    return to_latin(" ".join(data.get(c, "") for c in ("given_name", "patronymic", "family_name")))


def suggest(actor: Actor, data: dict[str, str]) -> list[dict[str, Any]]:
    """Existing persons in the actor's scope that may be this row: the case
    number, or a similar name (folded to Latin) born within a year."""
    assert actor.user is not None
    visible = visible_to(actor.user)
    out: list[dict[str, Any]] = []
    if data.get("case_number"):
        person = visible.filter(case_number=data["case_number"].strip().upper()).first()
        if person is not None:
            out.append({"uuid": str(person.uuid), "case_number": person.case_number, "score": 100, "exact": True})
    year = int(data["birth_year"])
    wanted = _folded_name(data)
    candidates = PersonName.objects.filter(
        person__in=visible.filter(birth_year__gte=year - 1, birth_year__lte=year + 1).values("pk")
    ).select_related("person")
    best: dict[str, dict[str, Any]] = {}
    for name in candidates:
        score = fuzz.token_sort_ratio(wanted, to_latin(" ".join([name.given, name.patronymic, name.family])))
        if score >= FUZZY_THRESHOLD:
            key = str(name.person.uuid)
            exact = score == 100 and name.person.birth_year == year
            if key not in best or best[key]["score"] < score:
                best[key] = {"uuid": key, "case_number": name.person.case_number, "score": round(score), "exact": exact}
    for item in sorted(best.values(), key=lambda i: -i["score"]):
        if all(o["uuid"] != item["uuid"] for o in out):
            out.append(item)
    return out[:5]


# --- Staging, review, merge -------------------------------------------------------------


@write_action
def import_stage(*, actor: Actor, movement: Movement, upload: UploadedFile, lawful_basis: str) -> StagedImport:
    """Check, read, validate and stage a file; refuse it whole on any error."""
    if actor.user is None or not has_capability(actor.user, Capability.MANAGE_OPERATIONS):
        raise Denied(_("Your role cannot import manifests."), actor=actor, object_type=ObjectType.STAGED_IMPORT)
    if lawful_basis not in LawfulBasis.values:
        raise ImportRefusedError([RowError(0, "", _("Choose the lawful basis for new persons."))])
    kind = check_file(upload)
    header, rows = read_rows(upload, kind)
    errors = [RowError(1, c, _("Missing column.")) for c in REQUIRED if c not in header]
    if "family_name" not in header and "given_name" not in header:
        errors.append(RowError(1, "family_name", _("Missing column.")))
    if errors:
        raise ImportRefusedError(errors)
    this_year = timezone.localdate().year
    parsed = []
    for index, cells in enumerate(rows, start=2):
        data = {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(header) if c in COLUMNS}
        errors.extend(validate_row(index, data, this_year))
        parsed.append((index, data))
    if errors:
        raise ImportRefusedError(errors)
    staged = StagedImport.objects.create(
        movement=movement, filename=(upload.name or "")[:200], lawful_basis=lawful_basis, uploaded_by=actor.user
    )
    seen: dict[tuple[str, str], int] = {}
    staged_rows = []
    for number, data in parsed:
        key = (_folded_name(data), data["birth_year"])
        duplicate_of = seen.setdefault(key, number)
        suggestions = suggest(actor, data)
        exact = [s for s in suggestions if s["exact"]]
        row = StagedRow(staged=staged, row_number=number, data=data, suggestions=suggestions)
        if duplicate_of != number:
            row.duplicate_of_row, row.decision = duplicate_of, RowDecision.SKIP
        elif len(exact) == 1:
            row.decision = RowDecision.EXISTING
            row.matched_person = Person.objects.get(uuid=exact[0]["uuid"])
        staged_rows.append(row)
    StagedRow.objects.bulk_create(staged_rows)
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.STAGED_IMPORT,
        object_ref=staged.uuid,
        detail={"file": staged.filename, "rows": len(staged_rows), "movement": str(movement.uuid)},
    )
    return staged


@write_action
def import_row_decide(*, actor: Actor, row: StagedRow, decision: str, person: Person | None = None) -> StagedRow:
    if row.staged.status != ImportStatus.STAGED:
        raise ValidationError({"decision": _("This import is no longer open for review.")})
    if decision not in RowDecision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision == RowDecision.EXISTING:
        if person is None or str(person.uuid) not in {s["uuid"] for s in row.suggestions}:
            raise ValidationError({"decision": _("Choose one of the suggested persons.")})
    row.decision = decision
    row.matched_person = person if decision == RowDecision.EXISTING else None
    row.save(update_fields=["decision", "matched_person"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.STAGED_ROW,
        object_ref=row.staged.uuid,
        detail={"row": row.row_number, "decision": decision},
    )
    return row


def _person_input(staged: StagedImport, data: dict[str, str], unit: Any) -> registry.PersonInput:
    return registry.PersonInput(
        sex=SEX_VALUES[data["sex"].lower()],
        lawful_basis=staged.lawful_basis,
        lawful_basis_note=_("Manifest import %(f)s") % {"f": staged.filename},
        managing_unit=unit,
        birth_precision=BirthPrecision.YEAR,
        birth_year=int(data["birth_year"]),
        stage=Stage.IDENTIFIED,
        names=[
            registry.NameInput(
                script="",  # the registry detects it from the letters (engine.scripts)
                kind=NameKind.FOREIGN_DOCUMENT,
                given=data.get("given_name", ""),
                patronymic=data.get("patronymic", ""),
                family=data.get("family_name", ""),
                is_primary=True,
            )
        ],
    )


@write_action
def import_merge(*, actor: Actor, staged: StagedImport) -> list[Any]:
    """Persons and manifest entries for every row, in one transaction; adults
    first, so that children find their carers already on the manifest."""
    if staged.status != ImportStatus.STAGED:
        raise ValidationError({"staged": _("This import has already been merged or discarded.")})
    rows = sorted(
        staged.rows.exclude(decision=RowDecision.SKIP).select_related("matched_person"),
        key=lambda r: (int(r.data["birth_year"]), r.row_number),
    )
    entries = []
    errors = []
    for row in rows:
        if row.decision == RowDecision.EXISTING and row.matched_person is not None:
            person = row.matched_person
        else:
            person = registry.person_create(
                actor=actor,
                data=_person_input(staged, row.data, actor.user.unit),  # type: ignore[union-attr]  # a signed-in user merges (get_import_for_user checked)
            )
        try:
            entries.append(
                services.manifest_add(
                    actor=actor, movement=staged.movement, person=person, travel_group=row.data.get("travel_group", "")
                )
            )
        except ValidationError as exc:
            errors.append(RowError(row.row_number, "", " ".join(exc.messages)))
    if errors:
        raise ImportRefusedError(errors)  # rolls back every person and entry created above
    staged.status, staged.merged_at = ImportStatus.MERGED, timezone.now()
    staged.save(update_fields=["status", "merged_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.STAGED_IMPORT,
        object_ref=staged.uuid,
        detail={"merged": len(entries), "movement": str(staged.movement.uuid)},
    )
    return entries
