from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_person, make_staff
from zhusan.accounts import services
from zhusan.accounts.permissions import Role, Scope
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services as registry_services

from .helpers import sign_in

LIST = reverse("accounts:break_glass")


@pytest.fixture
def emergencies(alice, charlie):
    """Charlie (another organisation) opens emergency access to a person of the Aktau centre; alice to one of Almaty."""
    aktau_person = make_person(alice, given="Madina")
    almaty_person = make_person(charlie, given="Zarina")
    into_aktau = registry_services.break_glass_open(
        actor=Actor.system("tests", user=charlie), person=aktau_person, reason="Child taken to hospital at night"
    )
    into_almaty = registry_services.break_glass_open(
        actor=Actor.system("tests", user=alice), person=almaty_person, reason="Mother asks for her son's file"
    )
    return into_aktau, into_almaty


@pytest.fixture
def aktau_supervisor(centre_unit):
    return make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="pavel", scope=Scope.ORGANISATION)


def test_a_supervisor_sees_emergency_access_to_their_organisations_persons_only(client, aktau_supervisor, emergencies):
    into_aktau, into_almaty = emergencies
    sign_in(client, aktau_supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["entries"]) == [into_aktau]
    html = response.content.decode()
    assert into_aktau.person.case_number in html
    assert "Child taken to hospital at night" in html
    assert "charlie" in html
    assert "Mother asks" not in html
    assert AuditEvent.objects.filter(action=Action.LIST, object_type="break_glass", actor_username="pavel").exists()


def test_a_supervisor_with_scope_all_sees_every_entry(client, centre_unit, emergencies):
    manager = make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="maria")
    sign_in(client, manager)
    assert set(client.get(LIST).context["entries"]) == set(emergencies)


def test_a_supervisor_marks_an_entry_reviewed(client, aktau_supervisor, emergencies):
    into_aktau, _ = emergencies
    sign_in(client, aktau_supervisor)
    response = client.post(reverse("accounts:break_glass_review", args=[into_aktau.uuid]))
    assert response.status_code == 302
    into_aktau.refresh_from_db()
    assert into_aktau.reviewed_by == aktau_supervisor
    assert into_aktau.reviewed_at is not None
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="break_glass", object_ref=str(into_aktau.uuid)
    ).exists()
    assert into_aktau not in client.get(LIST).context["entries"]
    assert into_aktau in client.get(LIST + "?show=all").context["entries"]


def test_a_supervisor_cannot_review_an_entry_outside_their_organisation(client, aktau_supervisor, emergencies):
    _, into_almaty = emergencies
    sign_in(client, aktau_supervisor)
    response = client.post(reverse("accounts:break_glass_review", args=[into_almaty.uuid]))
    assert response.status_code == 404
    into_almaty.refresh_from_db()
    assert into_almaty.reviewed_at is None


def test_nobody_reviews_their_own_emergency_access(centre_unit, alice):
    manager = make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="maria")
    person = make_person(alice)
    own = registry_services.break_glass_open(
        actor=Actor.system("tests", user=manager), person=person, reason="Checking a family link urgently"
    )
    with pytest.raises(ValidationError, match="Another supervisor"):
        services.break_glass_review(actor=Actor.system("tests", user=manager), access=own)
    own.refresh_from_db()
    assert own.reviewed_at is None


def test_a_case_manager_gets_403_and_the_denial_is_audited(client, alice, emergencies):
    sign_in(client, alice)
    assert client.get(LIST).status_code == 403
    into_aktau, _ = emergencies
    assert client.post(reverse("accounts:break_glass_review", args=[into_aktau.uuid])).status_code == 403
    assert (
        AuditEvent.objects.filter(
            action=Action.PERMISSION_DENIED, object_type="break_glass", actor_username="alice"
        ).count()
        == 2
    )
    into_aktau.refresh_from_db()
    assert into_aktau.reviewed_at is None
