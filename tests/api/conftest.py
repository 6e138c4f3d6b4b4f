"""Clients for the API tests: each persona with a personal token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient


def token_client(user, *, expiry: timedelta = timedelta(days=1)) -> APIClient:
    _, token = AuthToken.objects.create(user, expiry=expiry)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


@pytest.fixture
def bob_api(bob):
    return token_client(bob)


@pytest.fixture
def charlie_api(charlie):
    return token_client(charlie)
