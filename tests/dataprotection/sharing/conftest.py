"""Personas: the data-protection officer, a social worker and a programme
manager of the regional social services, a partner NGO, a woman returnee
who consented to sharing with NGOs and social services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing import services
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentGiver, ConsentPurpose, ConsentStatus

from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff


def act(user) -> Actor:
    return Actor.system("tests", user=user)


@pytest.fixture
def home(db):
    org = OrganisationFactory(name="Mangystau Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    return UnitFactory(organisation=org, name="Reintegration team", region="Mangystau")


@pytest.fixture
def officer(home):
    return make_staff(Role.DATA_PROTECTION_OFFICER, home, username="dpo")


@pytest.fixture
def worker(home):
    return make_staff(Role.SOCIAL_WORKER, home, username="saule")


@pytest.fixture
def manager(home):
    return make_staff(Role.PROGRAMME_MANAGER, home, username="manager")


@pytest.fixture
def consul(home):
    return make_staff(Role.CONSULAR_OFFICER, home, username="consul")


@pytest.fixture
def partner(db):
    return OrganisationFactory(name="Women at Work", kind=OrganisationKind.NGO)


@pytest.fixture
def partner_unit(partner):
    return UnitFactory(organisation=partner, name="Aktau office")


@pytest.fixture
def region(db):
    org = OrganisationFactory(name="Almaty Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    return UnitFactory(organisation=org, name="Returnee support", region="Almaty")


@pytest.fixture
def woman(consul):
    person = make_person(consul, given="Dana", family="Serikova", birth_year=1992)
    for purpose in (ConsentPurpose.SHARE_NGO, ConsentPurpose.SHARE_SOCIAL):
        registry.consent_record(
            actor=act(consul), person=person, purpose=purpose, status=ConsentStatus.GRANTED, given_by=ConsentGiver.SELF
        )
    return person


def approved_assessment(officer, organisation):
    assessment = services.assessment_create(
        actor=act(officer),
        title=f"Partner {organisation.name}",
        covers="partner",
        organisation=organisation,
        description="Referrals for livelihood support.",
        necessity="No other provider in the region.",
        harms="Onward sharing: forbidden by the agreement.",
    )
    return services.assessment_decide(
        actor=act(officer), assessment=assessment, decision="approved", expected_version=assessment.version
    )


def agreement(officer, organisation, *, purposes=("referral", "transfer", "case_export"), starts_on=None,
              expires_on=None, activate=True):  # fmt: skip
    today = timezone.localdate()
    return services.agreement_create(
        actor=act(officer),
        organisation=organisation,
        purposes=list(purposes),
        categories=["identity", "contact_location"],
        legal_basis="Law on social services, art. 12",
        partner_retention="Five years after the case closes",
        contact="dpo@women-at-work.example",
        starts_on=starts_on or today - timedelta(days=30),
        expires_on=expires_on or today + timedelta(days=365),
        assessment=approved_assessment(officer, organisation),
        activate=activate,
    )


def expire(item, on: date) -> None:
    """Move an agreement's dates into the past (it expired on ``on``)."""
    type(item).objects.filter(pk=item.pk).update(starts_on=on - timedelta(days=365), expires_on=on)
