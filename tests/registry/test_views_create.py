"""Registering a person: several names, the current location, the script of
each name from its letters, and the likely-existing check before saving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import LocationStay, NameKind, Person, Script, Site, SiteKind

from ..factories import make_person, make_staff
from .helpers import login

CREATE = reverse("registry:person_create")


@pytest.fixture
def al_hol(db):
    return Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")


def boy(alice, **overrides):
    data = {
        "lawful_basis": "public_interest",
        "kind": "legal",
        "given": "يوسف",
        "patronymic": "عبد الرحمن",
        "name2_given": "Yusuf",
        "name2_patronymic": "Abdurrahman",
        "sex": "male",
        "birth_precision": "year",
        "birth_year": "2016",
        "managing_unit": str(alice.unit.uuid),
    }
    data.update(overrides)
    return data


def test_it_registers_several_names_and_the_current_location_at_once(client, alice, al_hol):
    response = login(client, alice).post(CREATE, boy(alice, site=str(al_hol.uuid), section="Annex, phase 5"))
    assert response.status_code == 302
    person = Person.objects.get()
    names = {(n.script, n.kind, n.given, n.is_primary) for n in person.names.all()}
    assert names == {
        (Script.ARABIC, NameKind.LEGAL, "يوسف", True),
        (Script.LATIN, NameKind.FOREIGN_DOCUMENT, "Yusuf", False),
    }
    stay = LocationStay.objects.get(person=person)
    assert (stay.site, stay.section, stay.kind, stay.ended_on) == (al_hol, "Annex, phase 5", SiteKind.CAMP, None)
    assert AuditEvent.objects.filter(object_type=ObjectType.LOCATION, action=Action.CREATE).exists()


def test_the_script_default_follows_the_letters(client, alice):
    login(client, alice).post(CREATE, boy(alice, name3_given="أم يوسف", name3_kind="kunya"))
    kunya = Person.objects.get().names.get(kind=NameKind.KUNYA)
    assert kunya.script == Script.ARABIC


def test_a_script_the_letters_contradict_is_refused_and_nothing_is_saved(client, alice):
    response = login(client, alice).post(CREATE, boy(alice, name3_given="أم يوسف", name3_script="cyrillic"))
    assert response.status_code == 200
    assert response.context["form"].errors["name3_script"] == ["The letters of this name are Arabic, not Cyrillic."]
    assert not Person.objects.exists()


def test_a_name_mixing_scripts_is_refused(client, alice):
    response = login(client, alice).post(CREATE, boy(alice, name2_given="Yusuf", name2_patronymic="Абдурахман"))
    assert "mixes letters of several scripts" in response.context["form"].errors["name2_script"][0]
    assert not Person.objects.exists()


def test_a_section_without_a_site_is_refused(client, alice):
    response = login(client, alice).post(CREATE, boy(alice, section="Annex"))
    assert response.context["form"].errors["site"] == ["Choose the site the section belongs to."]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "entered",
    [
        {"given": "يوسف", "patronymic": "عبد الرحمن", "name2_given": "", "name2_patronymic": ""},
        {"given": "Yusuf", "patronymic": "Abdurrahman", "name2_given": "", "name2_patronymic": ""},
        {"given": "Юсуф", "patronymic": "Абдурахман", "name2_given": "", "name2_patronymic": ""},
    ],
)
def test_re_entering_the_boy_shows_him_inline_as_a_possible_existing_record(client, alice, entered):
    login(client, alice).post(CREATE, boy(alice))
    existing = Person.objects.get()
    response = client.post(CREATE, boy(alice, **entered))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Possible existing record" in page
    assert existing.get_absolute_url() in page
    assert 'name="register_anyway"' in page
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.SEARCH, detail__purpose="duplicates_before_create").exists()


def test_register_anyway_saves_after_the_warning(client, alice):
    login(client, alice).post(CREATE, boy(alice))
    response = client.post(CREATE, boy(alice, register_anyway="1"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_the_check_shows_only_persons_the_user_may_see(client, alice, charlie):
    login(client, charlie).post(CREATE, boy(charlie))
    response = login(client, alice).post(CREATE, boy(alice))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_an_unrelated_person_is_registered_without_a_warning(client, alice):
    make_person(alice, given="Aisha", family="Nurlanova")
    response = login(client, alice).post(CREATE, boy(alice))
    assert response.status_code == 302


def test_the_form_no_longer_opens_a_new_tab(client, alice):
    page = login(client, alice).get(CREATE).content.decode()
    assert 'target="_blank"' not in page and "formtarget" not in page
    assert "Detect from the letters" in page


def test_a_consular_officer_registers_with_the_check(client, centre_unit):
    officer = make_staff("consular_officer", centre_unit, username="consul")
    login(client, officer).post(CREATE, boy(officer))
    response = client.post(CREATE, boy(officer, given="Yusuf", patronymic="Abdurrahman", name2_given=""))
    assert "Possible existing record" in response.content.decode()


def test_the_service_resolves_the_script_of_every_path(alice):
    person = make_person(alice, given="عائشة", family="", script="")
    assert person.names.get().script == Script.ARABIC
    name = services.name_add(
        actor=Actor.system("tests", user=alice),
        person=person,
        name=services.NameInput(script="", kind=NameKind.ALIAS, given="Айша"),
    )
    assert name.script == Script.CYRILLIC
