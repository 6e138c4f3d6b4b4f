"""A small synthetic history, written straight into the models (fast): a
centre with rooms and a roster, a past operation whose 30 arrivals (10
women, 20 young children) stayed 28, 30 or 32 days with a first
psychologist session the day after admission and weekly after, a first
theologian session (women only) two days after and weekly after; and a
planned operation with 6 persons on its manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.operations.models import (
    EntryStatus,
    ManifestEntry,
    Movement,
    MovementKind,
    MovementStatus,
    Operation,
    OperationStatus,
)
from zhusan.registry.models import Person
from zhusan.rehabilitation.models import Admission, Centre, Destination, Room, StaffMember
from zhusan.rehabilitation.sessions.models import Attendance, Session, SessionKind, SessionParticipant, SessionStatus

from ..factories import OrganisationFactory, UnitFactory, UserFactory, letters, make_person, make_staff

ARRIVAL = date(2026, 5, 4)  # a Monday
STAYS = (28, 30, 32)
ROSTER = {"psychologist": 3, "theologian": 2, "social_worker": 1}


@dataclass
class History:
    unit: Unit
    manager: User
    centre: Centre
    past: Operation
    planned: Operation
    persons: list[Person]


def _session(unit: Unit, discipline: str, day: date, person: Person) -> None:
    session = Session.objects.create(
        kind=SessionKind.INDIVIDUAL,
        discipline=discipline,
        starts_at=timezone.make_aware(datetime.combine(day, time(10))),
        status=SessionStatus.HELD,
        duration_minutes=60,
        unit=unit,
    )
    SessionParticipant.objects.create(session=session, person=person, attendance=Attendance.PRESENT)


def build_history(*, women: int = 10, children: int = 20) -> History:
    unit = UnitFactory(organisation=OrganisationFactory(name="Ministry of Labour"), name="Akniet centre")
    manager = make_staff(Role.PROGRAMME_MANAGER, unit, username="manager")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    centre = Centre.objects.create(name="Akniet", region="Mangystau", town="Aktau", unit=unit)
    Room.objects.create(centre=centre, name="A", beds=30)
    Room.objects.create(centre=centre, name="B", beds=10)
    for discipline, count in ROSTER.items():
        for _ in range(count):
            StaffMember.objects.create(user=UserFactory(unit=unit), centre=centre, discipline=discipline)
    past = Operation.objects.create(code="Past-1", name="Past 1", status=OperationStatus.COMPLETED, country="KZ")
    flight = Movement.objects.create(
        operation=past,
        label="Flight 1",
        kind=MovementKind.FLIGHT,
        destination="Aktau",
        departure_on=ARRIVAL,
        arrival_on=ARRIVAL,
        status=MovementStatus.ARRIVED,
    )
    persons: list[Person] = []
    for k in range(women + children):
        adult = k < women
        person = make_person(
            registrar,
            given=f"Past{letters(k)}",
            family="Testova",
            sex="female" if adult or k % 2 else "male",
            birth_year=1992 if adult else 2023,
        )
        persons.append(person)
        ManifestEntry.objects.create(movement=flight, person=person, status=EntryStatus.ARRIVED)
        stay = STAYS[k % len(STAYS)]
        end = ARRIVAL + timedelta(days=stay)
        Admission.objects.create(
            person=person,
            centre=centre,
            room=centre.rooms.first(),
            admitted_on=ARRIVAL,
            discharged_on=end,
            destination=Destination.RELATIVES,
        )
        day = ARRIVAL + timedelta(days=1)
        while day <= end:
            _session(unit, "psychologist", day, person)
            day += timedelta(days=7)
        if adult:
            day = ARRIVAL + timedelta(days=2)
            while day <= end:
                _session(unit, "theologian", day, person)
                day += timedelta(days=7)
    planned = Operation.objects.create(code="Next-1", name="Next 1", status=OperationStatus.PLANNED, country="KZ")
    next_flight = Movement.objects.create(
        operation=planned, label="Flight 1", kind=MovementKind.FLIGHT, destination="Aktau", arrival_on=date(2027, 4, 5)
    )
    for k in range(6):
        person = make_person(registrar, given=f"Next{letters(k)}", family="Testova", birth_year=1990 if k < 2 else 2021)
        ManifestEntry.objects.create(movement=next_flight, person=person, status=EntryStatus.PROPOSED)
    return History(unit, manager, centre, past, planned, persons)
