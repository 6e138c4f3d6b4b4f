"""Incidents sit in the psychosocial compartment, encrypted; security
follow-up in justice and security: it never appears in care staff's lists,
pages, panels or API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.models import Incident, SecurityContact

from ...api.conftest import token_client
from ...registry.helpers import login
from .helpers import act, returnee

pytestmark = pytest.mark.django_db

SECRET = "Questioned about contacts in the camp"


@pytest.fixture
def watched(alice, liaison):
    person = returnee(alice, arrived=timezone.localdate() - timedelta(days=100))
    services.plan_create(actor=act(alice), person=person)
    services.security_contact_record(
        actor=act(liaison), person=person, kind="meeting", contacted_on=timezone.localdate() - timedelta(days=2),
        notes=SECRET, next_contact_on=timezone.localdate() + timedelta(days=20),
    )  # fmt: skip
    return person


def test_security_follow_up_is_encrypted_at_rest(watched):
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM reintegration_followup_securitycontact")
        (stored,) = cursor.fetchone()
    assert SECRET not in stored
    assert SecurityContact.objects.get().notes == SECRET


def test_care_staff_never_see_security_follow_up_in_pages(client, watched, alice, supervisor, social_worker):
    for user in (alice, supervisor, social_worker):
        login(client, user)
        tab = client.get(reverse("reintegration_followup:person_follow_up", args=[watched.uuid]))
        assert tab.status_code == 200 and SECRET not in tab.content.decode()
        assert "Security follow-up" not in tab.content.decode()
        security = client.get(reverse("reintegration_followup:person_security", args=[watched.uuid]))
        assert security.status_code == 403 and SECRET not in security.content.decode()
        home = client.get(reverse("mywork:home"))
        assert SECRET not in home.content.decode()
        overdue = client.get(reverse("reintegration_followup:overdue"))
        assert SECRET not in overdue.content.decode()


def test_care_staff_never_see_security_follow_up_in_the_api(watched, alice, supervisor, social_worker):
    for user in (alice, supervisor, social_worker):
        api = token_client(user)
        answer = api.get(reverse("api-follow-up-security-contacts", args=[watched.uuid]))
        assert answer.status_code == 403
        for name in ("api-follow-up-person", "api-follow-up-visits"):
            body = api.get(reverse(name, args=[watched.uuid])).content.decode()
            assert SECRET not in body
        assert SECRET not in api.get(reverse("api-follow-up-due")).content.decode()


def test_the_security_liaison_reads_it(client, watched, liaison):
    login(client, liaison)
    page = client.get(reverse("reintegration_followup:person_security", args=[watched.uuid]))
    assert page.status_code == 200 and SECRET in page.content.decode()
    answer = token_client(liaison).get(reverse("api-follow-up-security-contacts", args=[watched.uuid]))
    assert answer.json()[0]["notes"] == SECRET


def test_care_staff_cannot_record_security_follow_up(watched, alice):
    with pytest.raises(PermissionDenied):
        services.security_contact_record(
            actor=act(alice), person=watched, kind="meeting", contacted_on=timezone.localdate(), notes="x"
        )


def test_no_security_follow_up_for_a_child_below_the_age_of_criminal_responsibility(alice, liaison):
    child = returnee(alice, birth_year=timezone.localdate().year - 9)
    with pytest.raises(ValidationError) as exc:
        services.security_contact_record(
            actor=act(liaison), person=child, kind="meeting", contacted_on=timezone.localdate(), notes="x"
        )
    assert "person" in exc.value.message_dict
    assert not SecurityContact.objects.exists()


def test_incidents_are_psychosocial_encrypted_and_hidden_from_a_case_manager(client, alice, bob):
    person = returnee(alice, arrived=date(2019, 5, 9))
    incident = services.incident_record(
        actor=act(bob), person=person, kind="bullying", occurred_on=date(2020, 2, 3),
        description="Classmates called him names",
    )  # fmt: skip
    services.incident_action_add(
        actor=act(bob), incident=incident, taken_on=date(2020, 2, 5), action="Met the head teacher", resolve=True
    )
    incident.refresh_from_db()
    assert incident.status == "resolved"
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM reintegration_followup_incident")
        assert "Classmates" not in cursor.fetchone()[0]
    with pytest.raises(PermissionDenied):
        services.incident_record(
            actor=act(alice), person=person, kind="stigma", occurred_on=date(2020, 2, 3), description="x"
        )
    login(client, alice)
    page = client.get(reverse("reintegration_followup:person_incidents", args=[person.uuid]))
    assert page.status_code == 403 and "Classmates" not in page.content.decode()
    assert client.get(reverse("reintegration_followup:incident_detail", args=[incident.uuid])).status_code == 404
    login(client, bob)
    page = client.get(reverse("reintegration_followup:incident_detail", args=[incident.uuid]))
    assert page.status_code == 200 and "Classmates" in page.content.decode()


def test_an_incident_before_arrival_is_refused(alice, bob):
    person = returnee(alice, arrived=date(2019, 5, 9))
    with pytest.raises(ValidationError):
        services.incident_record(
            actor=act(bob), person=person, kind="threats", occurred_on=date(2019, 1, 1), description="x"
        )
    assert not Incident.objects.exists()
