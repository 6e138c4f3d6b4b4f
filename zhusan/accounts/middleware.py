"""Second-factor enforcement for the browser UI, the idle timeout, and the privacy headers of every response."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
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


#: A signed-in session's idle timeout is moved at most this often.
IDLE_RENEWAL_SECONDS = 60
_RENEWED_AT = "_zhusan_renewed_at"


class IdleTimeoutMiddleware:
    """The idle timeout (``SESSION_COOKIE_AGE``) counts from a signed-in
    user's last request, to the minute.

    A session is saved again, and its expiry moved, when a minute has passed
    since it last was: one write of the session's row per minute of work.
    Django's ``SESSION_SAVE_EVERY_REQUEST`` wrote it on every page and API
    call, a transaction of its own each time (docs/benchmarks.md, session
    8). Placed just after ``SessionMiddleware``, which saves the session it
    marks; an anonymous visitor gets no session from it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            if time.time() - session.get(_RENEWED_AT, 0) >= IDLE_RENEWAL_SECONDS:
                renewed_now(session)
        return response


def renewed_now(session: SessionBase) -> None:
    """The session is saved now (a sign-in saves it): its idle timeout starts again."""
    session[_RENEWED_AT] = int(time.time())


#: Browser features no page of Zhusan uses: refused to every page and any
#: script injected into one (the camera and microphone of a case worker's laptop).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivacyHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: no-store`` on
    every response to an authenticated request.

    Every page and API answer given to a signed-in user may carry personal
    data, so none is kept by the browser's cache, a proxy or the back button's
    store: one rule for all, instead of a header each view must remember. The
    user is read after the view ran, so an API token that DRF authenticated in
    the view counts too; a request that sent credentials counts even if they
    were refused. Placed before WhiteNoise so static files get the policy too
    (and stay cacheable: no user is attached to them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or "Authorization" in request.headers
        if private and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
