from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import Document, DocumentStatus, DocumentType, EstablishedBy, Person, RelationKind

from ..factories import make_person, make_staff
from .helpers import login

TABS = ["person_detail", "person_names", "person_family", "person_documents", "person_locations", "person_timeline"]


def url(name, person, *args):
    return reverse(f"registry:{name}", args=[person.uuid, *args])


@pytest.fixture
def person(alice):
    p = make_person(alice, given="Aisha", family="Nurlanova")
    services.document_add(
        actor=Actor.system("tests", user=alice),
        person=p,
        doc_type=DocumentType.PASSPORT,
        status=DocumentStatus.ISSUED,
        number="N1234567",
    )
    return p


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders_for_the_case_manager_and_writes_a_view_event(client, alice, person, tab):
    response = login(client, alice).get(url(tab, person))
    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW, actor_id=alice.pk, person_ref=str(person.uuid)).exists()


def test_the_documents_tab_shows_documents_to_the_case_manager(client, alice, person):
    assert "N1234567" in login(client, alice).get(url("person_documents", person)).content.decode()


def test_bob_the_psychologist_cannot_see_documents_tab_content(client, bob, person):
    html = login(client, bob).get(url("person_documents", person)).content.decode()
    assert "N1234567" not in html
    assert Document.objects.filter(number="N1234567").exists()


def test_a_teacher_sees_only_identity(client, centre_unit, alice, person):
    teacher = make_staff(Role.TEACHER, centre_unit)
    # A teacher reaches only children: this person is one for the test.
    Person.objects.filter(pk=person.pk).update(birth_date_mid=date(date.today().year - 9, 1, 1))
    login(client, teacher)
    html = client.get(url("person_detail", person)).content.decode()
    assert "Nurlanova" in html
    assert url("person_family", person) not in html
    assert url("person_locations", person) not in html
    assert client.get(url("person_family", person)).status_code == 403
    assert client.get(url("person_locations", person)).status_code == 403
    assert "N1234567" not in client.get(url("person_documents", person)).content.decode()


def test_an_out_of_scope_person_is_a_404_and_a_permission_denied_event(client, charlie, person):
    response = login(client, charlie).get(url("person_detail", person))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_id=charlie.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.VIEW, actor_id=charlie.pk).exists()


def test_a_care_worker_sees_only_a_restriction_badge_for_justice_data(client, centre_unit, alice, bob):
    liaison = make_staff(Role.SECURITY_LIAISON, centre_unit)
    adult = make_person(alice, birth_year=1990)
    services.protected_note_add(
        actor=Actor.system("tests", user=liaison), person=adult, compartment="justice_security", body="Secret case file"
    )
    html = login(client, bob).get(url("person_detail", adult)).content.decode()
    assert "Restriction applies" in html
    assert "Secret case file" not in html
    html = login(client, liaison).get(url("person_detail", adult)).content.decode()
    assert "Secret case file" in html
    assert "Restriction applies" not in html


def test_the_family_tab_draws_a_graph_with_a_neutral_node_for_an_out_of_scope_relative(client, alice, charlie, person):
    mother = make_person(alice, given="Saule", family="Nurlanova", birth_year=1965)
    outsider = make_person(charlie, given="Hidden", family="Brother", birth_year=1992)
    actor = Actor.system("tests", user=alice)
    services.relationship_add(
        actor=actor,
        from_person=mother,
        to_person=person,
        kind=RelationKind.MOTHER,
        established_by=EstablishedBy.DNA_KINSHIP,
    )
    from zhusan.registry.models import Relationship

    # Charlie's person is outside Alice's scope, so the service cannot link them; create the row directly.
    Relationship.objects.create(
        from_person=outsider, to_person=person, kind=RelationKind.SIBLING, established_by=EstablishedBy.DECLARED
    )
    html = login(client, alice).get(url("person_family", person)).content.decode()
    assert "<svg" in html
    assert "Saule Nurlanova" in html
    assert mother.get_absolute_url() in html
    assert "Not in your scope" in html
    assert "Hidden" not in html and outsider.get_absolute_url() not in html
    assert "edge--declared" in html


def test_break_the_glass_opens_read_only_access_to_an_out_of_scope_person(client, alice, charlie, person):
    login(client, charlie)
    assert client.get(url("person_detail", person)).status_code == 404
    response = client.post(
        reverse("registry:break_glass"),
        {"case_number": person.case_number, "reason": "Child taken to hospital at night, need guardian contacts"},
    )
    assert response.status_code == 302
    response = client.get(url("person_detail", person))
    assert response.status_code == 200
    assert "Emergency access" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS, actor_id=charlie.pk).exists()
    assert client.get(url("person_edit", person)).status_code == 403


def test_break_the_glass_needs_a_reason(client, charlie, person):
    response = login(client, charlie).post(
        reverse("registry:break_glass"), {"case_number": person.case_number, "reason": "x"}
    )
    assert response.status_code == 200
    assert "at least 10 characters" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()


def test_a_psychologist_cannot_use_break_the_glass(client, bob):
    assert login(client, bob).get(reverse("registry:break_glass")).status_code == 403


def test_the_stage_can_be_changed_with_a_reason(client, alice, person):
    response = login(client, alice).post(
        url("person_stage", person), {"to_stage": "verified", "reason": "Passport checked", "version": person.version}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.stage == "verified"
    assert "Passport checked" in client.get(url("person_timeline", person)).content.decode()


def test_a_disallowed_stage_is_refused_and_nothing_changes(client, alice, person):
    response = login(client, alice).post(
        url("person_stage", person), {"to_stage": "closed", "reason": "Skip ahead", "version": person.version}
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.stage == "identified"
