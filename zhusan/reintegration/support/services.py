"""Every write of livelihood, housing, referrals and transfers: keyword-only,
typed, atomic, audited (``write_action`` + ``record``).

A referral or a transfer shares a person's data with another agency: it
checks the person's consent for sharing with that kind of agency
(``registry.services.consent_allows``; a child's consent is the one the
parent or guardian gave, as recorded). Without it, it is refused with the
reason, unless a user holding ``Capability.OVERRIDE_CONSENT`` records why;
the override is marked in the audit trail and listed for supervisors.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import Organisation, OrganisationKind, Unit
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import Action
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.registry import services as registry_services
from zhusan.registry.access import access_for, require_write
from zhusan.registry.extensions import SharingPurpose, check_sharing
from zhusan.registry.models import ConsentPurpose, Person

from .models import (
    CONTACT_COMPARTMENT,
    SUPPORT_COMPARTMENT,
    CaseTransfer,
    ContractKind,
    Employment,
    Housing,
    HousingKind,
    IncomeSupport,
    IncomeSupportKind,
    Referral,
    ReferralKind,
    ReferralStatus,
    TransferStatus,
    VocationalCourse,
)
from .selectors import may_answer_referral, may_answer_transfer

# How long a receiving agency has to answer a referral or a transfer.
RESPONSE_WORKING_DAYS = 10

# Government bodies: sharing with them is sharing with social services.
GOVERNMENT_KINDS = frozenset(
    {
        OrganisationKind.MINISTRY,
        OrganisationKind.SOCIAL_SERVICES,
        OrganisationKind.REHABILITATION_CENTRE,
        OrganisationKind.CONSULATE,
        OrganisationKind.HEALTH,
        OrganisationKind.EDUCATION,
    }
)


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def consent_purpose_for(kind: str, organisation: Organisation | None) -> ConsentPurpose:
    """The consent a referral of ``kind`` to ``organisation`` needs.

    Health and education have their own; security services need consent to
    share with law enforcement; the others depend on who receives: a
    government body is social services, anyone else (an NGO, a UN agency, a
    service named in free text) an NGO."""
    if kind == ReferralKind.HEALTH:
        return ConsentPurpose.SHARE_HEALTH
    if kind == ReferralKind.EDUCATION:
        return ConsentPurpose.SHARE_EDUCATION
    if kind == ReferralKind.SECURITY:
        return ConsentPurpose.SHARE_LAW_ENFORCEMENT
    if organisation is not None and organisation.kind in GOVERNMENT_KINDS:
        return ConsentPurpose.SHARE_SOCIAL
    return ConsentPurpose.SHARE_NGO


def compartment_for(kind: str) -> Compartment:
    return Compartment.JUSTICE_SECURITY if kind == ReferralKind.SECURITY else SUPPORT_COMPARTMENT


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise Denied(_("An authenticated user is required."), actor=actor, why="no user")
    return actor.user


def _dates(errors: dict[str, str], person: Person, started_on: date | None, ended_on: date | None) -> None:
    today = timezone.localdate()
    if started_on is None:
        errors["started_on"] = _("Give the start date.")
        return
    if started_on > today:
        errors["started_on"] = _("The start date cannot be in the future.")
    elif person.birth_date_high and started_on < person.birth_date_high:
        errors["started_on"] = _("The start date is before the person was born.")
    if ended_on is not None and ended_on < started_on:
        errors["ended_on"] = _("The end date is before the start date.")


def _create(
    actor: Actor, person: Person, model: type[Any], values: dict[str, Any], *, contact: tuple[str, ...] = ()
) -> Any:
    """Check the writer's rights (the contact fields need the contact
    compartment too), write the row and its audit event."""
    require_write(actor, person, SUPPORT_COMPARTMENT)
    if any(values.get(name) for name in contact):
        require_write(actor, person, CONTACT_COMPARTMENT)
    obj = model.objects.create(person=person, recorded_by=_user(actor), **values)
    record(
        actor,
        Action.CREATE,
        object_type=model.audit_type,
        object_ref=obj.uuid,
        person_ref=person.uuid,
        # Addresses and employers are not written in clear into the trail.
        changes=diff({}, values, sensitive=contact),
    )
    return obj


# --- Livelihood and housing -------------------------------------------------------


@write_action
def course_add(
    *,
    actor: Actor,
    person: Person,
    provider: str,
    course: str,
    started_on: date,
    ended_on: date | None = None,
    completed: bool = False,
) -> VocationalCourse:
    errors: dict[str, str] = {}
    if not provider.strip():
        errors["provider"] = _("Name the provider.")
    if not course.strip():
        errors["course"] = _("Name the course.")
    _dates(errors, person, started_on, ended_on)
    if completed and ended_on is None:
        errors["ended_on"] = _("A completed course has an end date.")
    if errors:
        raise ValidationError(errors)
    values = {
        "provider": provider.strip(),
        "course": course.strip(),
        "started_on": started_on,
        "ended_on": ended_on,
        "completed": completed,
    }
    result: VocationalCourse = _create(actor, person, VocationalCourse, values)
    return result


@write_action
def employment_add(
    *,
    actor: Actor,
    person: Person,
    employer_name: str,
    sector: str,
    contract_kind: str,
    started_on: date,
    ended_on: date | None = None,
    employer_contact: str = "",
) -> Employment:
    errors: dict[str, str] = {}
    if not employer_name.strip():
        errors["employer_name"] = _("Name the employer.")
    if not sector.strip():
        errors["sector"] = _("Give the sector.")
    if contract_kind not in ContractKind.values:
        errors["contract_kind"] = _("Choose the kind of contract.")
    _dates(errors, person, started_on, ended_on)
    if errors:
        raise ValidationError(errors)
    values = {
        "employer_name": employer_name.strip(),
        "employer_contact": employer_contact.strip(),
        "sector": sector.strip(),
        "contract_kind": contract_kind,
        "started_on": started_on,
        "ended_on": ended_on,
    }
    result: Employment = _create(actor, person, Employment, values, contact=("employer_name", "employer_contact"))
    return result


@write_action
def employment_end(*, actor: Actor, employment: Employment, ended_on: date) -> Employment:
    require_write(actor, employment.person, SUPPORT_COMPARTMENT)
    if ended_on < employment.started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    before = employment.ended_on
    employment.ended_on = ended_on
    employment.save(update_fields=["ended_on", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=Employment.audit_type,
        object_ref=employment.uuid,
        person_ref=employment.person.uuid,
        changes=diff({"ended_on": before}, {"ended_on": ended_on}),
    )
    return employment


@write_action
def income_support_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    amount: Decimal | None = None,
) -> IncomeSupport:
    errors: dict[str, str] = {}
    if kind not in IncomeSupportKind.values:
        errors["kind"] = _("Choose the kind of support.")
    if amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    _dates(errors, person, started_on, ended_on)
    if errors:
        raise ValidationError(errors)
    values = {"kind": kind, "amount": amount, "started_on": started_on, "ended_on": ended_on}
    result: IncomeSupport = _create(actor, person, IncomeSupport, values)
    return result


@write_action
def housing_record(*, actor: Actor, person: Person, kind: str, started_on: date, address: str = "") -> Housing:
    """Record the person's housing from ``started_on``; the current situation
    (if any) ends that day."""
    errors: dict[str, str] = {}
    if kind not in HousingKind.values:
        errors["kind"] = _("Choose the kind of housing.")
    _dates(errors, person, started_on, None)
    current = Housing.objects.filter(person=person, ended_on__isnull=True).order_by("-started_on").first()
    if current is not None and started_on is not None and started_on < current.started_on:
        errors["started_on"] = _("The person's current housing started on %(d)s: a change starts on or after it.") % {
            "d": current.started_on.isoformat()
        }
    if kind == HousingKind.HOMELESS and address.strip():
        errors["address"] = _("A homeless person has no address to record.")
    if errors:
        raise ValidationError(errors)
    values = {"kind": kind, "address": address.strip(), "started_on": started_on}
    housing: Housing = _create(actor, person, Housing, values, contact=("address",))
    if current is not None:
        current.ended_on = started_on
        current.save(update_fields=["ended_on", "updated_at"])
        record(
            actor,
            Action.UPDATE,
            object_type=Housing.audit_type,
            object_ref=current.uuid,
            person_ref=person.uuid,
            changes=diff({"ended_on": None}, {"ended_on": started_on}),
        )
    return housing


# --- Consent for sharing --------------------------------------------------------------


def _consent_gate(actor: Actor, person: Person, purpose: ConsentPurpose, override_reason: str) -> tuple[bool, str]:
    """(consent on file, override reason kept): refused with the reason when
    there is no consent and no permitted override."""
    if registry_services.consent_allows(person, purpose):
        return True, ""
    if not override_reason.strip():
        who = _("the parent or guardian") if person.is_child() else _("the person")
        raise ValidationError(
            {
                "override_reason": _(
                    "No consent on file from %(who)s for %(purpose)s: record the consent first%(or_override)s."
                )
                % {
                    "who": who,
                    "purpose": purpose.label.lower(),
                    "or_override": _(", or have a user allowed to override record why it must go without it")
                    if not has_capability(_user(actor), Capability.OVERRIDE_CONSENT)
                    else _(", or record why it must go without it"),
                }
            }
        )
    if not has_capability(_user(actor), Capability.OVERRIDE_CONSENT):
        raise Denied(
            _("Only a user allowed to override consent may send this without the person's consent."),
            actor=actor,
            object_type=Referral.audit_type,
            person_ref=person.uuid,
            why="no override_consent",
        )
    return False, override_reason.strip()


# --- Referrals ---------------------------------------------------------------------------


def _require_referrer(actor: Actor, person: Person, compartment: Compartment) -> None:
    """Who writes the referral's compartment of the person refers; so does a
    user allowed to override consent who reads it in their own scope (a
    programme manager deciding a referral the case worker could not send)."""
    access = access_for(_user(actor), person)
    if (
        has_capability(_user(actor), Capability.OVERRIDE_CONSENT)
        and access.can_read(compartment)
        and not access.via_break_glass
        and person.merged_into_id is None
    ):
        return
    require_write(actor, person, compartment)


def _sharing_gate(
    actor: Actor, person: Person, organisation: Organisation | None, purpose: str, consent_ok: bool, *, field: str
) -> None:
    """The registry's sharing gate (a sharing agreement in force with the
    receiving organisation), asked before anything is written. A service named
    in free text is outside the system and has no agreement: a referral to it
    goes only with the person's own consent on file, never on an override."""
    if organisation is not None:
        try:
            check_sharing(actor=actor, organisation=organisation, purpose=purpose, persons=[person])
        except ValidationError as exc:  # shown beside the receiving organisation's field
            raise ValidationError({field: exc.messages}) from exc
    elif not consent_ok:
        raise ValidationError(
            {
                "service": _(
                    "A service outside the system has no sharing agreement: refer the person to it only with "
                    "their consent on file (an override is not enough), or choose a partner organisation."
                )
            }
        )


