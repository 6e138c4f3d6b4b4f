from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_staff
from zhusan.accounts.middleware import _RENEWED_AT, IDLE_RENEWAL_SECONDS
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent

from .helpers import current_code, sign_in, wrong_code

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
ENROL = reverse("accounts:enrol")


def _password_step(client, username="alice", password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_the_login_page_is_open_to_anonymous_visitors(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_a_case_manager_signs_in_with_password_and_totp_and_lands_on_my_work(client, alice):
    response = _password_step(client)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)

    device = TOTPDevice.objects.get(user=alice)
    response = client.post(response.url, {"code": current_code(device)})
    assert response.status_code == 302
    assert response.url == reverse("home")
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("mywork:home")
    assert client.get(response.url).status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor_username="alice").exists()


def test_it_follows_a_safe_next_through_both_steps(client, alice):
    response = _password_step(client, next_url="/accounts/tokens/")
    device = TOTPDevice.objects.get(user=alice)
    response = client.post(response.url, {"code": current_code(device)})
    assert response.url == "/accounts/tokens/"


def test_it_refuses_to_redirect_to_another_site_after_login(client, alice):
    response = _password_step(client, next_url="https://evil.example.com/")
    device = TOTPDevice.objects.get(user=alice)
    response = client.post(response.url, {"code": current_code(device)})
    assert "evil.example.com" not in response.url


def test_a_wrong_password_shows_a_clear_error_and_writes_a_failed_login_event(client, alice):
    response = _password_step(client, password="not the password")
    assert response.status_code == 200
    assert "User name or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_username == "alice"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, alice):
    for _attempt in range(5):
        response = _password_step(client, password="guess")
    assert response.status_code == 429
    assert "Account temporarily locked" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_username="alice").count() == 5

    response = _password_step(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_wrong_totp_code_shows_an_error_and_writes_an_mfa_failed_event(client, alice):
    _password_step(client)
    device = TOTPDevice.objects.get(user=alice)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not correct" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.MFA_FAILED, actor_username="alice").count() == 1
    assert client.get("/persons/").status_code == 302


def test_a_code_that_is_not_six_digits_is_refused_without_trying_the_device(client, alice):
    _password_step(client)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "Enter the six digits" in response.content.decode()
    assert TOTPDevice.objects.get(user=alice).throttling_failure_count == 0


def test_a_password_only_session_hitting_persons_is_sent_to_verify(client, alice):
    _password_step(client)
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert "next=/persons/" in response.url


def test_a_password_only_session_cannot_reach_api_tokens(client, alice):
    _password_step(client)
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_a_user_without_a_device_enrols_with_a_qr_code_and_is_then_verified(client, centre_unit):
    user = make_staff(Role.SOCIAL_WORKER, centre_unit, username="dana")
    TOTPDevice.objects.filter(user=user).delete()

    response = _password_step(client, username="dana")
    assert response.url.startswith(ENROL)
    page = client.get(response.url)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    # Reloading keeps the same secret so the scanned picture stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(ENROL, {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.MFA_ENROLLED, actor_username="dana").exists()
    assert client.get("/accounts/tokens/").status_code == 200


def test_enrolment_with_a_wrong_code_leaves_the_device_unconfirmed(client, centre_unit):
    user = make_staff(Role.SOCIAL_WORKER, centre_unit, username="dana")
    TOTPDevice.objects.filter(user=user).delete()
    _password_step(client, username="dana")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": wrong_code(device)})
    assert "That code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action=Action.MFA_ENROLLED).exists()


def test_a_password_alone_cannot_enrol_a_second_device(client, alice):
    _password_step(client)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_logout_refuses_get(client, alice):
    sign_in(client, alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_ends_the_session(client, alice):
    sign_in(client, alice)
    response = client.post(reverse("accounts:logout"))
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor_username="alice").exists()


def test_an_idle_session_expires_and_sends_the_user_back_to_login(client, alice):
    sign_in(client, alice)
    assert client.get(reverse("accounts:tokens")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_idle_timeout_is_thirty_minutes_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_the_idle_timeout_moves_when_a_minute_has_passed_since_it_last_did(client, alice):
    sign_in(client, alice)
    session = client.session
    session[_RENEWED_AT] = int(time.time()) - IDLE_RENEWAL_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))

    assert client.get(reverse("accounts:tokens")).status_code == 200

    assert _expiry(client) > timezone.now() + timedelta(minutes=29)


def test_a_request_within_the_minute_writes_no_session(client, alice):
    sign_in(client, alice)
    client.get(reverse("accounts:tokens"))
    expiry = _expiry(client)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:tokens")).status_code == 200

    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _expiry(client) == expiry


def test_an_anonymous_visitor_gets_no_session(client, db):
    assert client.get(reverse("health")).status_code in (200, 503)
    assert Session.objects.count() == 0
