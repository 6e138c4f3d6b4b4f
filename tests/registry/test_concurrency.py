"""Two editors at the same moment: one write wins, the other is refused."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, verify_chain
from zhusan.core.concurrency import StaleVersionError
from zhusan.core.models import VersionedModel
from zhusan.registry import services
from zhusan.registry.models import (
    Document,
    Household,
    IdentityEvidence,
    LocationStay,
    Person,
    PersonName,
    Relationship,
)

from ..api.conftest import token_client
from ..factories import make_person
from .helpers import login


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables across threads; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_of_the_same_version_never_lose_an_update(alice):
    person = make_person(alice)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(place: str) -> None:
        try:
            mine = Person.objects.get(pk=person.pk)
            barrier.wait(timeout=10)
            services.person_update(
                actor=Actor.system("tests", user=alice), person=mine, expected_version=1, place_of_birth=place
            )
            outcomes[place] = "saved"
        except StaleVersionError:
            outcomes[place] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(place,)) for place in ("Aktau", "Atyrau")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    person.refresh_from_db()
    winner = next(place for place, outcome in outcomes.items() if outcome == "saved")
    assert (person.place_of_birth, person.version) == (winner, 2)
    assert verify_chain().ok  # concurrent appends kept the audit chain intact


# --- Every editable record carries a version, checked on update ---------------------

EDITABLE = [PersonName, Document, LocationStay, IdentityEvidence, Relationship, Household]


@pytest.mark.parametrize("model", EDITABLE, ids=lambda m: m.__name__)
def test_every_editable_record_of_a_person_is_versioned(model):
    assert issubclass(model, VersionedModel)


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


def _name_data(given: str) -> services.NameInput:
    return services.NameInput(script="latin", kind="legal", given=given, family="Nurlanova", is_primary=True)


def test_a_second_edit_of_a_name_based_on_the_same_read_is_refused(alice):
    person = make_person(alice, given="Aisha")
    first_read = PersonName.objects.get(person=person)
    second_read = PersonName.objects.get(person=person)
    actor = Actor.system("tests", user=alice)
    services.name_update(actor=actor, name=first_read, data=_name_data("Aysha"), expected_version=first_read.version)
    with pytest.raises(StaleVersionError) as refused:
        services.name_update(
            actor=actor, name=second_read, data=_name_data("Ayesha"), expected_version=second_read.version
        )
    assert (refused.value.expected, refused.value.current) == (1, 2)
    stored = PersonName.objects.get(person=person)
    assert (stored.given, stored.version) == ("Aysha", 2)
    assert AuditEvent.objects.filter(object_type="name", action=Action.UPDATE).count() == 1


def test_a_stale_document_or_stay_update_is_refused_and_writes_nothing(alice):
    person = make_person(alice)
    actor = Actor.system("tests", user=alice)
    document = services.document_add(actor=actor, person=person, doc_type="passport", status="applied")
    stay = services.stay_add(actor=actor, person=person, kind="camp", address="Al-Hol, section 4")
    services.document_update(actor=actor, document=document, expected_version=1, number="N-1")
    services.stay_update(actor=actor, stay=stay, expected_version=1, section="5")
    with pytest.raises(StaleVersionError):
        services.document_update(
            actor=actor, document=Document.objects.get(pk=document.pk), expected_version=1, number="N-2"
        )
    with pytest.raises(StaleVersionError):
        services.stay_update(actor=actor, stay=LocationStay.objects.get(pk=stay.pk), expected_version=1, section="6")
    assert Document.objects.get(pk=document.pk).number == "N-1"
    assert LocationStay.objects.get(pk=stay.pk).section == "5"


def _edit_form(client, person, name) -> dict[str, str]:
    """What the edit page sends back unchanged: the fields it shows, the hidden version among them."""
    page = client.get(reverse("registry:name_edit", args=[person.uuid, name.uuid])).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the edit form carries the version it was read at"
    return {"script": "latin", "kind": "legal", "family": "Nurlanova", "is_primary": "on", "version": version.group(1)}


def test_two_editors_of_a_name_in_the_ui_the_second_is_told_and_nothing_is_written(client, alice):
    person = make_person(alice, given="Aisha")
    name = person.names.get()
    login(client, alice)
    url = reverse("registry:name_edit", args=[person.uuid, name.uuid])
    first, second = _edit_form(client, person, name), _edit_form(client, person, name)
    assert client.post(url, {**first, "given": "Aysha"}).status_code == 302
    response = client.post(url, {**second, "given": "Ayesha"})
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    name.refresh_from_db()
    assert (name.given, name.version) == ("Aysha", 2)


def test_two_editors_of_a_name_in_the_api_the_second_gets_409_and_nothing_is_written(alice, alice_api):
    person = make_person(alice, given="Aisha")
    listed = alice_api.get(f"/api/v1/persons/{person.uuid}/names/").json()
    (read,) = [n for n in listed]
    url = f"/api/v1/names/{read['uuid']}/"
    version = str(read["version"])
    assert alice_api.patch(url, {"given": "Aysha"}, format="json", HTTP_IF_MATCH=f'"{version}"').status_code == 200
    refused = alice_api.patch(url, {"given": "Ayesha"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert refused.status_code == 409
    assert refused.json()["current_version"] == 2
    assert PersonName.objects.get(person=person).given == "Aysha"


def test_a_name_change_without_a_version_is_refused_with_428(alice, alice_api):
    name = make_person(alice, given="Aisha").names.get()
    response = alice_api.patch(f"/api/v1/names/{name.uuid}/", {"given": "Aysha"}, format="json")
    assert response.status_code == 428
    name.refresh_from_db()
    assert (name.given, name.version) == ("Aisha", 1)


def test_a_stale_document_change_in_the_api_gets_409(alice, alice_api):
    person = make_person(alice)
    created = alice_api.post(
        f"/api/v1/persons/{person.uuid}/documents/", {"doc_type": "passport", "status": "applied"}, format="json"
    ).json()
    url = f"/api/v1/documents/{created['uuid']}/"
    assert created["version"] == 1
    assert alice_api.patch(url, {"number": "N-1", "version": 1}, format="json").status_code == 200
    assert alice_api.patch(url, {"number": "N-2", "version": 1}, format="json").status_code == 409
    assert Document.objects.get().number == "N-1"
