"""The copy for a data subject: what the person's record holds, compartment
by compartment, as a readable PDF and a machine-readable JSON file in the
language chosen on the request (ru, kk, ar, en).

Prepared by a task of the queue (``tasks.prepare_subject_copy``) with
progress, like a case export; kept encrypted at rest; each file is erased
from the server when downloaded (by the officer or the case worker who
registered the request; audited as ``export``), both after a day.

Severe compartments go in only where the law allows
(``services.copy_compartments_allowed``), never a compartment the decision
withholds, never a compartment sealed at majority.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record, write_action
from zhusan.core import fonts
from zhusan.core.jobs import Heartbeat, death_of, enqueue_after_commit, start_run
from zhusan.core.shaping import enable_shaping
from zhusan.registry.access import seals_of, stage_label
from zhusan.registry.models import Person

from .models import CopyStatus, Decision, RequestKind, SubjectCopy, SubjectRequest
from .services import copy_compartments_allowed, is_officer, require_officer_or_case_staff

log = logging.getLogger(__name__)


def keep_prepared() -> timedelta:
    return timedelta(hours=float(getattr(settings, "ZHUSAN_SUBJECT_COPY_KEEP_HOURS", 24)))


def compartments_for(request: SubjectRequest) -> list[Compartment]:
    """What the copy holds: allowed by law, not withheld by the decision, not sealed."""
    sealed = {s.compartment for s in seals_of(request.person)}
    withheld = set(request.withheld_compartments or [])
    allowed = copy_compartments_allowed()
    return [c for c in Compartment if c in allowed and c.value not in withheld and c.value not in sealed]


# --- what the record holds ------------------------------------------------------------


@dataclass
class Part:
    compartment: str
    title: str
    items: list[dict[str, str]] = field(default_factory=list)


def _d(value: Any) -> str:
    return value.isoformat() if value else ""


def record_parts(person: Person, compartments: list[Compartment]) -> list[Part]:
    """The person's record by compartment, labelled in the active language."""
    parts: list[Part] = []
    wanted = set(compartments)
    justice = Compartment.JUSTICE_SECURITY in wanted
    for comp in compartments:
        part = Part(comp.value, str(comp.label))
        if comp == Compartment.IDENTITY:
            part.items.append(
                {
                    _("Case number"): person.case_number,
                    _("Sex"): str(person.get_sex_display()),
                    _("Birth year"): str(person.birth_year or ""),
                    _("Birth month"): str(person.birth_month or ""),
                    _("Birth day"): str(person.birth_day or ""),
                    _("Place of birth"): person.place_of_birth,
                    _("Languages"): person.languages,
                    _("Stage"): stage_label(person.stage if justice or person.stage != "in_custody" else "restricted"),
                    _("Lawful basis"): str(person.get_lawful_basis_display()),
                }
            )
            for n in person.names.all():
                part.items.append({_("Name"): n.full, _("Kind"): str(n.get_kind_display())})
            for c in person.consents.all():
                part.items.append(
                    {
                        _("Consent"): str(c.get_purpose_display()),
                        _("Status"): str(c.get_status_display()),
                        _("Date"): _d(c.given_on),
                    }
                )
        elif comp == Compartment.FAMILY:
            for r in person.relations_out.select_related("to_person"):
                part.items.append({_("Relation"): str(r.get_kind_display()), _("Of"): r.to_person.case_number})
            for r in person.relations_in.select_related("from_person"):
                part.items.append({_("Relation"): str(r.get_kind_display()), _("Relative"): r.from_person.case_number})
        elif comp == Compartment.CONTACT_LOCATION:
            for s in person.stays.select_related("site"):
                part.items.append(
                    {
                        _("Place"): s.site.name if s.site else s.address,
                        _("Kind"): str(s.get_kind_display()),
                        _("From"): _d(s.started_on),
                        _("Until"): _d(s.ended_on),
                    }
                )
        elif comp == Compartment.DOCUMENTS:
            for doc in person.documents.all():
                part.items.append(
                    {
                        _("Document"): str(doc.get_doc_type_display()),
                        _("Number"): doc.number,
                        _("Status"): str(doc.get_status_display()),
                        _("Issued on"): _d(doc.issued_on),
                    }
                )
        else:
            for note in person.protected_notes.filter(compartment=comp.value).order_by("created_at"):
                part.items.append({_("Date"): _d(note.created_at.date()), _("Note"): note.body})
        parts.append(part)
    return parts


