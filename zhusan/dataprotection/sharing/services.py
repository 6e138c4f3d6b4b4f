"""Every write to sharing agreements, impact assessments and the breach log:
keyword-only, typed, atomic, audited; bad input raises ``ValidationError``
(field → message) and writes nothing.

The sharing gate (``check_agreement``) is registered with
``zhusan.registry.extensions.sharing_check``: a referral, a case transfer or a
case export to an organisation needs an *active* agreement with it, for that
purpose, in force today (``starts_on`` ≤ today ≤ ``expires_on``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import Organisation
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import check_version, save_versioned
from zhusan.registry.extensions import SharingPurpose
from zhusan.registry.models import Person

from .models import (
    AgreementStatus,
    AssessmentDecision,
    Breach,
    BreachRecord,
    BreachStatus,
    CoverageKind,
    ImpactAssessment,
    NotificationDecision,
    SharingAgreement,
)

PURPOSES = (SharingPurpose.REFERRAL, SharingPurpose.TRANSFER, SharingPurpose.CASE_EXPORT)
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF"


def purpose_label(purpose: str) -> str:
    return {
        SharingPurpose.REFERRAL: _("referrals"),
        SharingPurpose.TRANSFER: _("case transfers"),
        SharingPurpose.CASE_EXPORT: _("case exports"),
    }.get(purpose, purpose)


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise Denied(_("An authenticated user is required."), actor=actor, why="anonymous")
    return actor.user


def _require_officer(actor: Actor, object_type: ObjectType, ref: object = "") -> Any:
    user = _user(actor)
    if not has_capability(user, Capability.MANAGE_DATA_PROTECTION):
        raise Denied(
            _("Only the data-protection officer keeps sharing agreements, assessments and the breach log."),
            actor=actor,
            object_type=object_type,
            object_ref=ref,
            why="missing manage_data_protection",
        )
    return user


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# --- The sharing gate ------------------------------------------------------------------


def agreements_for(organisation: Organisation, purpose: str) -> list[SharingAgreement]:
    """Active agreements with ``organisation`` that cover ``purpose``, latest expiry first."""
    if purpose not in PURPOSES:
        return []
    return list(
        SharingAgreement.objects.filter(
            organisation=organisation, status=AgreementStatus.ACTIVE, **{f"for_{purpose}": True}
        ).order_by("-expires_on")
    )


def valid_agreement(organisation: Organisation, purpose: str, day: date | None = None) -> SharingAgreement | None:
    today = day or timezone.localdate()
    for agreement in agreements_for(organisation, purpose):
        if agreement.valid_on(today):
            return agreement
    return None


def refusal(organisation: Organisation, purpose: str, day: date | None = None) -> str:
    """Why sharing with ``organisation`` for ``purpose`` is refused today ("" when it is allowed)."""
    today = day or timezone.localdate()
    agreements = agreements_for(organisation, purpose)
    if any(a.valid_on(today) for a in agreements):
        return ""
    expired = [a for a in agreements if a.expires_on < today]
    if expired:
        return _(
            "The sharing agreement with %(org)s expired on %(day)s: ask the data-protection officer to renew it."
        ) % {"org": organisation, "day": _day(expired[0].expires_on)}
    future = [a for a in agreements if a.starts_on > today]
    if future:
        return _(
            "The sharing agreement with %(org)s only starts on %(day)s: nothing can be shared with them before."
        ) % {"org": organisation, "day": _day(min(a.starts_on for a in future))}
    return _(
        "There is no sharing agreement with %(org)s for %(purpose)s: ask the data-protection officer to "
        "record one before sharing."
    ) % {"org": organisation, "purpose": purpose_label(purpose)}


def _managed_by(person: Person, organisation: Organisation) -> bool:
    unit = person.managing_unit
    return unit is not None and unit.organisation_id == organisation.pk


def check_agreement(
    *, actor: Actor, organisation: Any, purpose: str, persons: Sequence[Person] = (), **_ignored: Any
) -> None:
    """The registry's sharing gate: refuse (``ValidationError``, field-less)
    without an active agreement in force for ``purpose``. Sharing within the
    organisation that manages every person concerned needs none.
    ``organisation`` None is not this gate's business (free-text services: see
    the referral service)."""
    if organisation is None:
        return
    if persons and all(_managed_by(person, organisation) for person in persons):
        return  # nothing leaves the organisation that holds the case
    why = refusal(organisation, purpose)
    if why:
        raise ValidationError(why, code="no_sharing_agreement")


# --- Impact assessments --------------------------------------------------------------------


def _clean_assessment(
    *,
    title: str,
    covers: str,
    organisation: Organisation | None,
    reference: str,
    description: str,
    necessity: str,
    harms: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the assessment a title.")
    if covers not in CoverageKind.values:
        errors["covers"] = _("Choose what the assessment covers.")
    elif covers == CoverageKind.PARTNER and organisation is None:
        errors["organisation"] = _("Choose the partner organisation the assessment covers.")
    elif covers != CoverageKind.PARTNER and not reference.strip():
        errors["reference"] = _("Name what the assessment covers (the indicator's code, the import source).")
    if not description.strip():
        errors["description"] = _("Describe the data flow: what data, from whom, to whom, why.")
    if not necessity.strip():
        errors["necessity"] = _("Say why the flow is necessary and proportionate.")
    if not harms.strip():
        errors["harms"] = _("List the possible harms to the persons and how each is mitigated.")
    return errors


@write_action
def assessment_create(
    *,
    actor: Actor,
    title: str,
    covers: str,
    description: str,
    necessity: str,
    harms: str,
    organisation: Organisation | None = None,
    reference: str = "",
) -> ImpactAssessment:
    user = _require_officer(actor, ObjectType.IMPACT_ASSESSMENT)
    errors = _clean_assessment(
        title=title,
        covers=covers,
        organisation=organisation,
        reference=reference,
        description=description,
        necessity=necessity,
        harms=harms,
    )
    if errors:
        raise ValidationError(errors)
    assessment = ImpactAssessment.objects.create(
        title=title.strip(),
        covers=covers,
        organisation=organisation if covers == CoverageKind.PARTNER else None,
        reference=reference.strip() if covers != CoverageKind.PARTNER else "",
        description=description.strip(),
        necessity=necessity.strip(),
        harms=harms.strip(),
        created_by=user,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.IMPACT_ASSESSMENT,
        object_ref=assessment.uuid,
        changes=diff({}, {"title": assessment.title, "covers": covers, "subject": assessment.subject}),
    )
    return assessment


@write_action
def assessment_decide(
    *,
    actor: Actor,
    assessment: ImpactAssessment,
    decision: str,
    expected_version: int,
    note: str = "",
    decided_on: date | None = None,
) -> ImpactAssessment:
    """Approve, reject or send back an assessment; the approver and the date are recorded."""
    user = _require_officer(actor, ObjectType.IMPACT_ASSESSMENT, assessment.uuid)
    check_version(assessment, expected_version)
    errors: dict[str, str] = {}
    if decision not in (AssessmentDecision.APPROVED, AssessmentDecision.REJECTED, AssessmentDecision.NEEDS_CHANGES):
        errors["decision"] = _("Choose approved, rejected or needs changes.")
    elif decision != AssessmentDecision.APPROVED and not note.strip():
        errors["note"] = _("Say why it is rejected or what must change.")
    today = timezone.localdate()
    day = decided_on or today
    if day > today:
        errors["decided_on"] = _("The decision's date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    before = {"decision": assessment.decision, "decided_on": assessment.decided_on}
    assessment.decision = decision
    assessment.decision_note = note.strip()
    assessment.decided_by = user
    assessment.decided_on = day
    save_versioned(
        assessment, expected_version=expected_version, fields=["decision", "decision_note", "decided_by", "decided_on"]
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.IMPACT_ASSESSMENT,
        object_ref=assessment.uuid,
        changes=diff(before, {"decision": decision, "decided_on": day}),
    )
    return assessment


# --- Sharing agreements ----------------------------------------------------------------------


def _read_document(upload: UploadedFile) -> tuple[bytes, str]:
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if not name.lower().endswith(".pdf"):
        raise ValidationError({"document": _("The signed agreement must be a PDF file.")})
    content = upload.read(DOCUMENT_MAX_BYTES + 1)
    if not content:
        raise ValidationError({"document": _("The file is empty.")})
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": _("The file is larger than 10 MB.")})
    if not content.startswith(PDF_MAGIC):
        raise ValidationError({"document": _("The file's contents are not a PDF file as its name says.")})
    return content, name


def _clean_agreement(
    *,
    purposes: Iterable[str],
    categories: Iterable[str],
    legal_basis: str,
    partner_retention: str,
    contact: str,
    signed_on: date | None,
    starts_on: date | None,
    expires_on: date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    purposes = list(purposes)
    if not purposes:
        errors["purposes"] = _("Tick at least one purpose the agreement allows.")
    elif any(p not in PURPOSES for p in purposes):
        errors["purposes"] = _("Unknown purpose.")
    categories = list(categories)
    if not categories:
        errors["categories"] = _("Tick the categories of data the partner may receive.")
    elif any(c not in Compartment.values for c in categories):
        errors["categories"] = _("Unknown category of data.")
    if not legal_basis.strip():
        errors["legal_basis"] = _("Name the legal basis of the sharing.")
    if not partner_retention.strip():
        errors["partner_retention"] = _("Say how long the partner keeps the data.")
    if not contact.strip():
        errors["contact"] = _("Name the partner's contact for data protection.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the agreement starts.")
    if expires_on is None:
        errors["expires_on"] = _("Give the date the agreement expires.")
    if starts_on and expires_on and expires_on <= starts_on:
        errors["expires_on"] = _("The agreement must expire after it starts.")
    if signed_on and signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    return errors


def _assessment_error(organisation: Organisation, assessment: ImpactAssessment | None) -> str:
    if assessment is None:
        return _("An agreement becomes active only on an approved impact assessment of the partner: choose one.")
    if assessment.covers != CoverageKind.PARTNER or assessment.organisation_id != organisation.pk:
        return _("The impact assessment does not cover %(org)s: choose one that assesses this partner.") % {
            "org": organisation
        }
    if not assessment.approved:
        return _("The impact assessment “%(title)s” is not approved: an agreement cannot be made active on it.") % {
            "title": assessment.title
        }
    return ""


@write_action
def agreement_create(
    *,
    actor: Actor,
    organisation: Organisation,
    purposes: Sequence[str],
    categories: Sequence[str],
    legal_basis: str,
    partner_retention: str,
    contact: str,
    starts_on: date | None,
    expires_on: date | None,
    signed_on: date | None = None,
    assessment: ImpactAssessment | None = None,
    document: UploadedFile | None = None,
    activate: bool = False,
) -> SharingAgreement:
    """Record an agreement (a draft, or active at once when ``activate`` and an
    approved assessment covers the partner)."""
    user = _require_officer(actor, ObjectType.SHARING_AGREEMENT)
    errors = _clean_agreement(
        purposes=purposes,
        categories=categories,
        legal_basis=legal_basis,
        partner_retention=partner_retention,
        contact=contact,
        signed_on=signed_on,
        starts_on=starts_on,
        expires_on=expires_on,
    )
    if assessment is not None and (
        assessment.covers != CoverageKind.PARTNER or assessment.organisation_id != organisation.pk
    ):
        errors["assessment"] = _assessment_error(organisation, assessment)
    elif activate and (why := _assessment_error(organisation, assessment)):
        errors["assessment"] = why
    content, name = (b"", "")
    if document is not None and not errors:
        content, name = _read_document(document)
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None and expires_on is not None
    agreement = SharingAgreement.objects.create(
        organisation=organisation,
        for_referral=SharingPurpose.REFERRAL in purposes,
        for_transfer=SharingPurpose.TRANSFER in purposes,
        for_case_export=SharingPurpose.CASE_EXPORT in purposes,
        categories=sorted(set(categories)),
        legal_basis=legal_basis.strip(),
        partner_retention=partner_retention.strip(),
        contact=contact.strip(),
        signed_on=signed_on,
        starts_on=starts_on,
        expires_on=expires_on,
        assessment=assessment,
        status=AgreementStatus.ACTIVE if activate else AgreementStatus.DRAFT,
        document=content,
        document_name=name,
        document_type="application/pdf" if content else "",
        document_sha256=hashlib.sha256(content).hexdigest() if content else "",
        created_by=user,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SHARING_AGREEMENT,
        object_ref=agreement.uuid,
        changes=diff(
            {},
            {
                "organisation": organisation,
                "purposes": agreement.purposes,
                "categories": agreement.categories,
                "starts_on": starts_on,
                "expires_on": expires_on,
                "status": agreement.status,
                "assessment": assessment,
                "document_sha256": agreement.document_sha256,
            },
        ),
    )
    return agreement


AGREEMENT_FIELDS = (
    "legal_basis",
    "partner_retention",
    "contact",
    "signed_on",
    "starts_on",
    "expires_on",
    "assessment",
    "categories",
    "purposes",
)


@write_action
def agreement_update(
    *, actor: Actor, agreement: SharingAgreement, expected_version: int, **changes: Any
) -> SharingAgreement:
    """Change an agreement's terms (e.g. extend its expiry after renewal)."""
    _require_officer(actor, ObjectType.SHARING_AGREEMENT, agreement.uuid)
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in sorted(unknown)})
    check_version(agreement, expected_version)
    merged: dict[str, Any] = {
        "purposes": agreement.purposes,
        **{f: getattr(agreement, f) for f in AGREEMENT_FIELDS if f != "purposes"},
    }
    merged.update(changes)
    errors = _clean_agreement(
        purposes=merged["purposes"],
        categories=merged["categories"],
        legal_basis=merged["legal_basis"] or "",
        partner_retention=merged["partner_retention"] or "",
        contact=merged["contact"] or "",
        signed_on=merged["signed_on"],
        starts_on=merged["starts_on"],
        expires_on=merged["expires_on"],
    )
    if agreement.status == AgreementStatus.ACTIVE and (
        why := _assessment_error(agreement.organisation, merged["assessment"])
    ):
        errors["assessment"] = why
    if errors:
        raise ValidationError(errors)
    before = {"purposes": agreement.purposes, **{f: getattr(agreement, f) for f in AGREEMENT_FIELDS if f != "purposes"}}
    for name in AGREEMENT_FIELDS:
        if name == "purposes":
            for purpose in PURPOSES:
                setattr(agreement, f"for_{purpose}", purpose in merged["purposes"])
        elif name == "categories":
            agreement.categories = sorted(set(merged["categories"]))
        else:
            value = merged[name]
            setattr(agreement, name, value.strip() if isinstance(value, str) else value)
    fields = [f for f in AGREEMENT_FIELDS if f != "purposes"] + [f"for_{p}" for p in PURPOSES]
    save_versioned(agreement, expected_version=expected_version, fields=fields)
    after = {"purposes": agreement.purposes, **{f: getattr(agreement, f) for f in AGREEMENT_FIELDS if f != "purposes"}}
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.SHARING_AGREEMENT,
        object_ref=agreement.uuid,
        changes=diff(before, after),
    )
    return agreement


