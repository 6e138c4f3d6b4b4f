"""The reporting dashboard makes as many queries for a large programme as
for a small one: N operations with their arrivals, then 3N."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.operations.models import ManifestEntry, Movement, Operation
from zhusan.registry.models import Person, TimelineEntry

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login

N = 2


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


@pytest.fixture
def units(db):
    org = OrganisationFactory(name="Mangystau Social Services")
    return [UnitFactory(organisation=org, name=name, region=name) for name in ("Aktau", "Aral", "Turkistan")]


def programme(units, start: int, stop: int) -> None:
    """Per step: an operation whose flight brings six persons of three
    regions (above the disclosure threshold), each through identified →
    repatriated → in rehabilitation."""
    staff = make_staff(Role.CASE_MANAGER, units[0])
    year = timezone.localdate().year
    for i in range(start, stop):
        operation = Operation.objects.create(code=f"Zhusan-{i}", name=f"Zhusan {i}", country="KZ")
        flight = Movement.objects.create(operation=operation, label="Flight 1", kind="flight", destination="Aktau")
        for j, unit in enumerate(units * 2):
            person = make_person(staff, unit=unit, sex=("female", "male")[j % 2], birth_year=year - 5 - 10 * j)
            TimelineEntry.objects.filter(person=person).update(at=_at("2019-01-01T09:00"))
            TimelineEntry.objects.create(
                person=person,
                from_stage="identified",
                to_stage="repatriated",
                at=_at(f"2019-0{1 + i % 9}-15"),
                reason="t",
            )
            Person.objects.filter(pk=person.pk).update(stage="in_rehabilitation")
            ManifestEntry.objects.create(
                movement=flight, person=person, status="arrived", arrived_at=_at(f"2019-0{1 + i % 9}-15T12:00")
            )


def queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/reports/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_makes_as_many_queries_for_a_large_programme_as_for_a_small_one(client, units):
    login(client, make_staff(Role.ANALYST, units[0], username="dana"))
    programme(units, 0, N)
    few = queries(client)
    programme(units, N, 3 * N)
    many = queries(client)
    assert many == few, f"dashboard: {few} queries for {N} operations, {many} for {3 * N}"
