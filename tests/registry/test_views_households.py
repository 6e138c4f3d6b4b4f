from django.test import Client

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Household

from ..factories import make_person
from .helpers import login


def test_a_case_manager_creates_a_household_and_adds_a_child_to_it(alice):
    mother = make_person(alice, given="Aigerim")
    child = make_person(alice, given="Amina", birth_year=2016)
    client = login(Client(), alice)
    response = client.post(
        f"/persons/{mother.uuid}/households/add/", {"label": "Aigerim and children", "role": "carer"}
    )
    assert response.status_code == 302
    household = Household.objects.get()
    response = client.post(
        f"/persons/{mother.uuid}/households/member/",
        {"household": household.pk, "other": str(child.uuid), "role": "child"},
    )
    assert response.status_code == 302
    assert set(household.members.all()) == {mother, child}
    assert AuditEvent.objects.filter(object_type="household", action=Action.UPDATE, person_ref=str(child.uuid)).exists()
    page = client.get(f"/persons/{child.uuid}/family/").content.decode()
    assert "Aigerim and children" in page


def test_a_household_needs_a_label_and_nothing_is_written_without_one(alice):
    mother = make_person(alice)
    response = login(Client(), alice).post(f"/persons/{mother.uuid}/households/add/", {"label": "", "role": "carer"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Household.objects.count() == 0


def test_a_psychologist_cannot_create_households(alice, bob):
    person = make_person(alice)
    response = login(Client(), bob).post(f"/persons/{person.uuid}/households/add/", {"label": "x", "role": "carer"})
    assert response.status_code == 403
    assert Household.objects.count() == 0
