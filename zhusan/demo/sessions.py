"""Sessions for the demo's residents, adult women's intake accounts and a
few professional risk assessments.

Residents are the persons with a ``zhusan.rehabilitation`` Admission (read
here only). During each stay: individual sessions with the resident's key
workers (a psychologist about weekly, a theologian for adults and teenagers;
a young child's sessions are family sessions with their mother), weekly
group classes for the children of school age (teacher) and weekly group
counselling for the women (psychologist), all held with attendance, a
few cancelled. The adult women give an intake account a few days after
admission: exactly half (rounded) say they followed a husband and 85 %
(rounded) say they regret leaving, the persons chosen by the seed. A few
adult men, most in custody, have a licensed assessor's outcome recorded.

Everything is written through ``zhusan.rehabilitation.sessions.services`` as
the member of staff concerned: a resident who chose a female professional
is seen by a female one (the key worker if she is, else a female colleague
of the roster; the session is left out when there is none). No stage moves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import Person, Sex, Stage
from zhusan.rehabilitation import selectors as rehabilitation
from zhusan.rehabilitation.models import Discipline
from zhusan.rehabilitation.sessions import services
from zhusan.rehabilitation.sessions.models import Attendance, Regret, Session, SessionKind, TravelReason

from .plan import Plan, Planned

logger = logging.getLogger(__name__)

FOLLOWED_HUSBAND = 0.5
REGRET = 0.85
RISK_ASSESSMENTS = 4
GROUP_SIZE = 12
GROUP_WEEKS = 8
SCHOOL_AGE = (6, 17)
YOUNG_CHILD = 5
ROLE_OF = {
    Discipline.PSYCHOLOGIST: Role.PSYCHOLOGIST,
    Discipline.THEOLOGIAN: Role.THEOLOGIAN,
    Discipline.TEACHER: Role.TEACHER,
}
# What the women tell besides or instead of following a husband.
OTHER_REASONS = (
    TravelReason.RELIGIOUS_MOTIVE,
    TravelReason.PROMISED_MARRIAGE,
    TravelReason.MARRIED_THERE,
    TravelReason.COERCION,
    TravelReason.OTHER,
)
OUTCOMES = (
    "Summary judgement: low; protective factors present (family, employment prospects)",
    "Summary judgement: moderate; review after release recommended",
    "No further assessment recommended at this time",
)


@dataclass
class SessionsWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        from zhusan.rehabilitation.models import Admission

        self.today = timezone.localdate()
        self.written = 0
        admissions = list(Admission.objects.select_related("person", "centre").order_by("admitted_on", "pk"))
        self.stays = {a.person.pk: (a.admitted_on, a.discharged_on or self.today) for a in admissions}
        self.mothers = {
            self.created[child].pk: self.created[carer]
            for carer, children in self.plan.families
            for child in children
            if carer in self.created and child in self.created
        }
        for n, admission in enumerate(admissions):
            rng = Random(self.seed * 6151 + n)  # noqa: S311 - a reproducible synthetic dataset, not a secret
            self._individual(rng, admission.person)
        self._groups(admissions)
        self._intake_accounts([a for a in admissions if self._adult_woman(a.person, a.admitted_on)])
        self._risk_assessments()
        logger.info("demo sessions: %s written", self.written)

    # --- Helpers -----------------------------------------------------------------------

    def _at(self, day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_current_timezone())

    def _age(self, person: Person, on: date) -> int:
        return person.age(on) or 0

    def _adult_woman(self, person: Person, on: date) -> bool:
        return person.sex == Sex.FEMALE and person.definitely_at_least(18, on)

    def _staff_for(self, person: Person | None, discipline: str) -> list[User]:
        """Who may see the person for this discipline: the key worker, a female colleague if the
        person chose a female professional, else the demo user of the discipline."""
        found: list[User] = []
        if person is not None:
            found += rehabilitation.key_workers(person, discipline)
            if rehabilitation.prefers_female_professional(person):
                found = [u for u in found if services.is_female_professional(u)]
                admission = rehabilitation.current_admission(person)
                if not found and admission is not None:
                    found = list(
                        User.objects.filter(
                            staff_member__centre=admission.centre,
                            staff_member__discipline=discipline,
                            staff_member__is_female=True,
                            staff_member__active=True,
                        ).order_by("pk")[:1]
                    )
                return found
        role = ROLE_OF.get(discipline)  # type: ignore[call-overload]  # Discipline values are str
        if role is not None and role in self.users:
            found.append(self.users[role])
        return found

    def _held(
        self,
        rng: Random,
        *,
        kind: str,
        discipline: str,
        persons: list[Person],
        day: date,
        hour: int,
        title: str = "",
        staff: User | None = None,
        note: str = "",
    ) -> Session | None:
        staff = staff or next(
            iter(self._staff_for(persons[0] if kind != SessionKind.GROUP else None, discipline)), None
        )
        if staff is None:
            return None
        actor = Actor.system("zhusan demo", user=staff)
        try:
            session = services.session_plan(
                actor=actor,
                kind=kind,
                discipline=discipline,
                title=title,
                starts_at=self._at(day, hour),
                planned_minutes=45 if kind == SessionKind.GROUP else 50,
                persons=persons,
            )
            if rng.random() < 0.04:
                return services.session_cancel(
                    actor=actor, session=session, expected_version=session.version, reason="Resident unwell"
                )
            attendance = {
                p.uuid: (
                    Attendance.PRESENT if rng.random() < 0.9 else rng.choice([Attendance.ABSENT, Attendance.EXCUSED])
                )
                for p in persons
            }
            if kind != SessionKind.GROUP:
                attendance = dict.fromkeys(attendance, Attendance.PRESENT)
            services.session_hold(
                actor=actor,
                session=session,
                expected_version=session.version,
                duration_minutes=rng.choice([40, 45, 50, 60]),
                attendance=attendance,
            )
            if note:
                services.session_note_add(actor=actor, session=session, person=persons[0], body=note)
        except (PermissionDenied, ValidationError):
            logger.debug("demo session skipped", exc_info=True)
            return None
        self.written += 1
        return session

    # --- Individual and family sessions --------------------------------------------

    def _individual(self, rng: Random, person: Person) -> None:
        start, end = self.stays[person.pk]
        # About one resident in twenty-five declines individual support.
        if rng.random() < 0.04:
            return
        age = self._age(person, start)
        days = [start + timedelta(days=d) for d in range(2, (end - start).days + 1, 7)] or [start]
        days = [d for d in days if d <= self.today][:5]
        mother = self.mothers.get(person.pk)
        if age < YOUNG_CHILD:
            if mother is not None and mother.pk in self.stays and rng.random() < 0.7:
                self._held(
                    rng,
                    kind=SessionKind.FAMILY,
                    discipline=Discipline.PSYCHOLOGIST,
                    persons=[mother, person],
                    day=days[0],
                    hour=11,
                    staff=next(iter(self._staff_for(mother, Discipline.PSYCHOLOGIST)), None),
                )
            return
        for k, day in enumerate(days):
            self._held(
                rng,
                kind=SessionKind.INDIVIDUAL,
                discipline=Discipline.PSYCHOLOGIST,
                persons=[person],
                day=day,
                hour=9 + k % 3,
                note="First meeting: sleep, appetite and contact with relatives discussed." if k == 0 else "",
            )
        if age >= 12:
            for k, day in enumerate(days[:3]):
                self._held(
                    rng,
                    kind=SessionKind.INDIVIDUAL,
                    discipline=Discipline.THEOLOGIAN,
                    persons=[person],
                    day=day + timedelta(days=2),
                    hour=14 + k % 2,
                )

    # --- Group classes and courses -------------------------------------------------

    def _groups(self, admissions: list[Any]) -> None:
        if not admissions:
            return
        first = min(a.admitted_on for a in admissions)
        last = min(max(a.discharged_on or self.today for a in admissions), self.today)
        week = 0
        day = first + timedelta(days=3)
        while day <= last:
            rng = Random(self.seed * 7477 + week)  # noqa: S311 - a reproducible synthetic dataset, not a secret
            present = [a.person for a in admissions if a.admitted_on < day <= self._group_until(a)]
            pupils = [p for p in present if SCHOOL_AGE[0] <= self._age(p, day) <= SCHOOL_AGE[1]]
            women = [p for p in present if self._adult_woman(p, day)]
            for chunk in _chunks(pupils):
                self._held(
                    rng, kind=SessionKind.GROUP, discipline=Discipline.TEACHER, persons=chunk, day=day, hour=10,
                    title="Reading and Kazakh language class",
                )  # fmt: skip
            for chunk in _chunks(women):
                self._held(
                    rng, kind=SessionKind.GROUP, discipline=Discipline.PSYCHOLOGIST, persons=chunk,
                    day=day + timedelta(days=1), hour=15, title="Group counselling for women",
                    staff=self._female_group_lead(chunk),
                )  # fmt: skip
            day += timedelta(days=7)
            week += 1

    def _group_until(self, admission: Any) -> date:
        """Group sessions in the first weeks of a stay (an open admission of long ago is not followed for years)."""
        end: date = admission.discharged_on or self.today
        admitted: date = admission.admitted_on
        return min(end, admitted + timedelta(days=GROUP_WEEKS * 7))

    def _female_group_lead(self, women: list[Person]) -> User | None:
        for person in women:
            for user in self._staff_for(person, Discipline.PSYCHOLOGIST):
                if services.is_female_professional(user):
                    return user
        return self.users.get(Role.PSYCHOLOGIST)

    # --- Intake accounts -----------------------------------------------------------

    def _intake_accounts(self, admissions: list[Any]) -> None:
        rng = Random(self.seed * 3571 + 5)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        women = sorted(admissions, key=lambda a: a.person.case_number)
        n = len(women)
        husband = set(rng.sample(range(n), round(n * FOLLOWED_HUSBAND)))
        regret = set(rng.sample(range(n), round(n * REGRET)))
        refused: list[str] = []
        for i, admission in enumerate(women):
            person = admission.person
            reasons: set[str] = set()
            if i in husband:
                reasons.add(TravelReason.FOLLOWED_SPOUSE)
                if rng.random() < 0.3:
                    reasons.add(TravelReason.RELIGIOUS_MOTIVE)
            else:
                reasons.add(rng.choice(OTHER_REASONS))
            answer = Regret.YES if i in regret else rng.choice([Regret.PARTLY, Regret.NO, Regret.NOT_DISCUSSED])
            interviewer = next(iter(self._staff_for(person, Discipline.PSYCHOLOGIST)), None)
            if interviewer is None:
                continue
            try:
                services.intake_account_record(
                    actor=Actor.system("zhusan demo", user=interviewer),
                    person=person,
                    interviewed_on=min(admission.admitted_on + timedelta(days=rng.randint(2, 6)), self.today),
                    travel_reasons=sorted(reasons),
                    regret=answer,
                )
            except PermissionDenied:
                refused.append(person.case_number)
            except ValidationError:
                logger.warning("demo intake account skipped for %s", person.case_number, exc_info=True)
        if refused:
            # As for instruments (``zhusan.demo.instruments``): a regionally
            # managed resident is outside the unit scope of a centre
            # psychologist who is not her key worker.
            logger.warning(
                "demo sessions: %d intake accounts not written, the resident outside the interviewer's unit "
                "scope (managed by a regional unit): %s",
                len(refused),
                ", ".join(refused),
            )

    # --- Professional risk assessments ----------------------------------------------

    def _risk_assessments(self) -> None:
        liaison = self.users.get(Role.SECURITY_LIAISON)
        if liaison is None:
            return
        rng = Random(self.seed * 2909 + 3)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        men = [
            p
            for p in self.plan.persons
            if p.role == "man" and p in self.created and self.created[p].definitely_at_least(18, self.today)
        ]
        men.sort(key=lambda p: (p.stage != Stage.IN_CUSTODY.value, self.created[p].case_number))
        for k, planned in enumerate(men[:RISK_ASSESSMENTS]):
            arrived = next((d for stage, d in planned.path if stage == Stage.REPATRIATED.value), None)
            on = min((arrived or self.today - timedelta(days=90)) + timedelta(days=rng.randint(20, 60)), self.today)
            try:
                services.risk_assessment_record(
                    actor=Actor.system("zhusan demo", user=liaison),
                    person=self.created[planned],
                    tool=rng.choice(["vera_2r", "erg22"]),
                    outcome=OUTCOMES[k % len(OUTCOMES)],
                    assessor_name=rng.choice(["A. Bekova", "M. Sadykov", "R. Iskakova"]),
                    assessor_organisation="Probation Service",
                    assessed_on=on,
                    report_reference=f"PS-{on.year}-{100 + k}",
                )
            except (PermissionDenied, ValidationError):
                logger.warning("demo risk assessment skipped", exc_info=True)


def _chunks(persons: list[Person]) -> list[list[Person]]:
    return [persons[i : i + GROUP_SIZE] for i in range(0, len(persons), GROUP_SIZE)]
