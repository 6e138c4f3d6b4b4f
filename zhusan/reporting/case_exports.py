"""Case-level exports: chosen fields of in-scope persons, in an encrypted archive.

Unlike the aggregate exports next door, these files name people. So:

- only roles holding ``Capability.EXPORT_CASES`` may export, and only persons
  they see *through those roles* (``visible_to(..., capability=EXPORT_CASES)``);
- every field belongs to a registry compartment; a field is offered only when
  every exporting grant of the user reads its compartment, so no cell is
  filled for a person whose compartment the user may not read;
- fields of severe compartments (health, psychosocial, religious, justice and
  security) are not in the catalogue at all, and there are no risk fields;
- the file is written inside a 7z archive encrypted with AES-256, file names
  included, under a passphrase the user types and nobody stores;
- text cells are neutralised against formula injection (``core.tabular_out``);
- each export is one ``export`` event in the audit trail naming the fields,
  the filters, the count and the persons exported.

From the page, an export is a job (:class:`~zhusan.reporting.models.CaseExport`)
prepared by a task of the queue (``reporting.export_tasks``, ``zhusan worker``)
with its progress on the page; the prepared file waits encrypted at rest
(the server's key) for its requester alone, who types the archive's
passphrase at the download (never stored), once; it is erased then, or after
``settings.ZHUSAN_CASE_EXPORT_KEEP_HOURS`` (default 24). A job whose worker
died (kill -9, a crash) is shown failed with the reason and can run again
from the start (``zhusan.core.jobs``): preparing writes nothing but the job.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import py7zr
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.models import Organisation, User
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.jobs import Heartbeat, death_of, enqueue_after_commit, start_run
from zhusan.core.models import DatasetMarker
from zhusan.core.tabular_out import csv_bytes, safe_row, write_xlsx
from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry.access import JUSTICE_STAGES, stage_label, stage_shown, visible_to
from zhusan.registry.dates import completed_years
from zhusan.registry.extensions import ExportField, RowContext, SharingPurpose, check_sharing, contributed_export_fields
from zhusan.registry.models import (
    Consent,
    HouseholdMember,
    LocationStay,
    Person,
    PersonName,
    RecordType,
    Script,
    Stage,
    TimelineEntry,
)
from zhusan.registry.selectors import AGE_BANDS

from .models import CaseExport, CaseExportStatus

log = logging.getLogger(__name__)

MIN_PASSPHRASE = 12
FORMATS = ("csv", "xlsx")
PRIMARY = "primary"  # the name script choice meaning "the person's primary name, whatever its script"

C = Compartment


class CaseExportError(ValidationError):
    """Bad export input: the message says what to fix; nothing was exported."""


@dataclass(frozen=True)
class ExportFilters:
    """The dashboard's filters that make sense for a line list."""

    operation: str = ""
    stage: str = ""
    region: str = ""
    start: date | None = None
    end: date | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "operation": self.operation,
            "stage": self.stage,
            "region": self.region,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> ExportFilters:
        def day(value: str) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            operation=data.get("operation", ""),
            stage=data.get("stage", ""),
            region=data.get("region", ""),
            start=day(data.get("start", "")),
            end=day(data.get("end", "")),
        )


# --- how each value is read ---------------------------------------------------


def _name(person: Person, ctx: RowContext) -> str:
    names: list[PersonName] = list(person.names.all())  # primary first (prefetch order)
    if ctx.script != PRIMARY:
        names = [n for n in names if n.script == ctx.script]
    return names[0].full if names else ""


def _age_band(person: Person, ctx: RowContext) -> str:
    if person.birth_date_mid is None:
        return str(_("unknown"))
    age = completed_years(person.birth_date_mid, ctx.today)
    for band, (lo, hi) in AGE_BANDS.items():
        if age >= lo and (hi is None or age <= hi):
            return band
    return str(_("unknown"))


