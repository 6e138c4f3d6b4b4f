"""Writes of follow-up, incidents, security follow-up, closure and reopening.

Keyword-only actions, each atomic (``write_action``) and audited in the same
transaction. Bad input raises ``ValidationError`` with a message per field and
writes nothing; a missing right raises ``Denied`` (audited). The lifecycle
stage moves only through ``registry.services.stage_change``.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.registry import access
from zhusan.registry import services as registry
from zhusan.registry.models import TRANSITIONS, BestInterestsPurpose, Person, RecordType, Stage, TimelineEntry

from .compartments import FOLLOW_UP, INCIDENTS, SECURITY
from .models import (
    ATTEMPT_ONLY,
    CaseClosure,
    ClosureReason,
    ClosureStatus,
    ContactStatus,
    FollowUpContact,
    FollowUpPlan,
    FollowUpTemplate,
    FollowUpVisit,
    Incident,
    IncidentAction,
    IncidentKind,
    IncidentStatus,
    SecurityContact,
    SecurityContactKind,
    StartBasis,
    VisitKind,
    VisitOutcome,
)

if TYPE_CHECKING:
    from zhusan.accounts.models import User

# A contact made up to this many days after its due date is "on time".
ON_TIME_DAYS = 14
# A visit logged without naming its contact ticks off the earliest open one due
# up to this many days after the visit (a visit a little early still counts).
EARLY_DAYS = 30
# A closure's best-interests assessment must be this recent.
BEST_INTERESTS_VALID_DAYS = 180


# --- Dates ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def schedule(template: FollowUpTemplate, start_on: date) -> list[date]:
    """The due dates a template gives from ``start_on``: each phase adds a
    contact every ``every_months`` until ``until_months`` after the start."""
    months = 0
    out: list[date] = []
    for phase in template.phases.order_by("until_months", "pk"):
        while months + phase.every_months <= phase.until_months:
            months += phase.every_months
            out.append(add_months(start_on, months))
    return out


def arrival_on(person: Person) -> date | None:
    """The day of the person's arrival: their first 'repatriated' timeline entry."""
    at = TimelineEntry.objects.filter(person=person, to_stage=Stage.REPATRIATED).aggregate(first=Min("at"))["first"]
    return timezone.localtime(at).date() if at is not None else None


def discharge_on(person: Person) -> date | None:
    """The day of the person's latest discharge from a rehabilitation centre."""
    from zhusan.rehabilitation.selectors import latest_discharge

    admission = latest_discharge(person)
    return admission.discharged_on if admission is not None else None


def plan_start(person: Person) -> tuple[date, StartBasis]:
    """Where a plan starts: the discharge, else the arrival, else today."""
    discharged = discharge_on(person)
    if discharged is not None:
        return discharged, StartBasis.DISCHARGE
    arrived = arrival_on(person)
    if arrived is not None:
        return arrived, StartBasis.ARRIVAL
    return timezone.localdate(), StartBasis.TODAY


def _not_before_arrival(person: Person, day: date | None, field: str, errors: dict[str, str]) -> None:
    """The date rule every follow-up record obeys: never in the future, never before arrival."""
    if day is None:
        errors[field] = _("Give the date.")
        return
    if day > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
        return
    arrived = arrival_on(person)
    if arrived is not None and day < arrived:
        errors[field] = _("A follow-up cannot be dated before the person's arrival (%(day)s).") % {"day": arrived}


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def _require_subject(person: Person) -> None:
    if person.record_type != RecordType.SUBJECT:
        raise ValidationError({"person": _("Follow-up is for persons in the programme, not relatives at home.")})


def default_template() -> FollowUpTemplate:
    found = FollowUpTemplate.objects.filter(is_default=True).first() or FollowUpTemplate.objects.first()
    if found is None:
        raise ValidationError({"template": _("No follow-up template is configured: ask an administrator.")})
    return found


def _check_worker(worker: User, person: Person) -> None:
    if not worker.is_active or not access.access_for(worker, person).can_write(FOLLOW_UP):
        raise ValidationError({"worker": _("This worker cannot follow up this person (not in their caseload).")})


