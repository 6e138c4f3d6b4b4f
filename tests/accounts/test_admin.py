from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from tests.factories import make_staff
from zhusan.accounts.models import Organisation, RoleGrant, Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.core.models import DatasetMarker
from zhusan.registry import models as registry_models

from .helpers import sign_in


def test_only_configuration_models_are_in_the_admin():
    registered = set(admin.site._registry)
    assert {Organisation, Unit, User, RoleGrant, registry_models.Site, DatasetMarker} <= registered
    case_models = {
        model for model in registered if model._meta.app_label == "registry" and model is not registry_models.Site
    }
    assert case_models == set()
    assert registry_models.Person not in registered


def test_a_system_administrator_opens_the_admin(client, centre_unit):
    admin_user = make_staff(Role.SYSTEM_ADMIN, centre_unit, username="sam")
    User.objects.filter(pk=admin_user.pk).update(is_staff=True)
    admin_user.refresh_from_db()
    sign_in(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[admin_user.pk])).status_code == 200


def test_staff_without_the_administer_capability_are_kept_out_of_the_admin(client, alice):
    User.objects.filter(pk=alice.pk).update(is_staff=True)
    alice.refresh_from_db()
    sign_in(client, alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_dataset_marker_is_read_only_in_the_admin(client, centre_unit):
    admin_user = make_staff(Role.SYSTEM_ADMIN, centre_unit, username="sam")
    User.objects.filter(pk=admin_user.pk).update(is_staff=True, is_superuser=True)
    admin_user.refresh_from_db()
    sign_in(client, admin_user)
    assert client.get(reverse("admin:core_datasetmarker_add")).status_code == 403


def test_admin_changes_are_written_to_the_audit_trail(client, centre_unit):
    admin_user = make_staff(Role.SYSTEM_ADMIN, centre_unit, username="sam")
    User.objects.filter(pk=admin_user.pk).update(is_staff=True)
    admin_user.refresh_from_db()
    sign_in(client, admin_user)
    response = client.post(
        reverse("admin:accounts_organisation_add"), {"name": "Shymkent NGO", "kind": "ngo", "country": "KZ"}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Shymkent NGO")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="organisation")
    assert event.object_ref == str(org.uuid)
    assert event.actor_username == "sam"
