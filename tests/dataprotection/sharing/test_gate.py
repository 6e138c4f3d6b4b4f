"""The sharing gate: no referral, case transfer or case export to an
organisation without a sharing agreement in force for that purpose; an
expired one blocks with a message naming the partner and the date; nothing
is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.reintegration.support import services as support
from zhusan.reintegration.support.models import CaseTransfer, Referral, ReferralKind
from zhusan.reporting.case_exports import CaseExportError, ExportFilters, case_export_request
from zhusan.reporting.models import CaseExport

from .conftest import act, agreement, expire


def _refer(worker, woman, organisation=None, **extra):
    return support.referral_send(
        actor=act(worker), person=woman, kind=ReferralKind.LIVELIHOOD, organisation=organisation,
        reason="Sewing course.", **extra,
    )  # fmt: skip


def _transfer(consul, woman, unit):
    return support.transfer_request(actor=act(consul), person=woman, to_unit=unit, reason="She moved.")


def _export(manager, recipient):
    return case_export_request(
        actor=act(manager), fields=["case_number"], filters=ExportFilters(), fmt="csv", recipient=recipient
    )


# --- referrals


def test_a_referral_to_a_partner_without_an_agreement_is_refused_and_nothing_is_written(worker, woman, partner):
    with pytest.raises(ValidationError) as exc:
        _refer(worker, woman, partner)
    assert "There is no sharing agreement with Women at Work for referrals" in " ".join(exc.value.messages)
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(object_type=ObjectType.REFERRAL, action=Action.CREATE).exists()


def test_a_referral_under_an_expired_agreement_names_the_partner_and_the_expiry(officer, worker, woman, partner):
    item = agreement(officer, partner)
    day = timezone.localdate() - timedelta(days=3)
    expire(item, day)
    with pytest.raises(ValidationError) as exc:
        _refer(worker, woman, partner)
    assert " ".join(exc.value.messages) == (
        f"The sharing agreement with Women at Work expired on {formats.date_format(day, 'DATE_FORMAT')}: "
        "ask the data-protection officer to renew it."
    )
    assert not Referral.objects.exists()


def test_a_referral_under_an_agreement_in_force_goes(officer, worker, woman, partner):
    agreement(officer, partner)
    assert _refer(worker, woman, partner).organisation == partner


def test_an_agreement_for_other_purposes_does_not_allow_a_referral(officer, worker, woman, partner):
    agreement(officer, partner, purposes=("case_export",))
    with pytest.raises(ValidationError, match="for referrals"):
        _refer(worker, woman, partner)


def test_a_draft_agreement_allows_nothing(officer, worker, woman, partner):
    agreement(officer, partner, activate=False)
    with pytest.raises(ValidationError, match="no sharing agreement"):
        _refer(worker, woman, partner)


def test_a_free_text_service_needs_the_persons_own_consent_an_override_is_not_enough(manager, woman, consul):
    from zhusan.registry import services as registry
    from zhusan.registry.models import ConsentPurpose, ConsentStatus

    registry.consent_record(
        actor=act(consul), person=woman, purpose=ConsentPurpose.SHARE_NGO, status=ConsentStatus.REFUSED, given_by="self"
    )
    with pytest.raises(ValidationError) as exc:
        _refer(manager, woman, service="Sewing cooperative", override_reason="She asked for it urgently.")
    assert "outside the system" in exc.value.message_dict["service"][0]
    assert not Referral.objects.exists()


def test_a_free_text_service_with_consent_on_file_goes(worker, woman):
    assert _refer(worker, woman, service="Sewing cooperative").service == "Sewing cooperative"


# --- case transfers


def test_a_transfer_to_an_organisation_without_an_agreement_is_refused(consul, woman, region):
    with pytest.raises(ValidationError, match="no sharing agreement with Almaty Social Services for case transfers"):
        _transfer(consul, woman, region)
    assert not CaseTransfer.objects.exists()


def test_a_transfer_under_an_expired_agreement_is_refused(officer, consul, woman, region):
    expire(agreement(officer, region.organisation), timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="expired on"):
        _transfer(consul, woman, region)
    assert not CaseTransfer.objects.exists()


def test_a_transfer_under_an_agreement_in_force_goes(officer, consul, woman, region):
    agreement(officer, region.organisation)
    assert _transfer(consul, woman, region).to_unit == region


# --- case exports


def test_a_case_export_for_another_organisation_without_an_agreement_is_refused(manager, woman, partner):
    with pytest.raises(CaseExportError, match="for case exports"):
        _export(manager, partner)
    assert not CaseExport.objects.exists()


def test_a_case_export_under_an_expired_agreement_is_refused(officer, manager, woman, partner):
    expire(agreement(officer, partner), timezone.localdate() - timedelta(days=10))
    with pytest.raises(CaseExportError, match="expired on"):
        _export(manager, partner)
    assert not CaseExport.objects.exists()


def test_a_case_export_under_an_agreement_in_force_is_queued_naming_the_partner(officer, manager, woman, partner):
    agreement(officer, partner)
    job = _export(manager, partner)
    assert job.filters["recipient"] == str(partner.uuid)


def test_a_case_export_for_the_requesters_own_organisation_needs_no_agreement(manager, woman, home):
    assert _export(manager, home.organisation).pk
    assert _export(manager, None).pk
