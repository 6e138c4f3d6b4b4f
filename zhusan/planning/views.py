"""Planning pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.decorators import capability_required
from zhusan.accounts.http import AuthenticatedHttpRequest
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import ObjectType


@capability_required(
    Capability.MANAGE_OPERATIONS,
    object_type=ObjectType.OPERATION,
    refusal=_("Planning is for those who plan operations."),
)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "planning/home.html", {})