@write_action
def agreement_set_status(
    *, actor: Actor, agreement: SharingAgreement, status: str, expected_version: int
) -> SharingAgreement:
    """Make an agreement active (only on an approved assessment of its partner) or end it."""
    _require_officer(actor, ObjectType.SHARING_AGREEMENT, agreement.uuid)
    check_version(agreement, expected_version)
    if status not in AgreementStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == AgreementStatus.ACTIVE:
        if why := _assessment_error(agreement.organisation, agreement.assessment):
            raise ValidationError({"assessment": why})
        if agreement.expired():
            raise ValidationError(
                {"expires_on": _("This agreement has expired: record the renewed agreement's new expiry first.")}
            )
    before = agreement.status
    agreement.status = status
    save_versioned(agreement, expected_version=expected_version, fields=["status"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.SHARING_AGREEMENT,
        object_ref=agreement.uuid,
        changes=diff({"status": before}, {"status": status}),
    )
    return agreement


def agreement_document(*, actor: Actor, agreement: SharingAgreement) -> tuple[str, bytes]:
    """The signed document's name and bytes; the read is audited."""
    _require_officer(actor, ObjectType.SHARING_AGREEMENT, agreement.uuid)
    if not agreement.document:
        raise ValidationError({"document": _("No signed document was attached to this agreement.")})
    record(
        actor,
        Action.VIEW,
        object_type=ObjectType.SHARING_AGREEMENT,
        object_ref=agreement.uuid,
        detail={"document": agreement.document_sha256},
    )
    return agreement.document_name, bytes(agreement.document)


# --- Breaches ------------------------------------------------------------------------------


BREACH_SENSITIVE = ("what_happened", "containment", "lessons", "authority_reason", "persons_reason")


def _clean_times(happened_at: datetime | None, discovered_at: datetime | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    now = timezone.now()
    if happened_at is None:
        errors["happened_at"] = _("Say when it happened (your best estimate).")
    elif happened_at > now:
        errors["happened_at"] = _("A breach cannot have happened in the future.")
    if discovered_at is None:
        errors["discovered_at"] = _("Say when it was found: the 72-hour clock starts then.")
    elif discovered_at > now:
        errors["discovered_at"] = _("The time it was found cannot be in the future.")
    if happened_at and discovered_at and discovered_at < happened_at:
        errors["discovered_at"] = _("A breach cannot be found before it happened.")
    return errors


@write_action
def breach_create(
    *,
    actor: Actor,
    title: str,
    what_happened: str,
    happened_at: datetime | None,
    discovered_at: datetime | None,
    containment: str = "",
) -> Breach:
    user = _require_officer(actor, ObjectType.BREACH)
    errors = _clean_times(happened_at, discovered_at)
    if not title.strip():
        errors["title"] = _("Give the breach a short title (no names).")
    if not what_happened.strip():
        errors["what_happened"] = _("Describe what happened.")
    if errors or happened_at is None or discovered_at is None:
        raise ValidationError(errors)
    breach = Breach.objects.create(
        title=title.strip(),
        what_happened=what_happened.strip(),
        happened_at=happened_at,
        discovered_at=discovered_at,
        containment=containment.strip(),
        recorded_by=user,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.BREACH,
        object_ref=breach.uuid,
        changes=diff(
            {},
            {
                "title": breach.title,
                "what_happened": breach.what_happened,
                "happened_at": happened_at,
                "discovered_at": discovered_at,
                "containment": breach.containment,
            },
            sensitive=BREACH_SENSITIVE,
        ),
    )
    return breach


BREACH_FIELDS = ("title", "what_happened", "happened_at", "discovered_at", "containment", "lessons")


def _require_open(breach: Breach) -> None:
    if breach.status != BreachStatus.OPEN:
        raise ValidationError({"status": _("This breach is closed: reopen it to change it.")})


def _save_breach(actor: Actor, breach: Breach, expected_version: int, values: dict[str, Any]) -> Breach:
    before = {name: getattr(breach, name) for name in values}
    for name, value in values.items():
        setattr(breach, name, value)
    save_versioned(breach, expected_version=expected_version, fields=list(values))
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.BREACH,
        object_ref=breach.uuid,
        changes=diff(before, values, sensitive=BREACH_SENSITIVE),
    )
    return breach


@write_action
def breach_update(*, actor: Actor, breach: Breach, expected_version: int, **changes: Any) -> Breach:
    """Change what is known: the description, the times, the containment, the lessons."""
    _require_officer(actor, ObjectType.BREACH, breach.uuid)
    unknown = set(changes) - set(BREACH_FIELDS)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in sorted(unknown)})
    check_version(breach, expected_version)
    _require_open(breach)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    happened_at: Any = values.get("happened_at", breach.happened_at)
    discovered_at: Any = values.get("discovered_at", breach.discovered_at)
    errors = _clean_times(happened_at, discovered_at)
    if "title" in values and not values["title"]:
        errors["title"] = _("Give the breach a short title (no names).")
    if "what_happened" in values and not values["what_happened"]:
        errors["what_happened"] = _("Describe what happened.")
    if errors:
        raise ValidationError(errors)
    return _save_breach(actor, breach, expected_version, values)