def _local_day(value: datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _region(person: Person, ctx: RowContext) -> str:
    return person.managing_unit.region


def _current_location(person: Person, ctx: RowContext) -> str:
    stays = [s for s in person.stays.all() if s.ended_on is None]
    return "; ".join(s.site.name if s.site else s.get_kind_display() for s in stays)


def _household(person: Person, ctx: RowContext) -> str:
    return "; ".join(f"{m.household.label} ({m.get_role_display()})" for m in person.household_memberships.all())


def _consents(person: Person, ctx: RowContext) -> str:
    latest: dict[str, Consent] = {}
    for consent in person.consents.all():  # ordered by purpose, newest first
        latest.setdefault(consent.purpose, consent)
    return "; ".join(f"{c.get_purpose_display()}: {c.get_status_display()}" for c in latest.values())


def _documents(person: Person, ctx: RowContext) -> str:
    return "; ".join(f"{d.get_doc_type_display()}: {d.get_status_display()}" for d in person.documents.all())


def _nationality(person: Person, ctx: RowContext) -> str:
    return "; ".join(f"{n.country} ({n.get_status_display()})" for n in person.nationalities.all())


_NAMES = Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "pk"))

FIELDS: tuple[ExportField, ...] = (
    ExportField("case_number", _l("Case number"), C.IDENTITY, lambda p, c: p.case_number),
    ExportField("record_id", _l("Record identifier (UUID)"), C.IDENTITY, lambda p, c: str(p.uuid)),
    ExportField("name", _l("Name"), C.IDENTITY, _name, (_NAMES,)),
    ExportField("sex", _l("Sex"), C.IDENTITY, lambda p, c: p.get_sex_display()),
    ExportField("birth_date", _l("Birth date as recorded"), C.IDENTITY, lambda p, c: p.birth.display()),
    ExportField(
        "birth_precision", _l("Birth date precision"), C.IDENTITY, lambda p, c: p.get_birth_precision_display()
    ),
    ExportField("age_band", _l("Age band today"), C.IDENTITY, _age_band),
    ExportField("nationality", _l("Nationality"), C.IDENTITY, _nationality, ("nationalities",)),
    # Justice and security is never exported (a severe compartment): a stage
    # that reveals it reads "Restriction applies" (``access.stage_shown``).
    ExportField(
        "stage", _l("Lifecycle stage"), C.IDENTITY, lambda p, c: stage_label(stage_shown(p.stage, justice=False))
    ),
    ExportField("identified_on", _l("Identified on"), C.IDENTITY, lambda p, c: _local_day(p.identified_at)),  # type: ignore[attr-defined]  # annotated by exportable_persons()
    ExportField("consent", _l("Consent status by purpose"), C.IDENTITY, _consents, ("consents",)),
    ExportField("managing_unit", _l("Managing unit"), C.IDENTITY, lambda p, c: p.managing_unit.name),
    ExportField("region", _l("Region"), C.IDENTITY, _region),
    ExportField("operation", _l("Operation arrived with"), C.CONTACT_LOCATION, lambda p, c: p.operation_code or ""),  # type: ignore[attr-defined]  # annotated by exportable_persons()
    ExportField("arrived_on", _l("Arrival date"), C.CONTACT_LOCATION, lambda p, c: _local_day(p.arrived_at)),  # type: ignore[attr-defined]  # annotated by exportable_persons()
    ExportField(
        "current_location",
        _l("Current location (site)"),
        C.CONTACT_LOCATION,
        _current_location,
        (Prefetch("stays", queryset=LocationStay.objects.filter(ended_on__isnull=True).select_related("site")),),
    ),
    ExportField(
        "household",
        _l("Household and role"),
        C.FAMILY,
        _household,
        (Prefetch("household_memberships", queryset=HouseholdMember.objects.select_related("household")),),
    ),
    ExportField("documents", _l("Civil documents and their status"), C.DOCUMENTS, _documents, ("documents",)),
)
EXPORTABLE_COMPARTMENTS = frozenset(C) - SEVERE_COMPARTMENTS


def catalogue() -> dict[str, ExportField]:
    """Reporting's own fields, then those other apps add
    (``registry.extensions.export_fields``). Severe compartments are never
    exported in bulk (docs/security.md): a field of one is refused here,
    whichever app declares it."""
    fields = [*FIELDS, *contributed_export_fields()]
    severe = [f.code for f in fields if f.compartment in SEVERE_COMPARTMENTS]
    if severe:
        raise ImproperlyConfigured(f"Case-export fields of a severe compartment: {', '.join(severe)}")
    return {f.code: f for f in fields}


# --- who may export what ------------------------------------------------------


