"""Personas for needs, plans and case conferences: staff of the Akniet
centre's unit (``home`` and ``registrar`` come from tests/rehabilitation),
a resident woman and a resident child, and someone from elsewhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import CaseAssignment
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import Domain

from ...factories import OrganisationFactory, UnitFactory, make_person, make_staff


def act(user) -> Actor:
    return Actor.system("tests", user=user)


def today() -> date:
    return timezone.localdate()


def in_days(n: int) -> date:
    return today() + timedelta(days=n)


@pytest.fixture
def resident(registrar):
    return make_person(registrar, given="Aigerim", family="Serikova", birth_year=1994)


@pytest.fixture
def child(registrar):
    return make_person(registrar, given="Alia", family="Serikova", birth_year=today().year - 12)


@pytest.fixture
def psychologist(home):
    return make_staff(Role.PSYCHOLOGIST, home, username="psychologist")


@pytest.fixture
def theologian(home):
    return make_staff(Role.THEOLOGIAN, home, username="theologian")


@pytest.fixture
def doctor(home):
    return make_staff(Role.DOCTOR, home, username="doctor")


@pytest.fixture
def teacher(home):
    return make_staff(Role.TEACHER, home, username="teacher")


@pytest.fixture
def liaison(home):
    return make_staff(Role.SECURITY_LIAISON, home, username="liaison")


@pytest.fixture
def care_manager(home, resident, child):
    """A case manager (own scope) with the resident and the child on their caseload."""
    user = make_staff(Role.CASE_MANAGER, home, username="caremanager")
    CaseAssignment.objects.create(person=resident, user=user)
    CaseAssignment.objects.create(person=child, user=user)
    return user


@pytest.fixture
def outsider():
    unit = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    return make_staff(Role.PSYCHOLOGIST, unit, username="faraway")


def draft_with_goal(author, person, owner=None, *, due: int = 30):
    plan = services.plan_create(actor=act(author), person=person, summary="First month at the centre")
    services.goal_add(
        actor=act(author),
        plan=plan,
        domain=Domain.MENTAL_HEALTH,
        text="Weekly counselling sessions",
        owner=owner or author,
        due_on=in_days(due),
    )
    plan.refresh_from_db()
    return plan


def submitted(author, person, owner=None):
    plan = draft_with_goal(author, person, owner)
    return services.plan_submit(actor=act(author), plan=plan, expected_version=plan.version)


def approved(author, approver, person, owner=None):
    plan = submitted(author, person, owner)
    return services.plan_approve(
        actor=act(approver), plan=plan, expected_version=plan.version, comment="Agreed", next_review_on=in_days(30)
    )