@write_action
def referral_send(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    reason: str,
    organisation: Organisation | None = None,
    service: str = "",
    override_reason: str = "",
    sent_on: date | None = None,
) -> Referral:
    """Refer ``person`` to ``organisation`` (or a ``service`` named in free
    text). Refused without consent for that kind of agency unless the actor
    may override and says why; the override is marked in the trail."""
    user = _user(actor)
    errors: dict[str, str] = {}
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Choose the kind of referral.")})
    compartment = compartment_for(kind)
    _require_referrer(actor, person, compartment)
    if organisation is None and not service.strip():
        errors["organisation"] = _("Choose the receiving organisation, or name the service.")
    if organisation is not None and service.strip():
        errors["service"] = _("Choose an organisation or name a service, not both.")
    if not reason.strip():
        errors["reason"] = _("Say why the person is referred.")
    today = timezone.localdate()
    sent = sent_on or today
    if sent > today:
        errors["sent_on"] = _("The referral date cannot be in the future.")
    if kind == ReferralKind.SECURITY and not person.definitely_at_least(settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY):
        errors["kind"] = _("A person below the age of criminal responsibility is not referred to security services.")
    if errors:
        raise ValidationError(errors)
    purpose = consent_purpose_for(kind, organisation)
    consent_ok, override = _consent_gate(actor, person, purpose, override_reason)
    _sharing_gate(actor, person, organisation, SharingPurpose.REFERRAL, consent_ok, field="organisation")
    referral = Referral.objects.create(
        person=person,
        kind=kind,
        compartment=compartment.value,
        organisation=organisation,
        service=service.strip(),
        reason=reason.strip(),
        consent_purpose=purpose.value,
        consent_on_file=consent_ok,
        override_reason=override,
        sent_by=user,
        sent_on=sent,
        due_on=add_working_days(sent, RESPONSE_WORKING_DAYS),
    )
    record(
        actor,
        Action.CREATE,
        object_type=Referral.audit_type,
        object_ref=referral.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "kind": kind,
                "organisation": organisation,
                "service": referral.service,
                "reason": referral.reason,
                "consent_purpose": purpose.value,
                "consent_on_file": consent_ok,
                "override_reason": override,
                "due_on": referral.due_on,
            },
            sensitive=("reason", "override_reason"),
        ),
        detail={"consent_override": True, "purpose": purpose.value} if override else {"purpose": purpose.value},
    )
    return referral


