from __future__ import annotations

from django.urls import reverse

from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import Person, PersonName

from ..factories import make_person
from .helpers import login

CREATE = reverse("registry:person_create")


def good_input(alice, **overrides):
    data = {
        "lawful_basis": "public_interest",
        "script": "cyrillic",
        "kind": "legal",
        "given": "Айша",
        "family": "Жүсіпова",
        "sex": "female",
        "birth_precision": "year",
        "birth_year": "2016",
        "vulnerabilities": ["orphan"],
        "managing_unit": str(alice.unit.uuid),
    }
    data.update(overrides)
    return data


def test_it_registers_a_person_and_redirects_to_the_page(client, alice):
    response = login(client, alice).post(CREATE, good_input(alice))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.names.get().family == "Жүсіпова"
    assert list(person.vulnerabilities.values_list("kind", flat=True)) == ["orphan"]


def test_the_lawful_basis_is_the_first_field_of_the_form(client, alice):
    form = login(client, alice).get(CREATE).context["form"]
    assert next(iter(form.fields)) == "lawful_basis"


def test_it_refuses_a_person_without_a_lawful_basis(client, alice):
    response = login(client, alice).post(CREATE, good_input(alice, lawful_basis=""))
    assert response.status_code == 200
    assert "Record the lawful basis before creating a person." in response.context["form"].errors["lawful_basis"]
    assert not Person.objects.exists()


def test_it_refuses_markup_in_a_name_next_to_the_field(client, alice):
    response = login(client, alice).post(
        CREATE, good_input(alice, script="", given="<script>alert(1)</script>", family="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["given"][0].startswith("LESS-THAN SIGN (U+003C) is not allowed in a name.")
    assert "<script>alert(1)" not in response.content.decode()
    assert not Person.objects.exists()
    assert not PersonName.objects.exists()


def test_it_puts_birth_date_errors_next_to_the_birth_fields(client, alice):
    response = login(client, alice).post(CREATE, good_input(alice, birth_precision="exact", birth_year="2016"))
    errors = response.context["form"].errors
    assert "birth_month" in errors and "birth_day" in errors
    assert not Person.objects.exists()


def test_a_psychologist_cannot_register_persons(client, bob):
    assert login(client, bob).get(CREATE).status_code == 403


def test_it_edits_a_person(client, alice):
    person = make_person(alice, birth_year=1990)
    url = reverse("registry:person_edit", args=[person.uuid])
    form = login(client, alice).get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"place_of_birth": "Aktobe", "version": person.version})
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.place_of_birth == "Aktobe"


def test_a_stale_edit_is_refused_with_a_clear_message_and_writes_nothing(client, alice):
    person = make_person(alice, birth_year=1990)
    url = reverse("registry:person_edit", args=[person.uuid])
    form = login(client, alice).get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    # Someone else saves first.
    services.person_update(
        actor=Actor.system("tests", user=alice), person=person, expected_version=person.version, languages="kk"
    )
    data.update({"place_of_birth": "Aktobe", "vulnerabilities": ["disability"]})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    person.refresh_from_db()
    assert person.place_of_birth == ""
    assert person.languages == "kk"
    assert not person.vulnerabilities.exists()


def test_a_psychologist_cannot_edit_identity(client, alice, bob):
    person = make_person(alice)
    assert login(client, bob).get(reverse("registry:person_edit", args=[person.uuid])).status_code == 403


def test_names_can_be_added_edited_and_deleted(client, alice):
    person = make_person(alice, given="Aisha", family="Nurlanova")
    login(client, alice)
    response = client.post(
        reverse("registry:name_add", args=[person.uuid]),
        {"script": "arabic", "kind": "kunya", "given": "أم عبد الله"},
    )
    assert response.status_code == 302
    name = person.names.get(kind="kunya")
    response = client.post(
        reverse("registry:name_edit", args=[person.uuid, name.uuid]),
        {"script": "arabic", "kind": "kunya", "given": "أم يوسف", "version": name.version},
    )
    assert response.status_code == 302
    name.refresh_from_db()
    assert name.given == "أم يوسف"
    client.post(reverse("registry:name_delete", args=[person.uuid, name.uuid]))
    assert person.names.count() == 1


