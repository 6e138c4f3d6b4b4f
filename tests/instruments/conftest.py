"""Personas for instruments: bob (a psychologist) and alice (a case manager)
in the centre's unit (tests/conftest.py), a theologian and a doctor there,
an adult woman, a 12-year-old and a 5-year-old they all see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.instruments import services
from zhusan.instruments.models import Administration

from ..factories import make_person, make_staff

TODAY = timezone.localdate()


def phq9(*answers: int) -> dict[str, int]:
    return {str(k): v for k, v in enumerate(answers, start=1)}


def act(user: Any) -> Actor:
    return Actor.system("tests", user=user)


def record(user: Any, person: Any, code: str, answers: dict[str, Any], **kwargs: Any) -> Administration:
    return services.administration_record(
        actor=act(user),
        person=person,
        instrument=code,
        occasion=kwargs.pop("occasion", "baseline"),
        administered_on=kwargs.pop("on", TODAY - timedelta(days=1)),
        answers=answers,
    )


@pytest.fixture
def theologian(centre_unit):
    return make_staff(Role.THEOLOGIAN, centre_unit, username="theologian")


@pytest.fixture
def doctor(centre_unit):
    return make_staff(Role.DOCTOR, centre_unit, username="doctor")


@pytest.fixture
def woman(alice):
    return make_person(alice, given="Aigerim", family="Sadykova", birth_year=TODAY.year - 30)


@pytest.fixture
def boy(alice):
    return make_person(alice, given="Timur", family="Sadykov", sex="male", birth_year=TODAY.year - 12)


@pytest.fixture
def toddler(alice):
    return make_person(alice, given="Dana", family="Sadykova", birth_year=TODAY.year - 5)


def years_ago(n: int) -> date:
    return TODAY.replace(year=TODAY.year - n)
