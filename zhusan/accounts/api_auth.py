"""API authentication: personal tokens with expiry, or a verified session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


class ExpiringTokenAuthentication(TokenAuthentication):  # type: ignore[misc]  # knox ships no types
    """Knox tokens (stored as digests, each with its own expiry): ``Authorization: Token zh_…``."""

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, but only once the second factor is verified."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.ZHUSAN_MFA_REQUIRED and not getattr(request._request.user, "is_verified", lambda: False)():
            raise exceptions.AuthenticationFailed("Complete the second factor first.")
        return user, None