def allowed_compartments(user: User) -> frozenset[Compartment]:
    """Compartments the user may export: read by *every* exporting grant.

    The intersection, not the union: with two exporting roles of different
    reach, a field is filled for every exported person only if both read it.
    """
    reads = [policy(g.role).read for g in active_grants(user) if Capability.EXPORT_CASES in policy(g.role).capabilities]
    if not reads:
        return frozenset()
    common = reads[0]
    for read in reads[1:]:
        common &= read
    return frozenset(common & EXPORTABLE_COMPARTMENTS)


def allowed_fields(user: User) -> list[ExportField]:
    compartments = allowed_compartments(user)
    return [f for f in catalogue().values() if f.compartment in compartments]


def check_fields(user: User, codes: Iterable[str]) -> list[ExportField]:
    """The chosen fields in catalogue order, or ``CaseExportError`` saying which one is refused."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise CaseExportError(_("Choose at least one field to export."), code="no_fields")
    fields = catalogue()
    unknown = [c for c in codes if c not in fields]
    if unknown:
        raise CaseExportError(
            _("These fields cannot be exported: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown_field"
        )
    compartments = allowed_compartments(user)
    for code in codes:
        wanted = fields[code]
        if wanted.compartment not in compartments:
            raise CaseExportError(
                _("You may not export “%(field)s”: your role cannot read %(compartment)s data.")
                % {"field": wanted.label, "compartment": wanted.compartment.label},
                code="compartment",
            )
    return [f for f in fields.values() if f.code in codes]


@sensitive_variables("passphrase", "confirmation")
def check_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CaseExportError(
            _("The passphrase must have at least %(n)d characters.") % {"n": MIN_PASSPHRASE}, code="short"
        )
    if confirmation is not None and confirmation != passphrase:
        raise CaseExportError(_("The two passphrases do not match."), code="mismatch")


# --- reading the records ------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def exportable_persons(user: User, filters: ExportFilters) -> QuerySet[Person]:
    """Persons in the programme the user may export, filtered (not audited: the export is)."""
    first_identified = TimelineEntry.objects.filter(person=OuterRef("pk"), to_stage=Stage.IDENTIFIED).order_by("at")
    first_arrival = TimelineEntry.objects.filter(person=OuterRef("pk"), to_stage=Stage.REPATRIATED).order_by("at")
    arrived_entry = ManifestEntry.objects.filter(person=OuterRef("pk"), status=EntryStatus.ARRIVED).order_by(
        "arrived_at", "pk"
    )
    visible = visible_to(user, capability=Capability.EXPORT_CASES)
    qs = visible.filter(record_type=RecordType.SUBJECT).annotate(
        identified_at=Coalesce(Subquery(first_identified.values("at")[:1]), F("created_at")),
        arrived_at=Subquery(first_arrival.values("at")[:1]),
        operation_code=Subquery(arrived_entry.values("movement__operation__code")[:1]),
    )
    if filters.operation:
        qs = qs.filter(operation_code=filters.operation)  # as the dashboard: the operation arrived with
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.region:
        qs = qs.filter(managing_unit__region=filters.region)
    if filters.start:
        qs = qs.filter(identified_at__gte=_start_of(filters.start))
    if filters.end:
        qs = qs.filter(identified_at__lt=_start_of(filters.end + timedelta(days=1)))
    return qs.select_related("managing_unit").order_by("case_number")


def table(
    persons: Sequence[Person],
    fields: Sequence[ExportField],
    ctx: RowContext,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[object]]:
    """Header row of field labels, then one formula-safe row per person;
    ``progress(done, total)`` hears of every row."""
    rows: list[list[object]] = [safe_row(str(f.label) for f in fields)]
    for n, person in enumerate(persons, 1):
        rows.append(safe_row(f.value(person, ctx) for f in fields))
        if progress is not None:
            progress(n, len(persons))
    return rows


# --- writing the files --------------------------------------------------------


def to_csv(rows: list[list[object]]) -> bytes:
    return csv_bytes(rows)


def to_xlsx(rows: list[list[object]]) -> bytes:
    return write_xlsx(rows, title=str(_("Cases")))


def readme(
    *,
    actor: User,
    fields: Sequence[ExportField],
    filters: ExportFilters,
    script: str,
    count: int,
    data_file: str,
    synthetic: bool,
    audit_seq: int,
    at: datetime,
) -> str:
    any_ = _("any")
    lines = []
    if synthetic:
        lines += [_("SYNTHETIC DATA: every person in this file is invented (demo dataset)."), ""]
    lines += [
        _("Zhusan case-level export"),
        "",
        _("Exported on: %(at)s") % {"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")},
        _("Exported by: %(user)s")
        % {"user": f"{actor.get_full_name() or actor.get_username()} ({actor.get_username()})"},
        _("Audit event: no. %(seq)d") % {"seq": audit_seq},
        _("File: %(file)s") % {"file": data_file},
        _("Records: %(count)d") % {"count": count},
        "",
        _("Filters:"),
        "  " + _("operation arrived with: %(v)s") % {"v": filters.operation or any_},
        "  " + _("lifecycle stage: %(v)s") % {"v": Stage(filters.stage).label if filters.stage else any_},
        "  " + _("region: %(v)s") % {"v": filters.region or any_},
        "  "
        + _("identified from %(start)s to %(end)s")
        % {
            "start": filters.start.isoformat() if filters.start else "…",
            "end": filters.end.isoformat() if filters.end else "…",
        },
        "",
        _("Fields:"),
        *(f"  {f.code}: {f.label} [{f.compartment.label}]" for f in fields),
    ]
    if any(f.code == "name" for f in fields):
        script_label = _("primary name") if script == PRIMARY else Script(script).label
        lines.append("  " + _("names in: %(script)s") % {"script": script_label})
    lines += [
        "",
        _("Handling notice:"),
        _(
            "This file names persons in a repatriation and reintegration programme, most of them women and "
            "children. Use it only for the purpose it was exported for. Keep it in this encrypted archive; never "
            "send the passphrase with the archive or by the same channel; do not copy it to shared or personal "
            "storage; delete it when the task is done. Never give it to schools, employers or the media. "
            "Every export is recorded in the audit trail."
        ),
    ]
    return "\n".join(str(line) for line in lines) + "\n"


@sensitive_variables("passphrase")
def encrypted_archive(files: dict[str, bytes], passphrase: str) -> bytes:
    """A 7z archive, AES-256 encrypted, headers too (file names are hidden)."""
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=passphrase, header_encryption=True) as archive:
        for name, content in files.items():
            archive.writestr(content, name)
    return out.getvalue()


# --- the service ----------------------------------------------------------------


def _is_synthetic() -> bool:
    marker = DatasetMarker.current()
    return bool(marker and marker.is_synthetic)


def _require_exporter(actor: Actor) -> User:
    """The actor's user, or ``PermissionDenied`` (audited) without the capability."""
    user = actor.user
    if user is None or not has_capability(user, Capability.EXPORT_CASES):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.CASE_EXPORT,
            detail={"why": "no capability to export"},
        )
        raise PermissionDenied(_("Your role may not export case-level records."))
    return user


