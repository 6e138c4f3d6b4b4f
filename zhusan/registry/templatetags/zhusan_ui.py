"""Small template helpers for the server-rendered UI."""

from __future__ import annotations

from django import template

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def user_can(context: template.Context, capability: str) -> bool:
    """``{% user_can "view_audit" as can_audit %}``: does the current user hold the capability?"""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return False
    return has_capability(user, Capability(capability))
