"""An approved deletion removes the rows, keeps only that it happened, and
leaves a signed certificate and a verifiable chain."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from zhusan.audit.models import AuditEvent, DeletionCertificate, ObjectType
from zhusan.audit.services import verify_certificates, verify_chain
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import ItemStatus, RetentionItem
from zhusan.registry.models import Person, ProtectedNote

from .retention_helpers import act, erase, person_with_notes, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_an_erasure_request_waits_for_approval_and_deletes_nothing(w):
    person = person_with_notes(w)
    item = retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-1")
    assert item.batch.status == "waiting" and item.counts["registry.ProtectedNote"] == 2
    with pytest.raises(ValidationError, match="approval"):
        retention.delete_item(actor=act(w["officer"]), item=item)
    assert Person.objects.filter(pk=person.pk).exists() and ProtectedNote.objects.count() == 2
    assert not DeletionCertificate.objects.exists()


def test_an_approved_erasure_removes_the_person_and_leaves_a_signed_certificate(w):
    person = person_with_notes(w)
    ref = str(person.uuid)
    item = erase(w, person)
    assert item.status == ItemStatus.DELETED, item.outcome
    assert not Person.objects.filter(uuid=ref).exists() and not ProtectedNote.objects.exists()
    body = item.certificate.body
    assert body["counts"]["registry.ProtectedNote"] == 2 and body["counts"]["registry.Person"] == 1
    assert len(body["removed_sha256"]) == 64 and body["approval"]["approved_by"] == "dpo"
    assert "Court file" not in str(body) and "Asthma" not in str(body)
    assert verify_chain().ok and verify_certificates() == []


def test_the_trail_keeps_that_a_deletion_happened_but_not_the_content(w):
    person = person_with_notes(w, given="Madina")
    ref = str(person.uuid)
    erase(w, person)
    about = AuditEvent.objects.filter(person_ref=ref).exclude(object_type=ObjectType.DELETION_CERTIFICATE)
    assert about.exists()
    assert all(e.changes == {} and set(e.detail) == {"redacted_by"} for e in about)
    assert not AuditEvent.objects.filter(changes__icontains="Madina").exists()
    deletion = AuditEvent.objects.get(object_type=ObjectType.DELETION_CERTIFICATE)
    assert deletion.detail["counts"]["registry.Person"] == 1 and str(about.first().seq) in deletion.detail["redacted"]


def test_tampering_with_a_certificate_fails_verification(w):
    item = erase(w, person_with_notes(w))
    cert = item.certificate
    DeletionCertificate.objects.filter(pk=cert.pk).update(body={**cert.body, "rule": "another rule"})
    assert any("signature" in p for p in verify_certificates())
    with pytest.raises(SystemExit):
        call_command("audit", "verify")


def _tamper(pk: int, **values) -> bool:
    """Change an event behind the services' back; False when the database
    itself refuses (PostgreSQL's trigger allows a redaction and nothing else)."""
    try:
        with transaction.atomic():
            AuditEvent.objects.filter(pk=pk).update(**values)
    except DatabaseError:
        assert connection.vendor == "postgresql"
        return False
    return True


def test_tampering_with_a_redacted_event_fails_the_chain(w):
    person = person_with_notes(w)
    ref = str(person.uuid)
    erase(w, person)
    victim = AuditEvent.objects.filter(person_ref=ref, detail__has_key="redacted_by").order_by("seq").first()
    if not _tamper(victim.pk, actor_username="someone-else"):
        return
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == victim.seq and "redact" in result.reason


def test_redacting_an_event_without_a_deletion_naming_it_fails_the_chain(w):
    person = person_with_notes(w)
    event = AuditEvent.objects.filter(person_ref=str(person.uuid)).order_by("seq").first()
    if not _tamper(event.pk, changes={}, detail={"redacted_by": event.seq + 1}):
        return
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == event.seq


def test_audit_verify_checks_the_chain_and_the_certificates(w, capsys):
    erase(w, person_with_notes(w))
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "Audit chain intact" in out and "Deletion certificates intact" in out


def test_a_batch_cannot_be_approved_twice(w):
    item = erase(w, person_with_notes(w))
    batch = item.batch
    with pytest.raises(ValidationError, match="cannot run twice"):
        retention.batch_approve(actor=act(w["officer"]), batch=batch, expected_version=batch.version)


def test_only_the_officer_approves_a_batch(w):
    item = retention.request_erasure(
        actor=act(w["manager"]), person=person_with_notes(w), reason="Asked", source_ref="DSR-2"
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        retention.batch_approve(actor=act(w["manager"]), batch=item.batch, expected_version=item.batch.version)
    assert RetentionItem.objects.get(pk=item.pk).status == ItemStatus.PENDING