@write_action
def breach_notify_authority(
    *,
    actor: Actor,
    breach: Breach,
    decision: str,
    expected_version: int,
    notified_at: datetime | None = None,
    reference: str = "",
    reason: str = "",
) -> Breach:
    """Record the notification to the supervisory authority (when, its
    reference), or the decision that none is required (and why)."""
    _require_officer(actor, ObjectType.BREACH, breach.uuid)
    check_version(breach, expected_version)
    _require_open(breach)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"authority_decision": decision}
    if decision == NotificationDecision.NOTIFIED:
        if notified_at is None:
            errors["notified_at"] = _("Say when the authority was notified.")
        elif notified_at > timezone.now():
            errors["notified_at"] = _("The notification cannot be in the future.")
        elif notified_at < breach.discovered_at:
            errors["notified_at"] = _("The authority cannot be notified before the breach was found.")
        values |= {
            "authority_notified_at": notified_at,
            "authority_reference": reference.strip(),
            "authority_reason": "",
        }
    elif decision == NotificationDecision.NOT_REQUIRED:
        if not reason.strip():
            errors["reason"] = _("Say why the breach is unlikely to put the persons at risk.")
        values |= {"authority_notified_at": None, "authority_reference": "", "authority_reason": reason.strip()}
    else:
        errors["decision"] = _("Choose notified or not required.")
    if errors:
        raise ValidationError(errors)
    return _save_breach(actor, breach, expected_version, values)


