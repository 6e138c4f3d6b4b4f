"""Every write to needs assessments, plans and case conferences:
keyword-only, typed, atomic, audited.

Who may write: a member of staff in whose own scope the person is (never
through break-the-glass, never on a merged record) and whose role writes
some part of the case (a teacher or an analyst drafts no plan). Notes of a
severe domain and conference minutes need the write right of their
compartment. A plan is approved or rejected by a holder of
``Capability.APPROVE_CARE`` who did not write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess, has_capability
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import StaleVersionError, save_versioned
from zhusan.registry.access import access_for, may_write
from zhusan.registry.models import Person

from .models import (
    DOMAIN_COMPARTMENT,
    MINUTE_COMPARTMENTS,
    OPEN_PLAN,
    CarePlan,
    CaseConference,
    ConferenceAttendee,
    ConferenceCase,
    ConferenceDissent,
    ConferenceMinute,
    Domain,
    GoalStatus,
    Level,
    NeedsAssessment,
    NeedsLine,
    PlanGoal,
    PlanReview,
    PlanStatus,
)
from .selectors import reads_plan

# --- Who may write ------------------------------------------------------------------


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise Denied(_("An authenticated user is required."), actor=actor, why="no user")
    return actor.user


def may_write_care(access: PersonAccess, person: Person) -> bool:
    """Whether a reader with ``access`` may draft plans, assessments and
    conference records for ``person``."""
    return may_write(access, person) and bool(access.write) and reads_plan(access)


def require_care_write(actor: Actor, person: Person, object_type: ObjectType = ObjectType.CARE_PLAN) -> PersonAccess:
    user = _user(actor)
    access = access_for(user, person)
    if not may_write_care(access, person):
        raise Denied(
            _("You may not write this person's needs, plan or case conferences."),
            actor=actor,
            object_type=object_type,
            object_ref=person.uuid,
            person_ref=person.uuid,
            why="no care write on the person",
        )
    return access


def _today() -> date:
    return timezone.localdate()


def _moment(day: date | None, field: str) -> datetime:
    """When a step was taken: now, or noon of ``day`` for a step recorded
    afterwards (never in the future)."""
    if day is None:
        return timezone.now()
    if day > _today():
        raise ValidationError({field: _("This date cannot be in the future.")})
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


# --- Needs assessment ------------------------------------------------------------------


def may_write_notes(access: PersonAccess, domain: str) -> bool:
    """Notes of a severe domain are written by its compartment's writers; the others by its readers."""
    compartment = DOMAIN_COMPARTMENT[domain]
    return access.can_write(compartment) if compartment in SEVERE_COMPARTMENTS else access.can_read(compartment)


@dataclass
class NeedInput:
    level: str = Level.NONE
    notes: str = ""


def _validate_needs(
    access: PersonAccess, assessed_on: date | None, needs: dict[str, NeedInput], errors: dict[str, str]
) -> None:
    if assessed_on is None:
        errors["assessed_on"] = _("Give the date of the assessment.")
    elif assessed_on > _today():
        errors["assessed_on"] = _("The assessment date cannot be in the future.")
    for domain, need in needs.items():
        if domain not in Domain.values:
            errors["needs"] = _("Unknown domain: %(d)s.") % {"d": domain}
            continue
        if need.level not in Level.values:
            errors[f"level_{domain}"] = _("Choose a level of need.")
        compartment = DOMAIN_COMPARTMENT[domain]
        if need.notes.strip() and not may_write_notes(access, domain):
            errors[f"notes_{domain}"] = _(
                "Notes on %(d)s belong to the %(c)s compartment, which you may not write."
            ) % {
                "d": Domain(domain).label,
                "c": compartment.label,
            }


