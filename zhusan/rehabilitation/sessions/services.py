"""Every write to sessions, session notes, intake accounts and professional
risk assessments: keyword-only, typed, atomic, audited.

The rules kept here:

- a session's staff all belong to its discipline (their centre roster line,
  else their role), and a person who chose a female professional is never
  given a male one (or one whose sex the roster does not record) in an
  individual session;
- a note is written only by a member of staff of the discipline that owns
  the note's compartment, who may write that compartment of the person (or,
  for a non-severe compartment, reads it and has the person in scope);
- an intake account and a risk assessment are for adults only, in their
  compartments; no field of either is a score.

Severe values (notes, accounts, outcomes, references) go into the audit
trail encrypted only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Capability, Compartment, Role
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry.access import access_for, may_write
from zhusan.registry.models import Person
from zhusan.rehabilitation import selectors as rehabilitation
from zhusan.rehabilitation.models import Discipline

from .models import (
    INTAKE_COMPARTMENT,
    RISK_ASSESSMENT_COMPARTMENT,
    Attendance,
    IntakeAccount,
    ProfessionalRiskAssessment,
    Regret,
    RiskTool,
    Session,
    SessionKind,
    SessionNote,
    SessionParticipant,
    SessionStatus,
    TravelReason,
)

# A member of staff not on a centre's roster takes the discipline of their role.
ROLE_DISCIPLINE: dict[str, str] = {
    Role.PSYCHOLOGIST: Discipline.PSYCHOLOGIST,
    Role.THEOLOGIAN: Discipline.THEOLOGIAN,
    Role.DOCTOR: Discipline.DOCTOR,
    Role.SOCIAL_WORKER: Discipline.SOCIAL_WORKER,
    Role.TEACHER: Discipline.TEACHER,
    Role.LAWYER: Discipline.LAWYER,
}
MAX_MINUTES = 8 * 60
ADULT_AGE = 18


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise PermissionDenied(_("An authenticated user is required."))
    return actor.user


def disciplines_of(user: User | Any) -> set[str]:
    """The disciplines a member of staff works in: their roster line, else their roles."""
    member = rehabilitation.staff_member(user)
    if member is not None and member.active:
        return {member.discipline}
    from zhusan.accounts.access import active_grants

    return {ROLE_DISCIPLINE[g.role] for g in active_grants(user) if g.role in ROLE_DISCIPLINE}


def is_female_professional(user: User | Any) -> bool:
    """Only the roster records a professional's sex; anyone not on it is not known to be female."""
    member = rehabilitation.staff_member(user)
    return member is not None and member.is_female


def may_plan_for_others(user: User | Any) -> bool:
    """Case managers and programme managers plan sessions for staff."""
    return has_capability(user, Capability.APPROVE_CARE)


def _deny(actor: Actor, message: str, *, person: Person | None = None, ref: object = "", why: str = "") -> Denied:
    return Denied(
        message,
        actor=actor,
        object_type=ObjectType.SESSION if person is None or ref else ObjectType.PERSON,
        object_ref=ref or (person.uuid if person else ""),
        person_ref=person.uuid if person else "",
        why=why or message,
    )


def _require_in_scope(actor: Actor, person: Person) -> None:
    """The person is in the actor's own scope (not only through break-the-glass) and not merged away."""
    access = access_for(_user(actor), person)
    if not access.visible or not may_write(access, person):
        raise _deny(actor, _("This person is not in your scope."), person=person, why="person not in scope")


def is_adult(person: Person, on: date | None = None) -> bool:
    """Adult for certain: even the latest possible birth day gives 18 years."""
    return person.definitely_at_least(ADULT_AGE, on)


# --- Sessions -------------------------------------------------------------------


