"""Sealing at majority (domain §4 rule 9): a child's justice and security
data is sealed on their 18th birthday by the daily job; from then on every
role, including those that normally read it, sees "sealed" in the UI and the
API; only the named role, with a court reference, opens it (each read
audited with the reference) or lifts the seal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.dataprotection.rights.tasks import seal_at_majority
from zhusan.registry import services as registry
from zhusan.registry.access import access_for
from zhusan.registry.dates import BirthPrecision
from zhusan.registry.models import Person, SealedCompartment

from ...api.conftest import token_client
from ...factories import make_person, make_staff
from ...registry.helpers import login
from .conftest import act

pytestmark = pytest.mark.django_db

JUSTICE = Compartment.JUSTICE_SECURITY
SECRET = "Questioned as a witness in the proceedings"


def _years_ago(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


@pytest.fixture
def liaison(centre_unit):
    return make_staff(Role.SECURITY_LIAISON, centre_unit, username="sam")


@pytest.fixture
def other_liaison(centre_unit):
    return make_staff(Role.SECURITY_LIAISON, centre_unit, username="sid")


def _registered_as_child(alice, liaison, birth: date) -> Person:
    """A person born on ``birth``, registered five years ago (as a child), with a justice note."""
    person = make_person(
        alice,
        given="Timur",
        family="Abenov",
        sex="male",
        birth_year=birth.year,
    )
    Person.objects.filter(pk=person.pk).update(
        birth_precision=BirthPrecision.EXACT,
        birth_month=birth.month,
        birth_day=birth.day,
        birth_date_low=birth,
        birth_date_high=birth,
        birth_date_mid=birth,
        created_at=timezone.now() - timedelta(days=5 * 365),
    )
    registry.protected_note_add(actor=act(liaison), person=person, compartment=JUSTICE, body=SECRET)
    person.refresh_from_db()
    return person


@pytest.fixture
def turned_eighteen(alice, liaison):
    today = timezone.localdate()
    person = _registered_as_child(alice, liaison, _years_ago(today, 18))
    seal_at_majority()
    return person


def _fresh(user):
    """The user as a new request sees them (access memos live on the instance)."""
    return type(user).objects.get(pk=user.pk)


def test_the_daily_job_seals_justice_data_on_the_eighteenth_birthday(alice, liaison):
    today = timezone.localdate()
    person = _registered_as_child(alice, liaison, _years_ago(today, 18))
    tomorrow = _registered_as_child(alice, liaison, _years_ago(today + timedelta(days=1), 18))
    seal_at_majority()
    seal_at_majority()  # idempotent
    seals = list(SealedCompartment.objects.all())
    assert [(s.person_id, s.compartment, s.sealed_on) for s in seals] == [(person.pk, "justice_security", today)]
    assert not SealedCompartment.objects.filter(person=tomorrow).exists()
    assert AuditEvent.objects.filter(object_type=ObjectType.SEALED_COMPARTMENT, action=Action.CREATE).count() == 1


def test_a_person_registered_as_an_adult_is_not_sealed(alice, liaison):
    make_person(alice, birth_year=1990)
    seal_at_majority()
    assert not SealedCompartment.objects.exists()


def test_a_sealed_compartment_is_refused_to_the_role_that_normally_reads_it(turned_eighteen, liaison):
    access = access_for(_fresh(liaison), turned_eighteen)
    assert access.visible
    assert not access.can_read(JUSTICE)
    assert not access.can_write(JUSTICE)


def test_the_person_page_says_sealed_and_shows_no_sealed_content(client, turned_eighteen, liaison, alice):
    for user in (liaison, alice):
        page = login(client, user).get(reverse("registry:person_detail", args=[turned_eighteen.uuid]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "sealed at majority on" in body
        assert SECRET not in body


def test_the_api_refuses_sealed_notes(turned_eighteen, liaison):
    url = f"/api/v1/persons/{turned_eighteen.uuid}/notes/?compartment=justice_security"
    response = token_client(liaison).get(url)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_only_the_named_role_with_a_court_reference_opens_sealed_data(turned_eighteen, liaison, alice, other_liaison):
    seal = SealedCompartment.objects.get(person=turned_eighteen)
    with pytest.raises(PermissionDenied):
        registry.sealed_access_open(actor=act(alice), seal=seal, court_reference="Court order 2026/114")
    with pytest.raises(ValidationError):
        registry.sealed_access_open(actor=act(liaison), seal=seal, court_reference="")
    registry.sealed_access_open(actor=act(liaison), seal=seal, court_reference="Court order 2026/114")
    assert access_for(_fresh(liaison), turned_eighteen).can_read(JUSTICE)
    # Another holder of the same role, without the court reference, still sees it sealed.
    assert not access_for(_fresh(other_liaison), turned_eighteen).can_read(JUSTICE)


def test_every_read_of_sealed_data_is_audited_with_the_court_reference(client, turned_eighteen, liaison):
    seal = SealedCompartment.objects.get(person=turned_eighteen)
    registry.sealed_access_open(actor=act(liaison), seal=seal, court_reference="Court order 2026/114")
    page = login(client, liaison).get(reverse("registry:person_detail", args=[turned_eighteen.uuid]))
    assert SECRET in page.content.decode()
    api = token_client(liaison).get(f"/api/v1/persons/{turned_eighteen.uuid}/notes/?compartment=justice_security")
    assert api.status_code == 200 and SECRET in api.content.decode()
    reads = AuditEvent.objects.filter(object_type=ObjectType.SEALED_COMPARTMENT, action=Action.VIEW)
    assert reads.count() >= 2
    assert all(e.detail["court_reference"] == "Court order 2026/114" for e in reads)


def test_the_sealed_access_expires(turned_eighteen, liaison):
    seal = SealedCompartment.objects.get(person=turned_eighteen)
    registry.sealed_access_open(actor=act(liaison), seal=seal, court_reference="Court order 2026/114")
    SealedCompartment.objects.filter(pk=seal.pk).update(access_until=timezone.now() - timedelta(seconds=1))
    assert not access_for(_fresh(liaison), turned_eighteen).can_read(JUSTICE)


def test_unsealing_is_for_the_named_role_with_a_court_reference_and_audited(client, turned_eighteen, liaison, alice):
    seal = SealedCompartment.objects.get(person=turned_eighteen)
    with pytest.raises(PermissionDenied):
        registry.seal_lift(actor=act(alice), seal=seal, court_reference="Court order 2026/200")
    refused = login(client, alice).get(reverse("dataprotection_rights:seal", args=[seal.uuid]))
    assert refused.status_code == 404
    login(client, liaison)
    form = client.get(reverse("dataprotection_rights:seal", args=[seal.uuid]))
    assert form.status_code == 200
    done = client.post(
        reverse("dataprotection_rights:seal", args=[seal.uuid]),
        {"court_reference": "Court order 2026/200", "action": "lift"},
    )
    assert done.status_code == 302
    seal.refresh_from_db()
    assert seal.unsealed_on == timezone.localdate() and seal.court_reference == "Court order 2026/200"
    assert access_for(_fresh(liaison), turned_eighteen).can_read(JUSTICE)
    event = AuditEvent.objects.filter(object_type=ObjectType.SEALED_COMPARTMENT, action=Action.UPDATE).get()
    assert event.detail["court_reference"] == "Court order 2026/200"
    seal_at_majority()  # a lifted seal is not made again
    assert SealedCompartment.objects.filter(person=turned_eighteen).count() == 1


def test_seals_are_looked_up_only_for_persons_old_enough_to_hold_one(alice, liaison, django_assert_num_queries):
    child = make_person(alice, birth_year=timezone.localdate().year - 10)
    adult = make_person(alice, birth_year=1990)
    user = _fresh(liaison)
    access_for(user, child)  # the grants are memoised on the user
    with django_assert_num_queries(0):  # the liaison's scope is everyone: no query at all for a child
        access_for(user, child)
    with django_assert_num_queries(1):  # one query for the seals of an adult
        access_for(user, adult)
    case_manager = _fresh(alice)
    access_for(case_manager, adult)
    with django_assert_num_queries(1):  # a role that reads no sealable compartment: its scope query only
        access_for(case_manager, adult)


@pytest.mark.django_db(transaction=True)
def test_sealing_reads_outside_a_transaction_and_writes_in_chunks(alice, liaison, monkeypatch):
    """A chunk at a time, each its own transaction: no transaction holds the
    audit chain while the persons of a large registry are read."""
    from django.db import connection

    today = timezone.localdate()
    first = _registered_as_child(alice, liaison, _years_ago(today, 19))
    second = _registered_as_child(alice, liaison, _years_ago(today, 20))
    monkeypatch.setattr(registry, "SEAL_CHUNK", 1)
    chunks: list[tuple[bool, int]] = []
    write = registry._seal

    def seal(**kwargs):
        chunks.append((connection.in_atomic_block, len(kwargs["due"])))
        return write(**kwargs)

    monkeypatch.setattr(registry, "_seal", seal)
    seal_at_majority()
    assert chunks == [(False, 1), (False, 1)]
    assert SealedCompartment.objects.filter(person__in=[first, second]).count() == 2