@write_action
def needs_assessment_create(
    *, actor: Actor, person: Person, assessed_on: date | None, needs: dict[str, NeedInput]
) -> NeedsAssessment:
    """A new assessment of ``person``'s needs (one line per domain; a domain
    left out is recorded as no need)."""
    access = require_care_write(actor, person, ObjectType.NEEDS_ASSESSMENT)
    errors: dict[str, str] = {}
    _validate_needs(access, assessed_on, needs, errors)
    if errors:
        raise ValidationError(errors)
    assert assessed_on is not None
    assessment = NeedsAssessment.objects.create(person=person, assessed_on=assessed_on, assessor=_user(actor))
    NeedsLine.objects.bulk_create(
        NeedsLine(
            assessment=assessment,
            domain=domain,
            level=needs.get(domain, NeedInput()).level,
            notes=needs.get(domain, NeedInput()).notes.strip(),
        )
        for domain in Domain.values
    )
    after: dict[str, Any] = {"assessed_on": assessed_on}
    for domain in Domain.values:
        need = needs.get(domain, NeedInput())
        after[f"level_{domain}"] = need.level
        after[f"notes_{domain}"] = need.notes.strip()
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.NEEDS_ASSESSMENT,
        object_ref=assessment.uuid,
        person_ref=person.uuid,
        changes=diff({}, after, sensitive=[f"notes_{d}" for d in Domain.values]),
    )
    return assessment


@write_action
def needs_assessment_update(
    *,
    actor: Actor,
    assessment: NeedsAssessment,
    expected_version: int,
    assessed_on: date | None,
    needs: dict[str, NeedInput],
) -> NeedsAssessment:
    """Correct an assessment. Notes the actor may not write (see
    ``may_write_notes``) are kept as they were, whatever ``needs`` says of them."""
    person = assessment.person
    access = require_care_write(actor, person, ObjectType.NEEDS_ASSESSMENT)
    errors: dict[str, str] = {}
    kept = {d: n for d, n in needs.items() if d in DOMAIN_COMPARTMENT and may_write_notes(access, d)}
    _validate_needs(access, assessed_on, needs, errors)
    if errors:
        raise ValidationError(errors)
    assert assessed_on is not None
    lines = {line.domain: line for line in assessment.lines.all()}
    before: dict[str, Any] = {"assessed_on": assessment.assessed_on}
    after: dict[str, Any] = {"assessed_on": assessed_on}
    assessment.assessed_on = assessed_on
    save_versioned(assessment, expected_version=expected_version, fields=["assessed_on"])
    for domain, need in needs.items():
        line = lines.get(domain) or NeedsLine(assessment=assessment, domain=domain)
        before[f"level_{domain}"], after[f"level_{domain}"] = line.level, need.level
        line.level = need.level
        if domain in kept:
            before[f"notes_{domain}"], after[f"notes_{domain}"] = line.notes, need.notes.strip()
            line.notes = need.notes.strip()
        line.save()
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.NEEDS_ASSESSMENT,
        object_ref=assessment.uuid,
        person_ref=person.uuid,
        changes=diff(before, after, sensitive=[f"notes_{d}" for d in Domain.values]),
    )
    return assessment


# --- Plans ------------------------------------------------------------------------------


def _plan_event(actor: Actor, plan: CarePlan, action: Action, before: dict[str, Any], after: dict[str, Any]) -> None:
    record(
        actor,
        action,
        object_type=ObjectType.CARE_PLAN,
        object_ref=plan.uuid,
        person_ref=plan.person.uuid,
        changes=diff(before, after),
    )


@write_action
def plan_create(*, actor: Actor, person: Person, summary: str = "") -> CarePlan:
    """A new draft plan for ``person``; refused while another plan is being drafted or approved."""
    require_care_write(actor, person)
    if CarePlan.objects.filter(person=person, status__in=OPEN_PLAN).exists():
        raise ValidationError(
            {"person": _("This person already has a plan being drafted or waiting for approval: continue that one.")}
        )
    plan = CarePlan.objects.create(person=person, author=_user(actor), summary=summary.strip())
    _plan_event(actor, plan, Action.CREATE, {}, {"status": plan.status, "summary": plan.summary})
    return plan


def _check_version(plan: CarePlan, expected_version: int) -> None:
    if plan.version != expected_version:
        raise StaleVersionError(plan, expected_version, plan.version)


def _move(actor: Actor, plan: CarePlan, expected_version: int, to: str, **values: Any) -> CarePlan:
    before: dict[str, Any] = {"status": plan.status, **{k: getattr(plan, k) for k in values}}
    plan.status = to
    for key, value in values.items():
        setattr(plan, key, value)
    save_versioned(plan, expected_version=expected_version, fields=["status", *values])
    _plan_event(actor, plan, Action.UPDATE, before, {"status": to, **values})
    return plan


