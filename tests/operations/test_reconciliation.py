"""Reconciliation: expected vs boarded vs arrived, by sex and age group."""

from __future__ import annotations

import datetime

import pytest

from zhusan.operations import selectors, services

from ..factories import make_person
from .helpers import act, advance, approve_and_depart

pytestmark = pytest.mark.django_db


def test_reconciliation_counts_by_sex_and_age_group_and_lists_the_unaccounted(consul, manager, operation, centre):
    movement = services.movement_create(
        actor=act(consul),
        operation=operation,
        label="Flight 1",
        destination="Aktau",
        destination_site=centre,
        departure_on=datetime.date(2019, 5, 7),
    )
    people = [
        make_person(consul, given="Woman", sex="female", birth_year=1990),  # 29: 18-59
        make_person(consul, given="Girl", sex="female", birth_year=2016),  # 3: 0-4
        make_person(consul, given="Boy", sex="male", birth_year=2010),  # 9: 5-11
        make_person(consul, given="Man", sex="male", birth_year=1955),  # 64: 60+
    ]
    entries = [services.manifest_add(actor=act(consul), movement=movement, person=p) for p in people]
    for entry in entries[:3]:
        services.clearance_override(actor=act(manager), entry=entry, reason="Test")
        for status in ("verified", "cleared", "boarded"):
            advance(consul, entry, status)
    approve_and_depart(consul, movement)
    entries[0].refresh_from_db()
    services.arrival_record(
        actor=act(consul),
        entry=entries[0],
        expected_version=entries[0].version,
        data=services.ArrivalInput(placement="rehabilitation_centre"),
    )
    movement.refresh_from_db()
    services.movement_set_status(
        actor=act(consul), movement=movement, status="arrived", expected_version=movement.version
    )

    r = selectors.reconcile(act(consul), movement)
    assert (r.expected.total, r.boarded.total, r.arrived.total) == (4, 3, 1)
    assert dict(r.expected.by_sex) == {"female": 2, "male": 2}
    assert dict(r.boarded.by_age) == {"18-59": 1, "0-4": 1, "5-11": 1}
    assert dict(r.expected.by_age) == {"18-59": 1, "0-4": 1, "5-11": 1, "60+": 1}
    assert [e.person for e in r.not_boarded] == [people[3]]
    assert {e.person for e in r.not_arrived} == {people[1], people[2]}
    assert ("female", 2, 2, 1) in r.rows()


def test_withdrawn_entries_are_not_expected(consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    services.entry_withdraw(actor=act(consul), entry=entry, reason="Stayed", expected_version=entry.version)
    r = selectors.reconcile(act(consul), movement)
    assert (r.expected.total, r.withdrawn, r.unaccounted) == (0, 1, [])
