"""Removing a person's rows, read from the model graph (``kinds.py``).

``remove(person, kind)`` deletes in the caller's transaction every row of
that kind about the person (or, for ``WHOLE_PERSON``, every row of every
kind, the person and any earlier record merged into them), and returns the
counts per model and the SHA-256 digest of a canonical serialisation of the
removed rows (for the certificate). Rows of *other* persons that merely
mention the erased one (a consent giver, a carer) lose that mention where the
field allows it; where it does not, nothing is deleted and the erasure is
refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from zhusan.registry.merge import all_relations
from zhusan.registry.models import Person

from . import kinds
from .models import WHOLE_PERSON


@dataclass
class Removed:
    counts: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)
    refs: set[str] = field(default_factory=set)  # UUIDs of removed rows (for the audit trail's redaction)
    _hash: Any = field(default_factory=hashlib.sha256)
    rows: int = 0

    @property
    def digest(self) -> str:
        return str(self._hash.hexdigest())

    def add(self, instances: list[models.Model]) -> None:
        for item in sorted(serializers.serialize("python", instances), key=lambda r: (r["model"], str(r["pk"]))):
            line = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
            self._hash.update(line.encode("utf-8") + b"\n")
            self.rows += 1
        for obj in instances:
            ref = getattr(obj, "uuid", None)
            if ref is not None:
                self.refs.add(str(ref))


def subjects_of(person: Person) -> list[Person]:
    """The person and every earlier record merged into them (same human)."""
    out = [person]
    frontier = [person.pk]
    while frontier:
        merged = list(Person.objects.filter(merged_into_id__in=frontier))
        out.extend(merged)
        frontier = [p.pk for p in merged]
    return out


def querysets(person: Person, kind: str) -> list[models.QuerySet[Any]]:
    """What an item about ``person`` and ``kind`` deletes (before cascades)."""
    if kind == WHOLE_PERSON:
        return _whole_person(subjects_of(person))
    out: list[models.QuerySet[Any]] = []
    for member in kinds.of_kind(kind):
        if member.model is Person or not member.path:
            continue
        qs = member.model._default_manager.filter(**{member.path: person})
        if member.kind == kinds.PER_ROW:
            qs = qs.filter(compartment=kind)
        out.append(qs)
    return out


def _whole_person(subjects: list[Person]) -> list[models.QuerySet[Any]]:
    pks = [p.pk for p in subjects]
    declared = kinds.declarations()
    out: list[models.QuerySet[Any]] = []
    for relation in all_relations():
        model = relation.model
        if model is Person or model._meta.label == "registry.Household":
            continue  # persons come last; a shared household keeps its other members
        if declared.get(model._meta.label) == kinds.KEPT:
            continue
        if relation.field in kinds.subject_fields(model):
            out.append(model._default_manager.filter(**{f"{relation.field}__in": pks}))
    out.append(Person.objects.filter(pk__in=pks).order_by("-pk"))
    return out


def mentions(subjects: list[Person]) -> list[tuple[models.QuerySet[Any], str, bool]]:
    """Rows of other records that name an erased person without being about
    them: (rows, field, whether the field may be emptied)."""
    pks = [p.pk for p in subjects]
    declared = kinds.declarations()
    out = []
    for relation in all_relations():
        model = relation.model
        if model is Person or model._meta.label == "registry.Household":
            continue
        kept = declared.get(model._meta.label) == kinds.KEPT
        if not kept and relation.field in kinds.subject_fields(model):
            continue
        f = model._meta.get_field(relation.field)
        qs = model._default_manager.filter(**{f"{relation.field}__in": pks})
        if not kept:
            for subject_field in kinds.subject_fields(model):
                qs = qs.exclude(**{f"{subject_field}__in": pks})
        out.append((qs, relation.field, bool(getattr(f, "null", False))))
    return out


def preview(person: Person, kind: str) -> dict[str, int]:
    """Rows an item would delete, per model (before cascades): for the review."""
    counts: dict[str, int] = {}
    for qs in querysets(person, kind):
        n = qs.count()
        if n:
            counts[qs.model._meta.label] = counts.get(qs.model._meta.label, 0) + n
    return counts


def remove(person: Person, kind: str) -> Removed:
    """Delete the rows (call inside a transaction; a refusal raises
    ``ValidationError`` and the caller's rollback leaves everything)."""
    removed = Removed()
    if kind == WHOLE_PERSON:
        subjects = subjects_of(person)
        for qs, name, nullable in mentions(subjects):
            n = qs.count()
            if not n:
                continue
            if not nullable:
                raise ValidationError(
                    {
                        "person": _(
                            "%(case)s is named as %(field)s in %(n)d record(s) of %(what)s about someone else; "
                            "change those records first, nothing was deleted."
                        )
                        % {"case": person.case_number, "field": name, "n": n, "what": qs.model._meta.verbose_name}
                    }
                )
            qs.update(**{name: None})
            label = f"{qs.model._meta.label}.{name}"
            removed.cleared[label] = removed.cleared.get(label, 0) + n
    pending = querysets(person, kind)
    while pending:
        blocked: list[models.QuerySet[Any]] = []
        last_error: Exception | None = None
        for qs in pending:
            collector = Collector(using=qs.db, origin=qs)
            try:
                collector.collect(qs)  # type: ignore[arg-type]  # a queryset is what delete() passes too
            except (ProtectedError, RestrictedError) as exc:
                blocked.append(qs)
                last_error = exc
                continue
            instances: list[models.Model] = [obj for objs in collector.data.values() for obj in objs]
            for fast in collector.fast_deletes:
                instances.extend(fast)
            removed.add(instances)
            _total, per_model = collector.delete()
            for label, n in per_model.items():
                if n:
                    removed.counts[label] = removed.counts.get(label, 0) + n
        if len(blocked) == len(pending):
            raise ValidationError(
                {
                    "person": _("Records of another kind still depend on these rows (%(e)s); nothing was deleted.")
                    % {"e": last_error}
                }
            )
        pending = [qs.all() for qs in blocked]
    return removed