@write_action
def plan_update(*, actor: Actor, plan: CarePlan, expected_version: int, summary: str) -> CarePlan:
    require_care_write(actor, plan.person)
    if not plan.editable:
        raise ValidationError({"summary": _("Only a draft or a rejected plan can be changed.")})
    return _move(actor, plan, expected_version, plan.status, summary=summary.strip())


@write_action
def plan_submit(*, actor: Actor, plan: CarePlan, expected_version: int, submitted_on: date | None = None) -> CarePlan:
    """Send a draft for approval: it needs at least one goal."""
    require_care_write(actor, plan.person)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft can be submitted (revise a rejected plan first); this plan is %(s)s.")
                % {"s": plan.get_status_display()}
            }
        )
    if not plan.goals.exists():
        raise ValidationError({"goals": _("Add at least one goal before submitting the plan.")})
    return _move(
        actor, plan, expected_version, PlanStatus.SUBMITTED, submitted_at=_moment(submitted_on, "submitted_on")
    )


def _require_approver(actor: Actor, plan: CarePlan) -> None:
    user = _user(actor)
    if not has_capability(user, Capability.APPROVE_CARE):
        raise Denied(
            _("Approving or rejecting a plan needs the right to approve care plans."),
            actor=actor,
            object_type=ObjectType.CARE_PLAN,
            object_ref=plan.uuid,
            person_ref=plan.person.uuid,
            why="no approve_care capability",
        )
    if plan.author_id == user.pk:
        raise Denied(
            _("The author of a plan cannot approve or reject it: another supervisor must."),
            actor=actor,
            object_type=ObjectType.CARE_PLAN,
            object_ref=plan.uuid,
            person_ref=plan.person.uuid,
            why="author deciding their own plan",
        )
    if not may_write(access_for(user, plan.person), plan.person):
        raise Denied(
            _("This person is not in your scope."),
            actor=actor,
            object_type=ObjectType.CARE_PLAN,
            object_ref=plan.uuid,
            person_ref=plan.person.uuid,
            why="person out of scope",
        )


def _require_submitted(plan: CarePlan) -> None:
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(
            {
                "status": _("Only a submitted plan can be approved or rejected; this plan is %(s)s.")
                % {"s": plan.get_status_display()}
            }
        )


@write_action
def plan_approve(
    *,
    actor: Actor,
    plan: CarePlan,
    expected_version: int,
    comment: str = "",
    next_review_on: date | None,
    decided_on: date | None = None,
) -> CarePlan:
    """Approve a submitted plan: it becomes the person's one active plan (the
    one active before is closed) with its first review date, after the
    decision (today, or ``decided_on`` for a decision recorded afterwards)."""
    _require_approver(actor, plan)
    _require_submitted(plan)
    _check_version(plan, expected_version)
    decided_at = _moment(decided_on, "decided_on")
    if next_review_on is None:
        raise ValidationError({"next_review_on": _("Give the date of the first review.")})
    if next_review_on <= (decided_on or _today()):
        raise ValidationError({"next_review_on": _("The first review must be after the approval.")})
    for old in CarePlan.objects.filter(person=plan.person, status=PlanStatus.APPROVED).exclude(pk=plan.pk):
        _move(actor, old, old.version, PlanStatus.CLOSED)
    return _move(
        actor,
        plan,
        expected_version,
        PlanStatus.APPROVED,
        decided_by=_user(actor),
        decided_at=decided_at,
        approval_comment=comment.strip(),
        rejection_reason="",
        next_review_on=next_review_on,
    )


@write_action
def plan_reject(
    *, actor: Actor, plan: CarePlan, expected_version: int, reason: str, decided_on: date | None = None
) -> CarePlan:
    _require_approver(actor, plan)
    _require_submitted(plan)
    decided_at = _moment(decided_on, "decided_on")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is rejected: its author revises it from that.")})
    return _move(
        actor,
        plan,
        expected_version,
        PlanStatus.REJECTED,
        decided_by=_user(actor),
        decided_at=decided_at,
        rejection_reason=reason.strip(),
    )