@write_action
def breach_notify_persons(
    *,
    actor: Actor,
    breach: Breach,
    decision: str,
    expected_version: int,
    notified_on: date | None = None,
    reason: str = "",
) -> Breach:
    """Record that the persons affected were told (and when), or why not."""
    _require_officer(actor, ObjectType.BREACH, breach.uuid)
    check_version(breach, expected_version)
    _require_open(breach)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"persons_decision": decision}
    if decision == NotificationDecision.NOTIFIED:
        if notified_on is None:
            errors["notified_on"] = _("Say when the persons were told.")
        elif notified_on > timezone.localdate():
            errors["notified_on"] = _("The date cannot be in the future.")
        elif notified_on < timezone.localtime(breach.discovered_at).date():
            errors["notified_on"] = _("The persons cannot be told before the breach was found.")
        values |= {"persons_notified_on": notified_on, "persons_reason": ""}
    elif decision == NotificationDecision.NOT_REQUIRED:
        if not reason.strip():
            errors["reason"] = _("Say why the persons are not told.")
        values |= {"persons_notified_on": None, "persons_reason": reason.strip()}
    else:
        errors["decision"] = _("Choose notified or not required.")
    if errors:
        raise ValidationError(errors)
    return _save_breach(actor, breach, expected_version, values)


