from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import make_staff
from zhusan.accounts import services
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor

from .helpers import sign_in

TOKENS = reverse("accounts:tokens")
SCHEMA = "/api/schema/"


def test_a_case_manager_issues_a_token_and_sees_it_once(client, alice):
    sign_in(client, alice)
    response = client.post(TOKENS, {"days": 30})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token.startswith("zh_")
    assert token in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")

    instance = AuthToken.objects.get(user=alice)
    assert abs(instance.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert AuditEvent.objects.filter(action=Action.TOKEN_ISSUED, object_ref=instance.token_key).exists()

    listing = client.get(TOKENS).content.decode()
    assert instance.token_key in listing
    assert token not in listing


def test_the_issued_token_authenticates_api_calls(client, alice):
    _instance, token = services.api_token_issue(actor=Actor.system("tests"), user=alice, days=1)
    response = client.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


@pytest.mark.parametrize("days", [0, -1, 91, ""])
def test_it_refuses_an_expiry_outside_the_allowed_range(client, alice, days):
    sign_in(client, alice)
    response = client.post(TOKENS, {"days": days})
    assert response.status_code == 400
    assert response.context["form"].errors["days"]
    assert response.context["new_token"] is None
    assert not AuthToken.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.TOKEN_ISSUED).exists()


def test_a_psychologist_without_api_access_cannot_issue_a_token(client, bob):
    sign_in(client, bob)
    page = client.get(TOKENS)
    assert "Your roles do not include API access." in page.content.decode()
    response = client.post(TOKENS, {"days": 5})
    assert response.status_code == 403
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="api_token").exists()


def test_the_service_refuses_a_user_without_the_capability_and_audits_it(bob):
    with pytest.raises(PermissionDenied):
        services.api_token_issue(actor=Actor.system("tests"), user=bob, days=5)
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_ref=str(bob.uuid)).exists()


def test_the_service_refuses_too_many_days(alice, settings):
    settings.ZHUSAN_API_TOKEN_MAX_DAYS = 10
    with pytest.raises(ValidationError, match="1 to 10 days"):
        services.api_token_issue(actor=Actor.system("tests"), user=alice, days=11)
    assert not AuthToken.objects.exists()


def test_revoking_a_token_stops_it_working(client, alice):
    instance, token = services.api_token_issue(actor=Actor.system("tests"), user=alice, days=5)
    sign_in(client, alice)
    response = client.post(reverse("accounts:token_revoke", args=[instance.token_key]))
    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, object_ref=instance.token_key).exists()
    client.logout()
    assert client.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client, alice, charlie):
    instance, _token = services.api_token_issue(actor=Actor.system("tests"), user=charlie, days=5)
    sign_in(client, alice)
    response = client.post(reverse("accounts:token_revoke", args=[instance.token_key]))
    assert response.status_code == 404
    assert AuthToken.objects.filter(user=charlie).exists()


def test_revoke_refuses_get(client, alice):
    instance, _token = services.api_token_issue(actor=Actor.system("tests"), user=alice, days=5)
    sign_in(client, alice)
    assert client.get(reverse("accounts:token_revoke", args=[instance.token_key])).status_code == 405
    assert AuthToken.objects.exists()


def test_an_expired_token_is_refused_by_the_api(client, alice):
    instance, token = services.api_token_issue(actor=Actor.system("tests"), user=alice, days=1)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = client.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401


def test_a_made_up_token_is_refused_by_the_api(client, db):
    response = client.get(SCHEMA, HTTP_AUTHORIZATION="Token zh_" + "a" * 64)
    assert response.status_code == 401


def test_the_token_command_issues_and_revokes(alice, capsys):
    call_command("token", "issue", "alice", "--days", "7")
    token = capsys.readouterr().out.strip()
    instance = AuthToken.objects.get(user=alice)
    assert token.startswith(instance.token_key)

    call_command("token", "revoke", token[:12])
    assert "Revoked" in capsys.readouterr().out
    assert not AuthToken.objects.exists()
    events = AuditEvent.objects.filter(object_ref=instance.token_key).values_list("action", "via")
    assert set(events) == {(Action.TOKEN_ISSUED, "cli"), (Action.TOKEN_REVOKED, "cli")}


def test_the_token_command_refuses_an_unknown_user_and_bad_days(alice):
    with pytest.raises(CommandError, match="No active user"):
        call_command("token", "issue", "nobody", "--days", "7")
    with pytest.raises(CommandError, match="1 to 90 days"):
        call_command("token", "issue", "alice", "--days", "365")
    assert not AuthToken.objects.exists()


def test_the_token_command_refuses_a_user_without_api_access(centre_unit):
    make_staff(Role.TEACHER, centre_unit, username="tina")
    with pytest.raises(CommandError, match="may not hold API tokens"):
        call_command("token", "issue", "tina", "--days", "7")
    assert not AuthToken.objects.exists()