def to_json(request: SubjectRequest, parts: list[Part]) -> bytes:
    body = {
        "format": "zhusan-subject-copy/1",
        "language": request.language,
        "case_number": request.person.case_number,
        "prepared_on": timezone.localdate().isoformat(),
        "request": {"kind": request.kind, "received_on": _d(request.received_on), "decision": request.decision},
        "withheld": {"what": request.withheld, "legal_ground": request.legal_ground} if request.withheld else None,
        "compartments": [{"code": p.compartment, "title": p.title, "items": p.items} for p in parts],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def to_pdf(request: SubjectRequest, parts: list[Part]) -> bytes:
    missing = fonts.missing_fonts()
    if missing:
        raise fonts.FontMissingError(missing)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(fonts.FONT, "", str(fonts.FONT_REGULAR))
    pdf.add_font(fonts.FONT, "B", str(fonts.FONT_BOLD))
    if request.language == "ar":
        enable_shaping(pdf)
    title = _("Copy of your personal data")
    pdf.set_title(title)
    pdf.set_author("")
    pdf.set_creation_date(timezone.now())
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    align = "R" if request.language == "ar" else "L"

    def line(text: str, *, bold: bool = False, size: int = 10) -> None:
        pdf.set_font(fonts.FONT, "B" if bold else "", size)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align=align)

    line(title, bold=True, size=14)
    line(_("Case number: %(case)s") % {"case": request.person.case_number})
    line(
        _("Prepared on %(day)s in answer to the request received on %(received)s.")
        % {
            "day": timezone.localdate().isoformat(),
            "received": request.received_on.isoformat(),
        }
    )
    if request.withheld:
        line(_("Withheld: %(what)s") % {"what": request.withheld}, bold=True)
    for part in parts:
        pdf.ln(3)
        line(part.title, bold=True, size=12)
        if not part.items:
            line(_("Nothing recorded."))
        for item in part.items:
            line("; ".join(f"{k}: {v}" for k, v in item.items() if v))
    return bytes(pdf.output())


# --- the job ---------------------------------------------------------------------------


@write_action
def subject_copy_request(*, actor: Actor, request: SubjectRequest) -> SubjectCopy:
    """Queue the copy of a granted copy request (done by the decision)."""
    user = require_officer_or_case_staff(actor, request)
    if request.kind != RequestKind.COPY or request.decision not in (Decision.GRANTED, Decision.PARTLY):
        raise ValidationError({"request": _("Only a granted copy request gets a copy.")})
    erase_expired()
    copy = SubjectCopy.objects.create(
        request=request,
        created_by=user,
        compartments=[c.value for c in compartments_for(request)],
        message=_("Queued: a worker prepares it shortly."),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SUBJECT_COPY,
        object_ref=copy.uuid,
        person_ref=request.person.uuid,
        detail={"compartments": copy.compartments, "language": request.language},
    )
    _enqueue(copy)
    return copy


def _enqueue(copy: SubjectCopy) -> None:
    from .tasks import prepare_subject_copy

    enqueue_after_commit(SubjectCopy, copy.pk, lambda: prepare_subject_copy.enqueue(copy=str(copy.uuid)))


