"""Checklist items are satisfied by the registry's records: a hand tick
writes the record first (through the registry's services, audited), an
item links the record that proves it, and the consent item reads the
consent to return."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.audit.models import AuditEvent
from zhusan.operations import services
from zhusan.operations.models import ClearanceKind
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose, ConsentStatus, DocumentStatus, NationalityStatus

from ..factories import make_person
from .helpers import act, give_consent

pytestmark = pytest.mark.django_db


def _entry(consul, movement):
    return services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul, birth_year=1990))


def test_ticking_identity_records_accepted_identity_evidence_on_the_person(consul, movement):
    entry = _entry(consul, movement)
    item = services.clearance_item_set(
        actor=act(consul),
        entry=entry,
        kind=ClearanceKind.IDENTITY_VERIFIED,
        satisfied=True,
        proof=services.ItemProof(method="consular_interview", reference="Interview 2019-05-02"),
    )
    evidence = entry.person.evidence.get()
    assert (evidence.topic, evidence.outcome, evidence.decision) == ("identity", "confirmed", "accepted")
    assert item.evidence == evidence
    assert AuditEvent.objects.filter(object_type="evidence", object_ref=str(evidence.uuid)).exists()


def test_ticking_nationality_verifies_the_operations_country_in_the_registry(consul, movement):
    entry = _entry(consul, movement)
    item = services.clearance_item_set(
        actor=act(consul), entry=entry, kind=ClearanceKind.NATIONALITY_CONFIRMED, satisfied=True
    )
    nationality = entry.person.nationalities.get()
    assert (nationality.country, nationality.status) == ("KZ", NationalityStatus.VERIFIED)
    assert item.nationality == nationality
    assert AuditEvent.objects.filter(object_type="nationality", person_ref=str(entry.person.uuid)).exists()


def test_ticking_the_travel_document_records_an_issued_document(consul, movement):
    entry = _entry(consul, movement)
    item = services.clearance_item_set(
        actor=act(consul),
        entry=entry,
        kind=ClearanceKind.TRAVEL_DOCUMENT,
        satisfied=True,
        proof=services.ItemProof(doc_type="laissez_passer", reference="LP-0042", issuer="Consulate, Baghdad"),
    )
    document = entry.person.documents.get()
    assert (document.doc_type, document.number, document.status) == ("laissez_passer", "LP-0042", DocumentStatus.ISSUED)
    assert item.document == document


def test_a_record_already_in_the_registry_satisfies_and_links_the_item_without_a_new_one(consul, movement):
    person = make_person(consul, birth_year=1990)
    passport = registry.document_add(
        actor=act(consul), person=person, doc_type="passport", number="N1234567", status="issued"
    )
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    item = entry.clearance_items.get(kind=ClearanceKind.TRAVEL_DOCUMENT)
    assert (item.satisfied, item.derived, item.document) == (True, True, passport)
    with pytest.raises(ValidationError, match="correct that record on the person's page"):
        services.clearance_item_set(actor=act(consul), entry=entry, kind=ClearanceKind.TRAVEL_DOCUMENT, satisfied=False)
    assert person.documents.count() == 1


def test_a_programme_manager_who_cannot_write_identity_data_cannot_tick_identity(consul, manager, movement):
    entry = _entry(consul, movement)
    with pytest.raises(PermissionDenied):
        services.clearance_item_set(
            actor=act(manager), entry=entry, kind=ClearanceKind.IDENTITY_VERIFIED, satisfied=True
        )
    assert not entry.person.evidence.exists()
    assert not entry.clearance_items.get(kind=ClearanceKind.IDENTITY_VERIFIED).satisfied


def test_the_consent_item_reads_the_consent_to_return_not_the_consent_to_services(consul, movement):
    entry = _entry(consul, movement)
    registry.consent_record(
        actor=act(consul),
        person=entry.person,
        purpose=ConsentPurpose.SERVICES,
        status=ConsentStatus.GRANTED,
        given_by="self",
    )
    services.clearance_sync(actor=act(consul), entry=entry)
    assert not entry.clearance_items.get(kind=ClearanceKind.CONSENT).satisfied
    give_consent(consul, entry.person)  # to return
    services.clearance_sync(actor=act(consul), entry=entry)
    assert entry.clearance_items.get(kind=ClearanceKind.CONSENT).satisfied
