"""What a merge moves: every relation to a person, read from the model graph.

When two records turn out to be one person, every row of every app that
points at the merged record moves to the survivor, unless the relation is
excluded here or by its app (``extensions.merge_exclusion``) with a reason.
A new model that relates to a person therefore moves with a merge without
anyone remembering to list it; ``tests/registry/test_merge_graph.py`` fails
until a merge test covers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .extensions import POINTS
from .models import Person

# The registry's own exclusions; other apps add theirs through
# ``extensions.merge_exclusion``.
REGISTRY_EXCLUSIONS: dict[str, str] = {
    # A record merged earlier into the one now merged stays pointed at it:
    # its merge record names it, and undoing that merge needs it unchanged.
    "registry.Person.merged_into": "earlier merges keep naming the record they were merged into",
    # Household membership moves through its own model (HouseholdMember.person).
    "registry.Household.members": "moves through registry.HouseholdMember.person",
}


@dataclass(frozen=True)
class Relation:
    """One foreign key to Person: ``model.field`` names a person."""

    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


def all_relations() -> list[Relation]:
    """Every relation to Person in every installed app, in a stable order
    (hidden ones included: a foreign key declared with ``related_name="+"``
    names a person all the same)."""
    out: list[Relation] = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        model = rel.related_model
        assert isinstance(model, type) and issubclass(model, models.Model)
        out.append(Relation(model, rel.field.name))  # type: ignore[union-attr]  # a reverse relation has .field
    return sorted(out, key=lambda r: r.label)


def exclusions() -> dict[str, str]:
    return {**REGISTRY_EXCLUSIONS, **POINTS.merge_exclusions}


def relations_to_move() -> list[Relation]:
    """The relations a merge moves: all of them but the exclusions."""
    excluded = exclusions()
    return [r for r in all_relations() if r.label not in excluded]


def relation_labelled(label: str) -> Relation:
    return next(r for r in all_relations() if r.label == label)
