"""The API registers like the form: several names with their script detected,
a mismatch refused, and the current location in the same request."""

from __future__ import annotations

import pytest

from zhusan.registry.models import LocationStay, Person, Script, Site, SiteKind

from ..api.conftest import token_client

BOY = {
    "sex": "male",
    "lawful_basis": "public_interest",
    "birth_precision": "year",
    "birth_year": 2016,
    "names": [
        {"kind": "legal", "given": "يوسف", "patronymic": "عبد الرحمن"},
        {"kind": "foreign_document", "given": "Yusuf", "patronymic": "Abdurrahman"},
        {"kind": "kunya", "given": "أبو عمر"},
    ],
}


@pytest.fixture
def api(alice):
    return token_client(alice)


def test_the_script_of_each_name_is_detected_from_its_letters(api):
    response = api.post("/api/v1/persons/", BOY, format="json")
    assert response.status_code == 201, response.json()
    scripts = {n["given"]: n["script"] for n in response.json()["names"]}
    assert scripts == {"يوسف": Script.ARABIC, "Yusuf": Script.LATIN, "أبو عمر": Script.ARABIC}


def test_a_script_the_letters_contradict_is_refused_and_nothing_is_written(api):
    names = [{"script": "cyrillic", "kind": "kunya", "given": "أم يوسف"}]
    response = api.post("/api/v1/persons/", {**BOY, "names": names}, format="json")
    assert response.status_code == 400
    assert "Arabic, not Cyrillic" in str(response.json())
    assert not Person.objects.exists()


def test_a_name_mixing_scripts_is_refused(api):
    names = [{"kind": "legal", "given": "Yusuf", "family": "Абдурахман"}]
    response = api.post("/api/v1/persons/", {**BOY, "names": names}, format="json")
    assert response.status_code == 400
    assert "mixes letters of several scripts" in str(response.json())


def test_the_current_stay_is_recorded_with_the_registration(api):
    camp = Site.objects.create(name="Al-Hol", kind=SiteKind.CAMP, country="SY")
    stay = {"kind": "camp", "site": str(camp.uuid), "section": "Annex, phase 5"}
    response = api.post("/api/v1/persons/", {**BOY, "current_stay": stay}, format="json")
    assert response.status_code == 201, response.json()
    saved = LocationStay.objects.get(person__uuid=response.json()["uuid"])
    assert (saved.site, saved.section) == (camp, "Annex, phase 5")


def test_a_bad_stay_writes_no_person(api):
    response = api.post("/api/v1/persons/", {**BOY, "current_stay": {"kind": "nowhere"}}, format="json")
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_a_name_changed_to_other_letters_without_a_script_takes_their_script(alice, api):
    person = Person.objects.get(uuid=api.post("/api/v1/persons/", BOY, format="json").json()["uuid"])
    kunya = person.names.get(kind="kunya")
    response = api.patch(f"/api/v1/names/{kunya.uuid}/", {"given": "Abu Umar", "version": kunya.version}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["script"] == Script.LATIN
