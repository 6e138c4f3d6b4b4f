"""Arrival: the camp stay closes and the centre's opens, the case may pass
to the receiving unit, the movement and the operation close when nobody is
left to arrive, and custody is never a placement below the age of criminal
responsibility."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.audit.models import AuditEvent
from zhusan.operations import services
from zhusan.operations.models import EntryStatus, MovementStatus, OperationStatus
from zhusan.registry import services as registry

from ..factories import UnitFactory, make_person
from .helpers import act, advance, approve_and_depart

pytestmark = pytest.mark.django_db


def _boarded(consul, manager, movement, **person):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul, **person))
    services.clearance_override(actor=act(manager), entry=entry, reason="Checklist follows")
    for status in (EntryStatus.VERIFIED, EntryStatus.CLEARED, EntryStatus.BOARDED):
        advance(consul, entry, status)
    entry.refresh_from_db()
    return entry


def _arrive(consul, entry, **data):
    entry.refresh_from_db()
    return services.arrival_record(
        actor=act(consul),
        entry=entry,
        expected_version=entry.version,
        data=services.ArrivalInput(**{"placement": "rehabilitation_centre", **data}),
    )


def test_arrival_closes_the_camp_stay_and_opens_one_at_the_destination_site(consul, manager, camp, centre, movement):
    entry = _boarded(consul, manager, movement)
    registry.stay_add(actor=act(consul), person=entry.person, kind="camp", site=camp, section="Annex")
    approve_and_depart(consul, movement)

    _arrive(consul, entry)

    stays = {stay.site: stay for stay in entry.person.stays.all()}
    assert stays[camp].ended_on is not None
    assert stays[centre].ended_on is None


def test_arrival_is_refused_before_the_movement_leaves(consul, manager, movement):
    entry = _boarded(consul, manager, movement)
    with pytest.raises(ValidationError, match="once it is under way"):
        _arrive(consul, entry)


def test_arrival_can_hand_the_case_to_the_receiving_unit(consul, manager, movement):
    entry = _boarded(consul, manager, movement)
    approve_and_depart(consul, movement)
    centre_unit = UnitFactory(name="Residential unit")

    _arrive(consul, entry, receiving_unit=centre_unit)

    entry.person.refresh_from_db()
    assert entry.person.managing_unit == centre_unit
    events = AuditEvent.objects.filter(object_type="person", person_ref=str(entry.person.uuid))
    handovers = [e for e in events if "managing_unit" in e.changes]
    assert [e.changes["managing_unit"]["new"] for e in handovers] == [str(centre_unit)]


def test_the_last_arrival_closes_the_movement_and_the_operation(consul, manager, operation, movement):
    first = _boarded(consul, manager, movement, given="First")
    second = _boarded(consul, manager, movement, given="Second")
    approve_and_depart(consul, movement)
    operation.refresh_from_db()
    assert operation.status == OperationStatus.UNDER_WAY

    _arrive(consul, first)
    movement.refresh_from_db()
    assert movement.status == MovementStatus.UNDER_WAY
    _arrive(consul, second)

    movement.refresh_from_db()
    operation.refresh_from_db()
    assert (movement.status, operation.status) == (MovementStatus.ARRIVED, OperationStatus.COMPLETED)


def test_custody_is_refused_for_a_child_below_the_age_of_criminal_responsibility(consul, manager, movement, settings):
    settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY = 14
    child = _boarded(consul, manager, movement, birth_year=2016)
    approve_and_depart(consul, movement)
    assert not services.custody_allowed(child.person)
    with pytest.raises(ValidationError, match="age of criminal responsibility"):
        _arrive(consul, child, placement="custody")
    child.refresh_from_db()
    assert child.status == EntryStatus.BOARDED
