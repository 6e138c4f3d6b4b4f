"""Every API endpoint needs a live token (or a verified session)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from .conftest import token_client

pytestmark = pytest.mark.django_db

# A fixed id (no such person): test ids must be the same in every pytest-xdist worker.
P = uuid.UUID("00000000-0000-4000-8000-000000000000")
ENDPOINTS = [
    ("get", "/api/v1/persons/"),
    ("post", "/api/v1/persons/"),
    ("get", f"/api/v1/persons/{P}/"),
    ("patch", f"/api/v1/persons/{P}/"),
    ("post", f"/api/v1/persons/{P}/stage/"),
    ("get", f"/api/v1/persons/{P}/timeline/"),
    ("get", f"/api/v1/persons/{P}/names/"),
    ("post", f"/api/v1/persons/{P}/names/"),
    ("patch", f"/api/v1/names/{P}/"),
    ("delete", f"/api/v1/names/{P}/"),
    ("get", f"/api/v1/persons/{P}/relationships/"),
    ("post", f"/api/v1/persons/{P}/relationships/"),
    ("get", f"/api/v1/persons/{P}/documents/"),
    ("post", f"/api/v1/persons/{P}/documents/"),
    ("patch", f"/api/v1/documents/{P}/"),
    ("get", f"/api/v1/persons/{P}/evidence/"),
    ("post", f"/api/v1/persons/{P}/evidence/"),
    ("get", f"/api/v1/persons/{P}/stays/"),
    ("post", f"/api/v1/persons/{P}/stays/"),
    ("get", f"/api/v1/persons/{P}/consents/"),
    ("post", f"/api/v1/persons/{P}/consents/"),
    ("post", f"/api/v1/persons/{P}/assents/"),
    ("get", f"/api/v1/persons/{P}/notes/?compartment=health"),
    ("post", f"/api/v1/persons/{P}/notes/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_it_answers_401_without_credentials(method, url):
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401, (method, url, response.status_code)
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_it_answers_401_to_a_made_up_token(method, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token zh_" + "0" * 64)
    response = getattr(client, method)(url, {}, format="json")
    assert response.status_code == 401


def test_it_refuses_an_expired_token(alice):
    client = token_client(alice, expiry=timedelta(seconds=-1))
    response = client.get("/api/v1/persons/")
    assert response.status_code == 401


def test_it_accepts_a_live_token(alice):
    response = token_client(alice).get("/api/v1/persons/")
    assert response.status_code == 200