# The key of the receiving organisation in a job's ``filters`` (not a filter: kept beside them).
RECIPIENT_KEY = "recipient"


def check_recipient(actor: Actor, user: User, recipient: Organisation | None) -> None:
    """An export that names a receiving organisation other than one of the
    requester's own goes through the registry's sharing gate (a sharing
    agreement in force for case exports); ``CaseExportError`` saying why not."""
    if recipient is None or recipient.pk in {g.organisation_id for g in active_grants(user)}:
        return
    try:
        check_sharing(actor=actor, organisation=recipient, purpose=SharingPurpose.CASE_EXPORT)
    except ValidationError as exc:
        raise CaseExportError(" ".join(exc.messages), code="recipient") from exc


def _recipient_of(filters: dict[str, str]) -> Organisation | None:
    ref = filters.get(RECIPIENT_KEY, "")
    return Organisation.objects.filter(uuid=ref).first() if ref and _is_uuid(ref) else None


def _check_request(
    user: User, fields: Sequence[str], filters: ExportFilters, fmt: str, script: str
) -> list[ExportField]:
    """The chosen fields, or ``CaseExportError`` saying what to fix."""
    chosen = check_fields(user, fields)
    if fmt not in FORMATS:
        raise CaseExportError(_("Choose CSV or XLSX."), code="format")
    if script != PRIMARY and script not in Script.values:
        raise CaseExportError(_("Choose a script for names."), code="script")
    if filters.stage in JUSTICE_STAGES:  # the list would say who is in custody
        raise CaseExportError(_("Case-level exports cannot be filtered by this stage."), code="stage")
    return chosen


@dataclass(frozen=True)
class Prepared:
    """A data file ready to go into an archive, and whom it names."""

    content: bytes
    persons: list[str]
    case_numbers: list[str]