@write_action
def plan_revise(*, actor: Actor, plan: CarePlan, expected_version: int) -> CarePlan:
    """Reopen a rejected plan as a draft (its next revision), to change and resubmit."""
    require_care_write(actor, plan.person)
    if plan.status != PlanStatus.REJECTED:
        raise ValidationError({"status": _("Only a rejected plan is revised.")})
    return _move(actor, plan, expected_version, PlanStatus.DRAFT, revision=plan.revision + 1)


# --- Goals ------------------------------------------------------------------------------


def _validate_goal(
    plan: CarePlan, domain: str, text: str, owner: Any, due_on: date | None, errors: dict[str, str]
) -> None:
    if domain not in Domain.values:
        errors["domain"] = _("Choose the domain of the goal.")
    if not text.strip():
        errors["text"] = _("Write the goal.")
    if owner is None:
        errors["owner"] = _("A plan goal needs an owner: choose the member of staff responsible for it.")
    elif not access_for(owner, plan.person).visible:
        errors["owner"] = _("%(u)s does not work on this person's case and cannot own the goal.") % {
            "u": owner.get_full_name() or owner.get_username()
        }
    if due_on is None:
        errors["due_on"] = _("Give the date the goal is due.")


def _goal_values(goal: PlanGoal) -> dict[str, Any]:
    return {
        "domain": goal.domain,
        "text": goal.text,
        "owner": goal.owner.get_username(),
        "due_on": goal.due_on,
        "status": goal.status,
    }


def _create_goal(
    actor: Actor,
    plan: CarePlan,
    *,
    domain: str,
    text: str,
    owner: Any,
    due_on: date | None,
    conference_case: ConferenceCase | None = None,
) -> PlanGoal:
    errors: dict[str, str] = {}
    _validate_goal(plan, domain, text, owner, due_on, errors)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    goal = PlanGoal.objects.create(
        plan=plan, domain=domain, text=text.strip(), owner=owner, due_on=due_on, conference_case=conference_case
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.PLAN_GOAL,
        object_ref=goal.uuid,
        person_ref=plan.person.uuid,
        changes=diff({}, _goal_values(goal)),
        detail={"plan": str(plan.uuid), **({"conference_case": str(conference_case.uuid)} if conference_case else {})},
    )
    return goal


@write_action
def goal_add(*, actor: Actor, plan: CarePlan, domain: str, text: str, owner: Any, due_on: date | None) -> PlanGoal:
    """A goal of a draft or rejected plan; every goal has an owner."""
    require_care_write(actor, plan.person, ObjectType.PLAN_GOAL)
    if not plan.editable:
        raise ValidationError(
            {
                "plan": _("Goals are added while the plan is a draft (or revised after a rejection); it is %(s)s.")
                % {"s": plan.get_status_display()}
            }
        )
    return _create_goal(actor, plan, domain=domain, text=text, owner=owner, due_on=due_on)


@write_action
def goal_status_change(*, actor: Actor, goal: PlanGoal, expected_version: int, status: str) -> PlanGoal:
    """Move a goal on (in progress, achieved, dropped): its owner or whoever writes the plan."""
    user = _user(actor)
    plan = goal.plan
    if goal.owner_id != user.pk:
        require_care_write(actor, plan.person, ObjectType.PLAN_GOAL)
    elif not access_for(user, plan.person).visible:
        raise Denied(_("This person is not in your scope."), actor=actor, object_type=ObjectType.PLAN_GOAL)
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError({"status": _("This plan was replaced: change the goals of the active plan.")})
    before = _goal_values(goal)
    goal.status = status
    save_versioned(goal, expected_version=expected_version, fields=["status"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.PLAN_GOAL,
        object_ref=goal.uuid,
        person_ref=plan.person.uuid,
        changes=diff(before, _goal_values(goal)),
    )
    return goal


# --- Reviews ------------------------------------------------------------------------------


@write_action
def plan_review_add(
    *, actor: Actor, plan: CarePlan, reviewed_on: date | None, summary: str, next_review_on: date | None
) -> PlanReview:
    """Review the active plan; its next review date moves to ``next_review_on``."""
    require_care_write(actor, plan.person, ObjectType.PLAN_REVIEW)
    errors: dict[str, str] = {}
    if plan.status != PlanStatus.APPROVED:
        errors["plan"] = _("Only the active (approved) plan is reviewed.")
    if reviewed_on is None:
        errors["reviewed_on"] = _("Give the date of the review.")
    elif reviewed_on > _today():
        errors["reviewed_on"] = _("The review date cannot be in the future.")
    if not summary.strip():
        errors["summary"] = _("Summarise the review.")
    if next_review_on is None:
        errors["next_review_on"] = _("Give the date of the next review.")
    elif reviewed_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = _("The next review must be after this one.")
    if errors:
        raise ValidationError(errors)
    assert reviewed_on is not None and next_review_on is not None
    review = PlanReview.objects.create(
        plan=plan,
        reviewed_on=reviewed_on,
        reviewer=_user(actor),
        summary=summary.strip(),
        next_review_on=next_review_on,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.PLAN_REVIEW,
        object_ref=review.uuid,
        person_ref=plan.person.uuid,
        changes=diff(
            {},
            {"reviewed_on": reviewed_on, "summary": summary.strip(), "next_review_on": next_review_on},
            sensitive=("summary",),
        ),
    )
    old = plan.next_review_on
    plan.next_review_on = next_review_on
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on)
    _plan_event(actor, plan, Action.UPDATE, {"next_review_on": old}, {"next_review_on": next_review_on})
    return review