def test_the_last_name_cannot_be_deleted(client, alice):
    person = make_person(alice)
    name = person.names.get()
    response = login(client, alice).post(reverse("registry:name_delete", args=[person.uuid, name.uuid]), follow=True)
    assert "keeps at least one name" in response.content.decode()
    assert person.names.count() == 1


def test_a_relationship_is_added_by_a_typed_case_number(client, alice):
    child = make_person(alice, given="Yusuf", birth_year=2017)
    mother = make_person(alice, given="Aisha", birth_year=1992)
    response = login(client, alice).post(
        reverse("registry:relationship_add", args=[child.uuid]),
        {
            "direction": "other_is",
            "kind": "mother",
            "find": mother.case_number,
            "established_by": "declared",
        },
    )
    assert response.status_code == 302
    rel = child.relations_in.get()
    assert rel.from_person == mother and rel.kind == "mother"


def test_a_relationship_to_an_out_of_scope_person_is_refused(client, alice, charlie):
    child = make_person(alice, birth_year=2017)
    other = make_person(charlie)
    response = login(client, alice).post(
        reverse("registry:relationship_add", args=[child.uuid]),
        {
            "direction": "other_is",
            "kind": "mother",
            "find": other.case_number,
            "established_by": "declared",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["find"] == ["No person with this case number in your caseload."]
    assert not child.relations_in.exists()


def test_documents_stays_evidence_and_consent_can_be_recorded(client, alice):
    person = make_person(alice, birth_year=1990)
    login(client, alice)
    posts = {
        "document_add": {"doc_type": "passport", "status": "issued", "number": "N777"},
        "stay_add": {"kind": "home", "address": "Aktau, 5 mkr"},
        "evidence_add": {"topic": "identity", "method": "document", "outcome": "confirmed", "decision": "accepted"},
        "consent_add": {"purpose": "services", "status": "granted", "given_by": "self"},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"registry:{name}", args=[person.uuid]), data)
        assert response.status_code == 302, (name, response.context["form"].errors if response.context else None)
    assert person.documents.get().number == "N777"
    assert person.stays.get().address == "Aktau, 5 mkr"
    assert person.evidence.count() == 1
    assert person.consents.count() == 1


def test_assent_is_for_children_only(client, alice):
    adult = make_person(alice, birth_year=1990)
    child = make_person(alice, birth_year=2016)
    login(client, alice)
    assert client.get(reverse("registry:assent_add", args=[adult.uuid])).status_code == 404
    response = client.post(
        reverse("registry:assent_add", args=[child.uuid]),
        {"purpose": "services", "assent": "agrees", "views": "Wants school"},
    )
    assert response.status_code == 302
    assert child.assents.get().views == "Wants school"


def test_a_psychologist_adds_a_psychosocial_note_only(client, alice, bob):
    person = make_person(alice, birth_year=1990)
    login(client, bob)
    form = client.get(reverse("registry:note_add", args=[person.uuid])).context["form"]
    assert [c for c, _label in form.fields["compartment"].choices] == ["psychosocial"]
    response = client.post(
        reverse("registry:note_add", args=[person.uuid]), {"compartment": "psychosocial", "body": "First session"}
    )
    assert response.status_code == 302
    assert person.protected_notes.get().compartment == "psychosocial"
    response = client.post(reverse("registry:note_add", args=[person.uuid]), {"compartment": "health", "body": "x"})
    assert response.status_code == 200
    assert person.protected_notes.count() == 1


def test_a_case_manager_cannot_add_protected_notes(client, alice):
    person = make_person(alice)
    assert login(client, alice).get(reverse("registry:note_add", args=[person.uuid])).status_code == 403
