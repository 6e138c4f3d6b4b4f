"""Family unity at every step: a child is added, boards and arrives with a
carer (mother, father, guardian or the household's carer) on the same
movement, or under a separation decision; a household goes on a manifest
in one step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.operations import services
from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry import services as registry
from zhusan.registry.models import EstablishedBy, HouseholdMember, HouseholdRole, RelationKind

from ..factories import UnitFactory, make_person
from .helpers import act, advance, approve_and_depart

pytestmark = pytest.mark.django_db


def _mother_and_son(consul):
    mother = make_person(consul, given="Zarina", family="Abdullayeva", birth_year=1992)
    son = make_person(consul, given="Yusuf", family="Abdurrahman", sex="male", birth_year=2016)
    registry.relationship_add(
        actor=act(consul),
        from_person=mother,
        to_person=son,
        kind=RelationKind.MOTHER,
        established_by=EstablishedBy.DECLARED,
    )
    return mother, son


def _cleared(consul, manager, movement, *persons):
    entries = [services.manifest_add(actor=act(consul), movement=movement, person=p) for p in persons]
    for entry in entries:
        services.clearance_override(actor=act(manager), entry=entry, reason="Checklist follows")
        advance(consul, entry, EntryStatus.VERIFIED)
        advance(consul, entry, EntryStatus.CLEARED)
    return entries


def _arrive(consul, entry):
    entry.refresh_from_db()
    return services.arrival_record(
        actor=act(consul),
        entry=entry,
        expected_version=entry.version,
        data=services.ArrivalInput(placement="rehabilitation_centre"),
    )


def test_a_child_cannot_board_while_his_mother_is_held_and_the_refusal_names_her(consul, manager, movement):
    mother, son = _mother_and_son(consul)
    mother_entry, son_entry = _cleared(consul, manager, movement, mother, son)
    mother_entry.refresh_from_db()
    services.entry_hold(
        actor=act(consul), entry=mother_entry, reason="Interview pending", expected_version=mother_entry.version
    )

    with pytest.raises(ValidationError) as refused:
        advance(consul, son_entry, EntryStatus.BOARDED)

    message = " ".join(refused.value.messages)
    assert f"{mother.case_number} (Zarina Abdullayeva) is held (Interview pending)" in message
    assert "separation decision" in message
    son_entry.refresh_from_db()
    assert son_entry.status == EntryStatus.CLEARED


def test_a_child_cannot_board_before_his_mother_has_boarded(consul, manager, movement):
    mother, son = _mother_and_son(consul)
    mother_entry, son_entry = _cleared(consul, manager, movement, mother, son)

    with pytest.raises(ValidationError, match="has not boarded .still cleared."):
        advance(consul, son_entry, EntryStatus.BOARDED)
    advance(consul, mother_entry, EntryStatus.BOARDED)
    assert advance(consul, son_entry, EntryStatus.BOARDED).status == EntryStatus.BOARDED


def test_a_child_cannot_arrive_before_his_mother_has_arrived(consul, manager, movement):
    mother, son = _mother_and_son(consul)
    mother_entry, son_entry = _cleared(consul, manager, movement, mother, son)
    advance(consul, mother_entry, EntryStatus.BOARDED)
    advance(consul, son_entry, EntryStatus.BOARDED)
    approve_and_depart(consul, movement)

    with pytest.raises(ValidationError, match="cannot arrive before a carer: .* has not arrived .still boarded."):
        _arrive(consul, son_entry)
    _arrive(consul, mother_entry)
    assert _arrive(consul, son_entry).status == EntryStatus.ARRIVED


def test_a_separation_decision_lets_the_child_board_without_his_mother(consul, manager, movement):
    mother, son = _mother_and_son(consul)
    mother_entry, son_entry = _cleared(consul, manager, movement, mother, son)
    mother_entry.refresh_from_db()
    services.entry_hold(actor=act(consul), entry=mother_entry, reason="Detained", expected_version=mother_entry.version)
    services.separation_decide(
        actor=act(consul),
        movement=movement,
        child=son,
        carer=mother,
        best_interests_reference="BIA-2019-017",
        justification="Medical evacuation; his grandmother receives him.",
    )
    assert advance(consul, son_entry, EntryStatus.BOARDED).status == EntryStatus.BOARDED


def test_the_households_carer_counts_as_a_carer(consul, manager, movement):
    aunt = make_person(consul, given="Gulnara", family="Sadykova", birth_year=1985)
    niece = make_person(consul, given="Aisha", family="Sadykova", birth_year=2015)
    registry.household_create(
        actor=act(consul),
        label="Sadykova household",
        members=[(aunt, HouseholdRole.CARER), (niece, HouseholdRole.CHILD)],
    )
    assert services.carers_of(niece) == [aunt]
    with pytest.raises(ValidationError, match="Gulnara Sadykova.* is not on this manifest"):
        services.manifest_add(actor=act(consul), movement=movement, person=niece)


def test_the_whole_household_goes_on_the_manifest_in_one_step_adults_first(consul, movement):
    mother, son = _mother_and_son(consul)
    household = registry.household_create(
        actor=act(consul), label="Abdullayeva household", members=[(son, HouseholdRole.CHILD), (mother, "head")]
    )

    entries = services.manifest_add_household(actor=act(consul), movement=movement, household=household)

    assert [e.person for e in entries] == [mother, son]
    assert {e.travel_group for e in entries} == {"Abdullayeva household"}
    with pytest.raises(ValidationError, match="already on this manifest"):
        services.manifest_add_household(actor=act(consul), movement=movement, household=household)


def test_a_household_with_a_member_outside_the_officers_scope_adds_nobody(consul, movement):
    mother, son = _mother_and_son(consul)
    elsewhere = UnitFactory()  # another organisation: outside the consular officer's scope
    stranger = make_person(consul, given="Other", unit=elsewhere)
    stranger.assignments.all().delete()  # the registering officer no longer follows this case
    household = registry.household_create(actor=act(consul), label="Mixed", members=[(mother, "head"), (son, "child")])
    HouseholdMember.objects.create(household=household, person=stranger, role=HouseholdRole.MEMBER)

    with pytest.raises(PermissionDenied):
        services.manifest_add_household(actor=act(consul), movement=movement, household=household)
    assert not ManifestEntry.objects.exists()


def test_a_household_member_refused_by_the_rules_undoes_the_whole_household(consul, operation, movement):
    mother, son = _mother_and_son(consul)
    other = services.movement_create(actor=act(consul), operation=operation, label="Flight 2", destination="Almaty")
    services.manifest_add(actor=act(consul), movement=other, person=mother)
    household = registry.household_create(
        actor=act(consul), label="Abdullayeva household", members=[(mother, "head"), (son, "child")]
    )

    with pytest.raises(ValidationError, match=f"{mother.case_number}: .* is already on"):
        services.manifest_add_household(actor=act(consul), movement=movement, household=household)
    assert not ManifestEntry.objects.filter(movement=movement).exists()