@write_action
def session_plan(
    *,
    actor: Actor,
    kind: str,
    discipline: str,
    starts_at: datetime,
    persons: Sequence[Person],
    staff: Sequence[User] = (),
    planned_minutes: int = 60,
    title: str = "",
    unit: Unit | None = None,
) -> Session:
    """Plan a session. Without ``staff``, the planner runs it themself (they
    must be of its discipline). Refused: a person outside the planner's
    scope, staff of another discipline, a male (or unrecorded) professional
    in an individual session for a person who chose a female one."""
    user = _user(actor)
    errors: dict[str, str] = {}
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose individual, family or group.")
    if discipline not in Discipline.values:
        errors["discipline"] = _("Choose a discipline.")
    people = list(dict.fromkeys(persons))
    if not people:
        errors["persons"] = _("A session needs at least one participant.")
    elif kind == SessionKind.INDIVIDUAL and len(people) != 1:
        errors["persons"] = _("An individual session has exactly one participant.")
    if not 0 < planned_minutes <= MAX_MINUTES:
        errors["planned_minutes"] = _("A session lasts between 1 minute and 8 hours.")
    if timezone.is_naive(starts_at):
        errors["starts_at"] = _("Give the date and time of the session.")
    if errors:
        raise ValidationError(errors)
    for person in people:
        _require_in_scope(actor, person)
    team = list(dict.fromkeys(staff)) or [user]
    planning_for_others = any(member != user for member in team)
    if planning_for_others and not may_plan_for_others(user) and user not in team:
        raise _deny(actor, _("Only case managers plan sessions for other staff."), why="plan for others")
    wrong = [member for member in team if discipline not in disciplines_of(member)]
    if wrong:
        raise ValidationError(
            {
                "staff": _("%(names)s does not work as %(discipline)s.")
                % {
                    "names": ", ".join(m.get_full_name() or m.get_username() for m in wrong),
                    "discipline": Discipline(discipline).label,
                }
            }
        )
    if kind == SessionKind.INDIVIDUAL and rehabilitation.prefers_female_professional(people[0]):
        male = [m for m in team if not is_female_professional(m)]
        if male:
            raise ValidationError(
                {
                    "staff": _(
                        "This person chose a female professional: %(names)s is not recorded as a female "
                        "professional on the centre's roster. Choose a female member of staff."
                    )
                    % {"names": ", ".join(m.get_full_name() or m.get_username() for m in male)}
                }
            )
    session = Session.objects.create(
        kind=kind,
        discipline=discipline,
        title=title.strip()[:120],
        starts_at=starts_at,
        planned_minutes=planned_minutes,
        unit=unit or people[0].managing_unit,
        created_by=user,
    )
    session.staff.set(team)
    for person in people:
        SessionParticipant.objects.create(session=session, person=person)
    for person in people:
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.SESSION,
            object_ref=session.uuid,
            person_ref=person.uuid,
            changes=diff(
                {},
                {
                    "kind": kind,
                    "discipline": discipline,
                    "starts_at": starts_at.isoformat(),
                    "staff": [str(m.uuid) for m in team],
                    "participants": len(people),
                },
            ),
        )
    return session


def _may_run(user: User | Any, session: Session) -> bool:
    return session.staff.filter(pk=user.pk).exists() or may_plan_for_others(user)


def _require_run(actor: Actor, session: Session) -> list[Person]:
    """The session's participants, if the actor runs the session (or plans for staff) and sees them all."""
    user = _user(actor)
    if not _may_run(user, session):
        raise _deny(actor, _("Only the session's staff can change it."), ref=session.uuid, why="not session staff")
    people = [p.person for p in session.participants.select_related("person")]
    for person in people:
        _require_in_scope(actor, person)
    return people


def _check_version(session: Session, expected_version: int) -> None:
    current = Session.objects.filter(pk=session.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise StaleVersionError(session, expected_version, current)


def _bump(session: Session, fields: list[str]) -> None:
    session.version += 1
    session.save(update_fields=[*fields, "version", "updated_at"])


@write_action
def session_add_participant(*, actor: Actor, session: Session, person: Person, expected_version: int) -> Session:
    """Add a person to a planned family or group session."""
    _check_version(session, expected_version)
    _require_run(actor, session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError({"person": _("Participants are added to planned sessions only.")})
    if session.kind == SessionKind.INDIVIDUAL:
        raise ValidationError({"person": _("An individual session has exactly one participant.")})
    if session.participants.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already in the session.")})
    _require_in_scope(actor, person)
    SessionParticipant.objects.create(session=session, person=person)
    _bump(session, [])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.SESSION,
        object_ref=session.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"participant": str(person.uuid)}),
    )
    return session