# --- Plans ------------------------------------------------------------------------


def active_plan(person: Person) -> FollowUpPlan | None:
    return FollowUpPlan.objects.filter(person=person, active=True).select_related("template", "worker").first()


def _make_plan(
    actor: Actor,
    person: Person,
    *,
    template: FollowUpTemplate | None,
    start_on: date | None,
    worker: User | None,
    reason: str,
    skip_until: date | None = None,
) -> FollowUpPlan:
    template = template or default_template()
    if start_on is None:
        start_on, basis = plan_start(person)
    else:
        basis = StartBasis.CHOSEN
        errors: dict[str, str] = {}
        arrived = arrival_on(person)
        if arrived is not None and start_on < arrived:
            errors["start_on"] = _("A follow-up cannot start before the person's arrival (%(day)s).") % {"day": arrived}
        if start_on > timezone.localdate() + timedelta(days=366):
            errors["start_on"] = _("The start date is more than a year ahead.")
        if errors:
            raise ValidationError(errors)
    worker = worker or _user(actor)
    _check_worker(worker, person)
    plan = FollowUpPlan.objects.create(
        person=person,
        template=template,
        start_on=start_on,
        start_basis=basis,
        worker=worker,
        created_by=_user(actor),
        reason=reason.strip(),
    )
    if basis == StartBasis.DISCHARGE:
        # The repeated instruments (3, 6 and 12 months after discharge) come with the plan.
        from zhusan.instruments.services import schedule_follow_up

        schedule_follow_up(actor=actor, person=person, discharged_on=start_on)
    dues = [d for d in schedule(template, start_on) if skip_until is None or d > skip_until]
    FollowUpContact.objects.bulk_create(
        FollowUpContact(plan=plan, sequence=i, due_on=due) for i, due in enumerate(dues, start=1)
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.FOLLOW_UP_PLAN,
        object_ref=plan.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "template": template.name,
                "start_on": start_on,
                "start_basis": basis.value,
                "worker": str(worker.uuid),
                "contacts": len(dues),
            },
        ),
        detail={"reason": reason.strip()} if reason.strip() else {},
    )
    return plan


@write_action
def plan_create(
    *,
    actor: Actor,
    person: Person,
    template: FollowUpTemplate | None = None,
    start_on: date | None = None,
    worker: User | None = None,
) -> FollowUpPlan:
    """Generate a person's follow-up plan from a template (the default one)
    from ``start_on`` (else the discharge, else the arrival, else today)."""
    access.require_write(actor, person, FOLLOW_UP)
    _require_subject(person)
    if active_plan(person) is not None:
        raise ValidationError({"template": _("This person already has a follow-up plan: regenerate it instead.")})
    return _make_plan(actor, person, template=template, start_on=start_on, worker=worker, reason="")


@write_action
def plan_regenerate(
    *,
    actor: Actor,
    plan: FollowUpPlan,
    expected_version: int,
    reason: str,
    template: FollowUpTemplate | None = None,
    start_on: date | None = None,
    worker: User | None = None,
) -> FollowUpPlan:
    """End ``plan`` and generate another, with a reason. Its open contacts are
    cancelled; the new plan has no contact due on or before the last contact made."""
    person = plan.person
    access.require_write(actor, person, FOLLOW_UP)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan changes.")})
    if not plan.active:
        raise ValidationError({"reason": _("This plan was already replaced.")})
    plan.active = False
    save_versioned(plan, expected_version=expected_version, fields=["active"])
    plan.contacts.filter(status=ContactStatus.OPEN).update(status=ContactStatus.CANCELLED, note=reason.strip()[:500])
    last_done = (
        plan.contacts.filter(status=ContactStatus.DONE).order_by("-done_on").values_list("done_on", flat=True).first()
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.FOLLOW_UP_PLAN,
        object_ref=plan.uuid,
        person_ref=person.uuid,
        changes=diff({"active": True}, {"active": False}),
        detail={"reason": reason.strip()},
    )
    return _make_plan(
        actor,
        person,
        template=template or plan.template,
        start_on=start_on if start_on is not None else plan.start_on,
        worker=worker or plan.worker,
        reason=reason,
        skip_until=last_done,
    )


