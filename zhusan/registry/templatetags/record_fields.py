"""The field rule (``registry.fields``) for templates: a template shows a
field of a person's record only where the API's serializers would."""

from __future__ import annotations

from django import template

from zhusan.accounts.access import PersonAccess

from ..fields import shows_field_named

register = template.Library()


@register.filter
def shows_field(access: PersonAccess | None, dotted: str) -> bool:
    """``{% if access|shows_field:"identityevidence.reference" %}``; nothing without an access."""
    return access is not None and shows_field_named(access, dotted)