def _answer_day(after: date, answered_on: date | None) -> date:
    """The day an answer was given (today unless recorded later): not before
    ``after``, not in the future."""
    today = timezone.localdate()
    day = answered_on or today
    if day > today:
        raise ValidationError({"answered_on": _("The answer's date cannot be in the future.")})
    if day < after:
        raise ValidationError({"answered_on": _("The answer's date is before the referral or its acceptance.")})
    return day


def _require_answer(actor: Actor, referral: Referral) -> None:
    if not may_answer_referral(_user(actor), referral):
        raise Denied(
            _("Only the receiving organisation answers this referral."),
            actor=actor,
            object_type=Referral.audit_type,
            object_ref=referral.uuid,
            person_ref=referral.person.uuid,
            why="not the receiving organisation",
        )


def _answer(
    actor: Actor, referral: Referral, expected_version: int, values: dict[str, Any], sensitive: tuple[str, ...]
) -> Referral:
    before = {name: getattr(referral, name) for name in values}
    for name, value in values.items():
        setattr(referral, name, value)
    save_versioned(referral, expected_version=expected_version, fields=list(values))
    record(
        actor,
        Action.UPDATE,
        object_type=Referral.audit_type,
        object_ref=referral.uuid,
        person_ref=referral.person.uuid,
        changes=diff(before, values, sensitive=sensitive),
    )
    return referral