@write_action
def breach_close(*, actor: Actor, breach: Breach, expected_version: int) -> Breach:
    """Close a breach once contained, both notifications decided and the lessons written."""
    user = _require_officer(actor, ObjectType.BREACH, breach.uuid)
    check_version(breach, expected_version)
    _require_open(breach)
    errors: dict[str, str] = {}
    if not breach.containment.strip():
        errors["containment"] = _("Record how the breach was contained before closing it.")
    if breach.authority_decision == NotificationDecision.UNDECIDED:
        errors["authority_decision"] = _("Decide the notification to the authority before closing.")
    if breach.persons_decision == NotificationDecision.UNDECIDED:
        errors["persons_decision"] = _("Decide the notification to the persons before closing.")
    if not breach.lessons.strip():
        errors["lessons"] = _("Write the lessons learned before closing.")
    if errors:
        raise ValidationError(errors)
    return _save_breach(
        actor,
        breach,
        expected_version,
        {"status": BreachStatus.CLOSED.value, "closed_at": timezone.now(), "closed_by": user},
    )


@write_action
def breach_reopen(*, actor: Actor, breach: Breach, expected_version: int) -> Breach:
    _require_officer(actor, ObjectType.BREACH, breach.uuid)
    check_version(breach, expected_version)
    if breach.status != BreachStatus.CLOSED:
        raise ValidationError({"status": _("This breach is open.")})
    return _save_breach(
        actor, breach, expected_version, {"status": BreachStatus.OPEN.value, "closed_at": None, "closed_by": None}
    )