@write_action
def contact_reschedule(
    *, actor: Actor, contact: FollowUpContact, due_on: date | None, reason: str, expected_version: int
) -> FollowUpContact:
    """Move one due contact to another date, with a reason."""
    person = contact.plan.person
    access.require_write(actor, person, FOLLOW_UP)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the contact moves.")
    if due_on is None:
        errors["due_on"] = _("Give the new date.")
    else:
        arrived = arrival_on(person)
        if arrived is not None and due_on < arrived:
            errors["due_on"] = _("A follow-up cannot be dated before the person's arrival (%(day)s).") % {
                "day": arrived
            }
    if contact.status != ContactStatus.OPEN or not contact.plan.active:
        errors["due_on"] = _("Only a contact still due can move.")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    before = contact.due_on
    contact.due_on = due_on
    contact.note = reason.strip()[:500]
    save_versioned(contact, expected_version=expected_version, fields=["due_on", "note"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.FOLLOW_UP_CONTACT,
        object_ref=contact.uuid,
        person_ref=person.uuid,
        changes=diff({"due_on": before}, {"due_on": due_on}),
        detail={"reason": reason.strip()},
    )
    return contact


# --- Visits and calls -----------------------------------------------------------------


@write_action
def visit_log(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    visited_on: date | None,
    outcome: str,
    next_step: str = "",
    notes: str = "",
    worker: User | None = None,
    contact: FollowUpContact | None = None,
) -> FollowUpVisit:
    """Log a visit or call. A contact made (any outcome but "not reached")
    ticks off ``contact``, else the earliest open contact of the person's plan
    due up to ``EARLY_DAYS`` after the visit."""
    access.require_write(actor, person, FOLLOW_UP)
    _require_subject(person)
    errors: dict[str, str] = {}
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose the kind of contact.")
    if outcome not in VisitOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    _not_before_arrival(person, visited_on, "visited_on", errors)
    if contact is not None and (
        contact.plan.person_id != person.pk or not contact.plan.active or contact.status != ContactStatus.OPEN
    ):
        errors["contact"] = _("This contact is not due for this person.")
    if errors:
        raise ValidationError(errors)
    assert visited_on is not None
    worker = worker or _user(actor)
    _check_worker(worker, person)
    made = outcome not in ATTEMPT_ONLY
    if contact is None and made:
        contact = (
            FollowUpContact.objects.filter(
                plan__person=person,
                plan__active=True,
                status=ContactStatus.OPEN,
                due_on__lte=visited_on + timedelta(days=EARLY_DAYS),
            )
            .order_by("due_on", "sequence")
            .first()
        )
    visit = FollowUpVisit.objects.create(
        person=person,
        contact=contact,
        kind=kind,
        visited_on=visited_on,
        worker=worker,
        outcome=outcome,
        next_step=next_step.strip(),
        notes=notes.strip(),
        recorded_by=_user(actor),
    )
    if contact is not None and made:
        contact.status = ContactStatus.DONE
        contact.done_on = visited_on
        contact.on_time = visited_on <= contact.due_on + timedelta(days=ON_TIME_DAYS)
        save_versioned(contact, expected_version=contact.version, fields=["status", "done_on", "on_time"])
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.FOLLOW_UP_CONTACT,
            object_ref=contact.uuid,
            person_ref=person.uuid,
            changes=diff({"status": ContactStatus.OPEN.value}, {"status": ContactStatus.DONE.value}),
            detail={"visit": str(visit.uuid)},
        )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.FOLLOW_UP_VISIT,
        object_ref=visit.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "kind": kind,
                "visited_on": visited_on,
                "worker": str(worker.uuid),
                "outcome": outcome,
                "next_step": visit.next_step,
                "notes": visit.notes,
                "contact": str(contact.uuid) if contact else "",
            },
            sensitive=("notes", "next_step"),
        ),
    )
    return visit