@write_action
def referral_accept(
    *, actor: Actor, referral: Referral, expected_version: int, answered_on: date | None = None
) -> Referral:
    _require_answer(actor, referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError({"status": _("Only a referral waiting for an answer can be accepted.")})
    values = {
        "status": ReferralStatus.ACCEPTED.value,
        "responded_by": _user(actor),
        "responded_on": _answer_day(referral.sent_on, answered_on),
    }
    return _answer(actor, referral, expected_version, values, ())


@write_action
def referral_decline(
    *, actor: Actor, referral: Referral, reason: str, expected_version: int, answered_on: date | None = None
) -> Referral:
    _require_answer(actor, referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError({"status": _("Only a referral waiting for an answer can be declined.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    values = {
        "status": ReferralStatus.DECLINED.value,
        "responded_by": _user(actor),
        "responded_on": _answer_day(referral.sent_on, answered_on),
        "decline_reason": reason.strip(),
    }
    return _answer(actor, referral, expected_version, values, ("decline_reason",))


@write_action
def referral_complete(
    *, actor: Actor, referral: Referral, feedback: str, expected_version: int, answered_on: date | None = None
) -> Referral:
    _require_answer(actor, referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError({"status": _("Only an accepted referral can be completed.")})
    if not feedback.strip():
        raise ValidationError({"feedback": _("Write the feedback for the referring worker.")})
    values = {
        "status": ReferralStatus.COMPLETED.value,
        "completed_on": _answer_day(referral.responded_on or referral.sent_on, answered_on),
        "feedback": feedback.strip(),
    }
    return _answer(actor, referral, expected_version, values, ("feedback",))


@write_action
def override_review(*, actor: Actor, item: Referral | CaseTransfer) -> Referral | CaseTransfer:
    """A supervisor marks a consent override as reviewed."""
    user = _user(actor)
    if not has_capability(user, Capability.SUPERVISE):
        raise Denied(
            _("Only a supervisor reviews consent overrides."),
            actor=actor,
            object_type=item.audit_type,
            object_ref=item.uuid,
            person_ref=item.person.uuid,
            why="no supervise",
        )
    if item.consent_on_file:
        raise ValidationError({"item": _("This was sent with the person's consent: there is no override to review.")})
    if item.override_reviewed_at is not None:
        return item
    item.override_reviewed_by = user
    item.override_reviewed_at = timezone.now()
    item.save(update_fields=["override_reviewed_by", "override_reviewed_at", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=item.audit_type,
        object_ref=item.uuid,
        person_ref=item.person.uuid,
        changes=diff({"override_reviewed": False}, {"override_reviewed": True}),
    )
    return item


# --- Transfers ----------------------------------------------------------------------


@write_action
def transfer_request(
    *,
    actor: Actor,
    person: Person,
    to_unit: Unit,
    reason: str,
    override_reason: str = "",
    requested_on: date | None = None,
) -> CaseTransfer:
    """Ask another organisation's unit to take over the case."""
    user = _user(actor)
    _require_referrer(actor, person, Compartment.IDENTITY)
    errors: dict[str, str] = {}
    if to_unit.organisation_id == person.managing_unit.organisation_id:
        errors["to_unit"] = _("A transfer goes to another organisation; within one, change the managing unit.")
    if not reason.strip():
        errors["reason"] = _("Say why the case is transferred.")
    if CaseTransfer.objects.filter(
        person=person, status__in=[TransferStatus.REQUESTED, TransferStatus.ACCEPTED]
    ).exists():
        errors["to_unit"] = _("A transfer of this case is already under way.")
    if errors:
        raise ValidationError(errors)
    purpose = consent_purpose_for(ReferralKind.LIVELIHOOD, to_unit.organisation)
    consent_ok, override = _consent_gate(actor, person, purpose, override_reason)
    _sharing_gate(actor, person, to_unit.organisation, SharingPurpose.TRANSFER, consent_ok, field="to_unit")
    today = requested_on or timezone.localdate()
    if today > timezone.localdate():
        raise ValidationError({"requested_on": _("The request's date cannot be in the future.")})
    transfer = CaseTransfer.objects.create(
        person=person,
        from_unit=person.managing_unit,
        to_unit=to_unit,
        reason=reason.strip(),
        consent_purpose=purpose.value,
        consent_on_file=consent_ok,
        override_reason=override,
        requested_by=user,
        requested_on=today,
        due_on=add_working_days(today, RESPONSE_WORKING_DAYS),
    )
    record(
        actor,
        Action.CREATE,
        object_type=CaseTransfer.audit_type,
        object_ref=transfer.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {"to_unit": str(to_unit), "reason": transfer.reason, "override_reason": override},
            sensitive=("reason", "override_reason"),
        ),
        detail={"consent_override": True, "purpose": purpose.value} if override else {"purpose": purpose.value},
    )
    return transfer


def _require_transfer_answer(actor: Actor, transfer: CaseTransfer) -> None:
    if not may_answer_transfer(_user(actor), transfer):
        raise Denied(
            _("Only the receiving organisation answers this transfer."),
            actor=actor,
            object_type=CaseTransfer.audit_type,
            object_ref=transfer.uuid,
            person_ref=transfer.person.uuid,
            why="not the receiving organisation",
        )


@write_action
def transfer_answer(
    *,
    actor: Actor,
    transfer: CaseTransfer,
    accept: bool,
    expected_version: int,
    reason: str = "",
    answered_on: date | None = None,
) -> CaseTransfer:
    _require_transfer_answer(actor, transfer)
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationError({"status": _("This transfer has already been answered.")})
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is declined.")})
    before = {"status": transfer.status}
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.responded_by = _user(actor)
    transfer.responded_on = _answer_day(transfer.requested_on, answered_on)
    transfer.decline_reason = "" if accept else reason.strip()
    save_versioned(
        transfer,
        expected_version=expected_version,
        fields=["status", "responded_by", "responded_on", "decline_reason"],
    )
    record(
        actor,
        Action.UPDATE,
        object_type=CaseTransfer.audit_type,
        object_ref=transfer.uuid,
        person_ref=transfer.person.uuid,
        changes=diff(
            {**before, "decline_reason": ""},
            {"status": transfer.status, "decline_reason": transfer.decline_reason},
            sensitive=("decline_reason",),
        ),
    )
    return transfer


@write_action
def transfer_hand_over(
    *, actor: Actor, transfer: CaseTransfer, expected_version: int, on: date | None = None
) -> CaseTransfer:
    """After the receiving organisation accepted: the case moves to its unit
    (``registry.services.managing_unit_change``, by a user who may change the
    person's record)."""
    if transfer.status != TransferStatus.ACCEPTED:
        raise ValidationError({"status": _("Only an accepted transfer can be handed over.")})
    person = Person.objects.get(pk=transfer.person_id)
    registry_services.managing_unit_change(
        actor=actor,
        person=person,
        unit=transfer.to_unit,
        reason=_("Transfer of case responsibility accepted by %(org)s") % {"org": transfer.to_unit.organisation.name},
        expected_version=person.version,
    )
    transfer.status = TransferStatus.COMPLETED
    transfer.handed_over_on = _answer_day(transfer.responded_on or transfer.requested_on, on)
    save_versioned(transfer, expected_version=expected_version, fields=["status", "handed_over_on"])
    record(
        actor,
        Action.UPDATE,
        object_type=CaseTransfer.audit_type,
        object_ref=transfer.uuid,
        person_ref=person.uuid,
        changes=diff({"status": TransferStatus.ACCEPTED.value}, {"status": TransferStatus.COMPLETED.value}),
    )
    return transfer