# --- Case conferences -------------------------------------------------------------------------


@dataclass
class AttendeeInput:
    name: str
    agency: str
    role: str = ""


@dataclass
class ActionInput:
    domain: str
    text: str
    owner: Any
    due_on: date | None


@dataclass
class CaseInput:
    person: Person
    decisions: str
    dissents: list[tuple[str, str]] = field(default_factory=list)
    minutes: dict[str, str] = field(default_factory=dict)
    actions: list[ActionInput] = field(default_factory=list)


def _conference_event(
    actor: Actor, conference: CaseConference, action: Action, after: dict[str, Any], **kw: Any
) -> None:
    record(
        actor,
        action,
        object_type=ObjectType.CASE_CONFERENCE,
        object_ref=conference.uuid,
        changes=diff({}, after, sensitive=kw.pop("sensitive", ())),
        **kw,
    )


@write_action
def conference_create(
    *,
    actor: Actor,
    held_on: date | None,
    title: str,
    chair: Any,
    next_review_on: date | None = None,
    attendees: list[AttendeeInput] | None = None,
    cases: list[CaseInput] | None = None,
) -> CaseConference:
    """Record a case conference: its attendees by agency and, optionally, its cases (``conference_case_add``)."""
    user = _user(actor)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("Give the date of the conference.")
    elif held_on > _today():
        errors["held_on"] = _("Record a conference once it has been held.")
    if not title.strip():
        errors["title"] = _("Give the conference a title.")
    if chair is None:
        errors["chair"] = _("Choose who chaired the conference.")
    if next_review_on is not None and held_on is not None and next_review_on <= held_on:
        errors["next_review_on"] = _("The next review must be after the conference.")
    people = attendees or []
    for a in people:
        if not a.name.strip() or not a.agency.strip():
            errors["attendees"] = _("Give each attendee's name and agency.")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    conference = CaseConference.objects.create(
        held_on=held_on, title=title.strip(), chair=chair, recorded_by=user, next_review_on=next_review_on
    )
    ConferenceAttendee.objects.bulk_create(
        ConferenceAttendee(conference=conference, name=a.name.strip(), agency=a.agency.strip(), role=a.role.strip())
        for a in people
    )
    _conference_event(
        actor,
        conference,
        Action.CREATE,
        {
            "held_on": held_on,
            "title": conference.title,
            "chair": chair.get_username(),
            "next_review_on": next_review_on,
            "attendees": [f"{a.name} ({a.agency})" for a in people],
        },
    )
    for case in cases or []:
        conference_case_add(actor=actor, conference=conference, case=case)
    return conference


def _plan_for_actions(actor: Actor, person: Person) -> CarePlan:
    """The plan a conference's actions become goals of: the active plan, or
    the one being drafted, or a new draft."""
    plans = list(CarePlan.objects.filter(person=person, status__in=[PlanStatus.APPROVED, *OPEN_PLAN]))
    for status in (PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.REJECTED, PlanStatus.SUBMITTED):
        for plan in plans:
            if plan.status == status:
                return plan
    return plan_create(actor=actor, person=person, summary=_("Opened for the actions of a case conference."))