@write_action
def session_hold(
    *,
    actor: Actor,
    session: Session,
    expected_version: int,
    duration_minutes: int,
    attendance: Mapping[Any, str],
) -> Session:
    """Mark a planned session held: its duration and every participant's
    attendance (keyed by the person's UUID or the person)."""
    _check_version(session, expected_version)
    people = _require_run(actor, session)
    errors: dict[str, str] = {}
    if session.status != SessionStatus.PLANNED:
        errors["status"] = _("Only a planned session can be marked held.")
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = _("A session lasts between 1 minute and 8 hours.")
    given = {str(getattr(k, "uuid", k)): v for k, v in attendance.items()}
    unknown = set(given) - {str(p.uuid) for p in people}
    if unknown:
        errors["attendance"] = _("Attendance names a person who is not in the session.")
    missing = [p.case_number for p in people if given.get(str(p.uuid)) not in Attendance.values]
    if missing and not unknown:
        errors["attendance"] = _("Record present, absent or excused for every participant: %(cases)s.") % {
            "cases": ", ".join(missing)
        }
    if not errors and session.starts_at.date() > timezone.localdate():
        errors["status"] = _("A session planned for a later day cannot be marked held yet.")
    if errors:
        raise ValidationError(errors)
    for participant in session.participants.select_related("person"):
        participant.attendance = given[str(participant.person.uuid)]
        participant.save(update_fields=["attendance"])
    session.status = SessionStatus.HELD
    session.duration_minutes = duration_minutes
    _bump(session, ["status", "duration_minutes"])
    for person in people:
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.SESSION,
            object_ref=session.uuid,
            person_ref=person.uuid,
            changes=diff(
                {"status": SessionStatus.PLANNED},
                {
                    "status": SessionStatus.HELD,
                    "duration_minutes": duration_minutes,
                    "attendance": given[str(person.uuid)],
                },
            ),
        )
    return session


@write_action
def session_cancel(*, actor: Actor, session: Session, expected_version: int, reason: str) -> Session:
    _check_version(session, expected_version)
    people = _require_run(actor, session)
    errors: dict[str, str] = {}
    if session.status != SessionStatus.PLANNED:
        errors["status"] = _("Only a planned session can be cancelled.")
    if not reason.strip():
        errors["reason"] = _("Say why the session is cancelled.")
    if errors:
        raise ValidationError(errors)
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()[:300]
    _bump(session, ["status", "cancel_reason"])
    for person in people:
        record(
            actor,
            Action.UPDATE,
            object_type=ObjectType.SESSION,
            object_ref=session.uuid,
            person_ref=person.uuid,
            changes=diff({"status": SessionStatus.PLANNED}, {"status": SessionStatus.CANCELLED, "reason": reason}),
        )
    return session


def may_write_note(user: User | Any, session: Session, person: Person) -> bool:
    """Whether ``user`` may write a note of ``session`` about ``person`` (see ``session_note_add``)."""
    compartment = session.compartment
    if session.discipline not in disciplines_of(user):
        return False
    access = access_for(user, person)
    if access.can_write(compartment):
        return True
    return compartment not in SEVERE_COMPARTMENTS and access.can_read(compartment) and may_write(access, person)


@write_action
def session_note_add(*, actor: Actor, session: Session, person: Person, body: str) -> SessionNote:
    """A note about one participant, in the compartment of the session's
    discipline. Refused for a writer whose discipline does not own that
    compartment, or who may not write it for this person."""
    user = _user(actor)
    compartment = session.compartment
    if not session.participants.filter(person=person).exists():
        raise ValidationError({"person": _("This person is not in the session.")})
    if session.discipline not in disciplines_of(user):
        raise _deny(
            actor,
            _(
                "A %(discipline)s's session notes belong to the %(compartment)s compartment: only a "
                "%(discipline)s writes them, and you do not work as one."
            )
            % {"discipline": Discipline(session.discipline).label.lower(), "compartment": compartment.label},
            person=person,
            ref=session.uuid,
            why=f"note in {compartment} by another discipline",
        )
    if not may_write_note(user, session, person):
        raise _deny(
            actor,
            _("You may not write %(c)s notes for this person.") % {"c": compartment.label},
            person=person,
            ref=session.uuid,
            why=f"no write on {compartment}",
        )
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError({"body": _("A cancelled session has no notes.")})
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    note = SessionNote.objects.create(
        session=session, person=person, compartment=compartment, body=body.strip(), author=user
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SESSION_NOTE,
        object_ref=note.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"compartment": compartment, "body": note.body}, sensitive=("body",)),
        detail={"session": str(session.uuid)},
    )
    return note


# --- Intake account --------------------------------------------------------------


def _require_compartment(actor: Actor, person: Person, compartment: Compartment) -> None:
    access = access_for(_user(actor), person)
    if not access.can_write(compartment):
        raise _deny(
            actor,
            _("You may not change %(c)s data of this person.") % {"c": compartment.label},
            person=person,
            why=f"no write on {compartment}",
        )


