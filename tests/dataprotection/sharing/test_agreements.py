"""Sharing agreements and impact assessments: bad input refused with a clear
message and nothing written; an agreement becomes active only on an approved
assessment of its partner; only the data-protection officer keeps them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.dataprotection.sharing import selectors, services
from zhusan.dataprotection.sharing.models import AgreementStatus, ImpactAssessment, SharingAgreement

from .conftest import act, agreement, approved_assessment, expire


def _create(officer, partner, **overrides):
    today = timezone.localdate()
    args = dict(
        actor=act(officer), organisation=partner, purposes=["referral"], categories=["identity"],
        legal_basis="Consent", partner_retention="Two years", contact="dpo@example.org",
        starts_on=today, expires_on=today + timedelta(days=90),
    )  # fmt: skip
    args.update(overrides)
    return services.agreement_create(**args)


def test_an_agreement_that_expires_before_it_starts_is_refused_and_nothing_is_written(officer, partner):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _create(officer, partner, starts_on=today, expires_on=today - timedelta(days=1))
    assert exc.value.message_dict["expires_on"] == ["The agreement must expire after it starts."]
    assert not SharingAgreement.objects.exists()
    assert not AuditEvent.objects.filter(object_type=ObjectType.SHARING_AGREEMENT).exists()


def test_an_agreement_cannot_be_made_active_without_an_assessment(officer, partner):
    with pytest.raises(ValidationError) as exc:
        _create(officer, partner, activate=True)
    assert "approved impact assessment" in exc.value.message_dict["assessment"][0]
    assert not SharingAgreement.objects.exists()


def test_an_agreement_cannot_be_made_active_on_an_assessment_waiting_for_a_decision(officer, partner):
    assessment = services.assessment_create(
        actor=act(officer), title="Women at Work", covers="partner", organisation=partner,
        description="Referrals.", necessity="Needed.", harms="Few.",
    )  # fmt: skip
    draft = _create(officer, partner, assessment=assessment)
    assert draft.status == AgreementStatus.DRAFT
    with pytest.raises(ValidationError, match="is not approved"):
        services.agreement_set_status(actor=act(officer), agreement=draft, status="active", expected_version=1)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_an_assessment_of_another_partner_does_not_cover_the_agreement(officer, partner, region):
    other = approved_assessment(officer, region.organisation)
    with pytest.raises(ValidationError, match="does not cover Women at Work"):
        _create(officer, partner, assessment=other, activate=True)


def test_an_approved_assessment_makes_the_agreement_active(officer, partner):
    item = _create(officer, partner, assessment=approved_assessment(officer, partner), activate=True)
    assert item.status == AgreementStatus.ACTIVE
    assert services.valid_agreement(partner, "referral") == item
    assert services.valid_agreement(partner, "transfer") is None


def test_an_assessment_is_rejected_only_with_a_reason_and_records_the_approver_and_date(officer, partner):
    assessment = services.assessment_create(
        actor=act(officer), title="New import source", covers="import_source", reference="Camp registry list",
        description="A list from the camp administration.", necessity="Tracing.", harms="Accuracy.",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.assessment_decide(actor=act(officer), assessment=assessment, decision="rejected", expected_version=1)
    assert "note" in exc.value.message_dict
    services.assessment_decide(
        actor=act(officer), assessment=assessment, decision="needs_changes", note="Say who checks the list.",
        expected_version=1,
    )  # fmt: skip
    assessment.refresh_from_db()
    assert (assessment.decision, assessment.decided_by, assessment.decided_on) == (
        "needs_changes", officer, timezone.localdate(),
    )  # fmt: skip
    assert assessment in selectors.waiting_assessments()


def test_an_assessment_must_name_what_it_covers(officer):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            actor=act(officer), title="x", covers="partner", description="d", necessity="n", harms="r"
        )
    assert "organisation" in exc.value.message_dict
    assert not ImpactAssessment.objects.exists()


def test_only_the_data_protection_officer_keeps_agreements(worker, partner):
    with pytest.raises(PermissionDenied):
        _create(worker, partner)
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type=ObjectType.SHARING_AGREEMENT).exists()
    assert not SharingAgreement.objects.exists()


def test_the_signed_document_is_kept_encrypted_and_its_reading_is_audited(officer, partner):
    pdf = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    item = _create(officer, partner, document=pdf)
    assert item.document_name == "agreement.pdf"
    with connection.cursor() as cursor:
        cursor.execute("SELECT document FROM dataprotection_sharing_sharingagreement WHERE id = %s", [item.pk])
        raw = bytes(cursor.fetchone()[0])
    assert raw and b"signed" not in raw
    name, content = services.agreement_document(actor=act(officer), agreement=item)
    assert (name, content) == ("agreement.pdf", b"%PDF-1.4 signed")
    assert AuditEvent.objects.filter(action=Action.VIEW, object_ref=str(item.uuid)).exists()


def test_a_file_that_is_not_a_pdf_is_refused(officer, partner):
    fake = SimpleUploadedFile("agreement.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF"):
        _create(officer, partner, document=fake)
    assert not SharingAgreement.objects.exists()


def test_renewing_moves_the_expiry_and_lifts_the_block(officer, partner):
    item = agreement(officer, partner)
    expire(item, timezone.localdate() - timedelta(days=2))
    item.refresh_from_db()
    assert services.refusal(partner, "referral").startswith("The sharing agreement with Women at Work expired on")
    services.agreement_update(
        actor=act(officer), agreement=item, expected_version=item.version,
        starts_on=timezone.localdate(), expires_on=timezone.localdate() + timedelta(days=365),
    )  # fmt: skip
    assert services.refusal(partner, "referral") == ""


def test_staff_see_which_partners_have_an_agreement_in_force(officer, partner, region):
    agreement(officer, partner, purposes=("referral",))
    expire(agreement(officer, region.organisation), timezone.localdate() - timedelta(days=1))
    lines = selectors.partners_with_agreements()
    assert [(line.organisation, bool(line.referral), bool(line.transfer)) for line in lines] == [(partner, True, False)]
