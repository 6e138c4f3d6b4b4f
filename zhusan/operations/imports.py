"""Staged manifest imports: an expected list from a camp administration or a
prison, as CSV or XLSX.

1. ``import_stage`` checks the file (extension, content type, size, magic
   bytes), keeps it encrypted and queues a task (``stage_rows``) that reads
   every cell as text (formulas are kept as their text, never evaluated),
   validates every row and refuses the whole file, staging nothing, if any
   row has an error. Otherwise the rows land in staging, all at once, with
   suggested existing persons and in-file duplicates flagged.
2. The reviewer decides for all rows at once (accept every suggestion,
   register every row anew) and overrides single rows page by page.
3. ``import_merge`` queues a task (``merge_rows``) that creates persons and
   manifest entries in one transaction: one failure undoes all of it.

Both tasks show their progress on the import; one whose worker died is
shown failed and runs again from the start (zhusan.core.jobs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, record, write_action
from zhusan.core.jobs import Heartbeat, claim, death_of, enqueue_after_commit
from zhusan.core.names import name_error
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

log = logging.getLogger(__name__)

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
    found = recognise_headers(table.header, IMPORT_HEADERS)
    recognised = {h: column for column, h in found.items()}
    header = [_column(h, recognised) for h in table.header]
    if "sex" in header:
        at = header.index("sex")
        for row in table.rows:
            if at < len(row):
                row[at] = normalise_sex(row[at]) or row[at]
    _derive_columns(table.header, header, table.rows, taken=list(found.values()))
    return header, table.rows


#: Columns of a person list that ``zhusan link`` reads and the import derives
#: its own from: a full name, a date of birth, an age with the list's date.
_LIST_COLUMNS = ("full_name", "birth", "age", "age_on")


def _derive_columns(original: list[str], header: list[str], rows: list[list[str]], *, taken: list[str]) -> None:
    """Read a list as the linkage reads it (zhusan.engine.io): a full name in
    one column gives the family name, given name and patronymic (either
    order, as the engine parses it); a date of birth gives the year of birth;
    an age with the list's date (a ``list_date`` column) gives the year the
    person was born in or the year before, the later of the two. Derived
    columns are added only when the file has no such column of its own."""
    from zhusan.engine.io import HEADERS, read_age
    from zhusan.engine.names import parse_name

    names = {k: HEADERS[k] for k in _LIST_COLUMNS}
    found = recognise_headers(original, names, taken=taken)
    at = {key: original.index(h) for key, h in found.items()}

    def cell(row: list[str], key: str) -> str:
        i = at.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    derived: dict[str, list[str]] = {}
    if "full_name" in at and "family_name" not in header and "given_name" not in header:
        parsed = [parse_name(cell(row, "full_name")) for row in rows]
        derived["family_name"] = [p.family for p in parsed]
        derived["given_name"] = [p.given for p in parsed]
        if "patronymic" not in header:
            derived["patronymic"] = [p.patronymic for p in parsed]
    if "birth_year" not in header and ("birth" in at or "age" in at):
        derived["birth_year"] = [
            _year_of(cell(row, "birth"), cell(row, "age"), cell(row, "age_on"), read_age) for row in rows
        ]
    for column, values in derived.items():
        header.append(column)
        for row, value in zip(rows, values, strict=True):
            row.extend([""] * (len(header) - 1 - len(row)))
            row.append(value)


def _year_of(birth: str, age: str, age_on: str, read_age: Any) -> str:
    from zhusan.engine.dates import parse_date

    try:
        if birth and (date := parse_date(birth)) is not None:
            return str(date.year)
        years = read_age(age) if age else None
        stated = parse_date(age_on) if age_on else None
    except ValueError:
        return birth or ""
    if years is not None and stated is not None:
        return str(stated.year - years)
    return ""


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
        elif message := name_error(data.get(column, "").strip()):
            errors.append(RowError(number, column, message))
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


def _actor_dict(actor: Actor) -> dict[str, Any]:
    return {
        "user": actor.user.pk if actor.user is not None else None,
        "ip": actor.ip,
        "user_agent": actor.user_agent,
        "path": actor.path,
        "via": actor.via,
    }


def actor_from(data: dict[str, Any]) -> Actor:
    """The actor a task acts as: the user who asked for it, from where."""
    from zhusan.accounts.models import User

    data = dict(data)
    pk = data.pop("user", None)
    return Actor(user=User.objects.filter(pk=pk).first() if pk else None, **data)


def _require_import(actor: Actor) -> None:
    if actor.user is None or not has_capability(actor.user, Capability.MANAGE_OPERATIONS):
        raise Denied(_("Your role cannot import manifests."), actor=actor, object_type=ObjectType.STAGED_IMPORT)


@write_action
def import_stage(*, actor: Actor, movement: Movement, upload: UploadedFile, lawful_basis: str) -> StagedImport:
    """Check the file and queue its staging: the request only checks the
    file's name, type and size and stores it (encrypted); a task reads,
    validates and matches every row (:func:`stage_rows`). A file refused
    there is shown refused with every problem, and stages no row."""
    _require_import(actor)
    assert actor.user is not None  # as _require_import() checked
    if lawful_basis not in LawfulBasis.values:
        raise ImportRefusedError([RowError(0, "", _("Choose the lawful basis for new persons."))])
    kind = check_file(upload)
    staged = StagedImport.objects.create(
        movement=movement,
        filename=(upload.name or "")[:200],
        lawful_basis=lawful_basis,
        uploaded_by=actor.user,
        status=ImportStatus.STAGING,
        kind=kind,
        upload=upload.read(),
        message=_("Waiting for a worker"),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.STAGED_IMPORT,
        object_ref=staged.uuid,
        detail={"file": staged.filename, "movement": str(movement.uuid)},
    )
    _enqueue(staged, "stage", actor)
    staged.refresh_from_db()
    return staged


def _enqueue(staged: StagedImport, step: str, actor: Actor) -> None:
    from .tasks import merge_import, stage_import

    task = stage_import if step == "stage" else merge_import
    enqueue_after_commit(
        StagedImport, staged.pk, lambda: task.enqueue(staged=str(staged.uuid), actor=_actor_dict(actor))
    )


def _parse(staged: StagedImport) -> list[tuple[int, dict[str, str]]]:
    upload = SimpleUploadedFile(staged.filename or f"import.{staged.kind}", bytes(staged.upload))
    header, rows = read_rows(upload, staged.kind)
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
    return parsed


def stage_rows(staged_uuid: str, task_id: str, actor: Actor) -> None:
    """The staging task: read, validate and match every row, then replace the
    import's staged rows in one transaction (a second run after a crash
    stages the same rows, never twice). Refused rows stage nothing."""
    staged = StagedImport.objects.filter(uuid=staged_uuid).first()
    if staged is None or staged.status != ImportStatus.STAGING:
        return
    if not claim(StagedImport, staged.pk, task_id, progress=0, message=_("Reading the file")):
        return
    mine = StagedImport.objects.filter(pk=staged.pk, task_id=task_id, status=ImportStatus.STAGING)
    with Heartbeat(StagedImport, staged.pk, task_id) as beat:
        try:
            parsed = _parse(staged)
            beat.report(5, _("Matching %(n)s rows with the registry") % {"n": len(parsed)})
            seen: dict[tuple[str, str], int] = {}
            staged_rows = []
            for done, (number, data) in enumerate(parsed, start=1):
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
                beat.report(
                    5 + (90 * done) // len(parsed),
                    _("Matched %(done)s of %(n)s rows") % {"done": done, "n": len(parsed)},
                )
        except ImportRefusedError as exc:
            beat.stop()
            mine.update(
                status=ImportStatus.REFUSED,
                errors=exc.messages[:500],
                upload=b"",
                message=_("The file was refused; nothing was staged."),
            )
            return
        except Exception:
            log.exception("staging import %s failed", staged_uuid)
            beat.stop()
            mine.update(status=ImportStatus.FAILED, message=_("Staging failed; see the server log."))
            return
    with transaction.atomic():
        if not mine.select_for_update().exists():
            return  # another run owns it now
        StagedRow.objects.filter(staged=staged).delete()
        StagedRow.objects.bulk_create(staged_rows, batch_size=500)
        mine.update(
            status=ImportStatus.STAGED,
            upload=b"",
            errors=[],
            progress=100,
            message=_("%(n)s rows staged") % {"n": len(staged_rows)},
        )
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.STAGED_IMPORT,
            object_ref=staged.uuid,
            detail={"file": staged.filename, "rows": len(staged_rows), "movement": str(staged.movement.uuid)},
        )


def import_settle(staged: StagedImport) -> StagedImport:
    """An import being staged or merged whose worker died is failed, with the
    reason; a merge that died wrote nothing (one transaction)."""
    if staged.status in (ImportStatus.STAGING, ImportStatus.MERGING) and staged.worker and (reason := death_of(staged)):
        step = _("Staging") if staged.status == ImportStatus.STAGING else _("The merge")
        StagedImport.objects.filter(pk=staged.pk, status=staged.status, task_id=staged.task_id).update(
            status=ImportStatus.FAILED,
            message=(
                _("%(step)s stopped: %(reason)s Nothing was written; run it again.") % {"step": step, "reason": reason}
            )[:300],
        )
        staged.refresh_from_db()
    return staged


@write_action
def import_rerun(*, actor: Actor, staged: StagedImport) -> StagedImport:
    """Run a failed import's step again from the start: staging while the
    file is still kept, the merge once its rows are staged. Audited."""
    _require_import(actor)
    import_settle(staged)
    if staged.status != ImportStatus.FAILED:
        raise ValidationError({"staged": _("Only a failed import can run again.")})
    step = "stage" if staged.upload else "merge"
    StagedImport.objects.filter(pk=staged.pk).update(
        status=ImportStatus.STAGING if step == "stage" else ImportStatus.MERGING,
        task_id="",
        worker="",
        heartbeat_at=None,
        progress=0,
        message=_("Waiting for a worker"),
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.STAGED_IMPORT,
        object_ref=staged.uuid,
        detail={"run_again": step},
    )
    _enqueue(staged, step, actor)
    staged.refresh_from_db()
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
def import_decide_all(*, actor: Actor, staged: StagedImport, decision: str) -> int:
    """One decision for every row at once (rows flagged as duplicates in the
    file stay skipped): ``existing`` takes each row's best suggestion (rows
    without one are left as they are), ``new`` registers every row anew.
    One audit event; the number of rows changed."""
    _require_import(actor)
    if staged.status != ImportStatus.STAGED:
        raise ValidationError({"decision": _("This import is no longer open for review.")})
    rows = staged.rows.filter(duplicate_of_row__isnull=True)
    if decision == RowDecision.NEW:
        changed = rows.exclude(decision=RowDecision.NEW, matched_person=None).update(
            decision=RowDecision.NEW, matched_person=None
        )
    elif decision == RowDecision.EXISTING:
        assert actor.user is not None
        wanted = {row.pk: row.suggestions[0]["uuid"] for row in rows.only("pk", "suggestions") if row.suggestions}
        persons = dict(visible_to(actor.user).filter(uuid__in=set(wanted.values())).values_list("uuid", "pk"))
        by_person: dict[int, list[int]] = {}
        for row_pk, ref in wanted.items():
            if (person_pk := persons.get(UUID(ref))) is not None:
                by_person.setdefault(person_pk, []).append(row_pk)
        changed = 0
        for person_pk, row_pks in by_person.items():
            changed += StagedRow.objects.filter(pk__in=row_pks).update(
                decision=RowDecision.EXISTING, matched_person_id=person_pk
            )
    else:
        raise ValidationError({"decision": _("Unknown decision.")})
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.STAGED_IMPORT,
        object_ref=staged.uuid,
        detail={"all_rows": decision, "rows": changed},
    )
    return changed


@write_action
def import_merge(*, actor: Actor, staged: StagedImport) -> StagedImport:
    """Queue the merge: whoever may stage an import may merge it. The task
    (:func:`merge_rows`) writes every person and entry in one transaction."""
    _require_import(actor)
    staged.refresh_from_db()
    if staged.status != ImportStatus.STAGED:
        raise ValidationError({"staged": _("This import has already been merged or discarded.")})
    StagedImport.objects.filter(pk=staged.pk).update(
        status=ImportStatus.MERGING,
        task_id="",
        worker="",
        heartbeat_at=None,
        progress=0,
        errors=[],
        message=_("Waiting for a worker"),
    )
    _enqueue(staged, "merge", actor)
    staged.refresh_from_db()
    return staged


def merge_rows(staged_uuid: str, task_id: str, actor: Actor) -> None:
    """The merge task: persons and manifest entries for every row, in one
    transaction; adults first, so that children find their carers already on
    the manifest. A refusal (a row the manifest rules refuse) writes nothing
    and sends the import back to review with the reasons; a crash writes
    nothing either, and the merge can run again."""
    staged = StagedImport.objects.select_related("movement").filter(uuid=staged_uuid).first()
    if staged is None or staged.status != ImportStatus.MERGING:
        return
    if not claim(StagedImport, staged.pk, task_id, progress=0, message=_("Merging")):
        return
    mine = StagedImport.objects.filter(pk=staged.pk, task_id=task_id, status=ImportStatus.MERGING)
    with Heartbeat(StagedImport, staged.pk, task_id) as beat:
        try:
            with transaction.atomic():
                entries = _merge(actor, staged, beat)
                beat.stop()
                if not mine.update(
                    status=ImportStatus.MERGED,
                    merged_at=timezone.now(),
                    progress=100,
                    message=_("%(n)s persons added to the manifest.") % {"n": len(entries)},
                ):
                    raise _SupersededError
                record(
                    actor,
                    Action.UPDATE,
                    object_type=ObjectType.STAGED_IMPORT,
                    object_ref=staged.uuid,
                    detail={"merged": len(entries), "movement": str(staged.movement.uuid)},
                )
        except _SupersededError:
            return
        except ImportRefusedError as exc:
            beat.stop()
            mine.update(
                status=ImportStatus.STAGED,
                errors=exc.messages[:500],
                progress=0,
                message=_("The merge was refused; nothing was written."),
            )
        except Exception:
            log.exception("merging import %s failed", staged_uuid)
            beat.stop()
            mine.update(status=ImportStatus.FAILED, message=_("The merge failed; nothing was written."))


class _SupersededError(Exception):
    """Another run owns the import: undo this one's writes."""


def _merge(actor: Actor, staged: StagedImport, beat: Heartbeat) -> list[Any]:
    rows = sorted(
        staged.rows.exclude(decision=RowDecision.SKIP).select_related("matched_person"),
        key=lambda r: (int(r.data["birth_year"]), r.row_number),
    )
    entries = []
    errors = []
    for done, row in enumerate(rows, start=1):
        if row.decision == RowDecision.EXISTING and row.matched_person is not None:
            person = row.matched_person
        else:
            person = registry.person_create(
                actor=actor,
                data=_person_input(staged, row.data, actor.user.unit),  # type: ignore[union-attr]  # a signed-in user merges (import_merge checked)
            )
        try:
            entries.append(
                services.manifest_add(
                    actor=actor, movement=staged.movement, person=person, travel_group=row.data.get("travel_group", "")
                )
            )
        except ValidationError as exc:
            errors.append(RowError(row.row_number, "", " ".join(exc.messages)))
        beat.report((99 * done) // len(rows), _("Merged %(done)s of %(n)s rows") % {"done": done, "n": len(rows)})
    if errors:
        raise ImportRefusedError(errors)  # rolls back every person and entry created above
    return entries