@write_action
def breach_add_records(*, actor: Actor, breach: Breach, seqs: Iterable[int]) -> list[BreachRecord]:
    """Add the records named by these audit events (their sequence numbers) to
    the breach; an event already added is skipped. The events are copied
    (who, when, what, about whom), never changed."""
    user = _require_officer(actor, ObjectType.BREACH, breach.uuid)
    if not has_capability(user, Capability.VIEW_AUDIT):
        raise Denied(
            _("Choosing records from the audit trail needs access to it."),
            actor=actor,
            object_type=ObjectType.BREACH,
            object_ref=breach.uuid,
            why="missing view_audit",
        )
    _require_open(breach)
    wanted = sorted({int(s) for s in seqs})
    if not wanted:
        raise ValidationError({"events": _("Tick the audit events that show the records affected.")})
    events = list(AuditEvent.objects.filter(seq__in=wanted).order_by("seq"))
    if len(events) != len(wanted):
        raise ValidationError({"events": _("Some of the chosen audit events do not exist.")})
    already = set(BreachRecord.objects.filter(breach=breach, audit_seq__in=wanted).values_list("audit_seq", flat=True))
    refs = {e.person_ref for e in events if e.person_ref}
    persons = {str(p.uuid): p for p in Person.objects.filter(uuid__in=[r for r in refs if _is_uuid(r)])}
    added: list[BreachRecord] = []
    for event in events:
        if event.seq in already:
            continue
        added.append(
            BreachRecord.objects.create(
                breach=breach,
                audit_seq=event.seq,
                event_at=event.at,
                actor_username=event.actor_username,
                action=event.action,
                object_type=event.object_type,
                object_ref=event.object_ref,
                person=persons.get(event.person_ref),
                added_by=user,
            )
        )
    if added:
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.BREACH,
            object_ref=breach.uuid,
            detail={"records_added": [r.audit_seq for r in added]},
        )
    return added


@write_action
def breach_remove_record(*, actor: Actor, item: BreachRecord) -> None:
    _require_officer(actor, ObjectType.BREACH, item.breach.uuid)
    _require_open(item.breach)
    seq = item.audit_seq
    item.delete()
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.BREACH,
        object_ref=item.breach.uuid,
        detail={"records_removed": [seq]},
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