# --- Incidents (psychosocial) ------------------------------------------------------------


@write_action
def incident_record(*, actor: Actor, person: Person, kind: str, occurred_on: date | None, description: str) -> Incident:
    access.require_write(actor, person, INCIDENTS)
    _require_subject(person)
    errors: dict[str, str] = {}
    if kind not in IncidentKind.values:
        errors["kind"] = _("Choose the kind of incident.")
    _not_before_arrival(person, occurred_on, "occurred_on", errors)
    if not description.strip():
        errors["description"] = _("Say what happened.")
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None
    incident = Incident.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, description=description.strip(), reported_by=_user(actor)
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.INCIDENT,
        object_ref=incident.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {"kind": kind, "occurred_on": occurred_on, "description": incident.description},
            sensitive=("description",),
        ),
    )
    return incident


@write_action
def incident_action_add(
    *, actor: Actor, incident: Incident, taken_on: date | None, action: str, resolve: bool = False
) -> IncidentAction:
    person = incident.person
    access.require_write(actor, person, INCIDENTS)
    errors: dict[str, str] = {}
    if not action.strip():
        errors["action"] = _("Say what was done.")
    _not_before_arrival(person, taken_on, "taken_on", errors)
    if taken_on is not None and "taken_on" not in errors and taken_on < incident.occurred_on:
        errors["taken_on"] = _("The action cannot come before the incident.")
    if errors:
        raise ValidationError(errors)
    assert taken_on is not None
    row = IncidentAction.objects.create(incident=incident, taken_on=taken_on, action=action.strip(), by=_user(actor))
    changes = diff({}, {"taken_on": taken_on, "action": row.action}, sensitive=("action",))
    if resolve and incident.status != IncidentStatus.RESOLVED:
        incident.status = IncidentStatus.RESOLVED
        save_versioned(incident, expected_version=incident.version, fields=["status"])
        changes |= diff({"status": IncidentStatus.OPEN.value}, {"status": IncidentStatus.RESOLVED.value})
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.INCIDENT_ACTION,
        object_ref=row.uuid,
        person_ref=person.uuid,
        changes=changes,
        detail={"incident": str(incident.uuid)},
    )
    return row


# --- Security follow-up (justice and security) -------------------------------------------


@write_action
def security_contact_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    contacted_on: date | None,
    notes: str,
    next_contact_on: date | None = None,
) -> SecurityContact:
    """A security liaison's contact. Children are victims: no justice record
    for a person under the age of criminal responsibility."""
    from django.conf import settings

    access.require_write(actor, person, SECURITY)
    _require_subject(person)
    errors: dict[str, str] = {}
    if not person.definitely_at_least(settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY):
        errors["person"] = _("No security follow-up is recorded for a person under the age of criminal responsibility.")
    if kind not in SecurityContactKind.values:
        errors["kind"] = _("Choose the kind of contact.")
    _not_before_arrival(person, contacted_on, "contacted_on", errors)
    if not notes.strip():
        errors["notes"] = _("Write the notes.")
    if next_contact_on is not None and contacted_on is not None and next_contact_on <= contacted_on:
        errors["next_contact_on"] = _("The next contact comes after this one.")
    if errors:
        raise ValidationError(errors)
    assert contacted_on is not None
    row = SecurityContact.objects.create(
        person=person,
        kind=kind,
        contacted_on=contacted_on,
        notes=notes.strip(),
        next_contact_on=next_contact_on,
        liaison=_user(actor),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SECURITY_CONTACT,
        object_ref=row.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {"kind": kind, "contacted_on": contacted_on, "notes": row.notes, "next_contact_on": next_contact_on},
            sensitive=("kind", "contacted_on", "notes", "next_contact_on"),
        ),
    )
    return row


# --- Closure and reopening ---------------------------------------------------------------


@dataclass(frozen=True)
class BestInterestsInput:
    """A best-interests assessment recorded with a child's closure request."""

    assessed_on: date | None
    recommendation: str
    childs_views: str = ""
    views_not_sought_reason: str = ""
    reference: str = ""


