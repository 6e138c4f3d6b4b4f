"""Scoped reads of needs, plans and case conferences.

Every read goes through the registry's access path. A plan, its goals and
reviews, the levels of need and a conference's decisions are read by
whoever reads the person's case (identity, and the case history: not a
teacher); notes of a severe domain and conference minutes only by readers of
their compartment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess, active_grants, has_capability
from zhusan.accounts.permissions import Capability, Compartment, Detail, RolePolicy, policy
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import access_for_many, visible_to
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user

from .models import (
    PENDING_GOAL,
    CarePlan,
    CaseConference,
    ConferenceCase,
    ConferenceMinute,
    NeedsAssessment,
    NeedsLine,
    PlanGoal,
    PlanStatus,
)

# What reading a person's plan takes: their case (identity) and its history
# (a teacher, who withholds the history, reads no plan), and some part of
# their care (documents, health, psychosocial or religious counselling):
# security and justice staff, who read none, see no plan (care and security
# are kept apart).
PLAN_COMPARTMENT = Compartment.IDENTITY
PLAN_DETAIL = Detail.TIMELINE
CARE_COMPARTMENTS = frozenset(
    {Compartment.DOCUMENTS, Compartment.HEALTH, Compartment.PSYCHOSOCIAL, Compartment.RELIGIOUS}
)
# "Due" on the My work page: within this many days.
DUE_SOON = timedelta(days=14)


def reads_plan(access: PersonAccess) -> bool:
    return access.can_read(PLAN_COMPARTMENT, PLAN_DETAIL) and bool(access.read & CARE_COMPARTMENTS)


def _care_policies(user: Any) -> list[RolePolicy]:
    if not user.is_authenticated or not user.is_active:
        return []
    out = []
    for grant in active_grants(user):
        pol = policy(grant.role)
        if pol.read & CARE_COMPARTMENTS and PLAN_DETAIL not in pol.withholds:
            out.append(pol)
    return out


def is_care_reader(user: Any) -> bool:
    """Whether one of the user's roles reads plans and conferences (of the persons in its scope)."""
    return bool(_care_policies(user))


def is_care_writer(user: Any) -> bool:
    """Whether one of the user's roles records plans and conferences."""
    return any(pol.write for pol in _care_policies(user))


def _today() -> date:
    return timezone.localdate()


# --- Needs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedShown:
    line: NeedsLine
    notes_readable: bool

    @property
    def notes(self) -> str:
        return self.line.notes if self.notes_readable else ""


def needs_shown(assessment: NeedsAssessment, access: PersonAccess) -> list[NeedShown]:
    """The lines of an assessment as this reader sees them: every level, the notes of readable compartments."""
    return [NeedShown(line, access.can_read(line.compartment)) for line in assessment.lines.all()]


def assessments_of(person: Person) -> QuerySet[NeedsAssessment]:
    return (
        NeedsAssessment.objects.filter(person=person)
        .select_related("assessor")
        .prefetch_related(Prefetch("lines", queryset=NeedsLine.objects.order_by("pk")))
    )


# --- Plans ------------------------------------------------------------------------------


def plans_of(person: Person) -> QuerySet[CarePlan]:
    return (
        CarePlan.objects.filter(person=person)
        .select_related("author", "decided_by")
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.select_related("owner", "conference_case__conference")),
            "reviews__reviewer",
        )
    )


def get_plan_for_user(actor: Actor, ref: object) -> tuple[CarePlan, PersonAccess]:
    """A plan whose person the actor reads (404 otherwise; 403 for a reader refused the case history)."""
    plan = CarePlan.objects.select_related("person", "author", "decided_by").filter(uuid=parse_ref(ref)).first()
    if plan is None:
        raise Http404("No such plan")
    _person, access = get_person_for_user(actor, plan.person.uuid, audit_view=False)
    if not reads_plan(access):
        raise PermissionDenied(_("You may not read this person's plan."))
    record(actor, Action.VIEW, object_type=ObjectType.CARE_PLAN, object_ref=plan.uuid, person_ref=plan.person.uuid)
    return plan, access


def get_goal_for_user(actor: Actor, ref: object) -> tuple[PlanGoal, PersonAccess]:
    goal = PlanGoal.objects.select_related("plan__person", "owner").filter(uuid=parse_ref(ref)).first()
    if goal is None:
        raise Http404("No such goal")
    _person, access = get_person_for_user(actor, goal.plan.person.uuid, audit_view=False)
    if not reads_plan(access):
        raise PermissionDenied(_("You may not read this person's plan."))
    return goal, access


