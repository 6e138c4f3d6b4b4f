"""A small programme: 12 women and 7 boys returned, 2 orphaned toddlers
still abroad, a relative at home who is never counted, and 6 women in
another region."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
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
