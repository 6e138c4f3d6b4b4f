"""No page or API answer carrying personal data is cached; every response
refuses the browser features Zhusan never uses."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import token_client
from tests.factories import make_person
from tests.registry.helpers import login
from zhusan.accounts.middleware import PERMISSIONS_POLICY


def test_a_signed_in_page_about_a_person_is_never_stored(client: Client, alice) -> None:
    person = make_person(alice, given="Aisha", family="Nurlanova")
    response = login(client, alice).get(person.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/persons/", "/", "/accounts/tokens/"])
def test_every_signed_in_page_is_never_stored(client: Client, alice, path: str) -> None:
    response = login(client, alice).get(path, follow=True)
    assert "no-store" in response["Cache-Control"]


def test_an_api_answer_to_a_token_is_never_stored(alice) -> None:
    person = make_person(alice, given="Aisha", family="Nurlanova")
    response = token_client(alice).get(f"/api/v1/persons/{person.uuid}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_refusal_of_a_bad_token_is_never_stored(db) -> None:
    client = Client()
    response = client.get("/api/v1/persons/", HTTP_AUTHORIZATION="Token zh_" + "0" * 64)
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def test_a_view_that_already_forbids_storing_keeps_its_own_header(client: Client, alice) -> None:
    response = login(client, alice).get("/accounts/tokens/")
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/persons/", "/api/v1/persons/", "/no-such-page/"])
def test_every_response_carries_the_permissions_policy(client: Client, db, path: str) -> None:
    response = client.get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_policy_refuses_camera_microphone_geolocation_payment_and_usb() -> None:
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in PERMISSIONS_POLICY.split(", ")
