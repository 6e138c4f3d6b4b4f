"""A sharing agreement in force, for tests of anything that refers,
transfers or exports to another organisation (the registry's sharing gate)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from zhusan.accounts.models import Organisation
from zhusan.accounts.permissions import Compartment
from zhusan.dataprotection.sharing.models import (
    AgreementStatus,
    AssessmentDecision,
    CoverageKind,
    ImpactAssessment,
    SharingAgreement,
)
from zhusan.registry.extensions import SharingPurpose

from ...factories import make_staff

ALL_PURPOSES = (SharingPurpose.REFERRAL, SharingPurpose.TRANSFER, SharingPurpose.CASE_EXPORT)


def _officer() -> object:
    """Any user already in the test (the fixtures always make staff first); one is made if none."""
    from zhusan.accounts.models import User
    from zhusan.accounts.permissions import Role

    return User.objects.order_by("pk").first() or make_staff(Role.DATA_PROTECTION_OFFICER, username="dpo")


def agree(
    organisation: Organisation,
    *purposes: str,
    starts_on: date | None = None,
    expires_on: date | None = None,
) -> SharingAgreement:
    """An approved assessment of ``organisation`` and an active agreement with
    it for ``purposes`` (all three by default), in force for a year from today
    unless dates are given. Written directly (fixtures, not the service under test)."""
    today = timezone.localdate()
    officer = _officer()
    assessment = ImpactAssessment.objects.create(
        title=f"Partner {organisation.name}",
        covers=CoverageKind.PARTNER,
        organisation=organisation,
        description="Referrals and transfers of cases.",
        necessity="Needed for reintegration.",
        harms="Onward sharing; mitigated by the agreement.",
        decision=AssessmentDecision.APPROVED,
        decided_by=officer,
        decided_on=today,
        created_by=officer,
    )
    chosen = purposes or ALL_PURPOSES
    return SharingAgreement.objects.create(
        organisation=organisation,
        for_referral=SharingPurpose.REFERRAL in chosen,
        for_transfer=SharingPurpose.TRANSFER in chosen,
        for_case_export=SharingPurpose.CASE_EXPORT in chosen,
        categories=[c.value for c in Compartment],
        legal_basis="Law on social services, art. 12",
        partner_retention="Five years after the case closes",
        contact="dpo@example.org",
        starts_on=starts_on or today - timedelta(days=30),
        expires_on=expires_on or today + timedelta(days=365),
        assessment=assessment,
        status=AgreementStatus.ACTIVE,
        created_by=officer,
    )
