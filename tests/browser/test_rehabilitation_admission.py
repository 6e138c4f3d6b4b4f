"""A case manager admits a mother with her two young children to a family
room of the Akniet centre, with the keyboard and the form's labels, and
sees them on the occupancy board: the beds they took and the beds left."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role, Scope
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import EstablishedBy, RelationKind, Stage
from zhusan.rehabilitation import services
from zhusan.rehabilitation.models import Admission

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-rehabilitation-admission"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_case_manager_admits_a_mother_with_her_children_and_sees_the_board(page):
    unit = UnitFactory(organisation=OrganisationFactory(name="Akniet programme"), name="Akniet centre")
    admin = make_staff(Role.SYSTEM_ADMIN, unit, username="sysadmin")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    manager = make_staff(Role.CASE_MANAGER, unit, username="aigul", scope=Scope.UNIT)
    centre = services.centre_create(
        actor=Actor.system("tests", user=admin), name="Akniet", region="Mangystau", town="Aktau", unit=unit
    )
    family_room = services.room_create(
        actor=Actor.system("tests", user=admin), centre=centre, name="A-01", beds=4, mothers_with_young_children=True
    )
    services.room_create(actor=Actor.system("tests", user=admin), centre=centre, name="B-01", beds=3)
    year = timezone.localdate().year
    mother = make_person(registrar, given="Aigerim", family="Serikova", birth_year=1993, stage=Stage.REPATRIATED)
    children = [
        make_person(registrar, given=given, family="Serikova", birth_year=year - age, sex=sex, stage=Stage.REPATRIATED)
        for given, age, sex in (("Amina", 4, "female"), ("Yusuf", 2, "male"))
    ]
    for child in children:
        registry.relationship_add(
            actor=Actor.system("tests", user=registrar), from_person=mother, to_person=child,
            kind=RelationKind.MOTHER, established_by=EstablishedBy.DECLARED,
        )  # fmt: skip
    base = page.base_url

    page.goto(f"{base}/rehabilitation/centres/{centre.uuid}/")
    log_in(page, manager)
    page.wait_for_url(re.compile(r"/rehabilitation/centres/"))
    assert "0 of 7 beds taken; 7 free." in page.inner_text("#board-summary")
    shot(page, "1-board-empty")

    page.get_by_role("link", name="Admit a person").click()
    page.get_by_label("Find the person to admit").fill("Serikova")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Aigerim")).click()
    page.wait_for_url(re.compile(r"person="))
    page.get_by_label(re.compile("^Room")).first.select_option(str(family_room.uuid))
    page.get_by_label("The person chooses to work with female professionals").check()
    for child in children:
        assert page.get_by_label(re.compile(f"Admit {child.case_number}")).is_checked()
    shot(page, "2-admission-form")
    page.get_by_role("button", name="Admit").click()

    page.wait_for_url(re.compile(rf"/rehabilitation/centres/{centre.uuid}/$"))
    assert "3 persons admitted to Akniet" in page.inner_text(".messages")
    assert "3 of 7 beds taken; 4 free." in page.inner_text("#board-summary")
    row = page.get_by_role("row", name=re.compile("A-01"))
    for person in (mother, *children):
        assert person.case_number in row.inner_text()
    shot(page, "3-board-with-family")
    assert set(Admission.objects.values_list("room__name", flat=True)) == {"A-01"}
    mother.refresh_from_db()
    assert mother.stage == Stage.IN_REHABILITATION
    assert not [e for e in page.console_errors if "favicon" not in e]  # type: ignore[attr-defined]
