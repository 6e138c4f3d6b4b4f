"""Handover scans and protection needs are encrypted at rest: the database
holds Fernet tokens, the application reads the original bytes and text."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from zhusan.operations import services
from zhusan.operations.models import HandoverDocument, ManifestEntry

from ..factories import make_person
from ..registry.helpers import login
from .helpers import act, advance, approve_and_depart
from .test_handover_documents import PDF, pdf_upload

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("zhusan.operations.migrations.0004_encrypt_handover_content_and_protection_needs")
NEEDS = "Female interpreter; keep apart from the uncle"


def _raw(model: type, column: str, pk: int) -> object:
    """The stored value, read past the field (no decryption)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        sql = f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s"  # noqa: S608 (model names)
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


def _write_raw(model: type, column: str, pk: int, value: object) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        sql = f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s"  # noqa: S608 (model names)
        cursor.execute(sql, [value, pk])


class _Editor:
    connection = connection


def _arrived_entry(consul, manager, movement) -> ManifestEntry:
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    services.clearance_override(actor=act(manager), entry=entry, reason="Test")
    for status in ("verified", "cleared", "boarded"):
        advance(consul, entry, status)
    approve_and_depart(consul, movement)
    entry.refresh_from_db()
    return services.arrival_record(
        actor=act(consul),
        entry=entry,
        expected_version=entry.version,
        data=services.ArrivalInput(placement="rehabilitation_centre", protection_needs=NEEDS),
    )


def test_a_handover_scan_is_stored_encrypted_and_downloaded_as_uploaded(client, consul, movement):
    login(client, consul)
    client.post(
        reverse("operations:handover_document_upload", args=[movement.uuid]),
        {"kind": "consent_form", "upload": pdf_upload()},
    )
    document = HandoverDocument.objects.get()
    stored = bytes(_raw(HandoverDocument, "content", document.pk))
    assert stored != PDF and PDF not in stored and b"%PDF" not in stored
    assert stored.startswith(b"fernet:")
    assert HandoverDocument.objects.values_list("content", flat=True).get() == PDF  # through the field
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200 and response.content == PDF


def test_protection_needs_are_stored_encrypted(consul, manager, movement):
    entry = _arrived_entry(consul, manager, movement)
    stored = _raw(ManifestEntry, "protection_needs", entry.pk)
    assert isinstance(stored, str) and stored.startswith("fernet:") and "interpreter" not in stored
    assert ManifestEntry.objects.get(pk=entry.pk).protection_needs == NEEDS


def test_the_migration_encrypts_rows_written_in_clear_and_the_reverse_decrypts_them(consul, manager, movement):
    entry = _arrived_entry(consul, manager, movement)
    document = services.handover_document_add(actor=act(consul), movement=movement, upload=pdf_upload(), kind="other")
    _write_raw(HandoverDocument, "content", document.pk, PDF)  # as rows were before the migration
    _write_raw(ManifestEntry, "protection_needs", entry.pk, NEEDS)

    MIGRATION.encrypt_rows(apps, _Editor())
    assert bytes(_raw(HandoverDocument, "content", document.pk)).startswith(b"fernet:")
    assert str(_raw(ManifestEntry, "protection_needs", entry.pk)).startswith("fernet:")
    assert bytes(HandoverDocument.objects.get().content) == PDF
    assert ManifestEntry.objects.get(pk=entry.pk).protection_needs == NEEDS

    MIGRATION.encrypt_rows(apps, _Editor())  # a second run changes nothing
    assert bytes(HandoverDocument.objects.get().content) == PDF

    MIGRATION.decrypt_rows(apps, _Editor())
    assert bytes(_raw(HandoverDocument, "content", document.pk)) == PDF
    assert _raw(ManifestEntry, "protection_needs", entry.pk) == NEEDS
