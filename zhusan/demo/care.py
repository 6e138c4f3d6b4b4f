"""Needs assessments, individual plans and case conferences for the demo's
residents.

Residents are the persons with a ``zhusan.rehabilitation`` Admission (read
here only). For each stay: a needs assessment a few days after admission by
the resident's psychologist (levels for every domain, a mental-health note
only they and their colleagues read); a plan drafted by the same
psychologist with two to four goals owned by the resident's key workers,
submitted, and approved by the case manager (or the programme manager when
the case manager does not reach the person) a week after admission, with a
first review a month later. A discharged resident's plan has its discharge
review, the goals achieved or dropped, the next review in follow-up. The
last few residents admitted wait for approval; a few current residents'
reviews are overdue. Two or three multi-agency case conferences discuss
current residents, with decisions, a dissent and actions that become goals.

Everything goes through ``zhusan.rehabilitation.care.services`` as the
member of staff concerned. No stage moves. Deterministic for a seed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.access import access_for
from zhusan.registry.models import Person
from zhusan.rehabilitation import selectors as rehabilitation
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import CarePlan, Domain, GoalStatus, Level
from zhusan.rehabilitation.models import Admission, Discipline

from .plan import Plan, Planned

logger = logging.getLogger(__name__)

WAITING_FOR_APPROVAL = 3
CONFERENCES = 3
CASES_PER_CONFERENCE = 4
GOALS: dict[str, tuple[str, ...]] = {
    Domain.HEALTH: ("Complete the medical check-up and vaccinations", "Dental treatment"),
    Domain.MENTAL_HEALTH: ("Weekly individual counselling", "Join the women's support group"),
    Domain.EDUCATION: ("Placement test and catch-up classes", "Kazakh language classes"),
    Domain.CIVIL_DOCUMENTS: ("Apply for an identity card", "Birth certificates for the children"),
    Domain.LIVELIHOOD: ("Vocational course (sewing or cooking)", "Register with the employment centre"),
    Domain.FAMILY: ("Reconnect with parents by telephone", "Prepare the family visit"),
    Domain.RELIGIOUS: ("Counselling sessions with the theologian",),
    Domain.LEGAL: ("Consultation with the lawyer on benefits",),
}
DISCIPLINE_OF: dict[str, str] = {
    Domain.HEALTH: Discipline.DOCTOR,
    Domain.MENTAL_HEALTH: Discipline.PSYCHOLOGIST,
    Domain.EDUCATION: Discipline.TEACHER,
    Domain.CIVIL_DOCUMENTS: Discipline.LAWYER,
    Domain.LIVELIHOOD: Discipline.SOCIAL_WORKER,
    Domain.FAMILY: Discipline.SOCIAL_WORKER,
    Domain.RELIGIOUS: Discipline.THEOLOGIAN,
    Domain.LEGAL: Discipline.LAWYER,
}
MENTAL_NOTES = (
    "Sleeps badly; speaks of the camp at night. Agrees to weekly sessions.",
    "Low mood since arrival, worried about her husband's fate.",
    "Settling in; close to her children; asks about school for them.",
)
AGENCIES = (
    ("Akniet centre", "psychologist"),
    ("Akniet centre", "theologian"),
    ("Akimat social services", "social worker"),
    ("Ministry of Education", "inspector"),
    ("Regional health department", "doctor"),
)
ATTENDEES = ("Dana Serikbayeva", "Yerlan Tokhtarov", "Gulnara Abenova", "Marat Aliyev", "Saule Kassymova")


@dataclass
class CareWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        self.today = timezone.localdate()
        self.written = 0
        admissions = list(Admission.objects.select_related("person", "centre").order_by("admitted_on", "pk"))
        latest = {a.person.pk: a for a in admissions}  # a person's last stay
        stays = sorted(latest.values(), key=lambda a: (a.admitted_on, a.pk))
        waiting = {a.pk for a in [s for s in stays if s.discharged_on is None][-WAITING_FOR_APPROVAL:]}
        for n, admission in enumerate(stays):
            rng = Random(self.seed * 7103 + n)  # noqa: S311 - a reproducible synthetic dataset, not a secret
            try:
                self._resident(rng, admission, wait=admission.pk in waiting)
            except (PermissionDenied, ValidationError):
                logger.debug("demo care skipped for %s", admission.person.case_number, exc_info=True)
        current = [a for a in stays if a.discharged_on is None and a.pk not in waiting]
        self._conferences(Random(self.seed * 7103 + 99_991), current)  # noqa: S311
        logger.info("demo care: %s plans written", self.written)

    # --- Who ----------------------------------------------------------------------

    def _writes(self, user: User | None, person: Person) -> bool:
        return user is not None and services.may_write_care(access_for(user, person), person)

    def _staff(self, person: Person, discipline: str) -> User | None:
        """The person's key worker of ``discipline``, or the demo user of that role, if they may write."""
        role = {
            Discipline.PSYCHOLOGIST: Role.PSYCHOLOGIST,
            Discipline.THEOLOGIAN: Role.THEOLOGIAN,
            Discipline.SOCIAL_WORKER: Role.SOCIAL_WORKER,
            Discipline.DOCTOR: Role.DOCTOR,
            Discipline.LAWYER: Role.LAWYER,
        }.get(discipline)  # type: ignore[call-overload]  # Discipline values are str
        for user in [*rehabilitation.key_workers(person, discipline), self.users.get(role) if role else None]:
            if user is not None and access_for(user, person).visible:
                return user
        return None

    def _author(self, person: Person) -> User | None:
        for user in (
            self._staff(person, Discipline.PSYCHOLOGIST),
            self._staff(person, Discipline.SOCIAL_WORKER),
            self.users.get(Role.CASE_MANAGER),
            self.users.get(Role.CONSULAR_OFFICER),
        ):
            if self._writes(user, person):
                return user
        return None

    def _approver(self, person: Person, author: User) -> User | None:
        for role in (Role.CASE_MANAGER, Role.PROGRAMME_MANAGER):
            user = self.users.get(role)
            if user is not None and user.pk != author.pk and access_for(user, person).visible:
                return user
        return None

    # --- One resident --------------------------------------------------------------------

    def _day(self, day: date) -> date:
        return min(day, self.today)

    def _resident(self, rng: Random, admission: Admission, *, wait: bool) -> None:
        person = admission.person
        admitted = admission.admitted_on
        discharged = admission.discharged_on
        if CarePlan.objects.filter(person=person).exists():
            return
        author = self._author(person)
        if author is None:
            return
        actor = Actor.system("zhusan demo", user=author)
        adult = person.definitely_at_least(18, admitted)
        levels = {d: rng.choice([Level.NONE, Level.LOW, Level.LOW, Level.MEDIUM, Level.HIGH]) for d in Domain.values}
        levels[Domain.CIVIL_DOCUMENTS] = rng.choice([Level.MEDIUM, Level.HIGH])
        levels[Domain.MENTAL_HEALTH] = rng.choice([Level.MEDIUM, Level.HIGH, Level.LOW])
        if not adult:
            levels[Domain.EDUCATION] = rng.choice([Level.MEDIUM, Level.HIGH])
            levels[Domain.LIVELIHOOD] = Level.NONE
        access = access_for(author, person)
        needs = {}
        for domain, level in levels.items():
            note = ""
            if domain == Domain.MENTAL_HEALTH and access.can_write("psychosocial"):
                note = rng.choice(MENTAL_NOTES) if adult else "Plays with other children; startles at loud noises."
            needs[domain] = services.NeedInput(level, note)
        services.needs_assessment_create(
            actor=actor, person=person, assessed_on=self._day(admitted + timedelta(days=3)), needs=needs
        )
        plan = services.plan_create(actor=actor, person=person, summary="Stay at the centre: needs first assessed.")
        pressing = sorted(levels, key=lambda d: [Level.HIGH, Level.MEDIUM, Level.LOW, Level.NONE].index(levels[d]))
        for domain in pressing[: rng.randint(2, 4)]:
            owner = self._staff(person, DISCIPLINE_OF[domain]) or author
            services.goal_add(
                actor=actor,
                plan=plan,
                domain=domain,
                text=rng.choice(GOALS[domain]),
                owner=owner,
                due_on=admitted + timedelta(days=rng.randint(14, 60)),
            )
        submitted_on = self._day(admitted + timedelta(days=5))
        plan = services.plan_submit(actor=actor, plan=plan, expected_version=plan.version, submitted_on=submitted_on)
        self.written += 1
        if wait:
            return
        approver = self._approver(person, author)
        if approver is None:
            return
        decided = self._day(admitted + timedelta(days=7))
        plan = services.plan_approve(
            actor=Actor.system("zhusan demo", user=approver),
            plan=plan,
            expected_version=plan.version,
            comment="Agreed at the weekly team meeting.",
            next_review_on=decided + timedelta(days=30),
            decided_on=decided,
        )
        if discharged is not None:
            self._discharge_review(rng, actor, plan, discharged)

    def _discharge_review(self, rng: Random, actor: Actor, plan: CarePlan, discharged: date) -> None:
        for goal in plan.goals.all():
            status = GoalStatus.ACHIEVED if rng.random() < 0.8 else GoalStatus.DROPPED
            services.goal_status_change(actor=actor, goal=goal, expected_version=goal.version, status=status)
        services.plan_review_add(
            actor=actor,
            plan=plan,
            reviewed_on=discharged,
            summary="Discharge review: goals of the stay met; the plan continues in follow-up.",
            next_review_on=max(discharged, self.today) + timedelta(days=rng.randint(30, 120)),
        )

    # --- Case conferences -------------------------------------------------------------------

    def _conferences(self, rng: Random, current: list[Admission]) -> None:
        chair = self.users.get(Role.CASE_MANAGER) or self.users.get(Role.PROGRAMME_MANAGER)
        if chair is None or not current:
            return
        persons = [a.person for a in current]
        rng.shuffle(persons)
        for k in range(CONFERENCES):
            group = persons[k * CASES_PER_CONFERENCE : (k + 1) * CASES_PER_CONFERENCE]
            if not group:
                return
            held = self.today - timedelta(days=7 * (CONFERENCES - k))
            self._conference(rng, chair, held, group, k)

    def _conference(self, rng: Random, chair: User, held: date, group: list[Person], k: int) -> None:
        recorder = Actor.system("zhusan demo", user=chair)
        attendees = [
            services.AttendeeInput(name, agency, role)
            for name, (agency, role) in zip(ATTENDEES, AGENCIES, strict=True)
            if rng.random() < 0.85
        ]
        conference = services.conference_create(
            actor=recorder,
            held_on=held,
            title=f"Multi-agency case conference, Akniet — week {held.isocalendar().week}",
            chair=chair,
            next_review_on=held + timedelta(days=28),
            attendees=attendees,
        )
        for i, person in enumerate(group):
            writer = chair if self._writes(chair, person) else self._author(person)
            if writer is None:
                continue
            owner = self._staff(person, Discipline.SOCIAL_WORKER) or writer
            case = services.CaseInput(
                person=person,
                decisions=rng.choice(
                    (
                        "Continue the stay; prepare the move to relatives at the end of the month.",
                        "Extend the stay by two weeks; family visit first.",
                        "Start the document pathway for the children; school enrolment after discharge.",
                    )
                ),
                dissents=[("Marat Aliyev", "Would wait for the school's assessment before deciding.")]
                if i == 0 and k == 0
                else [],
                actions=[
                    services.ActionInput(
                        Domain.FAMILY, "Arrange the family visit", owner, held + timedelta(days=rng.randint(7, 21))
                    )
                ],
            )
            try:
                row = services.conference_case_add(
                    actor=Actor.system("zhusan demo", user=writer), conference=conference, case=case
                )
            except (PermissionDenied, ValidationError):
                logger.debug("demo conference case skipped", exc_info=True)
                continue
            psychologist = self._staff(person, Discipline.PSYCHOLOGIST)
            if psychologist is not None and access_for(psychologist, person).can_write("psychosocial"):
                services.conference_minute_add(
                    actor=Actor.system("zhusan demo", user=psychologist),
                    case=row,
                    compartment="psychosocial",
                    body="Progress in counselling discussed; no change to the weekly sessions.",
                )
