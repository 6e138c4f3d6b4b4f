"""Second-factor enforcement for the browser UI."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a password-authenticated but not yet verified user may reach.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class MFARequiredMiddleware:
    """Staff who passed the password step but not the TOTP step go to it.

    The API is guarded separately (tokens are only issued to verified
    sessions; session auth on the API requires verification).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ZHUSAN_MFA_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by django_otp's OTPMiddleware
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect(reverse("accounts:verify") + "?next=" + request.path)
        return self.get_response(request)
