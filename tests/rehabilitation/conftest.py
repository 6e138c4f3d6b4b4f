"""Personas and a centre for rehabilitation: a case manager and staff of the
Akniet centre's unit, a consular officer who registers the returnees, and
the centre with a family room, a women's room and a single bed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role, Scope
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import EstablishedBy, RelationKind, Stage
from zhusan.rehabilitation import services
from zhusan.rehabilitation.models import Discipline

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff


def act(user) -> Actor:
    return Actor.system("tests", user=user)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def home(db):
    org = OrganisationFactory(name="Akniet programme")
    return UnitFactory(organisation=org, name="Akniet centre", region="Mangystau")


@pytest.fixture
def admin_user(home):
    return make_staff(Role.SYSTEM_ADMIN, home, username="sysadmin")


@pytest.fixture
def registrar(home):
    return make_staff(Role.CONSULAR_OFFICER, home, username="registrar")


@pytest.fixture
def case_manager(home):
    return make_staff(Role.CASE_MANAGER, home, username="casemanager", scope=Scope.UNIT)


@pytest.fixture
def programme_manager(home):
    return make_staff(Role.PROGRAMME_MANAGER, home, username="progman")


@pytest.fixture
def social_worker(home):
    return make_staff(Role.SOCIAL_WORKER, home, username="socialworker")


@pytest.fixture
def centre(admin_user, home):
    return services.centre_create(
        actor=act(admin_user),
        name="Akniet",
        region="Mangystau",
        town="Aktau",
        unit=home,
        address="Aktau, microdistrict",
    )


@pytest.fixture
def family_room(admin_user, centre):
    return services.room_create(
        actor=act(admin_user), centre=centre, name="Family room", beds=4, mothers_with_young_children=True
    )


@pytest.fixture
def womens_room(admin_user, centre):
    return services.room_create(actor=act(admin_user), centre=centre, name="Women's room", beds=3)


@pytest.fixture
def single_room(admin_user, centre):
    return services.room_create(actor=act(admin_user), centre=centre, name="Single room", beds=1)


def returnee(registrar, *, given: str, sex: str = "female", birth_year: int = 1994, stage: str = Stage.REPATRIATED):
    return make_person(registrar, given=given, sex=sex, birth_year=birth_year, stage=stage)


def mother_of(registrar, mother, child) -> None:
    registry.relationship_add(
        actor=act(registrar),
        from_person=mother,
        to_person=child,
        kind=RelationKind.MOTHER,
        established_by=EstablishedBy.DECLARED,
    )


@pytest.fixture
def mother(registrar):
    return returnee(registrar, given="Aigerim")


@pytest.fixture
def toddler(registrar, mother):
    child = returnee(registrar, given="Amina", birth_year=timezone.localdate().year - 3)
    mother_of(registrar, mother, child)
    return child


@pytest.fixture
def older_child(registrar, mother):
    child = returnee(registrar, given="Yusuf", sex="male", birth_year=timezone.localdate().year - 12)
    mother_of(registrar, mother, child)
    return child


def staff(admin_user, centre, role: Role, discipline: str, username: str, *, is_female: bool, supervisor=None):
    user = make_staff(role, centre.unit, username=username)
    services.staff_member_add(
        actor=act(admin_user),
        user=user,
        centre=centre,
        discipline=discipline,
        is_female=is_female,
        supervisor=supervisor,
    )
    return user


@pytest.fixture
def lead_psychologist(admin_user, centre):
    return staff(admin_user, centre, Role.PSYCHOLOGIST, Discipline.PSYCHOLOGIST, "leadpsy", is_female=True)


@pytest.fixture
def female_psychologist(admin_user, centre, lead_psychologist):
    return staff(
        admin_user,
        centre,
        Role.PSYCHOLOGIST,
        Discipline.PSYCHOLOGIST,
        "dana",
        is_female=True,
        supervisor=lead_psychologist,
    )


@pytest.fixture
def male_psychologist(admin_user, centre, lead_psychologist):
    return staff(
        admin_user,
        centre,
        Role.PSYCHOLOGIST,
        Discipline.PSYCHOLOGIST,
        "arman",
        is_female=False,
        supervisor=lead_psychologist,
    )


def admit(actor_user, centre, *pairs, on=None, separations=(), prefers_female=False):
    """Admit (person, room) pairs together."""
    return services.admission_create(
        actor=act(actor_user),
        centre=centre,
        admitted_on=on or days_ago(10),
        residents=[
            services.ResidentInput(person=p, room=r, prefers_female_professional=prefers_female) for p, r in pairs
        ],
        separations=separations,
    )


@pytest.fixture
def bob_in_home(home):
    return make_staff(Role.PSYCHOLOGIST, home, username="bobpsy")
