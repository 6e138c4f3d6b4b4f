"""Data-protection pages (the officer's home; each part adds its own pages)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import ObjectType

from .home import sections

officer_only = capability_required(
    Capability.MANAGE_DATA_PROTECTION,
    object_type=ObjectType.DATA_PROTECTION,
    refusal=_("Data-protection pages are for the data-protection officer."),
)


@officer_only
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What waits for the data-protection officer, part by part."""
    blocks = [(s, s.waiting(request.user)) for s in sections()]
    return render(request, "dataprotection/home.html", {"blocks": blocks})
