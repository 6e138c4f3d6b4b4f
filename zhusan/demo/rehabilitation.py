"""The Akniet centre in Aktau for the demo: rooms, the staff roster of the
public record (45 theologians, 17 psychologists, with doctors, social
workers, teachers and nannies), the returnees' stays and their key workers.

Every returnee whose story passes through rehabilitation (the plan's path
holds "in rehabilitation") is admitted on the day of their flight, a mother
with her children in one family room; their stay ends on the day the path
moves them on to "reintegrating" (about a month later), to relatives, their
own home or, for an orphan, a guardian. A child leaves after a
best-interests assessment with their views. Each resident has a key worker
per discipline (psychologist, social worker, doctor; a theologian from the
age of 14; a teacher for school-age children, a nanny for the youngest),
women who chose a female professional get one. The demo logins
``psychologist``, ``theologian``, ``doctor`` and ``teacher`` are on the
roster and carry a share of the residents.

Written through ``zhusan.rehabilitation.services`` as the demo case manager
(wire it while she still holds every person: before the builder narrows her
assignments), with ``change_stage=False``: the persons already have the
stage their story gives them. Seeded: the same seed writes the same stays.
Staff users have no usable password (they are names on the roster).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from django.core.exceptions import ValidationError

from zhusan.accounts.models import RoleGrant, Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import Person, Stage, Vulnerability
from zhusan.rehabilitation import services
from zhusan.rehabilitation.models import Admission, Destination, Discipline, Room

from .names import KAZAKH_FEMALE, KAZAKH_MALE, KAZAKH_SURNAMES, female_surname
from .plan import Plan, Planned

logger = logging.getLogger(__name__)

CENTRE_NAME = "Akniet"
# (discipline, role, how many in all, how many of them women); the demo
# login of the role is one of them.
ROSTER: tuple[tuple[str, Role | None, int, int], ...] = (
    (Discipline.PSYCHOLOGIST, Role.PSYCHOLOGIST, 17, 13),
    (Discipline.THEOLOGIAN, Role.THEOLOGIAN, 45, 12),
    (Discipline.DOCTOR, Role.DOCTOR, 6, 4),
    (Discipline.SOCIAL_WORKER, Role.SOCIAL_WORKER, 8, 6),
    (Discipline.TEACHER, Role.TEACHER, 10, 8),
    (Discipline.NANNY, None, 12, 12),
)
DEMO_LOGINS = {Discipline.PSYCHOLOGIST, Discipline.THEOLOGIAN, Discipline.DOCTOR, Discipline.TEACHER}
CASELOAD_LIMITS: dict[str, int] = {
    Discipline.PSYCHOLOGIST: 30,
    Discipline.THEOLOGIAN: 12,
    Discipline.DOCTOR: 80,
    Discipline.SOCIAL_WORKER: 60,
    Discipline.TEACHER: 40,
    Discipline.NANNY: 20,
}
FAMILY_ROOMS, FAMILY_BEDS = 70, 8
WOMENS_ROOMS, WOMENS_BEDS = 20, 4
MENS_ROOMS, MENS_BEDS = 6, 4
PREFERS_FEMALE = 0.6
CHILDS_VIEWS = (
    "Wants to live with grandmother and go to school.",
    "Says he likes the teachers here and wants to stay with his mother.",
    "Wants to be with her brothers and sisters.",
    "Asks when she can start school at home.",
)


@dataclass
class _Room:
    room: Room
    stays: list[tuple[date, date | None]] = field(default_factory=list)

    def free_on(self, day: date) -> int:
        taken = sum(1 for start, end in self.stays if start <= day and (end is None or end > day))
        return self.room.beds - taken


@dataclass
class RehabilitationWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        self.rng = Random(self.seed * 7919 + 11)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        unit = self.units["centre"]
        self.admin = Actor.system("zhusan demo", user=self.users[Role.SYSTEM_ADMIN])
        self.actor = Actor.system("zhusan demo", user=self.users[Role.CASE_MANAGER])
        self.centre = services.centre_create(
            actor=self.admin,
            name=CENTRE_NAME,
            region="Mangystau",
            town="Aktau",
            unit=unit,
            address="Aktau, 15th microdistrict",
            caseload_limits=dict(CASELOAD_LIMITS),
        )
        self.rooms = {
            "family": self._rooms("A", FAMILY_ROOMS, FAMILY_BEDS, mothers=True),
            "women": self._rooms("B", WOMENS_ROOMS, WOMENS_BEDS, mothers=False),
            "men": self._rooms("C", MENS_ROOMS, MENS_BEDS, mothers=False),
        }
        self.staff: dict[str, list[tuple[User, bool]]] = {}
        self.turn: dict[tuple[str, bool], int] = {}
        self._roster(unit)
        for group in self._groups():
            try:
                self._stay(group)
            except ValidationError:
                logger.warning("demo stay not written for %s", [p.key for p in group], exc_info=True)

    # --- The centre ------------------------------------------------------------------------

    def _rooms(self, block: str, count: int, beds: int, *, mothers: bool) -> list[_Room]:
        return [
            _Room(
                services.room_create(
                    actor=self.admin,
                    centre=self.centre,
                    name=f"{block}-{i:02d}",
                    beds=beds,
                    mothers_with_young_children=mothers,
                )
            )
            for i in range(1, count + 1)
        ]

    def _roster(self, unit: Unit) -> None:
        taken: set[tuple[str, str]] = set()
        for discipline, role, total, women in ROSTER:
            members: list[tuple[User, bool]] = []
            lead: User | None = None
            for i in range(total):
                female = i < women
                # The demo login of the discipline is its second member, under the lead.
                demo = discipline in DEMO_LOGINS and i == 1 and role in self.users
                user = self.users[role] if demo and role is not None else self._staff_user(unit, role, female, taken)
                services.staff_member_add(
                    actor=self.admin,
                    user=user,
                    centre=self.centre,
                    discipline=discipline,
                    is_female=female,
                    supervisor=lead,
                )
                lead = lead or user
                members.append((user, female))
            self.staff[discipline] = members

    def _staff_user(self, unit: Unit, role: Role | None, female: bool, taken: set[tuple[str, str]]) -> User:
        while True:
            given = self.rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
            surname = self.rng.choice(KAZAKH_SURNAMES)
            family = female_surname(surname) if female else surname
            if (given, family) not in taken:
                taken.add((given, family))
                break
        user = User(username=f"akniet.{len(taken):03d}", unit=unit, first_name=given, last_name=family)
        user.set_unusable_password()
        user.save()
        if role is not None:
            RoleGrant.objects.create(user=user, role=role, organisation=unit.organisation, unit=unit)
        return user

    # --- Stays ---------------------------------------------------------------------------------

    def _groups(self) -> list[list[Planned]]:
        """Residents in the order they arrived: a carer with the children who
        came with them, else one person."""
        rehab = [p for p in self.plan.persons if p.is_subject and _admitted_on(p) is not None]
        in_group: set[int] = set()
        groups: list[list[Planned]] = []
        children_of = {id(carer): kids for carer, kids in self.plan.families}
        for person in rehab:
            if id(person) in in_group:
                continue
            kids = [k for k in children_of.get(id(person), []) if _admitted_on(k) == _admitted_on(person)]
            group = [person, *kids]
            in_group |= {id(p) for p in group}
            groups.append(group)
        for person in rehab:
            if id(person) not in in_group:
                groups.append([person])
                in_group.add(id(person))
        groups.sort(key=lambda g: (_admitted_on(g[0]) or date.min, g[0].key))
        return groups

    def _stay(self, group: list[Planned]) -> None:
        head = group[0]
        admitted = _admitted_on(head)
        assert admitted is not None
        persons = [self.created[p] for p in group]
        ends = [_discharged_on(p) for p in group]
        young = any(services.is_young_child(p, admitted) for p in persons)
        kind = "family" if len(group) > 1 or young else ("men" if head.sex == "male" else "women")
        room = self._room(kind, admitted, len(group), max((e for e in ends if e), default=None))
        prefers = head.role == "woman" and self.rng.random() < PREFERS_FEMALE
        admissions = services.admission_create(
            actor=self.actor,
            centre=self.centre,
            admitted_on=admitted,
            residents=[
                services.ResidentInput(
                    person=p, room=room.room, prefers_female_professional=prefers and not p.is_child(admitted)
                )
                for p in persons
            ],
            change_stage=False,
        )
        for admission, end in zip(admissions, ends, strict=True):
            room.stays.append((admitted, end))
            self._key_workers(admission.person, admitted, female=admission.prefers_female_professional)
        for admission, planned, end in zip(admissions, group, ends, strict=True):
            if end is not None:
                self._discharge(admission, planned, end)

    def _room(self, kind: str, day: date, beds: int, end: date | None) -> _Room:
        for candidate in self.rooms[kind]:
            if candidate.free_on(day) >= beds:
                return candidate
        # The block is full that day: the next block with the beds (a family stays together).
        for other in ("family", "women", "men"):
            for candidate in self.rooms[other]:
                if candidate.free_on(day) >= beds and (other == "family" or kind != "family"):
                    return candidate
        raise ValidationError({"room": f"no room with {beds} beds on {day}"})

    def _key_workers(self, person: Person, day: date, *, female: bool) -> None:
        age = person.age(day)
        disciplines = [Discipline.PSYCHOLOGIST, Discipline.SOCIAL_WORKER, Discipline.DOCTOR]
        if age is None or age >= 14:
            disciplines.append(Discipline.THEOLOGIAN)
        if age is not None and 6 <= age < 18:
            disciplines.append(Discipline.TEACHER)
        if age is not None and age < 3:
            disciplines.append(Discipline.NANNY)
        for discipline in disciplines:
            user = self._next(discipline, female)
            try:
                services.key_worker_assign(
                    actor=self.actor, person=person, user=user, discipline=discipline, started_on=day,
                    reason="Demo: the roster's turn.",
                )  # fmt: skip
            except ValidationError:
                logger.warning("demo key worker not assigned to %s", person.case_number, exc_info=True)

    def _next(self, discipline: str, female: bool) -> User:
        """The roster's next member (a woman when the resident chose one)."""
        members = [u for u, is_female in self.staff[discipline] if is_female or not female]
        key = (discipline, female)
        index = self.turn.get(key, self.rng.randrange(len(members)))
        self.turn[key] = index + 1
        return members[index % len(members)]

    def _discharge(self, admission: Admission, planned: Planned, day: date) -> None:
        person = admission.person
        orphan = Vulnerability.ORPHAN in planned.vulnerabilities
        if orphan:
            destination = Destination.GUARDIAN
        elif planned.role == "woman" and self.rng.random() < 0.3:
            destination = Destination.OWN_HOME
        else:
            destination = Destination.RELATIVES
        assessment = None
        if person.is_child(day):
            age = person.age(day) or 0
            assessment = services.BestInterestsInput(
                assessed_on=day - timedelta(days=2),
                recommendation=(
                    "Placement with the guardian named by the family." if orphan else "Leave with the mother's family."
                ),
                childs_views=self.rng.choice(CHILDS_VIEWS) if age >= 7 else "",
                views_not_sought_reason="" if age >= 7 else "Too young to give views.",
                reference=f"BIA-{person.case_number}",
            )
        services.admission_discharge(
            actor=self.actor,
            admission=admission,
            discharged_on=day,
            destination=destination,
            summary="Completed the programme; followed up by the regional social services.",
            expected_version=admission.version,
            best_interests=assessment,
            change_stage=False,
        )


def _admitted_on(planned: Planned) -> date | None:
    return next((day for stage, day in planned.path if stage == Stage.IN_REHABILITATION), None)


def _discharged_on(planned: Planned) -> date | None:
    started = _admitted_on(planned)
    if started is None:
        return None
    return next((day for stage, day in planned.path if stage != Stage.IN_REHABILITATION and day > started), None)