@write_action
def intake_account_record(
    *,
    actor: Actor,
    person: Person,
    interviewed_on: date,
    travel_reasons: Sequence[str],
    regret: str,
    account: str = "",
    expected_version: int | None = None,
) -> IntakeAccount:
    """Record (or, with ``expected_version``, correct) an adult's own account
    of how they came to travel and whether they now regret leaving. Optional
    and self-reported; refused on a child's record."""
    _require_compartment(actor, person, INTAKE_COMPARTMENT)
    errors: dict[str, str] = {}
    if not is_adult(person, interviewed_on):
        errors["person"] = _(
            "An intake account is for adults only: this person is a child (or their age is not known to be 18 or "
            "over). A child's story is never recorded as an account of travel."
        )
    bad = [r for r in travel_reasons if r not in TravelReason.values]
    if bad:
        errors["travel_reasons"] = _("Unknown reason: %(r)s.") % {"r": ", ".join(bad)}
    if regret not in Regret.values:
        errors["regret"] = _("Choose yes, partly, no or not discussed.")
    if interviewed_on > timezone.localdate():
        errors["interviewed_on"] = _("The interview cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    existing = IntakeAccount.objects.filter(person=person).first()
    if existing is not None and expected_version is None:
        raise ValidationError({"person": _("This person's account is already recorded: correct it instead.")})
    if existing is not None and expected_version is not None and existing.version != expected_version:
        raise StaleVersionError(existing, expected_version, existing.version)
    intake = existing or IntakeAccount(person=person)
    before = (
        {"reasons": intake.travel_reasons, "regret": intake.regret, "account": intake.account}
        if existing is not None
        else {}
    )
    intake.interviewed_on = interviewed_on
    intake.interviewer = _user(actor)
    intake.travel_reasons = list(travel_reasons)
    intake.regret = regret
    intake.account = account.strip()
    if existing is not None:
        intake.version += 1
    intake.save()
    record(
        actor,
        Action.UPDATE if existing else Action.CREATE,
        object_type=ObjectType.INTAKE_ACCOUNT,
        object_ref=intake.uuid,
        person_ref=person.uuid,
        changes=diff(
            before,
            {"reasons": intake.travel_reasons, "regret": intake.regret, "account": intake.account},
            sensitive=("reasons", "regret", "account"),
        ),
    )
    return intake


# --- Professional risk assessments ----------------------------------------------


@write_action
def risk_assessment_record(
    *,
    actor: Actor,
    person: Person,
    tool: str,
    outcome: str,
    assessor_name: str,
    assessor_organisation: str,
    assessed_on: date,
    report_reference: str,
) -> ProfessionalRiskAssessment:
    """Record a licensed assessor's conclusion as they wrote it (adults only)."""
    _require_compartment(actor, person, RISK_ASSESSMENT_COMPARTMENT)
    errors: dict[str, str] = {}
    if not is_adult(person, assessed_on):
        errors["person"] = _(
            "A professional risk assessment is recorded for adults only: children are primarily victims, and no "
            "risk field exists on a child's record."
        )
    if tool not in RiskTool.values:
        errors["tool"] = _("Choose the licensed tool: VERA-2R or ERG22+.")
    if not outcome.strip():
        errors["outcome"] = _("Give the outcome in the tool's own words.")
    elif len(outcome) > 200:
        errors["outcome"] = _("The outcome is a short phrase from the report (at most 200 characters).")
    if not assessor_name.strip():
        errors["assessor_name"] = _("Name the licensed assessor.")
    if not assessor_organisation.strip():
        errors["assessor_organisation"] = _("Name the assessor's organisation.")
    if not report_reference.strip():
        errors["report_reference"] = _("Give the report's reference.")
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("The assessment cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    assessment = ProfessionalRiskAssessment.objects.create(
        person=person,
        tool=tool,
        outcome=outcome.strip(),
        assessor_name=assessor_name.strip(),
        assessor_organisation=assessor_organisation.strip(),
        assessed_on=assessed_on,
        report_reference=report_reference.strip(),
        recorded_by=_user(actor),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.RISK_ASSESSMENT,
        object_ref=assessment.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "tool": tool,
                "outcome": assessment.outcome,
                "assessor": assessment.assessor_name,
                "assessed_on": assessed_on.isoformat(),
                "report_reference": assessment.report_reference,
            },
            sensitive=("outcome", "report_reference"),
        ),
    )
    return assessment
