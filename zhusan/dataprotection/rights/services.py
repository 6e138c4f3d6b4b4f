"""Every write about a data-subject request: keyword-only, atomic, audited.

Case staff who may write the person register a request and record the
identity check; the data-protection officer (``MANAGE_DATA_PROTECTION``)
extends the deadline once, decides, and records the answer. No decision
before the identity check; a decision that withholds anything names what and
on which legal ground. A granted copy request queues the copy (``copies``);
a granted restriction sets the restriction of use; a granted erasure is
handed to the retention part (``zhusan.dataprotection.services.request_erasure``),
which files it for the officer's approval and refuses under a legal hold.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.dataprotection.services import request_erasure
from zhusan.registry import access
from zhusan.registry.models import Person

from .models import (
    Decision,
    IdentityMethod,
    LegalGround,
    RequesterKind,
    RequestKind,
    RequestLanguage,
    RequestStatus,
    SubjectRequest,
)

# Case staff who write the core case (identity) register requests and check identities.
CASE_COMPARTMENT = Compartment.IDENTITY

SENSITIVE = ("details", "decision_reason", "withheld", "corrections")


def request_days(kind: str) -> int:
    """The legal deadline in days for ``kind`` (``ZHUSAN_SUBJECT_REQUEST_DAYS``:
    one number for every kind, or a mapping kind → days; default 30)."""
    value: Any = getattr(settings, "ZHUSAN_SUBJECT_REQUEST_DAYS", 30)
    if isinstance(value, dict):
        return int(value.get(kind) or value.get("default") or 30)
    return int(value)


def extension_days() -> int:
    return int(getattr(settings, "ZHUSAN_SUBJECT_REQUEST_EXTENSION_DAYS", 30))


def copy_compartments_allowed() -> frozenset[Compartment]:
    """The compartments a copy may hold: every non-severe one, and the severe
    ones the law allows (``ZHUSAN_SUBJECT_COPY_SEVERE``: compartment → bool;
    default health, psychosocial and religious yes, justice and security no)."""
    default = {"health": True, "psychosocial": True, "religious": True, "justice_security": False}
    allowed: dict[str, bool] = {**default, **getattr(settings, "ZHUSAN_SUBJECT_COPY_SEVERE", {})}
    return frozenset(c for c in Compartment if c not in SEVERE_COMPARTMENTS or allowed.get(c.value, False))


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise Denied(_("An authenticated user is required."), actor=actor, why="no user")
    return actor.user


def is_officer(user: Any) -> bool:
    return bool(user is not None and has_capability(user, Capability.MANAGE_DATA_PROTECTION))


def require_officer(actor: Actor, request: SubjectRequest | None = None, what: str = "decide") -> Any:
    user = _user(actor)
    if not is_officer(user):
        raise Denied(
            _("Only the data-protection officer may do this."),
            actor=actor,
            object_type=ObjectType.SUBJECT_REQUEST,
            object_ref=request.uuid if request else "",
            person_ref=request.person.uuid if request else "",
            why=f"not the data-protection officer ({what})",
        )
    return user


def require_officer_or_case_staff(actor: Actor, request: SubjectRequest) -> Any:
    """The officer, or case staff who may write the person (the access path)."""
    user = _user(actor)
    if is_officer(user):
        return user
    access.require_write(actor, request.person, CASE_COMPARTMENT)
    return user


def _audit(
    actor: Actor, action: Action, request: SubjectRequest, changes: dict[str, Any] | None = None, **detail: Any
) -> None:
    record(
        actor,
        action,
        object_type=ObjectType.SUBJECT_REQUEST,
        object_ref=request.uuid,
        person_ref=request.person.uuid,
        changes=changes,
        detail=detail or None,
    )


@write_action
def subject_request_register(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    requester_kind: str,
    received_on: date,
    language: str = RequestLanguage.RUSSIAN,
    requester_name: str = "",
    requester_relation: str = "",
    details: str = "",
) -> SubjectRequest:
    """Register a request; its deadline follows from its kind and the day it was received."""
    user = _user(actor)
    access.require_write(actor, person, CASE_COMPARTMENT)
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose the kind of request.")
    if requester_kind not in RequesterKind.values:
        errors["requester_kind"] = _("Choose who asks.")
    elif requester_kind != RequesterKind.PERSON:
        if not requester_name.strip():
            errors["requester_name"] = _("Give the name of the person asking on their behalf.")
        if not requester_relation.strip():
            errors["requester_relation"] = _("Say how the person asking is related to them (e.g. mother, lawyer).")
    if language not in RequestLanguage.values:
        errors["language"] = _("Choose the language of the answer.")
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("The day received cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    req = SubjectRequest.objects.create(
        person=person,
        kind=kind,
        requester_kind=requester_kind,
        requester_name=requester_name.strip() if requester_kind != RequesterKind.PERSON else "",
        requester_relation=requester_relation.strip() if requester_kind != RequesterKind.PERSON else "",
        language=language,
        details=details.strip(),
        received_on=received_on,
        due_on=received_on + timedelta(days=request_days(kind)),
        registered_by=user,
    )
    values = {
        "kind": kind,
        "requester_kind": requester_kind,
        "language": language,
        "received_on": received_on.isoformat(),
        "due_on": req.due_on.isoformat(),
        "details": req.details,
    }
    _audit(actor, Action.CREATE, req, diff({}, values, sensitive=SENSITIVE))
    return req


@write_action
def subject_request_extend(
    *, actor: Actor, request: SubjectRequest, reason: str, expected_version: int
) -> SubjectRequest:
    """Extend the deadline once, with a reason (the officer)."""
    require_officer(actor, request, "extend")
    if request.extended:
        raise ValidationError({"reason": _("The deadline was already extended once; it cannot be extended again.")})
    if not request.is_open:
        raise ValidationError({"reason": _("This request is answered.")})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Explain why more time is needed (at least 10 characters).")})
    before = {"due_on": request.due_on.isoformat()}
    request.due_on = request.due_on + timedelta(days=extension_days())
    request.extension_reason = reason.strip()
    save_versioned(request, expected_version=expected_version, fields=["due_on", "extension_reason"])
    _audit(
        actor, Action.UPDATE, request, diff(before, {"due_on": request.due_on.isoformat()}), extension=reason.strip()
    )
    return request


@write_action
def subject_request_check_identity(
    *,
    actor: Actor,
    request: SubjectRequest,
    method: str,
    document: str,
    checked_on: date,
    expected_version: int,
) -> SubjectRequest:
    """Record how the requester's identity (and, for a guardian or
    representative, their authority) was checked."""
    user = require_officer_or_case_staff(actor, request)
    errors: dict[str, str] = {}
    if method not in IdentityMethod.values:
        errors["method"] = _("Choose how the identity was checked.")
    if len(document.strip()) < 3:
        errors["document"] = _("Name the document seen (kind and number).")
    if checked_on > timezone.localdate():
        errors["checked_on"] = _("The day of the check cannot be in the future.")
    elif checked_on < request.received_on:
        errors["checked_on"] = _("The check cannot come before the request was received.")
    if request.decision:
        errors["method"] = _("This request is already decided.")
    if errors:
        raise ValidationError(errors)
    request.identity_method = method
    request.identity_document = document.strip()
    request.identity_checked_by = user
    request.identity_checked_on = checked_on
    request.status = RequestStatus.IDENTITY_CHECKED
    fields = ["identity_method", "identity_document", "identity_checked_by", "identity_checked_on", "status"]
    save_versioned(request, expected_version=expected_version, fields=fields)
    _audit(
        actor,
        Action.UPDATE,
        request,
        diff({}, {"identity_method": method, "identity_checked_on": checked_on.isoformat()}),
    )
    return request


@write_action
def subject_request_decide(
    *,
    actor: Actor,
    request: SubjectRequest,
    decision: str,
    reason: str,
    expected_version: int,
    withheld: str = "",
    withheld_compartments: list[str] | None = None,
    legal_ground: str = "",
    corrections: str = "",
) -> SubjectRequest:
    """The officer's decision. Refused before the identity check. A granted
    copy is queued; a granted restriction takes effect; a granted erasure is
    filed with the retention part (refused under a legal hold)."""
    user = require_officer(actor, request)
    if request.identity_checked_on is None:
        raise ValidationError(
            {"decision": _("Check the requester's identity before deciding: no decision can be recorded without it.")}
        )
    withheld_compartments = list(withheld_compartments or [])
    errors: dict[str, str] = {}
    if request.decision:
        errors["decision"] = _("This request is already decided.")
    elif decision not in Decision.values:
        errors["decision"] = _("Choose the decision.")
    if len(reason.strip()) < 10:
        errors["reason"] = _("Give the reason for the decision (at least 10 characters).")
    if decision in (Decision.PARTLY, Decision.REFUSED):
        if not withheld.strip():
            errors["withheld"] = _("Say what is withheld or refused.")
        if legal_ground not in LegalGround.values or not legal_ground:
            errors["legal_ground"] = _("Name the legal ground for withholding.")
    elif legal_ground and legal_ground not in LegalGround.values:
        errors["legal_ground"] = _("Choose a legal ground from the list.")
    bad = [c for c in withheld_compartments if c not in Compartment.values]
    if bad:
        errors["withheld_compartments"] = _("Unknown compartment: %(c)s.") % {"c": ", ".join(bad)}
    if decision != Decision.REFUSED and request.kind == RequestKind.CORRECTION and not corrections.strip():
        errors["corrections"] = _("List what is to be corrected.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    request.decision = decision
    request.decision_reason = reason.strip()
    request.withheld = withheld.strip()
    request.withheld_compartments = sorted(set(withheld_compartments))
    request.legal_ground = legal_ground
    request.corrections = corrections.strip()
    request.decided_by = user
    request.decided_on = today
    request.status = RequestStatus.DECIDED
    granted = decision != Decision.REFUSED
    if granted and request.kind == RequestKind.RESTRICTION:
        request.restricted_from = today
    if granted and request.kind == RequestKind.ERASURE:
        request.erasure_outcome = _hand_over_erasure(actor, request)
    fields = [
        "decision",
        "decision_reason",
        "withheld",
        "withheld_compartments",
        "legal_ground",
        "corrections",
        "decided_by",
        "decided_on",
        "status",
        "restricted_from",
        "erasure_outcome",
    ]
    save_versioned(request, expected_version=expected_version, fields=fields)
    values = {
        "decision": decision,
        "decision_reason": request.decision_reason,
        "withheld": request.withheld,
        "withheld_compartments": request.withheld_compartments,
        "legal_ground": legal_ground,
        "corrections": request.corrections,
    }
    _audit(actor, Action.UPDATE, request, diff({}, values, sensitive=SENSITIVE))
    if granted and request.kind == RequestKind.COPY:
        from .copies import subject_copy_request

        subject_copy_request(actor=actor, request=request)
    return request


def _hand_over_erasure(actor: Actor, request: SubjectRequest) -> str:
    """File the whole-person erasure with the retention part; its refusal
    (a legal hold) is a ``ValidationError`` that undoes the decision."""
    try:
        result = request_erasure(
            actor=actor,
            person=request.person,
            reason=_("Data-subject request of %(day)s") % {"day": request.received_on.isoformat()},
            source_ref=str(request.uuid),
        )
    except ValidationError as exc:
        raise ValidationError({"decision": exc.messages}) from exc
    return _("Filed for approval in the retention batch listed on %(day)s.") % {
        "day": result.batch.listed_on.isoformat()
    }


@write_action
def subject_request_record_correction(
    *, actor: Actor, request: SubjectRequest, note: str, expected_version: int
) -> SubjectRequest:
    """Record that the correction was made (through the registry's own edit)."""
    require_officer_or_case_staff(actor, request)
    if request.kind != RequestKind.CORRECTION or request.decision not in (Decision.GRANTED, Decision.PARTLY):
        raise ValidationError({"note": _("Only a granted correction request records a correction.")})
    if len(note.strip()) < 5:
        raise ValidationError({"note": _("Say what was corrected.")})
    request.corrected_on = timezone.localdate()
    request.correction_note = note.strip()
    save_versioned(request, expected_version=expected_version, fields=["corrected_on", "correction_note"])
    _audit(actor, Action.UPDATE, request, diff({}, {"corrected_on": request.corrected_on.isoformat()}))
    return request


@write_action
def subject_request_answer(
    *, actor: Actor, request: SubjectRequest, answered_on: date, method: str, expected_version: int
) -> SubjectRequest:
    """Record the answer given to the requester: the request's clock stops."""
    require_officer_or_case_staff(actor, request)
    errors: dict[str, str] = {}
    if not request.decision:
        errors["answered_on"] = _("Decide the request before answering it.")
    elif request.status == RequestStatus.ANSWERED:
        errors["answered_on"] = _("This request is already answered.")
    if answered_on > timezone.localdate():
        errors["answered_on"] = _("The day of the answer cannot be in the future.")
    elif request.decided_on and answered_on < request.decided_on:
        errors["answered_on"] = _("The answer cannot come before the decision.")
    if method not in ("in_person", "post", "secure_email"):
        errors["method"] = _("Choose how the answer was delivered.")
    if errors:
        raise ValidationError(errors)
    request.answered_on = answered_on
    request.answer_method = method
    request.status = RequestStatus.ANSWERED
    save_versioned(request, expected_version=expected_version, fields=["answered_on", "answer_method", "status"])
    _audit(actor, Action.UPDATE, request, diff({}, {"answered_on": answered_on.isoformat(), "answer_method": method}))
    return request