def prepare(
    user: User,
    chosen: Sequence[ExportField],
    filters: ExportFilters,
    fmt: str,
    script: str,
    *,
    today: date | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> Prepared:
    """Read the persons the user may export and write the data file
    (formula-safe CSV or XLSX). Reads only; ``progress(percent, message)``."""
    report = progress or (lambda percent, message: None)
    report(1, _("Reading the records"))
    persons = exportable_persons(user, filters)
    prefetches = dict.fromkeys(p for f in chosen for p in f.prefetch)
    annotations = {name: expr for f in chosen if f.annotate is not None for name, expr in f.annotate().items()}
    persons = persons.annotate(**annotations).prefetch_related(*prefetches)
    ctx = RowContext(today=today or timezone.localdate(), script=script)
    people = list(persons)
    report(10, ngettext("Writing %(n)d record", "Writing %(n)d records", len(people)) % {"n": len(people)})

    def row_done(done: int, total: int) -> None:
        report(10 + (80 * done) // total, _("Writing %(done)d of %(total)d records") % {"done": done, "total": total})

    rows = table(people, chosen, ctx, row_done)
    report(90, _("Writing the file"))
    content = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)
    return Prepared(content, [str(p.uuid) for p in people], [p.case_number for p in people])


@sensitive_variables("passphrase")
def _package(
    *,
    actor: Actor,
    user: User,
    chosen: Sequence[ExportField],
    filters: ExportFilters,
    fmt: str,
    script: str,
    prepared: Prepared,
    passphrase: str,
    extra: dict[str, object] | None = None,
) -> tuple[str, bytes]:
    """The ``export`` audit event, then the encrypted archive citing it."""
    now = timezone.now()
    stem = f"zhusan-cases-{timezone.localtime(now).strftime('%Y%m%d-%H%M%S')}"
    data_file = f"{stem}.{fmt}"
    with transaction.atomic():
        # Recorded first so that the README can cite it; a failure below rolls it back.
        event = record(
            actor,
            Action.EXPORT,
            object_type=ObjectType.CASE_EXPORT,
            object_ref=stem,
            detail={
                "format": fmt,
                "fields": [f.code for f in chosen],
                "script": script,
                "filters": filters.as_dict(),
                "count": len(prepared.persons),
                "persons": prepared.persons,
                "case_numbers": prepared.case_numbers,
                **(extra or {}),
            },
        )
        text = readme(
            actor=user,
            fields=chosen,
            filters=filters,
            script=script,
            count=len(prepared.persons),
            data_file=data_file,
            synthetic=_is_synthetic(),
            audit_seq=event.seq,
            at=now,
        )
        archive = encrypted_archive({data_file: prepared.content, "README.txt": text.encode("utf-8")}, passphrase)
    return f"{stem}.7z", archive


@sensitive_variables("passphrase", "confirmation")
def case_export_create(
    *,
    actor: Actor,
    fields: Sequence[str],
    filters: ExportFilters,
    fmt: str,
    passphrase: str,
    confirmation: str | None = None,
    script: str = PRIMARY,
    today: date | None = None,
    recipient: Organisation | None = None,
) -> tuple[str, bytes]:
    """At once, in this process (the page goes through a job instead:
    :func:`case_export_request`): the archive's file name and bytes; one
    ``export`` audit event.

    Refuses (``PermissionDenied``, audited) a user without the capability and
    (``CaseExportError``) bad input, before anything is read or written.
    """
    user = _require_exporter(actor)
    chosen = _check_request(user, fields, filters, fmt, script)
    check_recipient(actor, user, recipient)
    check_passphrase(passphrase, confirmation)
    prepared = prepare(user, chosen, filters, fmt, script, today=today)
    return _package(
        actor=actor,
        user=user,
        chosen=chosen,
        filters=filters,
        fmt=fmt,
        script=script,
        prepared=prepared,
        passphrase=passphrase,
        extra={RECIPIENT_KEY: str(recipient.uuid)} if recipient is not None else None,
    )


# --- exports as jobs of the queue ------------------------------------------------


def keep_prepared() -> timedelta:
    return timedelta(hours=float(getattr(settings, "ZHUSAN_CASE_EXPORT_KEEP_HOURS", 24)))


def case_export_request(
    *,
    actor: Actor,
    fields: Sequence[str],
    filters: ExportFilters,
    fmt: str,
    script: str = PRIMARY,
    recipient: Organisation | None = None,
) -> CaseExport:
    """Record an export job and queue its preparation (``zhusan worker``).
    Refuses a user without the capability (``PermissionDenied``, audited) and
    bad input (``CaseExportError``), writing nothing. Audited (``create``)."""
    user = _require_exporter(actor)
    chosen = _check_request(user, fields, filters, fmt, script)
    check_recipient(actor, user, recipient)
    erase_expired()
    with transaction.atomic():
        job = CaseExport.objects.create(
            created_by=user,
            fields=[f.code for f in chosen],
            filters={**filters.as_dict(), **({RECIPIENT_KEY: str(recipient.uuid)} if recipient is not None else {})},
            fmt=fmt,
            script=script,
            message=_("Queued: a worker prepares it shortly."),
        )
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.CASE_EXPORT,
            object_ref=str(job.uuid),
            detail={"format": fmt, "fields": job.fields, "script": script, "filters": job.filters},
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: CaseExport) -> None:
    from .export_tasks import prepare_case_export

    enqueue_after_commit(CaseExport, job.pk, lambda: prepare_case_export.enqueue(job=str(job.uuid)))


