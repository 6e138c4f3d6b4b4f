"""Every model that relates to a person has a kind of record, and an erasure
removes a row of every one of them.

Like ``tests/registry/test_merge_graph.py``: a new model relating to a person
(directly or through a model that does) fails
``test_every_model_relating_to_a_person_has_exactly_one_kind`` until it is
classified (``zhusan/dataprotection/kinds.py``), so retention cannot forget it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from zhusan.dataprotection import erase, kinds
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import ItemStatus, RecordKind, RetentionItem
from zhusan.registry import merge
from zhusan.registry.models import Person

from ..registry import test_merge_graph as graph
from ..registry.test_merge_graph import BUILDERS, consul, consular_unit, doctor  # noqa: F401 - fixtures
from .retention_helpers import act, approved, world

pytestmark = pytest.mark.django_db


def test_every_model_relating_to_a_person_has_exactly_one_kind():
    missing = kinds.unclassified()
    assert not missing, (
        f"{missing} relate to a person but have no kind of record: add them to kinds.DECLARED "
        "(or declare_kind from their app) so that retention rules and erasures reach them."
    )


def test_the_graph_reaches_models_through_their_parents():
    by_label = {m.label: m for m in kinds.members()}
    assert by_label["rehabilitation_care.PlanGoal"].path == "plan__person"
    assert by_label["rehabilitation_care.PlanGoal"].kind == RecordKind.CASE
    assert by_label["registry.ProtectedNote"].kind == kinds.PER_ROW
    assert by_label["registry.Person"].kind == RecordKind.IDENTITY


def test_every_kind_named_is_a_kind_of_record():
    allowed = {*RecordKind.values, kinds.PER_ROW, kinds.KEPT}
    assert {m.kind for m in kinds.members()} <= allowed


class _RefusesError(Exception):
    pass


def _blocks(person: Person) -> bool:
    """True when a record about someone else names ``person`` in a field that cannot be emptied."""
    return any(not nullable and qs.exists() for qs, _field, nullable in erase.mentions([person]))


def _build(merged: Person, other: Person) -> tuple[dict[str, tuple[str, Model]], set[str]]:
    """One row per relation naming ``merged``; the builders whose rows would
    make an erasure refuse are rolled back and returned apart."""
    rows: dict[str, tuple[str, Model]] = {}
    refusing: set[str] = set()
    for r in merge.relations_to_move():
        if r.label not in BUILDERS or r.label.startswith("dataprotection."):
            continue
        try:
            with transaction.atomic():
                row = BUILDERS[r.label](merged, other)
                if _blocks(merged):
                    raise _RefusesError
        except _RefusesError:
            refusing.add(r.label)
            continue
        rows[r.label] = (r.field, row)
    return rows, refusing


trio = graph.trio  # the survivor, the record merged into it, her brother


def test_an_erasure_removes_a_row_of_every_model_that_relates_to_a_person(trio):
    survivor, merged, other = trio
    w = world()
    rows, _refusing = _build(merged, other)
    assert len(rows) > 40
    item = retention.request_erasure(actor=act(w["officer"]), person=merged, reason="Asked", source_ref="DSR-9")
    approved(w, item.batch)
    item = RetentionItem.objects.get(pk=item.pk)
    assert item.status == ItemStatus.DELETED, item.outcome
    for label, (field, row) in rows.items():
        still = type(row)._default_manager.filter(pk=row.pk).first()
        if still is None:
            continue
        # Left only when it is someone else's record that merely named her: the mention is gone.
        assert field not in kinds.subject_fields(type(row)), f"{label}: a row about the erased person survived"
        assert getattr(still, f"{field}_id") is None, f"{label}: still names the erased person"
    assert not Person.objects.filter(pk=merged.pk).exists()
    assert Person.objects.filter(pk=other.pk).exists() and Person.objects.filter(pk=survivor.pk).exists()
    counts = item.certificate.body["counts"]
    assert counts["registry.Person"] == 1 and len(counts) > 25


def test_an_erasure_is_refused_when_someone_elses_record_cannot_lose_the_mention(trio):
    _survivor, merged, other = trio
    w = world()
    BUILDERS["reintegration.HomeVisit.carer"](merged, other)  # she is the carer assessed for another child
    assert _blocks(merged)
    item = retention.request_erasure(actor=act(w["officer"]), person=merged, reason="Asked", source_ref="DSR-8")
    approved(w, item.batch)
    item = RetentionItem.objects.get(pk=item.pk)
    assert item.status == ItemStatus.REFUSED and "someone else" in item.outcome
    assert Person.objects.filter(pk=merged.pk).exists() and item.certificate is None
    with pytest.raises(ValidationError):
        retention.delete_item(actor=act(w["officer"]), item=item)
