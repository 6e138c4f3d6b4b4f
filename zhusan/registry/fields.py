"""Which compartment each field of a person's records belongs to: one rule
for the person page and the API.

A field belongs to its record's compartment (``RECORD_COMPARTMENT``, by the
record's audit type) unless named here. A "severe" field of a compartment
that is not severe itself (a DNA laboratory reference among identity
evidence) is shown only to those who keep that compartment, i.e. may write
it: the staff who run identity verification, not everyone who reads a name.

The API's serializers drop the fields this rule hides (``FieldRuleMixin`` in
``serializers.py``); the templates ask the same rule through the
``record_fields`` template library (``{% if access|shows_field:"identityevidence.reference" %}``).
This rule says which fields of a readable record show; which persons, and
which compartments and details of them, a user reads is ``access.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.permissions import RECORD_COMPARTMENT, Compartment
from zhusan.audit.models import object_type_of

from .models import IdentityEvidence


@dataclass(frozen=True)
class FieldRule:
    compartment: Compartment
    # Severe: shown only to those who may write the compartment.
    severe: bool = False

    def shows(self, access: PersonAccess) -> bool:
        return access.can_write(self.compartment) if self.severe else access.can_read(self.compartment)


# Fields whose rule is not their record's plain compartment.
FIELD_RULES: dict[type[Model], dict[str, FieldRule]] = {
    IdentityEvidence: {"reference": FieldRule(Compartment.IDENTITY, severe=True)},
}


def field_rule(model: type[Model], name: str) -> FieldRule:
    """The rule of field ``name`` of ``model``: its own, or its record's compartment."""
    own = FIELD_RULES.get(model, {}).get(name)
    return own or FieldRule(RECORD_COMPARTMENT[object_type_of(model)])


def shows_field(access: PersonAccess, model: type[Model], name: str) -> bool:
    """Whether a reader with ``access`` sees field ``name`` of a ``model`` record."""
    return field_rule(model, name).shows(access)


def shows_field_named(access: PersonAccess, dotted: str) -> bool:
    """``shows_field`` for ``"<model name>.<field>"`` (e.g. ``"identityevidence.reference"``), for templates."""
    model_name, _dot, name = dotted.partition(".")
    return shows_field(access, apps.get_model("registry", model_name), name)
