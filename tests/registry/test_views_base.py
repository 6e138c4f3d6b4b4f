from __future__ import annotations

from django.urls import reverse

from zhusan.accounts.permissions import Role

from ..factories import make_staff
from .helpers import login

LIST = reverse("registry:person_list")


def test_the_audit_trail_link_is_shown_only_to_those_who_may_browse_it(client, alice, centre_unit):
    html = login(client, alice).get(LIST).content.decode()
    assert reverse("audit:event_list") not in html
    assert reverse("accounts:tokens") in html
    auditor = make_staff(Role.AUDITOR, centre_unit)
    html = login(client, auditor).get(LIST).content.decode()
    assert reverse("audit:event_list") in html


def test_the_page_is_right_to_left_in_arabic(client, alice):
    login(client, alice)
    client.post(reverse("set_language"), {"language": "ar", "next": LIST})
    html = client.get(LIST).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_the_language_switcher_works_without_javascript(client, alice):
    html = login(client, alice).get(LIST).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language"' in html
    assert "js-autosubmit-fallback" in html


def test_the_login_page_renders_the_base_for_anonymous_users(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="language"' in html
    assert "Log out" not in html


def test_pages_carry_no_inline_script_or_style(client, alice):
    html = login(client, alice).get(LIST).content.decode()
    assert "<style" not in html
    assert "style=" not in html
    assert "<script>" not in html