def run_subject_copy(copy_uuid: str, task_id: str) -> None:
    """The task's body: read the record, write the two files, or the failure."""
    copy = SubjectCopy.objects.select_related("request__person").filter(uuid=copy_uuid).first()
    if copy is None:
        return
    mine = start_run(SubjectCopy, copy.pk, task_id, queued=CopyStatus.QUEUED, running=CopyStatus.RUNNING)
    if mine is None:
        return
    request = copy.request
    with Heartbeat(SubjectCopy, copy.pk, task_id) as beat:
        try:
            with translation.override(request.language):
                comps = [Compartment(c) for c in copy.compartments if c in {x.value for x in compartments_for(request)}]
                beat.report(10, _("Reading the record"))
                parts = record_parts(request.person, comps)
                beat.report(50, _("Writing the PDF"))
                pdf = to_pdf(request, parts)
                beat.report(90, _("Writing the JSON file"))
                data = to_json(request, parts)
        except Exception:
            log.exception("subject copy %s failed", copy_uuid)
            beat.stop()
            mine.update(
                status=CopyStatus.FAILED, message=_("Preparing failed; see the server log."), finished_at=timezone.now()
            )
            return
    with transaction.atomic():
        row = (
            SubjectCopy.objects.select_for_update()
            .filter(pk=copy.pk, task_id=task_id, status=CopyStatus.RUNNING)
            .first()
        )
        if row is None:
            return
        row.pdf, row.data = pdf, data
        row.status, row.progress, row.finished_at = CopyStatus.DONE, 100, timezone.now()
        row.message = _("Ready to download")
        row.save(update_fields=["pdf", "data", "status", "progress", "finished_at", "message", "updated_at"])


def erase_expired(*, now: datetime | None = None) -> int:
    """Erase every copy not downloaded in time (run whenever copies are listed or asked for)."""
    cutoff = (now or timezone.now()) - keep_prepared()
    return SubjectCopy.objects.filter(status=CopyStatus.DONE, finished_at__lt=cutoff).update(
        status=CopyStatus.EXPIRED, pdf=b"", data=b"", message=_("Not downloaded in time: the files were erased.")
    )


def settle(copy: SubjectCopy) -> SubjectCopy:
    """A copy whose worker died is failed, with the reason; an old one erased."""
    if copy.status == CopyStatus.RUNNING and (reason := death_of(copy)):
        SubjectCopy.objects.filter(pk=copy.pk, status=CopyStatus.RUNNING).update(
            status=CopyStatus.FAILED, message=(_("Preparing stopped: %(r)s") % {"r": reason})[:300]
        )
        copy.refresh_from_db()
    if copy.status == CopyStatus.DONE:
        erase_expired()
        copy.refresh_from_db()
    return copy


def may_download(user: Any, copy: SubjectCopy) -> bool:
    return is_officer(user) or copy.request.registered_by_id == getattr(user, "pk", None)


def subject_copy_download(*, actor: Actor, copy: SubjectCopy, what: str) -> tuple[str, str, bytes]:
    """One of the copy's files (``what``: "pdf" or "json") for the officer or
    the registering case worker, once: audited as ``export``, then erased."""
    if actor.user is None or not may_download(actor.user, copy):
        raise Http404(_("No such copy."))
    settle(copy)
    if copy.status != CopyStatus.DONE or what not in ("pdf", "json"):
        raise ValidationError(_("This copy is not ready to download."))
    with transaction.atomic():
        row = SubjectCopy.objects.select_for_update().select_related("request__person").get(pk=copy.pk)
        content = bytes(row.pdf if what == "pdf" else row.data)
        if not content:
            raise ValidationError(_("This file was already downloaded and erased."))
        now = timezone.now()
        if what == "pdf":
            row.pdf, row.pdf_downloaded_at = b"", now
        else:
            row.data, row.data_downloaded_at = b"", now
        if not row.pdf and not row.data:
            row.status = CopyStatus.DOWNLOADED
            row.message = _("Downloaded; the files were erased from the server.")
        row.save(
            update_fields=["pdf", "data", "pdf_downloaded_at", "data_downloaded_at", "status", "message", "updated_at"]
        )
        person = row.request.person
        record(
            actor,
            Action.EXPORT,
            object_type=ObjectType.SUBJECT_COPY,
            object_ref=row.uuid,
            person_ref=person.uuid,
            detail={"file": what, "compartments": row.compartments, "request": str(row.request.uuid)},
        )
    name = f"{person.case_number}-copy.{what}"
    mime = "application/pdf" if what == "pdf" else "application/json"
    copy.refresh_from_db()
    return name, mime, content
