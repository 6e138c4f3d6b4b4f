"""The "My work" page: my cases, emergency accesses to review (with their
notification), and the panels other apps add; a merged record stays read-only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.matching.models import DuplicateCandidate
from zhusan.registry import extensions
from zhusan.registry import services as registry_services
from zhusan.registry.models import CaseAssignment

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..registry.helpers import login

HOME = "/my-work/"


@pytest.fixture
def centre(db):
    unit = UnitFactory(organisation=OrganisationFactory(name="Aktau Rehabilitation Centre"), name="Residential")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    return unit, registrar


def test_my_work_lists_my_assigned_cases_with_their_stage(centre):
    unit, registrar = centre
    mine = make_person(registrar, unit=unit, given="Aisha")
    make_person(registrar, unit=unit, given="Dana")
    manager = make_staff(Role.CASE_MANAGER, unit, username="cm")
    CaseAssignment.objects.create(person=mine, user=manager)
    html = login(Client(), manager).get(HOME).content.decode()
    assert mine.case_number in html and "Aisha" in html
    assert mine.get_stage_display() in html
    assert "Dana" not in html


def test_a_supervisor_is_told_of_an_emergency_access_on_the_home_page_and_by_email(
    centre, django_capture_on_commit_callbacks
):
    unit, registrar = centre
    person = make_person(registrar, unit=unit, given="Aisha")
    supervisor = make_staff(Role.PROGRAMME_MANAGER, unit, username="pm")
    supervisor.email = "pm@example.org"
    supervisor.save(update_fields=["email"])
    outsider = make_staff(Role.CASE_MANAGER, unit, username="night-shift")
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.break_glass_open(
            actor=Actor.system("tests", user=outsider), person=person, reason="Child taken to hospital at night"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pm@example.org"]
    assert person.case_number in mail.outbox[0].subject
    html = login(Client(), supervisor).get(HOME).content.decode()
    assert "night-shift" in html and person.case_number in html
    assert reverse("accounts:break_glass") in html


def test_the_user_who_broke_the_glass_is_not_asked_to_review_it(centre):
    unit, registrar = centre
    person = make_person(registrar, unit=unit)
    supervisor = make_staff(Role.PROGRAMME_MANAGER, unit, username="pm")
    registry_services.break_glass_open(
        actor=Actor.system("tests", user=supervisor), person=person, reason="An emergency tonight"
    )
    html = login(Client(), supervisor).get(HOME).content.decode()
    assert "No emergency access waits for your review." in html


def test_a_reviewer_finds_the_open_duplicates_panel_and_a_teacher_does_not(centre):
    unit, registrar = centre
    a = make_person(registrar, unit=unit, given="Aisha")
    b = make_person(registrar, unit=unit, given="Aysha")
    DuplicateCandidate.objects.create(person_a=a, person_b=b, probability=0.9)
    consul = login(Client(), registrar).get(HOME).content.decode()
    assert "Possible duplicates to review" in consul and a.case_number in consul
    teacher = login(Client(), make_staff(Role.TEACHER, unit, username="teacher")).get(HOME).content.decode()
    assert "Possible duplicates to review" not in teacher


def test_a_failing_panel_is_left_out_and_the_page_still_opens(centre):
    unit, registrar = centre

    def broken(actor):
        raise RuntimeError("boom")

    extensions.my_work_panel(broken)
    try:
        assert login(Client(), registrar).get(HOME).status_code == 200
    finally:
        extensions.POINTS.work_panels.remove(broken)


def test_a_merged_record_shows_no_edit_and_refuses_writes_naming_the_survivor(centre):
    unit, registrar = centre
    survivor = make_person(registrar, unit=unit, given="Aisha")
    merged = make_person(registrar, unit=unit, given="Aysha")
    registry_services.person_merge(
        actor=Actor.system("tests", user=registrar), survivor=survivor, merged=merged, detail={}
    )
    client = login(Client(), registrar)
    page = client.get(f"/persons/{merged.uuid}/").content.decode()
    assert survivor.case_number in page
    assert reverse("registry:person_edit", args=[merged.uuid]) not in page
    timeline = client.get(f"/persons/{merged.uuid}/timeline/").content.decode()
    assert 'name="to_stage"' not in timeline
    api = APIClient()
    api.force_authenticate(registrar)
    refused = api.post(
        f"/api/v1/persons/{merged.uuid}/names/", {"script": "latin", "kind": "alias", "given": "Aiya"}, format="json"
    )
    assert refused.status_code == 403
    assert f"merged into {survivor.case_number}" in str(refused.json())
