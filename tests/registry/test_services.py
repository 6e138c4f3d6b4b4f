"""The registry's action functions: validation, lifecycle, audit, concurrency."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, verify_chain
from zhusan.core.concurrency import StaleVersionError
from zhusan.registry import services
from zhusan.registry.access import access_for
from zhusan.registry.models import LawfulBasis, NameKind, Person, PersonName, Script, Stage, TimelineEntry

from ..factories import make_person, make_staff


def actor(user):
    return Actor.system("tests", user=user)


def test_creating_a_person_writes_a_create_event_with_the_new_values(alice):
    person = make_person(alice)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="person")
    assert event.person_ref == str(person.uuid)
    assert event.changes["sex"] == {"old": None, "new": "female"}
    assert event.actor_username == "alice"


def test_a_person_cannot_be_created_without_a_lawful_basis(alice):
    data = services.PersonInput(
        sex="female", lawful_basis="", managing_unit=alice.unit,
        names=[services.NameInput(script=Script.LATIN, kind=NameKind.LEGAL, given="Aigerim")],
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=actor(alice), data=data)
    assert "lawful_basis" in err.value.message_dict
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "x" * 201, "a{b}"])
def test_a_bad_name_is_refused_and_nothing_is_written(alice, bad):
    with pytest.raises(ValidationError):
        make_person(alice, given=bad)
    assert Person.objects.count() == 0
    assert PersonName.objects.count() == 0


def test_a_year_only_birth_date_refuses_an_invented_month(alice):
    with pytest.raises(ValidationError) as err:
        make_person(alice, birth_year=2015, birth_month=3)
    assert "birth_month" in err.value.message_dict


def test_a_psychologist_cannot_create_a_person(bob):
    with pytest.raises(PermissionDenied):
        make_person(bob)
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED).count() == 1


def test_only_defined_transitions_are_allowed_and_each_is_on_the_timeline(alice):
    person = make_person(alice)
    with pytest.raises(ValidationError):
        services.stage_change(
            actor=actor(alice), person=person, to_stage=Stage.CLOSED, reason="done", expected_version=person.version
        )
    services.stage_change(
        actor=actor(alice), person=person, to_stage=Stage.VERIFIED, reason="DNA match", expected_version=person.version
    )
    entry = TimelineEntry.objects.filter(person=person).first()
    assert (entry.from_stage, entry.to_stage, entry.reason, entry.by) == ("identified", "verified", "DNA match", alice)


def test_a_stage_change_needs_a_reason(alice):
    person = make_person(alice)
    with pytest.raises(ValidationError):
        services.stage_change(
            actor=actor(alice), person=person, to_stage=Stage.VERIFIED, reason=" ", expected_version=person.version
        )
    person.refresh_from_db()
    assert person.stage == Stage.IDENTIFIED


def test_a_write_based_on_a_stale_version_is_refused_not_applied(alice):
    person = make_person(alice)
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    services.person_update(actor=actor(alice), person=first, expected_version=1, place_of_birth="Aktau")
    with pytest.raises(StaleVersionError):
        services.person_update(actor=actor(alice), person=second, expected_version=1, place_of_birth="Atyrau")
    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("Aktau", 2)


def test_a_child_cannot_have_justice_and_security_data(alice, centre_unit):
    liaison = make_staff(Role.SECURITY_LIAISON, centre_unit, username="liaison")
    child = make_person(alice, given="Ali", sex="male", birth_year=2017)
    with pytest.raises(ValidationError):
        services.protected_note_add(actor=actor(liaison), person=child, compartment="justice_security", body="x")
    adult = make_person(alice, given="Serik", sex="male", birth_year=1985)
    note = services.protected_note_add(
        actor=actor(liaison), person=adult, compartment="justice_security", body="Investigation file 12/2019"
    )
    assert services.has_justice_restriction(adult)
    event = AuditEvent.objects.get(object_type="note")
    assert "Investigation" not in str(event.changes)  # severe values never in clear
    assert note.body == "Investigation file 12/2019"


def test_severe_notes_are_encrypted_at_rest(alice, centre_unit):
    from django.db import connection

    person = make_person(alice)
    doctor = make_staff(Role.DOCTOR, centre_unit, username="doctor")
    services.protected_note_add(actor=actor(doctor), person=person, compartment="health", body="Asthma")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM registry_protectednote")
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and "Asthma" not in stored


def test_a_childs_consent_comes_from_a_guardian_and_assent_is_kept_apart(alice):
    child = make_person(alice, given="Amina", birth_year=2016)
    with pytest.raises(ValidationError):
        services.consent_record(actor=actor(alice), person=child, purpose="tracing", status="granted", given_by="self")
    services.consent_record(actor=actor(alice), person=child, purpose="tracing", status="granted", given_by="parent")
    services.assent_record(actor=actor(alice), person=child, purpose="tracing", assent="agrees")
    assert services.consent_allows(child, "tracing")
    assert child.assents.get().assent == "agrees"


def test_break_the_glass_opens_time_limited_read_access_and_is_audited(alice, charlie):
    person = make_person(alice)
    assert access_for(charlie, person).visible is False
    with pytest.raises(ValidationError):
        services.break_glass_open(actor=actor(charlie), person=person, reason="why")
    grant = services.break_glass_open(actor=actor(charlie), person=person, reason="Child found alone at the border")
    charlie._zhusan_grants = None
    access = access_for(charlie, person)
    assert access.visible and access.via_break_glass
    assert not access.can_write(Compartment.IDENTITY)
    assert grant.expires_at > grant.started_at
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS, person_ref=str(person.uuid)).exists()


def test_the_audit_chain_verifies_and_names_a_tampered_event(alice):
    make_person(alice)
    make_person(alice, given="Dana")
    assert verify_chain().ok
    from django.db import connection

    target = AuditEvent.objects.order_by("seq")[1]
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    AuditEvent.objects.filter(pk=target.pk).update(actor_username="mallory")
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, target.seq)


def test_names_are_searchable_across_scripts(alice):
    person = make_person(
        alice, given="Айгерім", family="Жүсіпова", script=Script.CYRILLIC,
        extra_names=[services.NameInput(script=Script.ARABIC, kind=NameKind.ALIAS, given="عائشة")],
    )  # fmt: skip
    keys = " ".join(person.names.values_list("search_key", flat=True))
    assert "жүсіпова" in keys and "zhusipova" in keys
    from zhusan.registry.text import search_forms

    assert all(form in keys for form in search_forms("عائشة"))  # hamza-insensitive
    assert LawfulBasis.PUBLIC_INTEREST == person.lawful_basis