@write_action
def conference_case_add(*, actor: Actor, conference: CaseConference, case: CaseInput) -> ConferenceCase:
    """A case discussed at ``conference``: its decisions, dissent by name,
    minutes per compartment, and actions, each of which becomes a goal of
    the person's plan."""
    person = case.person
    access = require_care_write(actor, person, ObjectType.CASE_CONFERENCE)
    errors: dict[str, str] = {}
    if not case.decisions.strip():
        errors["decisions"] = _("Record the decisions taken on this case.")
    if ConferenceCase.objects.filter(conference=conference, person=person).exists():
        errors["person"] = _("This case is already recorded at this conference.")
    for name, view in case.dissents:
        if not name.strip() or not view.strip():
            errors["dissents"] = _("Record each dissent with the name of who dissented and their view.")
    for compartment, body in case.minutes.items():
        if compartment not in MINUTE_COMPARTMENTS:
            errors["minute_compartment"] = _("Choose the compartment of the minute.")
        elif body.strip() and not access.can_write(compartment):
            errors["minute_compartment"] = _("You may not write minutes in the %(c)s compartment.") % {
                "c": Compartment(compartment).label
            }
    if errors:
        raise ValidationError(errors)
    try:
        row = ConferenceCase.objects.create(conference=conference, person=person, decisions=case.decisions.strip())
    except IntegrityError as exc:  # pragma: no cover - checked above; a concurrent writer
        raise ValidationError({"person": _("This case is already recorded at this conference.")}) from exc
    ConferenceDissent.objects.bulk_create(
        ConferenceDissent(case=row, name=name.strip(), view=view.strip()) for name, view in case.dissents
    )
    minutes = {c: b.strip() for c, b in case.minutes.items() if b.strip()}
    ConferenceMinute.objects.bulk_create(
        ConferenceMinute(case=row, compartment=c, body=b, author=_user(actor)) for c, b in minutes.items()
    )
    _conference_event(
        actor,
        conference,
        Action.UPDATE,
        {
            "case": person.case_number,
            "decisions": row.decisions,
            "dissents": [f"{n}: {v}" for n, v in case.dissents],
            **{f"minute_{c}": b for c, b in minutes.items()},
        },
        person_ref=person.uuid,
        sensitive=("decisions", "dissents", *[f"minute_{c}" for c in minutes]),
    )
    for act in case.actions:
        conference_action_add(actor=actor, case=row, action=act)
    return row


@write_action
def conference_action_add(*, actor: Actor, case: ConferenceCase, action: ActionInput) -> PlanGoal:
    """An action agreed for a case: a goal of that person's plan, with its owner and due date."""
    require_care_write(actor, case.person, ObjectType.CASE_CONFERENCE)
    plan = _plan_for_actions(actor, case.person)
    return _create_goal(
        actor,
        plan,
        domain=action.domain,
        text=action.text,
        owner=action.owner,
        due_on=action.due_on,
        conference_case=case,
    )


@write_action
def conference_minute_add(*, actor: Actor, case: ConferenceCase, compartment: str, body: str) -> ConferenceMinute:
    """The minute of a case in ``compartment`` (one per compartment; writing it needs that compartment's write right)."""
    access = require_care_write(actor, case.person, ObjectType.CASE_CONFERENCE)
    errors: dict[str, str] = {}
    if compartment not in MINUTE_COMPARTMENTS:
        errors["compartment"] = _("Choose the compartment of the minute.")
    elif not access.can_write(compartment):
        errors["compartment"] = _("You may not write minutes in the %(c)s compartment.") % {
            "c": Compartment(compartment).label
        }
    elif case.minutes.filter(compartment=compartment).exists():
        errors["compartment"] = _("This case already has a minute in that compartment.")
    if not body.strip():
        errors["body"] = _("The minute is empty.")
    if errors:
        raise ValidationError(errors)
    minute = ConferenceMinute.objects.create(case=case, compartment=compartment, body=body.strip(), author=_user(actor))
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.CASE_CONFERENCE,
        object_ref=case.conference.uuid,
        person_ref=case.person.uuid,
        changes=diff({}, {f"minute_{compartment}": body.strip()}, sensitive=(f"minute_{compartment}",)),
    )
    return minute
