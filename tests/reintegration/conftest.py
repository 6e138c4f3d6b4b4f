"""Personas for reintegration (names prefixed ``ri_`` so they never shadow a
fixture of the support or follow-up tests below this folder): the regional
social services' unit, its consular officer who registered the family, a
social worker and a lawyer of the same unit, a social worker of another
organisation, and an orphan girl of nine with her grandmother at home."""

from __future__ import annotations

import pytest

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from . import world


@pytest.fixture
def ri_home(db):
    org = OrganisationFactory(name="Mangystau Regional Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    return UnitFactory(organisation=org, name="Family support", region="Mangystau")


@pytest.fixture
def ri_far(db):
    org = OrganisationFactory(name="Almaty Regional Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    return UnitFactory(organisation=org, name="Family support", region="Almaty")


@pytest.fixture
def ri_consul(ri_home):
    return make_staff(Role.CONSULAR_OFFICER, ri_home, username="ri-consul")


@pytest.fixture
def ri_social(ri_home):
    return make_staff(Role.SOCIAL_WORKER, ri_home, username="ri-social")


@pytest.fixture
def ri_lawyer(ri_home):
    return make_staff(Role.LAWYER, ri_home, username="ri-lawyer")


@pytest.fixture
def ri_teacher(ri_home):
    return make_staff(Role.TEACHER, ri_home, username="ri-teacher")


@pytest.fixture
def ri_outsider(ri_far):
    return make_staff(Role.SOCIAL_WORKER, ri_far, username="ri-outsider")


@pytest.fixture
def ri_act(ri_social):
    return Actor.system("tests", user=ri_social)


@pytest.fixture
def ri_child(ri_consul):
    return make_person(ri_consul, given="Amina", family="Nurlanova", birth_year=world.today().year - 9)


@pytest.fixture
def ri_granny(ri_consul, ri_child):
    return world.grandmother_of(Actor.system("tests", user=ri_consul), ri_child)
