"""Helpers for the registry's tests: the test client of the server-rendered
UI, a schema editor for data migrations."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY


def login(client: Client, user: Any) -> Client:
    """Log ``user`` in and mark the session as having passed the TOTP step."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.first().persistent_id
    session.save()
    return client


class Editor:
    """What a data migration's step uses of a schema editor (SQLite's may
    not open inside the test's transaction)."""

    connection = connection

    def execute(self, sql: str, params: object = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