def _closure_assessment(person: Person, since: date) -> Any:
    from zhusan.registry.selectors import best_interests_for

    return best_interests_for(person, (BestInterestsPurpose.CLOSURE,), since=since)


def _require_change_stage(actor: Actor, person: Person, why: str) -> None:
    if not has_capability(_user(actor), Capability.CHANGE_STAGE):
        raise Denied(
            _("Your role cannot close or reopen a case."),
            actor=actor,
            object_type=ObjectType.CASE_CLOSURE,
            object_ref=person.uuid,
            person_ref=person.uuid,
            why=why,
        )


@write_action
def closure_request(
    *,
    actor: Actor,
    person: Person,
    reason: str,
    explanation: str = "",
    best_interests: BestInterestsInput | None = None,
    stage_already_closed: bool = False,
) -> CaseClosure:
    """Ask to close a case. For a child, a best-interests assessment (purpose
    "closure") is recorded in the same transaction, or a recent one is used;
    without either the request is refused. The case closes on approval.

    ``stage_already_closed``: the record of a closure whose stage change was
    already written (the demo's story, a migration of older records): the
    person must then be closed, and the approval leaves the stage alone."""
    _require_change_stage(actor, person, "cannot request a closure")
    access.require_write(actor, person, FOLLOW_UP)
    access.require_write(actor, person)
    _require_subject(person)
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = _("Choose the closure reason.")
    if reason == ClosureReason.OTHER and not explanation.strip():
        errors["explanation"] = _("Explain the closure when the reason is 'other'.")
    if stage_already_closed:
        if person.stage != Stage.CLOSED:
            errors["reason"] = _("This case is not closed.")
    elif not person.stage or Stage.CLOSED not in TRANSITIONS[Stage(person.stage)]:
        errors["reason"] = _("A case in the stage %(stage)s cannot be closed.") % {
            "stage": access.stage_label(
                access.stage_shown(
                    person.stage,
                    justice=actor.user is not None and access.reads_justice(access.access_for(actor.user, person)),
                )
            )
            if person.stage
            else "—"
        }
    if CaseClosure.objects.filter(person=person, status=ClosureStatus.REQUESTED).exists():
        errors["reason"] = _("A closure of this case already waits for approval.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    assessment = None
    if person.is_child():
        if best_interests is not None and (best_interests.recommendation.strip() or best_interests.assessed_on):
            assessment = registry.best_interests_record(
                actor=actor,
                person=person,
                purpose=BestInterestsPurpose.CLOSURE,
                assessed_on=best_interests.assessed_on,  # type: ignore[arg-type]  # None is refused by the service
                recommendation=best_interests.recommendation,
                childs_views=best_interests.childs_views,
                views_not_sought_reason=best_interests.views_not_sought_reason,
                reference=best_interests.reference,
            )
        else:
            assessment = _closure_assessment(person, today - timedelta(days=BEST_INTERESTS_VALID_DAYS))
        if assessment is None:
            raise ValidationError(
                {
                    "recommendation": _(
                        "A child's case closes only on a best-interests assessment: record it with the request."
                    )
                }
            )
    closure = CaseClosure.objects.create(
        person=person,
        reason=reason,
        explanation=explanation.strip(),
        requested_by=_user(actor),
        requested_on=today,
        best_interests=assessment,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.CASE_CLOSURE,
        object_ref=closure.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "reason": reason,
                "explanation": closure.explanation,
                "status": ClosureStatus.REQUESTED.value,
                "best_interests": str(assessment.uuid) if assessment else "",
            },
        ),
    )
    return closure


