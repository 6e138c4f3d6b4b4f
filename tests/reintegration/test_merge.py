"""A merge moves every reintegration row naming the merged child to the
survivor, and its undo puts each back (the registry's whole-graph test runs
the same builders; this one runs only ours, so it answers even while another
app's builders are missing)."""

from __future__ import annotations

from zhusan.matching import services as matching
from zhusan.registry import merge

from ..registry.test_merge_graph import _act, _merge, _names, consul, consular_unit, doctor, trio  # noqa: F401 - fixtures
from .merge_builders import BUILDERS


def test_every_relation_of_reintegration_to_a_person_has_a_builder(db):
    ours = {r.label for r in merge.relations_to_move() if r.label.startswith("reintegration.")}
    assert ours == set(BUILDERS)


def test_a_merge_moves_each_reintegration_row_and_undo_puts_it_back(trio):  # noqa: F811 - the fixture
    survivor, merged, other = trio
    relations = [r for r in merge.relations_to_move() if r.label in BUILDERS]
    rows = {r.label: (r.field, BUILDERS[r.label](merged, other)) for r in relations}
    for label, (field, row) in rows.items():
        assert _names(row, field) == merged.pk, f"{label}: the builder must name the merged person"
    record = _merge(survivor, merged)
    for label, (field, row) in rows.items():
        assert _names(row, field) == survivor.pk, f"{label} still names the merged record after the merge"
    matching.undo_merge(actor=_act(), merge=record)
    for label, (field, row) in rows.items():
        assert _names(row, field) == merged.pk, f"{label} did not go back to the merged record on undo"
