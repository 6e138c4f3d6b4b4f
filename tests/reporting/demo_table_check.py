"""Proof on the demo: the headline report by operation, computed by the
reporting indicators from the records (not by the demo's own table),
reproduces the public table of Kazakhstan's operations (shared/domain.md
§5), and what is published of it has passed disclosure control.

A demo load takes minutes: ``tests/demo/test_demo_command.py`` loads it
once and runs this check with the other apps' checks."""

from __future__ import annotations

from zhusan.reporting.disclosure import Table
from zhusan.reporting.indicators import compute, count_table

BY = ("operation", "arrival_group")
# The public figures, typed out independently of the demo's plan. Where
# reporting gives only a total (Zhusan-1 and -2, most orphans), the split is
# the demo's own, consistent with the reported sums below.
PUBLIC = {
    "Zhusan-1": {"total": 47, "men": 5, "women": 12, "children": 30, "orphans": 2},
    "Zhusan-2": {"total": 231, "men": 17, "women": 58, "children": 156, "orphans": 18},
    "Zhusan-3": {"total": 246, "men": 8, "women": 67, "children": 171, "orphans": 7},
    "Zhusan-4": {"total": 71, "men": 3, "women": 19, "children": 49, "orphans": 4},
    "Rusafa": {"total": 14, "men": 0, "women": 0, "children": 14, "orphans": 1},
    "Zhusan-5": {"total": 12, "men": 4, "women": 1, "children": 7, "orphans": 2},
}
SUMMARIES = {
    ("Zhusan-1", "Zhusan-2", "Zhusan-3"): {"total": 524, "men": 30, "women": 137, "children": 357, "orphans": 27},
    ("Zhusan-1", "Zhusan-2", "Zhusan-3", "Zhusan-4"): {
        "total": 595, "men": 33, "women": 156, "children": 406, "orphans": 31,
    },
}  # fmt: skip


def raw(table: Table, row: str, column: str) -> int:
    return table.cells[table.rows.index(row)][table.columns.index(column)]


def headline_from_indicators() -> dict[str, dict[str, int]]:
    """Total, men, women, children (returnees by operation and who they were
    on arrival) and orphans (by operation), before disclosure control."""
    returnees = count_table("returnees", by=BY)
    orphans = count_table("orphans", by=("operation",))
    headline = {}
    for operation in PUBLIC:
        row = {group: raw(returnees, operation, group) for group in ("men", "women", "children", "unknown")}
        row["total"] = returnees.row_totals[returnees.rows.index(operation)]
        row["orphans"] = raw(orphans, operation, "count")
        headline[operation] = row
    return headline


def check_the_headline_report_by_operation_reproduces_the_public_table_and_is_published_under_disclosure() -> None:
    # 1. Raw counts from the indicators' own computation reproduce the table.
    headline = headline_from_indicators()
    for operation, figures in PUBLIC.items():
        got = headline[operation]
        assert {key: got[key] for key in figures} == figures, operation
        assert got["unknown"] == 0, operation
    for parts, figures in SUMMARIES.items():
        summed = {key: sum(headline[p][key] for p in parts) for key in figures}
        assert summed == figures, parts
    returnees = count_table("returnees", by=BY)
    # Every returnee of the demo came with one of the six operations; the
    # planned Zhusan-6 has brought nobody yet.
    assert set(returnees.rows) - {"none"} == set(PUBLIC)
    assert returnees.grand_total == 595 + 14 + 12

    # 2. The published table is the same computation after disclosure control:
    # small non-zero cells are hidden, zeros are shown as zeros, and every other
    # figure is the public one perturbed by its cell key, never by more than the
    # published noise and never below the threshold (docs/reporting.md explains
    # why the public figures get no exemption).
    published = compute("returnees", by=BY)
    table = published.table
    assert table.threshold == 5 and table.noise == 2
    assert table.cell("Zhusan-5", "women") is None  # 1 woman
    assert table.cell("Zhusan-5", "men") is None  # 4 men
    assert table.cell("Rusafa", "men") == 0
    assert table.cell("Rusafa", "women") == 0
    for operation, figures in PUBLIC.items():
        shown = {
            "total": table.row_total(operation),
            **{group: table.cell(operation, group) for group in ("men", "women", "children")},
        }
        for key, value in shown.items():
            if value is not None and figures[key]:
                assert abs(value - figures[key]) <= table.noise and value >= table.threshold, (operation, key)
    assert abs(table.cell("Zhusan-2", "children") - 156) <= 2
    assert compute("returnees", by=BY).as_dict() == published.as_dict()  # the same answer every time
    # Secondary suppression: neither a row nor a column holds a single hidden
    # value, which its total would give away.
    k = table.rows.index("Zhusan-5")
    assert [*table.cells[k], table.row_totals[k]].count(None) >= 2
    j = table.columns.index("women")
    assert [*(line[j] for line in table.cells), table.column_totals[j]].count(None) >= 2
    orphans = compute("orphans", by=("operation",))
    assert orphans.table.cell("Rusafa", "count") is None  # 1 orphan
    assert abs(orphans.table.cell("Zhusan-2", "count") - 18) <= 2
    assert orphans.as_dict()["row_labels"]  # the published form carries labels, not raw codes only
