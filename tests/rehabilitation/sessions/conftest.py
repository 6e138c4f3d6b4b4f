"""Personas for the sessions tests: one unit with a psychologist (female, on
the roster), a male psychologist, a theologian, a doctor, a teacher, a
security liaison and a case manager assigned to the residents; an adult
woman and a 10-year-old child in the unit, both admitted to a centre."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry.models import CaseAssignment
from zhusan.rehabilitation.models import Admission, Centre, Discipline, Room, StaffMember

from ...factories import UnitFactory, make_person, make_staff


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    unit = UnitFactory()
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    w: dict[str, Any] = {"unit": unit, "registrar": registrar}
    w["psychologist"] = make_staff(Role.PSYCHOLOGIST, unit, username="psychologist")
    w["male_psychologist"] = make_staff(Role.PSYCHOLOGIST, unit, username="malepsychologist")
    w["theologian"] = make_staff(Role.THEOLOGIAN, unit, username="theologian")
    w["doctor"] = make_staff(Role.DOCTOR, unit, username="doctor")
    w["teacher"] = make_staff(Role.TEACHER, unit, username="teacher")
    w["security"] = make_staff(Role.SECURITY_LIAISON, unit, username="security")
    w["case_manager"] = make_staff(Role.CASE_MANAGER, unit, username="casemanager")
    w["woman"] = make_person(registrar, given="Aigerim", family="Seitova", birth_year=1992)
    w["child"] = make_person(registrar, given="Amina", family="Seitova", birth_year=timezone.localdate().year - 10)
    w["man"] = make_person(registrar, given="Nurlan", family="Seitov", sex="male", birth_year=1988)
    for key in ("woman", "child", "man"):
        CaseAssignment.objects.create(person=w[key], user=w["case_manager"])
    centre = Centre.objects.create(name="Akniet", region="Mangystau", town="Aktau", unit=unit)
    room = Room.objects.create(centre=centre, name="One", beds=6, mothers_with_young_children=True)
    w["centre"] = centre
    for key, discipline, female in (
        ("psychologist", Discipline.PSYCHOLOGIST, True),
        ("male_psychologist", Discipline.PSYCHOLOGIST, False),
        ("theologian", Discipline.THEOLOGIAN, True),
        ("doctor", Discipline.DOCTOR, False),
        ("teacher", Discipline.TEACHER, True),
    ):
        StaffMember.objects.create(user=w[key], centre=centre, discipline=discipline, is_female=female)
    for key in ("woman", "child", "man"):
        Admission.objects.create(
            person=w[key],
            centre=centre,
            room=room,
            admitted_on=timezone.localdate() - timedelta(days=3),
            prefers_female_professional=key == "woman",
        )
    return w


def actor(user: Any) -> Actor:
    return Actor.system("tests", user=user)


def now() -> Any:
    """A moment of today (so that a session planned for it can be marked held)."""
    return timezone.localtime().replace(second=0, microsecond=0)
