"""Personas for support: a social worker and a case manager of the regional
social services (who refer), a programme manager (who may override consent
and supervises), a livelihood NGO and its social worker (who receive), a
security service's liaison, and a woman returnee of the social services."""

from __future__ import annotations

from datetime import date

import pytest

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentGiver, ConsentPurpose, ConsentStatus

from ...dataprotection.sharing.agreements import agree
from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff


@pytest.fixture
def home(db):
    org = OrganisationFactory(name="Mangystau Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    return UnitFactory(organisation=org, name="Reintegration team", region="Mangystau")


@pytest.fixture
def ngo_unit(db):
    org = OrganisationFactory(name="Women at Work", kind=OrganisationKind.NGO)
    agree(org)  # the sharing gate: an agreement in force with the partner
    return UnitFactory(organisation=org, name="Aktau office")


@pytest.fixture
def security_unit(db):
    org = OrganisationFactory(name="National Security Committee", kind=OrganisationKind.SECURITY)
    agree(org)
    return UnitFactory(organisation=org, name="Regional department")


@pytest.fixture
def worker(home):
    return make_staff(Role.SOCIAL_WORKER, home, username="saule")


@pytest.fixture
def psychologist(home):
    return make_staff(Role.PSYCHOLOGIST, home, username="psy")


@pytest.fixture
def manager(home):
    return make_staff(Role.PROGRAMME_MANAGER, home, username="manager")


@pytest.fixture
def consul(home):
    return make_staff(Role.CONSULAR_OFFICER, home, username="consul")


@pytest.fixture
def ngo_worker(ngo_unit):
    return make_staff(Role.SOCIAL_WORKER, ngo_unit, username="ngo")


@pytest.fixture
def ngo_lead(ngo_unit):
    return make_staff(Role.CONSULAR_OFFICER, ngo_unit, username="ngolead")


@pytest.fixture
def liaison(security_unit):
    return make_staff(Role.SECURITY_LIAISON, security_unit, username="liaison")


@pytest.fixture
def woman(consul):
    return make_person(consul, given="Dana", family="Serikova", birth_year=1992)


@pytest.fixture
def child(consul):
    return make_person(consul, given="Aruzhan", family="Serikova", birth_year=date.today().year - 10)


def act(user) -> Actor:
    return Actor.system("tests", user=user)


def consent(person, purpose: str, by, *, status: str = ConsentStatus.GRANTED, given_by: str = ConsentGiver.SELF):
    return registry.consent_record(actor=act(by), person=person, purpose=purpose, status=status, given_by=given_by)


@pytest.fixture
def ngo_consent(woman, consul):
    return consent(woman, ConsentPurpose.SHARE_NGO, consul)
