"""Personas for operations: a consular officer (manages manifests), a
programme manager (may override), a security liaison, a doctor and a
teacher, all in the consular unit's organisation."""

from __future__ import annotations

import pytest

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.operations import services
from zhusan.registry.models import Site, SiteKind

from ..factories import OrganisationFactory, UnitFactory, make_staff


@pytest.fixture
def consular_unit(db):
    org = OrganisationFactory(name="Ministry of Foreign Affairs")
    return UnitFactory(organisation=org, name="Consular department")


@pytest.fixture
def consul(consular_unit):
    return make_staff(Role.CONSULAR_OFFICER, consular_unit, username="consul")


@pytest.fixture
def manager(consular_unit):
    return make_staff(Role.PROGRAMME_MANAGER, consular_unit, username="manager")


@pytest.fixture
def liaison(consular_unit):
    return make_staff(Role.SECURITY_LIAISON, consular_unit, username="liaison")


@pytest.fixture
def doctor(consular_unit):
    return make_staff(Role.DOCTOR, consular_unit, username="doctor")


@pytest.fixture
def teacher(consular_unit):
    return make_staff(Role.TEACHER, consular_unit, username="teacher")


@pytest.fixture
def camp(db):
    return Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")


@pytest.fixture
def centre(db):
    return Site.objects.create(name="Aktau rehabilitation centre", kind=SiteKind.REHABILITATION_CENTRE, country="KZ")


@pytest.fixture
def operation(consul):
    return services.operation_create(actor=act(consul), code="Zhusan-2", name="Zhusan 2", country="KZ")


@pytest.fixture
def movement(consul, operation, camp, centre):
    return services.movement_create(
        actor=act(consul),
        operation=operation,
        label="Flight 1",
        origin=camp,
        destination="Aktau",
        destination_site=centre,
    )


def act(user) -> Actor:
    return Actor.system("tests", user=user)
