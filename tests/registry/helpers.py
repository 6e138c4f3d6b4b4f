"""Test-client helpers for the server-rendered UI."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY


def login(client: Client, user: Any) -> Client:
    """Log ``user`` in and mark the session as having passed the TOTP step."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.first().persistent_id
    session.save()
    return client