def erase_expired(*, now: datetime | None = None) -> int:
    """Erase every prepared file not downloaded in time, whoever asked for
    it (run whenever an export is asked for, prepared or listed); how many."""
    cutoff = (now or timezone.now()) - keep_prepared()
    return CaseExport.objects.filter(status=CaseExportStatus.DONE, finished_at__lt=cutoff).update(
        status=CaseExportStatus.EXPIRED,
        content=b"",
        persons="",
        message=_("Not downloaded in time: the file was erased."),
    )


def case_export_settle(job: CaseExport, *, now: datetime | None = None) -> CaseExport:
    """A job marked running whose worker died is failed, with the reason; a
    prepared file not downloaded in time is erased."""
    now = now or timezone.now()
    if job.status == CaseExportStatus.RUNNING and (reason := death_of(job, now=now)):
        CaseExport.objects.filter(pk=job.pk, status=CaseExportStatus.RUNNING, task_id=job.task_id).update(
            status=CaseExportStatus.FAILED,
            message=(_("Preparing stopped: %(reason)s Prepare it again.") % {"reason": reason})[:300],
            finished_at=now,
        )
        job.refresh_from_db()
    elif job.status == CaseExportStatus.DONE and job.finished_at and now - job.finished_at > keep_prepared():
        CaseExport.objects.filter(pk=job.pk, status=CaseExportStatus.DONE).update(
            status=CaseExportStatus.EXPIRED,
            content=b"",
            persons="",
            message=_("Not downloaded in time: the file was erased."),
        )
        job.refresh_from_db()
    return job


def get_case_export_for_user(actor: Actor, job_uuid: object) -> CaseExport:
    """A job of the actor's own (404 for anyone else's or a bad id), settled."""
    user = _require_exporter(actor)
    job = CaseExport.objects.filter(uuid=str(job_uuid), created_by=user).first() if _is_uuid(job_uuid) else None
    if job is None:
        raise Http404(_("No such case export."))
    return case_export_settle(job)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def case_exports_of(user: User, *, limit: int = 10) -> list[CaseExport]:
    """The user's latest jobs, newest first (settled)."""
    erase_expired()
    return [case_export_settle(j) for j in CaseExport.objects.filter(created_by=user).defer("content")[:limit]]


def case_export_rerun(*, actor: Actor, job: CaseExport) -> CaseExport:
    """Prepare a failed or expired export again from the start, with the
    scope the user has now (audited)."""
    case_export_settle(job)
    if job.status not in (CaseExportStatus.FAILED, CaseExportStatus.EXPIRED):
        raise CaseExportError(_("Only a failed or expired export can run again."), code="rerun")
    with transaction.atomic():
        CaseExport.objects.filter(pk=job.pk).update(
            status=CaseExportStatus.QUEUED,
            progress=0,
            message=_("Queued: a worker prepares it shortly."),
            task_id="",
            worker="",
            heartbeat_at=None,
            finished_at=None,
            content=b"",
            persons="",
        )
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.CASE_EXPORT,
            object_ref=str(job.uuid),
            detail={"run_again": True},
        )
    _enqueue(job)
    job.refresh_from_db()
    return job


