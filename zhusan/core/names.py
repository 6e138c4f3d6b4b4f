"""The one validator of a person's name, worded for the user.

The rule itself is :mod:`zhusan.engine.name_rules` (plain Python); this turns
its verdict into a translated message naming the refused character by its
Unicode name, for the registry's services, the tracing services, manifest
imports and the API's serializers alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhusan.engine.name_rules import NameProblem, first_problem


def describe(problem: NameProblem) -> str:
    """The user's message for ``problem``: never the character itself (it may be invisible or reverse the text)."""
    subject = {"name": problem.unicode_name, "code": problem.codepoint}
    if problem.reason == "too_long":
        return _("At most %(n)s characters.") % {"n": problem.position}
    if problem.reason == "no_letter":
        return _("A name needs at least one letter.")
    if problem.reason == "zwnj":
        return (
            _("%(name)s (%(code)s) is allowed only between two Arabic-script letters, where the spelling needs it.")
            % subject
        )
    if problem.reason == "dot":
        return _("A dot is allowed only after a letter, as in an initial (“A. B.”).")
    if problem.reason == "mark":
        return _("%(name)s (%(code)s) must follow a letter.") % subject
    return (
        _(
            "%(name)s (%(code)s) is not allowed in a name. Use letters, spaces, hyphens, "
            "apostrophes, and dots after initials."
        )
        % subject
    )


def name_error(value: str, *, max_length: int | None = None) -> str | None:
    """The message for ``value`` if it is not a valid name part, else None."""
    limit = settings.ZHUSAN_MAX_NAME_LENGTH if max_length is None else max_length
    problem = first_problem(value, max_length=limit)
    return describe(problem) if problem else None


def validate_name_part(value: str) -> None:
    """Django validator: raise ``ValidationError`` naming the refused character."""
    message = name_error(value)
    if message:
        raise ValidationError(message, code="invalid_name")
