"""A small programme: 12 women and 7 boys returned, 2 orphaned toddlers
still abroad, a relative at home who is never counted, and 6 women in
another region."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.operations.models import ManifestEntry, Movement, Operation
from zhusan.registry.models import Person, RecordType, TimelineEntry

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def _returned(person: Person, identified: str, arrived: str) -> None:
    TimelineEntry.objects.filter(person=person, to_stage="identified").update(at=_at(identified))
    TimelineEntry.objects.create(
        person=person, from_stage="cleared", to_stage="repatriated", at=_at(arrived), reason="t"
    )
    Person.objects.filter(pk=person.pk).update(stage="in_rehabilitation")


@pytest.fixture
def exact_counts(settings):
    """Perturbation off, for tests of what is counted and what is suppressed
    (published figures are perturbed: tests/reporting/test_differencing.py and
    the tests named "perturbed" check that every publishing path does it).
    Medians and quartiles exact too, wherever their count is shown (the
    order-statistics rule, rounding and offsets: test_differencing.py)."""
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    settings.ZHUSAN_DISCLOSURE_ORDER_THRESHOLD = 1
    settings.ZHUSAN_DISCLOSURE_ORDER_BASE = 1
    settings.ZHUSAN_DISCLOSURE_ORDER_NOISE = ["1"]


@pytest.fixture
def programme(db):
    year = timezone.localdate().year
    org = OrganisationFactory(name="Mangystau Social Services")
    west = UnitFactory(organisation=org, name="West", region="Mangystau")
    south = UnitFactory(organisation=org, name="South", region="Turkistan")
    staff = make_staff(Role.CASE_MANAGER, west, username="registrar")
    for _ in range(12):
        woman = make_person(staff, sex="female", birth_year=year - 35)
        _returned(woman, "2019-01-01", "2019-05-07")
    for _ in range(7):
        boy = make_person(staff, sex="male", birth_year=year - 8, given="Yusuf")
        _returned(boy, "2019-03-01", "2019-05-09")
    for _ in range(2):
        make_person(staff, sex="female", birth_year=year - 2, vulnerabilities=["orphan", "unaccompanied"])
    make_person(staff, sex="male", birth_year=year - 60, record_type=RecordType.RELATIVE)
    for _ in range(6):
        make_person(staff, unit=south, sex="female", birth_year=year - 30)
    return {"west": west, "south": south, "staff": staff}


# ----------------------------------------------------------------------------
# Journeys through the lifecycle with known stays and arrivals (time in stage,
# arrivals by operation over time).


def _journey(staff, unit, steps: list[tuple[str, str]], *, sex: str = "female", arrived_with=None) -> Person:
    """A person whose timeline is ``steps`` [(stage, ISO day)], the first being 'identified'."""
    person = make_person(staff, unit=unit, sex=sex, birth_year=timezone.localdate().year - 30)
    first_stage, first_day = steps[0]
    assert first_stage == "identified"
    TimelineEntry.objects.filter(person=person, to_stage="identified").update(at=_at(first_day + "T09:00"))
    previous = first_stage
    for stage, day in steps[1:]:
        TimelineEntry.objects.create(
            person=person, from_stage=previous, to_stage=stage, at=_at(day + "T10:00"), reason="t"
        )
        previous = stage
    Person.objects.filter(pk=person.pk).update(stage=previous)
    if arrived_with is not None:
        movement, day = arrived_with
        ManifestEntry.objects.create(movement=movement, person=person, status="arrived", arrived_at=_at(day + "T12:00"))
    return person


@pytest.fixture
def journeys(db):
    """Zhusan-1 brings 6 people in March 2019 and 2 in May; Zhusan-2 brings 7 in May.

    Days identified: 10, 10, 20, 30, 40, 50 (region Aral), 60 for the nine others.
    In rehabilitation: 30 days for the nine who arrived in May; six still there.
    Three more went back to 'identified' after 120 days as 'remained abroad'."""
    org = OrganisationFactory(name="Aral Social Services")
    aral = UnitFactory(organisation=org, name="Aral", region="Aral")
    west = UnitFactory(organisation=org, name="Aktau", region="Mangystau")
    staff = make_staff(Role.CASE_MANAGER, west, username="registrar2")
    zhusan_1 = Operation.objects.create(code="Zhusan-1", name="Zhusan 1", country="KZ")
    zhusan_2 = Operation.objects.create(code="Zhusan-2", name="Zhusan 2", country="KZ")
    flight_1 = Movement.objects.create(operation=zhusan_1, label="Flight 1", kind="flight", destination="Aktau")
    flight_2 = Movement.objects.create(operation=zhusan_1, label="Flight 2", kind="flight", destination="Aktau")
    flight_3 = Movement.objects.create(operation=zhusan_2, label="Flight 1", kind="flight", destination="Aktau")
    for verified in ("2019-01-11", "2019-01-11", "2019-01-21", "2019-01-31", "2019-02-10", "2019-02-20"):
        steps = [
            ("identified", "2019-01-01"),
            ("verified", verified),
            ("cleared", "2019-03-01"),
            ("repatriated", "2019-03-10"),
            ("in_rehabilitation", "2019-03-11"),
        ]
        _journey(staff, aral, steps, arrived_with=(flight_1, "2019-03-10"))
    for flight, count, arrival, onwards in (
        (flight_3, 7, "2019-05-20", "2019-06-19"),
        (flight_2, 2, "2019-05-21", "2019-06-20"),
    ):
        for _ in range(count):
            steps = [
                ("identified", "2019-02-01"),
                ("verified", "2019-04-02"),
                ("cleared", "2019-04-20"),
                ("repatriated", arrival),
                ("in_rehabilitation", arrival),
                ("reintegrating", onwards),
            ]
            _journey(staff, west, steps, sex="male", arrived_with=(flight, arrival))
    for _ in range(3):
        steps = [("identified", "2019-01-01"), ("remained_abroad", "2019-02-01"), ("identified", "2019-06-01")]
        _journey(staff, west, steps)
    return {"aral": aral, "west": west, "staff": staff, "zhusan_1": zhusan_1, "zhusan_2": zhusan_2}