def run_case_export(job_uuid: str, task_id: str) -> None:
    """Prepare one job from the start (the task's body): progress and a
    heartbeat while it reads and writes, then the file, or the failure. A
    job no longer waiting or running, or owned by another run, is left alone.
    Reads the persons its requester may export *now*."""
    job = CaseExport.objects.select_related("created_by").filter(uuid=job_uuid).first()
    if job is None:
        return
    mine = start_run(CaseExport, job.pk, task_id, queued=CaseExportStatus.QUEUED, running=CaseExportStatus.RUNNING)
    if mine is None:
        return
    user = job.created_by
    with Heartbeat(CaseExport, job.pk, task_id) as beat:
        try:
            if not has_capability(user, Capability.EXPORT_CASES):
                raise CaseExportError(_("Your role may no longer export case-level records."), code="capability")
            filters = ExportFilters.from_dict(job.filters)
            chosen = _check_request(user, job.fields, filters, job.fmt, job.script)
            prepared = prepare(user, chosen, filters, job.fmt, job.script, progress=beat.report)
        except CaseExportError as exc:
            beat.stop()
            mine.update(
                status=CaseExportStatus.FAILED, message=" ".join(exc.messages)[:300], finished_at=timezone.now()
            )
            return
        except Exception:
            log.exception("case export %s failed", job_uuid)
            beat.stop()
            mine.update(
                status=CaseExportStatus.FAILED,
                message=_("Preparing failed; see the server log."),
                finished_at=timezone.now(),
            )
            return
    with transaction.atomic():
        row = (
            CaseExport.objects.select_for_update()
            .filter(pk=job.pk, task_id=task_id, status=CaseExportStatus.RUNNING)
            .first()
        )
        if row is None:  # failed meanwhile (settled as dead) or taken by another run
            return
        # Through save(): the file and the persons are encrypted at rest, which update() would skip.
        row.content = prepared.content
        row.persons = json.dumps({"persons": prepared.persons, "case_numbers": prepared.case_numbers})
        row.count = len(prepared.persons)
        row.status = CaseExportStatus.DONE
        row.progress = 100
        row.message = ngettext("%(n)d record ready", "%(n)d records ready", row.count) % {"n": row.count}
        row.finished_at = timezone.now()
        fields = ["content", "persons", "count", "status", "progress", "message", "finished_at", "updated_at"]
        row.save(update_fields=fields)


@sensitive_variables("passphrase", "confirmation")
def case_export_download(
    *, actor: Actor, job: CaseExport, passphrase: str, confirmation: str | None = None
) -> tuple[str, bytes]:
    """The prepared file in an archive under ``passphrase``, for the job's
    requester, once: one ``export`` audit event (fields, filters, count and
    persons, as :func:`case_export_create`), then the file is erased."""
    user = _require_exporter(actor)
    if job.created_by_id != user.pk:
        raise Http404(_("No such case export."))
    case_export_settle(job)
    if job.status != CaseExportStatus.DONE:
        raise CaseExportError(_("This export is not ready to download."), code="not_ready")
    check_passphrase(passphrase, confirmation)
    # The data leaves now: the agreement must still be in force (it may have expired since the request).
    check_recipient(actor, user, _recipient_of(job.filters))
    fields = catalogue()
    chosen = [fields[c] for c in job.fields if c in fields]
    with transaction.atomic():
        row = CaseExport.objects.select_for_update().filter(pk=job.pk, status=CaseExportStatus.DONE).first()
        if row is None:
            raise CaseExportError(_("This export is not ready to download."), code="not_ready")
        who = json.loads(row.persons or "{}")
        prepared = Prepared(bytes(row.content or b""), who.get("persons", []), who.get("case_numbers", []))
        result = _package(
            actor=actor,
            user=user,
            chosen=chosen,
            filters=ExportFilters.from_dict(row.filters),
            fmt=row.fmt,
            script=row.script,
            prepared=prepared,
            passphrase=passphrase,
            extra={"job": str(row.uuid)},
        )
        row.status, row.content, row.persons = CaseExportStatus.DOWNLOADED, b"", ""
        row.downloaded_at = timezone.now()
        row.message = _("Downloaded; the file was erased from the server.")
        row.save(update_fields=["status", "content", "persons", "downloaded_at", "message", "updated_at"])
    job.refresh_from_db()
    return result
