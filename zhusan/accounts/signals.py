"""Login, logout and failed-login events into the audit trail.

Django reports these through its auth signals; this is the one place they
are turned into audit events. A sign-in also starts the idle timeout
(``middleware.IdleTimeoutMiddleware``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record

from .middleware import renewed_now


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # The test client's force_login() sends a bare request without .user.
    actor = Actor.from_request(request) if request is not None and hasattr(request, "user") else Actor.system("login")
    record(Actor(**{**actor.__dict__, "user": user}), Action.LOGIN, object_type=ObjectType.USER, object_ref=user.uuid)


@receiver(user_logged_in)
def _idle_timeout_starts(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # login() saves the session: the next minute's requests need not.
    if request is not None and hasattr(request, "session"):
        renewed_now(request.session)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    actor = Actor.from_request(request) if request is not None else Actor.system("logout")
    record(Actor(**{**actor.__dict__, "user": user}), Action.LOGOUT, object_type=ObjectType.USER, object_ref=user.uuid)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    actor = Actor.from_request(request) if request is not None else Actor.system("login")
    record(
        Actor(**{**actor.__dict__, "user": None}),
        Action.LOGIN_FAILED,
        object_type=ObjectType.USER,
        username=str(credentials.get("username", ""))[:150],
    )
