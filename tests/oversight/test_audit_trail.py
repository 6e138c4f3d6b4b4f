from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.helpers import sign_in
from tests.factories import make_person, make_staff
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, diff, record

LIST = reverse("audit:event_list")


@pytest.fixture
def auditor(centre_unit):
    return make_staff(Role.AUDITOR, centre_unit, username="olga")


def test_an_auditor_sees_the_trail_and_the_view_is_itself_audited(client, auditor, alice):
    person = make_person(alice)
    sign_in(client, auditor)
    response = client.get(LIST)
    assert response.status_code == 200
    seqs = [event.seq for event in response.context["page"]]
    assert seqs == sorted(seqs, reverse=True)
    assert AuditEvent.objects.filter(action=Action.CREATE, person_ref=str(person.uuid)).first().seq in seqs
    assert AuditEvent.objects.filter(action=Action.LIST, object_type="audit", actor_username="olga").exists()


def test_a_case_manager_gets_403_and_the_attempt_is_audited(client, alice):
    sign_in(client, alice)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[1])).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert (
        AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="audit", actor_username="alice").count()
        == 3
    )
    assert not AuditEvent.objects.filter(action=Action.LIST, object_type="audit").exists()


def test_the_auditor_filters_by_action_actor_via_and_person(client, auditor, alice, charlie):
    person = make_person(alice)
    make_person(charlie, given="Zarina")
    sign_in(client, auditor)

    by_action = client.get(LIST, {"action": Action.CREATE, "actor": "alice"}).context["page"]
    assert {e.actor_username for e in by_action} == {"alice"}
    assert {e.action for e in by_action} == {Action.CREATE}

    by_case_number = client.get(LIST, {"person": person.case_number}).context["page"]
    assert by_case_number.paginator.count > 0
    assert {e.person_ref for e in by_case_number} == {str(person.uuid)}
    by_uuid = client.get(LIST, {"person": str(person.uuid)}).context["page"]
    assert by_uuid.paginator.count == by_case_number.paginator.count

    assert client.get(LIST, {"via": "api"}).context["page"].paginator.count == 0
    assert client.get(LIST, {"via": "cli", "actor": "charlie"}).context["page"].paginator.count > 0


def test_the_date_range_filter_includes_today_and_refuses_a_reversed_range(client, auditor, alice):
    make_person(alice)
    sign_in(client, auditor)
    today = timezone.localdate()
    page = client.get(LIST, {"date_from": today, "date_to": today}).context["page"]
    assert page.paginator.count > 0
    tomorrow = today + timedelta(days=1)
    assert client.get(LIST, {"date_from": tomorrow}).context["page"].paginator.count == 0

    response = client.get(LIST, {"date_from": tomorrow, "date_to": today})
    assert "The start date is after the end date." in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_the_trail_is_paginated_fifty_per_page(client, auditor):
    for n in range(60):
        record(Actor.system("tests"), Action.VIEW, object_type="person", object_ref=n)
    sign_in(client, auditor)
    first = client.get(LIST, {"action": Action.VIEW})
    assert len(first.context["page"]) == 50
    second = client.get(LIST, {"action": Action.VIEW, "page": 2})
    assert len(second.context["page"]) == 10
    assert "action=view" in first.content.decode()


def test_the_list_page_runs_a_fixed_number_of_queries(client, auditor, django_assert_max_num_queries):
    for n in range(60):
        record(Actor.system("tests"), Action.VIEW, object_type="person", object_ref=n)
    sign_in(client, auditor)
    client.get(LIST)
    with django_assert_max_num_queries(20):
        client.get(LIST)


def test_the_detail_page_shows_changes_but_never_encrypted_values(client, auditor):
    changes = diff(
        {"given": "Aisha", "diagnosis": "old secret"},
        {"given": "Aysha", "diagnosis": "new secret"},
        sensitive={"diagnosis"},
    )
    event = record(Actor.system("tests"), Action.UPDATE, object_type="person", changes=changes)
    sign_in(client, auditor)
    response = client.get(reverse("audit:event_detail", args=[event.seq]))
    html = response.content.decode()
    assert "Aisha" in html
    assert "Aysha" in html
    assert "encrypted" in html
    assert changes["diagnosis"]["new"] not in html
    assert "new secret" not in html
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="audit", object_ref=str(event.seq)).exists()


def test_an_unknown_event_is_404(client, auditor):
    sign_in(client, auditor)
    assert client.get(reverse("audit:event_detail", args=[999_999])).status_code == 404


def test_the_verify_button_reports_an_intact_chain(client, auditor, alice):
    make_person(alice)
    sign_in(client, auditor)
    response = client.post(reverse("audit:verify"))
    assert response.status_code == 200
    assert response.context["result"].ok
    assert "Audit chain intact" in response.content.decode()


def test_the_verify_button_refuses_get(client, auditor):
    sign_in(client, auditor)
    assert client.get(reverse("audit:verify")).status_code == 405
