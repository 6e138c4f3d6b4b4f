"""Manifest services: the checklist gate, overrides, the family rule,
security clearance by the liaison only, arrival and lifecycle stages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.audit.models import Action, AuditEvent
from zhusan.core.concurrency import StaleVersionError
from zhusan.operations import services
from zhusan.operations.models import ClearanceKind, EntryStatus, ManifestEntry, SeparationDecision
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentGiver, EstablishedBy, ProtectedNote, RelationKind, Stage

from ..factories import make_person
from .helpers import act, advance, approve_and_depart, clear_fully, give_assent, give_consent, tick_manual_items

pytestmark = pytest.mark.django_db


def _mother_and_child(consul):
    mother = make_person(consul, given="Aigerim", family="Zhusupova", birth_year=1990)
    child = make_person(consul, given="Amina", family="Zhusupova", birth_year=2016)
    registry.relationship_add(
        actor=act(consul),
        from_person=mother,
        to_person=child,
        kind=RelationKind.MOTHER,
        established_by=EstablishedBy.DECLARED,
    )
    return mother, child


def test_boarding_is_refused_until_every_required_item_is_satisfied(consul, liaison, movement):
    person = make_person(consul, birth_year=1990)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    advance(consul, entry, EntryStatus.VERIFIED)
    with pytest.raises(ValidationError) as exc:
        advance(consul, entry, EntryStatus.CLEARED)
    assert "checklist is incomplete" in str(exc.value)
    assert "Consent" in str(exc.value)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED

    give_consent(consul, person)
    clear_fully(consul, liaison, entry)
    advance(consul, entry, EntryStatus.CLEARED)
    advance(consul, entry, EntryStatus.BOARDED)
    entry.refresh_from_db()
    person.refresh_from_db()
    assert entry.status == EntryStatus.BOARDED
    assert entry.boarded_at is not None
    assert person.stage == Stage.CLEARED


def test_a_not_cleared_security_outcome_blocks_boarding_and_its_reasons_go_to_the_protected_compartment(
    consul, liaison, movement
):
    person = make_person(consul, birth_year=1985)
    give_consent(consul, person)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    tick_manual_items(consul, entry)
    services.security_clearance_record(
        actor=act(liaison), entry=entry, outcome="not_cleared", reasons="Open investigation file 12/2019"
    )
    advance(consul, entry, EntryStatus.VERIFIED)
    with pytest.raises(ValidationError, match="Security clearance"):
        advance(consul, entry, EntryStatus.CLEARED)
    note = ProtectedNote.objects.get(person=person)
    assert note.compartment == "justice_security"
    assert "investigation" in note.body
    item = entry.clearance_items.get(kind=ClearanceKind.SECURITY_CLEARANCE)
    assert (item.outcome, item.satisfied, item.note) == ("not_cleared", False, "")


def test_only_the_security_liaison_records_security_clearance(consul, manager, movement):
    person = make_person(consul, birth_year=1985)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    for user in (consul, manager):
        with pytest.raises(PermissionDenied):
            services.security_clearance_record(actor=act(user), entry=entry, outcome="cleared")
    assert not entry.clearance_items.get(kind=ClearanceKind.SECURITY_CLEARANCE).satisfied
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_username="consul").exists()


def test_security_clearance_and_ticking_it_by_hand_are_refused(consul, movement):
    person = make_person(consul, birth_year=1985)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    for kind in (ClearanceKind.SECURITY_CLEARANCE, ClearanceKind.CONSENT):
        with pytest.raises(ValidationError, match="not ticked by hand"):
            services.clearance_item_set(actor=act(consul), entry=entry, kind=kind, satisfied=True)


def test_a_child_has_no_security_clearance_item(consul, movement):
    child = make_person(consul, given="Amina", birth_year=2016)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=child)
    assert not entry.clearance_items.filter(kind=ClearanceKind.SECURITY_CLEARANCE).exists()


def test_a_child_needs_the_carers_consent_and_their_own_assent(consul, movement):
    mother, child = _mother_and_child(consul)
    services.manifest_add(actor=act(consul), movement=movement, person=mother)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=child)
    consent = entry.clearance_items.get(kind=ClearanceKind.CONSENT)
    assert not consent.satisfied
    give_consent(consul, child, by=ConsentGiver.PARENT, giver=mother)
    services.clearance_sync(actor=act(consul), entry=entry)
    consent.refresh_from_db()
    assert not consent.satisfied  # aged about 9: the child's assent is needed too
    give_assent(consul, child)
    services.clearance_sync(actor=act(consul), entry=entry)
    consent.refresh_from_db()
    assert consent.satisfied


def test_an_override_allows_boarding_and_is_audited_with_its_reason(consul, manager, movement):
    person = make_person(consul, birth_year=1990)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    advance(consul, entry, EntryStatus.VERIFIED)
    services.clearance_override(actor=act(manager), entry=entry, reason="Medical evacuation, documents follow")
    advance(consul, entry, EntryStatus.CLEARED)
    advance(consul, entry, EntryStatus.BOARDED)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.BOARDED
    event = AuditEvent.objects.get(object_type="clearance_override")
    assert event.actor_username == "manager"
    assert event.changes["reason"]["new"] == "Medical evacuation, documents follow"
    assert "Consent (and the child's assent where age allows)" in event.detail["missing"]


def test_a_consular_officer_cannot_override_and_an_override_needs_a_reason(consul, manager, movement):
    person = make_person(consul, birth_year=1990)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    with pytest.raises(PermissionDenied):
        services.clearance_override(actor=act(consul), entry=entry, reason="Because")
    with pytest.raises(ValidationError, match="needs a reason"):
        services.clearance_override(actor=act(manager), entry=entry, reason="  ")
    assert not entry.overrides.exists()


def test_a_child_cannot_be_added_without_the_mother_on_the_manifest(consul, movement):
    mother, child = _mother_and_child(consul)
    with pytest.raises(ValidationError, match="not on this manifest"):
        services.manifest_add(actor=act(consul), movement=movement, person=child)
    assert not ManifestEntry.objects.exists()
    services.manifest_add(actor=act(consul), movement=movement, person=mother)
    services.manifest_add(actor=act(consul), movement=movement, person=child)
    assert ManifestEntry.objects.count() == 2


def test_a_child_whose_mother_is_on_another_movement_needs_a_separation_decision(consul, operation, movement):
    mother, child = _mother_and_child(consul)
    other = services.movement_create(actor=act(consul), operation=operation, label="Flight 2", destination="Almaty")
    services.manifest_add(actor=act(consul), movement=other, person=mother)
    with pytest.raises(ValidationError, match="another movement"):
        services.manifest_add(actor=act(consul), movement=movement, person=child)
    with pytest.raises(ValidationError) as exc:
        services.separation_decide(
            actor=act(consul),
            movement=movement,
            child=child,
            carer=mother,
            best_interests_reference="",
            justification="",
        )
    assert set(exc.value.message_dict) == {"best_interests_reference", "justification"}
    assert not SeparationDecision.objects.exists()
    services.separation_decide(
        actor=act(consul),
        movement=movement,
        child=child,
        carer=mother,
        best_interests_reference="BIA-2019-031",
        justification="Mother hospitalised; child travels with the grandmother escort.",
    )
    entry = services.manifest_add(actor=act(consul), movement=movement, person=child)
    assert entry.movement == movement


def test_withdrawing_the_mother_blocks_the_childs_boarding(consul, manager, movement):
    mother, child = _mother_and_child(consul)
    mother_entry = services.manifest_add(actor=act(consul), movement=movement, person=mother)
    child_entry = services.manifest_add(actor=act(consul), movement=movement, person=child)
    services.entry_withdraw(
        actor=act(consul), entry=mother_entry, reason="Declined to travel", expected_version=mother_entry.version
    )
    services.clearance_override(actor=act(manager), entry=child_entry, reason="Urgent")
    advance(consul, child_entry, EntryStatus.VERIFIED)
    advance(consul, child_entry, EntryStatus.CLEARED)
    with pytest.raises(ValidationError, match="KZ-000001 .Aigerim Zhusupova. is withdrawn .Declined to travel."):
        advance(consul, child_entry, EntryStatus.BOARDED)


def test_a_duplicate_entry_is_refused(consul, operation, movement):
    person = make_person(consul)
    services.manifest_add(actor=act(consul), movement=movement, person=person)
    with pytest.raises(ValidationError, match="already on this manifest"):
        services.manifest_add(actor=act(consul), movement=movement, person=person)
    other = services.movement_create(actor=act(consul), operation=operation, label="Flight 2", destination="Almaty")
    with pytest.raises(ValidationError, match="already on"):
        services.manifest_add(actor=act(consul), movement=other, person=person)
    assert ManifestEntry.objects.count() == 1


def test_withdraw_and_hold_need_a_reason(consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    with pytest.raises(ValidationError, match="Say why"):
        services.entry_hold(actor=act(consul), entry=entry, reason="", expected_version=entry.version)
    services.entry_hold(actor=act(consul), entry=entry, reason="Sick", expected_version=entry.version)
    entry.refresh_from_db()
    assert (entry.status, entry.status_reason) == ("held", "Sick")


def test_a_stale_version_is_refused(consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    with pytest.raises(StaleVersionError):
        services.entry_advance(actor=act(consul), entry=entry, to_status="verified", expected_version=7)
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_arrival_places_the_person_and_moves_the_lifecycle(consul, liaison, doctor, movement):
    person = make_person(consul, birth_year=1990)
    give_consent(consul, person)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    clear_fully(consul, liaison, entry)
    for status in ("verified", "cleared", "boarded"):
        advance(consul, entry, status)
    approve_and_depart(consul, movement)
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="health data"):
        services.arrival_record(
            actor=act(consul),
            entry=entry,
            expected_version=entry.version,
            data=services.ArrivalInput(placement="rehabilitation_centre", medical_summary="Anaemia"),
        )
    services.arrival_record(
        actor=act(consul),
        entry=entry,
        expected_version=entry.version,
        data=services.ArrivalInput(placement="rehabilitation_centre", protection_needs="Needs a female interpreter"),
    )
    services.medical_intake_record(actor=act(doctor), entry=entry, summary="Mild anaemia; vaccinations due")
    person.refresh_from_db()
    entry.refresh_from_db()
    assert entry.status == "arrived"
    assert person.stage == Stage.IN_REHABILITATION
    assert list(person.timeline.values_list("to_stage", flat=True)[:2]) == ["in_rehabilitation", "repatriated"]
    assert ProtectedNote.objects.get(person=person, compartment="health").body.endswith("vaccinations due")


def test_orphan_status_is_confirmed_for_children_only(consul, manager, movement):
    adult = make_person(consul, birth_year=1990)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=adult)
    services.clearance_override(actor=act(manager), entry=entry, reason="Test")
    for status in ("verified", "cleared", "boarded"):
        advance(consul, entry, status)
    approve_and_depart(consul, movement)
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="children only"):
        services.arrival_record(
            actor=act(consul),
            entry=entry,
            expected_version=entry.version,
            data=services.ArrivalInput(placement="relatives", orphan=True),
        )
    entry.refresh_from_db()
    assert entry.status == "boarded"


def test_a_teacher_cannot_create_an_operation(teacher):
    with pytest.raises(PermissionDenied):
        services.operation_create(actor=act(teacher), code="X-1", name="X", country="KZ")
