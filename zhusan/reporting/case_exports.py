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
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import py7zr
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.debug import sensitive_variables

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.models import User
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.models import DatasetMarker
from zhusan.core.tabular_out import csv_bytes, safe_row, write_xlsx
from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry.access import JUSTICE_STAGES, stage_label, stage_shown, visible_to
from zhusan.registry.dates import completed_years
from zhusan.registry.extensions import ExportField, RowContext, contributed_export_fields
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


def table(persons: Iterable[Person], fields: Sequence[ExportField], ctx: RowContext) -> list[list[object]]:
    """Header row of field labels, then one formula-safe row per person."""
    rows: list[list[object]] = [safe_row(str(f.label) for f in fields)]
    for person in persons:
        rows.append(safe_row(f.value(person, ctx) for f in fields))
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
) -> tuple[str, bytes]:
    """The archive's file name and bytes; one ``export`` audit event.

    Refuses (``PermissionDenied``, audited) a user without the capability and
    (``CaseExportError``) bad input, before anything is read or written.
    """
    user = actor.user
    if user is None or not has_capability(user, Capability.EXPORT_CASES):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.CASE_EXPORT,
            detail={"why": "no capability to export"},
        )
        raise PermissionDenied(_("Your role may not export case-level records."))
    chosen = check_fields(user, fields)
    if fmt not in FORMATS:
        raise CaseExportError(_("Choose CSV or XLSX."), code="format")
    if script != PRIMARY and script not in Script.values:
        raise CaseExportError(_("Choose a script for names."), code="script")
    check_passphrase(passphrase, confirmation)
    if filters.stage in JUSTICE_STAGES:  # the list would say who is in custody
        raise CaseExportError(_("Case-level exports cannot be filtered by this stage."), code="stage")

    persons = exportable_persons(user, filters)
    prefetches = dict.fromkeys(p for f in chosen for p in f.prefetch)
    annotations = {name: expr for f in chosen if f.annotate is not None for name, expr in f.annotate().items()}
    persons = persons.annotate(**annotations).prefetch_related(*prefetches)
    now = timezone.now()
    ctx = RowContext(today=today or timezone.localdate(), script=script)
    people = list(persons)
    rows = table(people, chosen, ctx)
    stem = f"zhusan-cases-{timezone.localtime(now).strftime('%Y%m%d-%H%M%S')}"
    data_file = f"{stem}.{fmt}"
    content = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)
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
                "count": len(people),
                "persons": [str(p.uuid) for p in people],
                "case_numbers": [p.case_number for p in people],
            },
        )
        text = readme(
            actor=user,
            fields=chosen,
            filters=filters,
            script=script,
            count=len(people),
            data_file=data_file,
            synthetic=_is_synthetic(),
            audit_seq=event.seq,
            at=now,
        )
        archive = encrypted_archive({data_file: content, "README.txt": text.encode("utf-8")}, passphrase)
    return f"{stem}.7z", archive