def plans_waiting_for(user: Any) -> QuerySet[CarePlan]:
    """Submitted plans this user may decide: they approve care, see the person, and did not write the plan."""
    if not has_capability(user, Capability.APPROVE_CARE):
        return CarePlan.objects.none()
    return (
        CarePlan.objects.filter(status=PlanStatus.SUBMITTED, person__in=visible_to(user).values("pk"))
        .exclude(author=user)
        .select_related("person", "author")
        .order_by("submitted_at", "pk")
    )


def goals_due_for(user: Any, today: date | None = None) -> QuerySet[PlanGoal]:
    """Goals this user owns, not yet achieved or dropped, due within ``DUE_SOON`` or overdue, of current plans."""
    today = today or _today()
    return (
        PlanGoal.objects.filter(
            owner=user,
            status__in=PENDING_GOAL,
            due_on__lte=today + DUE_SOON,
            plan__status__in=[PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.REJECTED],
            plan__person__in=visible_to(user).values("pk"),
        )
        .select_related("plan__person")
        .order_by("due_on", "pk")
    )


def reviews_overdue_for(user: Any, today: date | None = None) -> QuerySet[CarePlan]:
    """Active plans past their review date, of persons this user may write the plan of (their author, or on their caseload)."""
    today = today or _today()
    mine = CarePlan.objects.filter(Q(author=user) | Q(goals__owner=user)).values("pk")
    return (
        CarePlan.objects.review_overdue(today)
        .filter(pk__in=mine, person__in=visible_to(user).values("pk"))
        .select_related("person")
        .order_by("next_review_on", "pk")
    )


# --- Case conferences ----------------------------------------------------------------------


def conferences_for_user(user: Any) -> QuerySet[CaseConference]:
    """Conferences where at least one case discussed is a person the user
    sees, and those the user chaired or recorded (before their cases are added)."""
    if not is_care_reader(user):
        return CaseConference.objects.none()
    seen = ConferenceCase.objects.filter(person__in=visible_to(user).values("pk"))
    return (
        CaseConference.objects.filter(Q(pk__in=seen.values("conference_id")) | Q(chair=user) | Q(recorded_by=user))
        .select_related("chair")
        .order_by("-held_on", "-pk")
    )


@dataclass(frozen=True)
class CaseShown:
    case: ConferenceCase
    access: PersonAccess
    minutes: list[ConferenceMinute]
    goals: list[PlanGoal]
    withheld: int  # minutes in compartments the reader does not read


def _cases_shown(user: Any, cases: list[ConferenceCase]) -> list[CaseShown]:
    accesses = access_for_many(user, [c.person for c in cases])
    out = []
    for case in cases:
        access = accesses[case.person.pk]
        if not reads_plan(access):
            continue
        minutes = list(case.minutes.all())
        readable = [m for m in minutes if access.can_read(m.compartment)]
        out.append(CaseShown(case, access, readable, list(case.actions.all()), len(minutes) - len(readable)))
    return out


def _case_queryset() -> QuerySet[ConferenceCase]:
    return ConferenceCase.objects.select_related("person", "conference__chair").prefetch_related(
        "dissents",
        Prefetch("minutes", queryset=ConferenceMinute.objects.select_related("author")),
        Prefetch("actions", queryset=PlanGoal.objects.select_related("owner")),
    )


def get_conference_for_user(actor: Actor, ref: object) -> tuple[CaseConference, list[CaseShown]]:
    """A conference with only the cases the actor reads (404 if they read
    none of them, unless they chaired or recorded it)."""
    assert actor.user is not None
    conference = (
        CaseConference.objects.select_related("chair", "recorded_by")
        .prefetch_related("attendees")
        .filter(uuid=parse_ref(ref))
        .first()
    )
    if conference is None:
        raise Http404("No such conference")
    cases = _cases_shown(actor.user, list(_case_queryset().filter(conference=conference)))
    own = actor.user.pk in (conference.chair_id, conference.recorded_by_id) and is_care_reader(actor.user)
    if not cases and not own:
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.CASE_CONFERENCE,
            object_ref=conference.uuid,
            detail={"why": "no case discussed is in scope"},
        )
        raise Http404("No such conference")
    record(actor, Action.VIEW, object_type=ObjectType.CASE_CONFERENCE, object_ref=conference.uuid)
    return conference, cases


def get_conference_case_for_user(actor: Actor, ref: object) -> tuple[ConferenceCase, PersonAccess]:
    case = ConferenceCase.objects.select_related("person", "conference").filter(uuid=parse_ref(ref)).first()
    if case is None:
        raise Http404("No such case")
    _person, access = get_person_for_user(actor, case.person.uuid, audit_view=False)
    if not reads_plan(access):
        raise PermissionDenied(_("You may not read this person's plan."))
    return case, access


def conference_cases_of(user: Any, person: Person) -> list[CaseShown]:
    """The conferences that discussed ``person``, as this user may read them."""
    return _cases_shown(user, list(_case_queryset().filter(person=person).order_by("-conference__held_on", "-pk")))
