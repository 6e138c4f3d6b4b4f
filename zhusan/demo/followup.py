"""Follow-up for years: plans, visits and calls, incidents, security
follow-up and closures, written after everything else of the story.

Returnees the story sends home (stage "reintegrating" or "closed": the case
manager's family and a sample of the others, see ``CLOSED_FOLLOWED``) get a
follow-up plan from the default template, from their discharge (else the day
they went home, else their arrival) in 2019: monthly for six months,
quarterly to two years, yearly to five. Contacts due so far are mostly made
on time by the worker who follows the family (the regional social worker,
else the case manager, else the consular officer), some late, a few missed
(overdue still). A few incidents of stigma and bullying are recorded by the
psychologist, a few security follow-up meetings by the security liaison
(adults only). Closed cases get their closure record, requested by the
worker and approved by the programme manager, with a best-interests
assessment for a child: the stage is the story's, never changed here. The
case manager's first family (the one she keeps) has its follow-up extended,
so that a contact falls due next month on her "My work" page.

Seeded: the same seed writes the same visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.access import access_for
from zhusan.registry.models import Person, Stage
from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.compartments import FOLLOW_UP, INCIDENTS, SECURITY
from zhusan.reintegration.followup.models import CaseClosure, FollowUpPlan

from .plan import Plan, Planned

OUTCOMES = ("seen_well", "seen_well", "seen_well", "seen_well", "concerns")
KINDS = ("home_visit", "home_visit", "phone_call", "office_visit", "school_visit")
NEXT_STEPS = (
    "Next visit as planned",
    "Check school attendance with the class teacher",
    "Help with the child benefit claim",
    "Invite to the women's job course",
    "",
)
# How many cases the demo follows up besides the case manager's family.
CLOSED_FOLLOWED = 12
OPEN_FOLLOWED = 36
INCIDENTS_WRITTEN = 4
SECURITY_WRITTEN = 3
INCIDENT_TEXT = {
    "stigma": "Neighbours stopped greeting the family after a rumour about where they had lived.",
    "bullying": "Classmates called the boy names; the class teacher intervened.",
    "discrimination_at_work": "A shop owner refused to keep her on after learning of her past.",
    "threats": "An anonymous caller threatened the family; reported to the police.",
}
CLOSURE_REASONS = ("goals_achieved", "goals_achieved", "goals_achieved", "transferred", "moved_abroad")


def _day(planned: Planned, stage: str) -> date | None:
    return next((day for s, day in planned.path if s == stage), None)


@dataclass
class FollowUpWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        rng = Random(self.seed * 1013 + 29)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        today = timezone.localdate()
        kept = self._case_managers_family()
        candidates: list[tuple[Planned, Person, User]] = []
        for planned in self.plan.persons:
            person = self.created.get(planned)
            if person is None or planned.stage not in (Stage.REINTEGRATING, Stage.CLOSED):
                continue
            worker = self.users[Role.CASE_MANAGER] if person.pk in kept else self._worker(person)
            if worker is not None:
                candidates.append((planned, person, worker))
        # Five years of visits for every returnee would make the demo slow to
        # load: the case manager's family, and a sample of closed and open cases.
        closed = [c for c in candidates if c[0].stage == Stage.CLOSED]
        still_open = [c for c in candidates if c[0].stage != Stage.CLOSED and c[1].pk not in kept]
        chosen = {id(c) for c in candidates if c[1].pk in kept}
        chosen |= {id(c) for c in rng.sample(closed, min(CLOSED_FOLLOWED, len(closed)))}
        chosen |= {id(c) for c in rng.sample(still_open, min(OPEN_FOLLOWED, len(still_open)))}
        followed: list[tuple[Planned, Person]] = []
        for candidate in candidates:
            if id(candidate) in chosen:
                planned, person, worker = candidate
                self._follow(rng, planned, person, worker, today)
                followed.append((planned, person))
        self._extend(kept, today)
        self._incidents(rng, followed, today)
        self._security(rng, followed, today)

    # --- Who follows whom -------------------------------------------------------------

    def _case_managers_family(self) -> set[int]:
        """The first Zhusan-2 family at home: the case manager keeps it (``builder._narrow_assignments``)."""
        for carer, children in self.plan.families:
            if carer.operation == "Zhusan-2" and carer.stage == Stage.REINTEGRATING:
                return {self.created[p].pk for p in [carer, *children] if p in self.created}
        return set()

    def _worker(self, person: Person) -> User | None:
        for role in (Role.SOCIAL_WORKER, Role.CASE_MANAGER, Role.CONSULAR_OFFICER):
            user = self.users.get(role)
            if user is not None and access_for(user, person).can_write(FOLLOW_UP):
                return user
        return None

    # --- Plans and visits --------------------------------------------------------------

    def _follow(self, rng: Random, planned: Planned, person: Person, worker: User, today: date) -> None:
        actor = Actor.system("zhusan demo", user=worker)
        start = services.discharge_on(person) or _day(planned, Stage.REINTEGRATING) or services.arrival_on(person)
        plan = services.plan_create(actor=actor, person=person, start_on=start, worker=worker)
        closed_on = _day(planned, Stage.CLOSED) if planned.stage == Stage.CLOSED else None
        until = min(today, closed_on) if closed_on else today
        arrived = services.arrival_on(person)
        for contact in plan.contacts.filter(due_on__lte=until).order_by("due_on"):
            roll = rng.random()
            if roll < 0.04:
                continue  # missed: still due (overdue)
            late = roll < 0.12
            day = contact.due_on + timedelta(days=rng.randint(20, 45) if late else rng.randint(-3, 9))
            day = min(day, today)
            if arrived is not None and day < arrived:
                day = arrived
            services.visit_log(
                actor=actor, person=person, contact=contact, kind=rng.choice(KINDS), visited_on=day,
                outcome=rng.choice(OUTCOMES), next_step=rng.choice(NEXT_STEPS), worker=worker,
            )  # fmt: skip
        if closed_on is not None:
            self._closure(rng, person, worker, closed_on)

    def _closure(self, rng: Random, person: Person, worker: User, closed_on: date) -> None:
        requester = Actor.system("zhusan demo", user=worker)
        assessment = None
        if person.is_child():
            assessment = services.BestInterestsInput(
                assessed_on=closed_on - timedelta(days=14),
                recommendation="Settled with relatives and at school; the family no longer needs follow-up.",
                childs_views="Wants to stay where she lives now." if person.sex == "female" else "Happy at home.",
            )
        closure = services.closure_request(
            actor=requester,
            person=person,
            reason=rng.choice(CLOSURE_REASONS),
            best_interests=assessment,
            stage_already_closed=True,
        )
        approver = Actor.system("zhusan demo", user=self.users[Role.PROGRAMME_MANAGER])
        services.closure_decide(
            actor=approver, closure=closure, approve=True, expected_version=closure.version, stage_already_closed=True
        )
        # The story's dates, not the loading day.
        CaseClosure.objects.filter(pk=closure.pk).update(
            requested_on=closed_on - timedelta(days=7), decided_on=closed_on
        )

    def _extend(self, kept: set[int], today: date) -> None:
        """The case manager's family: follow-up extended at a case review, so a contact is due next month."""
        manager = self.users[Role.CASE_MANAGER]
        actor = Actor.system("zhusan demo", user=manager)
        for plan in FollowUpPlan.objects.filter(person_id__in=kept, active=True).order_by("person__case_number")[:2]:
            services.plan_regenerate(
                actor=actor,
                plan=plan,
                expected_version=plan.version,
                reason="Second period of follow-up agreed at the case review",
                start_on=today - timedelta(days=5),
                worker=manager,
            )

    # --- Incidents and security follow-up -------------------------------------------------

    def _incidents(self, rng: Random, followed: list[tuple[Planned, Person]], today: date) -> None:
        psychologist = self.users.get(Role.PSYCHOLOGIST)
        if psychologist is None:
            return
        actor = Actor.system("zhusan demo", user=psychologist)
        open_cases = [p for _planned, p in followed if access_for(psychologist, p).can_write(INCIDENTS)]
        for person in rng.sample(open_cases, min(INCIDENTS_WRITTEN, len(open_cases))):
            kind = "bullying" if person.is_child() else rng.choice(["stigma", "discrimination_at_work", "threats"])
            start = services.arrival_on(person) or date(2019, 6, 1)
            occurred = start + timedelta(days=rng.randint(60, max(61, (today - start).days - 30)))
            incident = services.incident_record(
                actor=actor, person=person, kind=kind, occurred_on=occurred, description=INCIDENT_TEXT[kind]
            )
            services.incident_action_add(
                actor=actor,
                incident=incident,
                taken_on=min(today, occurred + timedelta(days=3)),
                action="Talked it through with the family; agreed next steps with the social worker.",
                resolve=rng.random() < 0.5,
            )

    def _security(self, rng: Random, followed: list[tuple[Planned, Person]], today: date) -> None:
        liaison = self.users.get(Role.SECURITY_LIAISON)
        if liaison is None:
            return
        actor = Actor.system("zhusan demo", user=liaison)
        adults = [
            p
            for planned, p in followed
            if planned.role in ("man", "woman")
            and p.definitely_at_least(18)
            and access_for(liaison, p).can_write(SECURITY)
        ]
        for person in rng.sample(adults, min(SECURITY_WRITTEN, len(adults))):
            services.security_contact_record(
                actor=actor,
                person=person,
                kind="meeting",
                contacted_on=today - timedelta(days=rng.randint(20, 200)),
                notes="Routine meeting under the conditions of release; nothing to report.",
                next_contact_on=today + timedelta(days=rng.randint(30, 90)),
            )
