"""A granted copy request: the copy is prepared by a task, in the person's
language, with severe compartments only where the law allows and never what
the decision withholds; downloaded once by the officer or the registering
case worker (audited as export). A granted erasure is filed with the
retention part, and refused under a legal hold."""

from __future__ import annotations

import json

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import RetentionItem
from zhusan.dataprotection.rights import copies, services
from zhusan.dataprotection.rights.models import CopyStatus, RequestStatus, SubjectRequest
from zhusan.registry import services as registry

from ...factories import make_person, make_staff
from ...registry.helpers import login
from .conftest import act, check_identity, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted_child(alice, bob, centre_unit):
    """A 16-year-old with a psychosocial and a justice note."""
    child = make_person(alice, given="Amina", family="Seitova", birth_year=timezone.localdate().year - 16)
    registry.protected_note_add(actor=act(bob), person=child, compartment="psychosocial", body="Sleeps better now")
    liaison = make_staff(Role.SECURITY_LIAISON, centre_unit, username="sam")
    registry.protected_note_add(actor=act(liaison), person=child, compartment="justice_security", body="Witness file")
    return child


def _granted_copy(alice, olga, person, **decision) -> SubjectRequest:
    req = check_identity(alice, register(alice, person, kind="copy", language="ru"))
    values = {"decision": "granted", "reason": "A copy of the record as held."}
    values.update(decision)
    return services.subject_request_decide(actor=act(olga), request=req, expected_version=req.version, **values)


def test_the_copy_is_prepared_by_a_task_in_russian_without_justice_data(alice, olga, noted_child):
    req = _granted_copy(alice, olga, noted_child)
    copy = req.copies.get()
    assert copy.status == CopyStatus.DONE and copy.progress == 100
    data = json.loads(copy.data)
    with translation.override("ru"):
        psychosocial = str(Compartment.PSYCHOSOCIAL.label)
        identity = str(Compartment.IDENTITY.label)
    assert psychosocial != "Psychosocial notes"  # the Russian label, not the English one
    titles = [c["title"] for c in data["compartments"]]
    assert identity in titles and psychosocial in titles
    assert "justice_security" not in [c["code"] for c in data["compartments"]]
    assert "Sleeps better now" in copy.data.decode()
    assert "Witness file" not in copy.data.decode() and data["language"] == "ru"
    assert copy.pdf.startswith(b"%PDF")


def test_the_copy_leaves_out_what_the_decision_withholds(alice, olga, noted_child):
    req = _granted_copy(
        alice,
        olga,
        noted_child,
        decision="partly",
        withheld="Psychosocial notes while the assessment runs",
        withheld_compartments=["psychosocial"],
        legal_ground="child_best_interests",
    )
    data = json.loads(req.copies.get().data)
    assert "psychosocial" not in [c["code"] for c in data["compartments"]]
    assert data["withheld"]["legal_ground"] == "child_best_interests"


def test_the_law_may_allow_justice_data_in_a_copy(alice, olga, noted_child, settings):
    settings.ZHUSAN_SUBJECT_COPY_SEVERE = {"justice_security": True}
    req = _granted_copy(alice, olga, noted_child)
    assert "Witness file" in req.copies.get().data.decode()


def test_the_pdf_text_holds_the_russian_labels(alice, olga, noted_child):
    import io

    req = _granted_copy(alice, olga, noted_child)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(req.copies.get().pdf)).pages)
    with translation.override("ru"):
        assert str(Compartment.PSYCHOSOCIAL.label) in text
    assert noted_child.case_number in text


def test_the_copy_is_downloaded_once_by_the_registering_worker_and_audited(client, alice, olga, bob, noted_child):
    req = _granted_copy(alice, olga, noted_child)
    copy = req.copies.get()
    url = reverse("dataprotection_rights:copy_pdf", args=[copy.uuid])
    assert login(client, bob).get(url).status_code == 404
    response = login(client, alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    copy.refresh_from_db()
    assert copy.pdf == b"" and copy.pdf_downloaded_at is not None
    assert client.get(url).status_code == 302  # erased: back to the request with a message
    export = AuditEvent.objects.get(object_type=ObjectType.SUBJECT_COPY, action=Action.EXPORT)
    assert export.detail["file"] == "pdf"
    login(client, olga).get(reverse("dataprotection_rights:copy_json", args=[copy.uuid]))
    copy.refresh_from_db()
    assert copy.status == CopyStatus.DOWNLOADED


def test_an_undownloaded_copy_is_erased_after_a_day(alice, olga, noted_child, settings):
    settings.ZHUSAN_SUBJECT_COPY_KEEP_HOURS = 0
    req = _granted_copy(alice, olga, noted_child)
    assert copies.erase_expired() == 1
    copy = req.copies.get()
    assert copy.status == CopyStatus.EXPIRED and copy.pdf == b"" and copy.data == b""


def test_a_granted_erasure_is_filed_with_the_retention_part(alice, olga, child):
    req = check_identity(alice, register(alice, child, kind="erasure"))
    req = services.subject_request_decide(
        actor=act(olga), request=req, decision="granted", reason="No reason to keep it.", expected_version=req.version
    )
    assert "retention batch" in req.erasure_outcome
    assert RetentionItem.objects.filter(person=child, source_ref=str(req.uuid)).exists()


def test_an_erasure_under_a_legal_hold_is_refused_and_nothing_is_written(alice, olga, child):
    retention.hold_place(actor=act(olga), person=child, reason="Proceedings pending")
    req = check_identity(alice, register(alice, child, kind="erasure"))
    with pytest.raises(ValidationError, match="legal hold"):
        services.subject_request_decide(
            actor=act(olga),
            request=req,
            decision="granted",
            reason="No reason to keep it.",
            expected_version=req.version,
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.IDENTITY_CHECKED and req.decision == ""
    assert not RetentionItem.objects.filter(person=child).exists()
