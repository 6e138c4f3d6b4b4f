"""Request types of the views behind the login.

``LoginRequiredMiddleware`` (and, for the API, ``IsAuthenticated`` with the
verified-session and token authentications) lets no anonymous visitor reach a
view, so a view's ``request.user`` is a :class:`~zhusan.accounts.models.User`.
These classes say so to the type checker (the django-stubs pattern): they are
for annotations only, Django and DRF still pass their own request objects.
Views that an anonymous visitor can reach (login, the second factor) keep
``HttpRequest``.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User
