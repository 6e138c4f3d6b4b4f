"""Handover documents: type- and size-checked files kept in the database,
downloaded only by readers of the movement, uploads and downloads audited."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.operations import services
from zhusan.operations.models import HandoverDocument

from ..factories import make_person
from ..registry.helpers import login
from .helpers import act

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "handover.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_pdf_is_uploaded_and_downloaded_byte_identical_with_audit_events(client, consul, movement):
    login(client, consul)
    response = client.post(
        reverse("operations:handover_document_upload", args=[movement.uuid]),
        {"kind": "handover_record", "upload": pdf_upload(), "note": "Signed at the border"},
    )
    assert response.status_code == 302
    document = HandoverDocument.objects.get()
    assert (document.filename, document.size, document.content_type) == ("handover.pdf", len(PDF), "application/pdf")
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()

    created = AuditEvent.objects.get(action=Action.CREATE, object_type="handover_document")
    assert created.changes["sha256"]["new"] == document.sha256
    assert created.changes["filename"]["new"] == "handover.pdf"
    assert "content" not in created.changes

    page = client.get(reverse("operations:movement_detail", args=[movement.uuid])).content.decode()
    assert "handover.pdf" in page and "Signed at the border" in page

    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handover.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="handover_document", object_ref=str(document.uuid)
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "Only PDF, PNG and JPEG files are accepted."),
        ("record.pdf", b"MZ\x90\x00 not a pdf", "The file's contents are not a PDF file as its name says."),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "The file's contents are not a PNG file as its name says."),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_it_refuses_a_file_of_the_wrong_type_with_a_clear_message_and_writes_nothing(
    client, consul, movement, name, content, message
):
    login(client, consul)
    before = AuditEvent.objects.filter(action=Action.CREATE).count()
    response = client.post(
        reverse("operations:handover_document_upload", args=[movement.uuid]),
        {"kind": "handover_record", "upload": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not HandoverDocument.objects.exists()
    assert AuditEvent.objects.filter(action=Action.CREATE).count() == before


def test_it_refuses_a_file_larger_than_10_mb(consul, movement):
    big = pdf_upload(content=PDF + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        services.handover_document_add(actor=act(consul), movement=movement, upload=big, kind="other")
    assert not HandoverDocument.objects.exists()


def test_png_and_jpeg_scans_are_accepted(consul, movement):
    for name, content in (("scan.png", b"\x89PNG\r\n\x1a\nrest"), ("scan.jpeg", b"\xff\xd8\xff\xe0rest")):
        services.handover_document_add(
            actor=act(consul), movement=movement, upload=SimpleUploadedFile(name, content), kind="arrival_record"
        )
    assert sorted(HandoverDocument.objects.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]


def test_a_case_manager_cannot_upload(client, alice, movement):
    with pytest.raises(PermissionDenied):
        services.handover_document_add(actor=act(alice), movement=movement, upload=pdf_upload(), kind="other")
    login(client, alice)
    response = client.post(
        reverse("operations:handover_document_upload", args=[movement.uuid]), {"kind": "other", "upload": pdf_upload()}
    )
    assert response.status_code == 403
    assert not HandoverDocument.objects.exists()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="handover_document").exists()


def test_a_teacher_cannot_download(client, consul, teacher, movement):
    document = services.handover_document_add(
        actor=act(consul), movement=movement, upload=pdf_upload(), kind="handover_record"
    )
    login(client, teacher)
    response = client.get(document.get_absolute_url())
    assert response.status_code in (403, 404)
    assert PDF not in response.content


def test_a_case_manager_cannot_download_a_record_covering_persons_outside_their_scope(client, alice, consul, movement):
    services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul, given="Hidden"))
    document = services.handover_document_add(
        actor=act(consul), movement=movement, upload=pdf_upload(), kind="handover_record"
    )
    login(client, alice)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT, object_type="handover_document").exists()


def test_the_api_attaches_lists_and_returns_a_document(consul, movement):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(consul)
    base = f"/api/v1/operations/movements/{movement.uuid}/documents/"
    created = api.post(base, {"kind": "handover_record", "file": pdf_upload()}, format="multipart")
    assert created.status_code == 201, created.data
    assert api.get(base).json()[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    content = api.get(f"/api/v1/operations/documents/{created.data['uuid']}/content/")
    assert content.status_code == 200 and content.content == PDF
    assert AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_api_refuses_a_disguised_file_and_writes_nothing(consul, movement):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(consul)
    response = api.post(
        f"/api/v1/operations/movements/{movement.uuid}/documents/",
        {"kind": "handover_record", "file": pdf_upload(content=b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert HandoverDocument.objects.count() == 0
