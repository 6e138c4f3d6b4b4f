"""A teacher sees only the children of their unit, without kunyas, identity
evidence, consents, repatriation history or timeline; a psychologist's list
opens on their caseload. Through the UI and the API alike."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zhusan.accounts.permissions import Role
from zhusan.registry import services
from zhusan.registry.models import CaseAssignment, NameKind, Script

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login

PUPIL_BORN = date.today().year - 9
KUNYA = services.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Abu Yusuf")


@pytest.fixture
def school(db):
    unit = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    other = UnitFactory(organisation=OrganisationFactory(name="Shymkent Social Services"), name="Families")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    far = make_staff(Role.CONSULAR_OFFICER, other, username="far")
    return {
        "unit": unit,
        "pupil": make_person(registrar, unit=unit, given="Yusuf", birth_year=PUPIL_BORN, extra_names=[KUNYA]),
        "mother": make_person(registrar, unit=unit, given="Aisha", birth_year=1990),
        "unknown_age": make_person(registrar, unit=unit, given="Dana", birth_year=None),
        "elsewhere": make_person(far, unit=other, given="Timur", birth_year=PUPIL_BORN),
        "teacher": make_staff(Role.TEACHER, unit, username="teacher"),
    }


def test_a_teachers_list_holds_only_the_children_of_their_unit_in_the_ui_and_the_api(school):
    ui = login(Client(), school["teacher"]).get("/persons/").content.decode()
    assert "Yusuf" in ui
    assert "Aisha" not in ui and "Timur" not in ui and "Dana" not in ui

    api = APIClient()
    api.force_authenticate(school["teacher"])
    listed = {row["uuid"] for row in api.get("/api/v1/persons/").json()["results"]}
    assert listed == {str(school["pupil"].uuid)}


def test_an_adult_of_the_teachers_own_unit_is_not_found_by_the_teacher(school):
    mother = school["mother"]
    assert login(Client(), school["teacher"]).get(f"/persons/{mother.uuid}/").status_code == 404
    api = APIClient()
    api.force_authenticate(school["teacher"])
    assert api.get(f"/api/v1/persons/{mother.uuid}/").status_code == 404


def test_a_teacher_sees_a_pupils_name_without_the_kunya_and_no_school_irrelevant_tab(school):
    pupil = school["pupil"]
    client = login(Client(), school["teacher"])
    page = client.get(f"/persons/{pupil.uuid}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Yusuf" in html and "Abu Yusuf" not in html
    assert f"/persons/{pupil.uuid}/timeline/" not in html
    assert f"/persons/{pupil.uuid}/documents/" not in html
    names = client.get(f"/persons/{pupil.uuid}/names/").content.decode()
    assert "Abu Yusuf" not in names
    for tab in ("timeline", "documents"):
        assert client.get(f"/persons/{pupil.uuid}/{tab}/").status_code == 403


def test_the_api_applies_the_same_field_mask_for_a_teacher(school):
    pupil = school["pupil"]
    api = APIClient()
    api.force_authenticate(school["teacher"])
    detail = api.get(f"/api/v1/persons/{pupil.uuid}/").json()
    assert "Abu Yusuf" not in str(detail)
    for hidden in ("evidence", "consents", "assents", "nationalities", "stage_changed_at", "allowed_transitions"):
        assert hidden not in detail, hidden
    assert "Abu Yusuf" not in str(api.get(f"/api/v1/persons/{pupil.uuid}/names/").json())
    for sub in ("timeline/", "evidence/", "consents/"):
        assert api.get(f"/api/v1/persons/{pupil.uuid}/{sub}").status_code == 403, sub


def test_a_case_manager_of_the_same_person_still_sees_the_kunya(school):
    manager = make_staff(Role.CASE_MANAGER, school["unit"], username="cm")
    CaseAssignment.objects.create(person=school["pupil"], user=manager)
    html = login(Client(), manager).get(f"/persons/{school['pupil'].uuid}/names/").content.decode()
    assert "Abu Yusuf" in html


def test_a_psychologists_list_opens_on_their_caseload_in_the_ui_and_the_api(school):
    psychologist = make_staff(Role.PSYCHOLOGIST, school["unit"], username="psy")
    CaseAssignment.objects.create(person=school["mother"], user=psychologist)
    client = login(Client(), psychologist)
    first = client.get("/persons/").content.decode()
    assert "Aisha" in first and "Yusuf" not in first
    everyone = client.get("/persons/", {"q": ""}).content.decode()
    assert "Yusuf" in everyone

    api = APIClient()
    api.force_authenticate(psychologist)
    assert {r["uuid"] for r in api.get("/api/v1/persons/").json()["results"]} == {str(school["mother"].uuid)}
    assert len(api.get("/api/v1/persons/", {"mine": "false"}).json()["results"]) == 3


def test_a_case_managers_list_does_not_open_on_my_cases_only(school):
    manager = make_staff(Role.CONSULAR_OFFICER, school["unit"], username="consul")
    html = login(Client(), manager).get("/persons/").content.decode()
    assert "Yusuf" in html and "Aisha" in html


def test_a_teacher_never_sees_a_pupils_lifecycle_stage_in_the_ui_or_the_api(school):
    """The stage (identified, repatriated, reintegrating …) tells a child's
    history: a school gets the name and age, never the stage."""
    pupil = school["pupil"]
    stage = pupil.get_stage_display()
    client = login(Client(), school["teacher"])
    for url in ("/persons/", f"/persons/{pupil.uuid}/", f"/persons/{pupil.uuid}/names/"):
        assert str(stage) not in client.get(url).content.decode(), url
    # Nor can the list be filtered by stage to learn it.
    assert "Yusuf" in client.get(f"/persons/?stage={pupil.stage}x").content.decode()
    api = APIClient()
    api.force_authenticate(school["teacher"])
    assert "stage" not in api.get(f"/api/v1/persons/{pupil.uuid}/").json()
    manager = make_staff(Role.CASE_MANAGER, school["unit"], username="cm-stage")
    CaseAssignment.objects.create(person=pupil, user=manager)
    assert str(stage) in login(Client(), manager).get(f"/persons/{pupil.uuid}/").content.decode()