@write_action
def closure_decide(
    *,
    actor: Actor,
    closure: CaseClosure,
    approve: bool,
    note: str = "",
    expected_version: int,
    stage_already_closed: bool = False,
) -> CaseClosure:
    """A supervisor (``APPROVE_CARE``, not the requester) approves or refuses a
    closure. On approval the stage moves to "closed" through the lifecycle
    service, under the rights of the requester who holds the case (a
    supervisor may hold no right to change stages themselves); the trail keeps
    both: the approval by the supervisor, the stage change by the requester."""
    person = closure.person
    user = _user(actor)
    if not has_capability(user, Capability.APPROVE_CARE):
        raise Denied(
            _("Your role cannot approve case closures."),
            actor=actor,
            object_type=ObjectType.CASE_CLOSURE,
            object_ref=closure.uuid,
            person_ref=person.uuid,
            why="no approve_care",
        )
    if not access.access_for(user, person).can_read(FOLLOW_UP):
        raise Denied(
            _("This case is outside your scope."),
            actor=actor,
            object_type=ObjectType.CASE_CLOSURE,
            object_ref=closure.uuid,
            person_ref=person.uuid,
            why="closure outside scope",
        )
    if closure.requested_by_id == user.pk:
        raise ValidationError({"approve": _("A closure is approved by a supervisor other than the requester.")})
    if closure.status != ClosureStatus.REQUESTED:
        raise ValidationError({"approve": _("This closure was already decided.")})
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the closure is not approved.")})
    if approve and person.is_child() and closure.best_interests_id is None:
        raise ValidationError({"approve": _("A child's case closes only on a best-interests assessment.")})
    closure.status = ClosureStatus.APPROVED if approve else ClosureStatus.REJECTED
    closure.decided_by = user
    closure.decided_on = timezone.localdate()
    closure.decision_note = note.strip()
    save_versioned(
        closure, expected_version=expected_version, fields=["status", "decided_by", "decided_on", "decision_note"]
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.CASE_CLOSURE,
        object_ref=closure.uuid,
        person_ref=person.uuid,
        changes=diff({"status": ClosureStatus.REQUESTED.value}, {"status": closure.status}),
        detail={"note": closure.decision_note} if closure.decision_note else {},
    )
    if approve and stage_already_closed:
        if person.stage != Stage.CLOSED:
            raise ValidationError({"approve": _("This case is not closed.")})
    elif approve:
        person.refresh_from_db()
        holder = dataclasses.replace(actor, user=closure.requested_by, break_glass=False)
        registry.stage_change(
            actor=holder,
            person=person,
            to_stage=Stage.CLOSED,
            reason=_("Case closed (%(reason)s), approved by %(who)s.")
            % {"reason": ClosureReason(closure.reason).label, "who": user.get_username()},
            expected_version=person.version,
        )

    if approve:
        FollowUpContact.objects.filter(plan__person=person, plan__active=True, status=ContactStatus.OPEN).update(
            status=ContactStatus.CANCELLED, note=_("Case closed")
        )
    return closure


@write_action
def case_reopen(*, actor: Actor, person: Person, reason: str) -> CaseClosure:
    """Reopen a closed case with a reason: the stage goes back to "reintegrating"."""
    _require_change_stage(actor, person, "cannot reopen a case")
    access.require_write(actor, person, FOLLOW_UP)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case reopens.")})
    closure = CaseClosure.objects.filter(person=person, status=ClosureStatus.APPROVED).order_by("-decided_on", "-pk")
    found = closure.first()
    if person.stage != Stage.CLOSED or found is None:
        raise ValidationError({"reason": _("Only a closed case can be reopened.")})
    registry.stage_change(
        actor=actor,
        person=person,
        to_stage=Stage.REINTEGRATING,
        reason=_("Case reopened: %(reason)s") % {"reason": reason.strip()},
        expected_version=person.version,
    )
    found.status = ClosureStatus.REOPENED
    found.reopened_by = _user(actor)
    found.reopened_on = timezone.localdate()
    found.reopen_reason = reason.strip()
    save_versioned(
        found, expected_version=found.version, fields=["status", "reopened_by", "reopened_on", "reopen_reason"]
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.CASE_CLOSURE,
        object_ref=found.uuid,
        person_ref=person.uuid,
        changes=diff({"status": ClosureStatus.APPROVED.value}, {"status": ClosureStatus.REOPENED.value}),
        detail={"reason": reason.strip()},
    )
    return found
