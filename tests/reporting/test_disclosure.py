"""Disclosure control: examples, and a property-based proof that no
suppressed value can be recomputed from what is published."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhusan.reporting.disclosure import (
    KEY_SPACE,
    Perturbation,
    PublishedTable,
    Table,
    bridges,
    protect,
    rate,
    record_key,
    round_to_base,
)


def table(*lines: tuple[int, ...]) -> Table:
    return Table(
        rows=tuple(f"r{i}" for i in range(len(lines))),
        columns=tuple(f"c{j}" for j in range(len(lines[0]))),
        cells=tuple(tuple(line) for line in lines),
    )


# --- The independent proof -------------------------------------------------
# The implementation reasons with bridges of a graph; the proof below uses
# plain linear algebra on the published table's constraint system.


def constraint_matrix(t: Table) -> tuple[np.ndarray, list[tuple]]:
    """Rows: every additive relation a reader knows; columns: every position."""
    positions = t.positions()
    index = {pos: k for k, pos in enumerate(positions)}
    n_rows, n_cols = len(t.rows), len(t.columns)
    relations = []
    for i in range(n_rows):  # row total = sum of its cells
        line = np.zeros(len(positions))
        line[index[("row", i)]] = -1
        for j in range(n_cols):
            line[index[("cell", i, j)]] = 1
        relations.append(line)
    for j in range(n_cols):  # column total = sum of its cells
        line = np.zeros(len(positions))
        line[index[("col", j)]] = -1
        for i in range(n_rows):
            line[index[("cell", i, j)]] = 1
        relations.append(line)
    for kind, count in (("row", n_rows), ("col", n_cols)):  # grand total = sum of margins
        line = np.zeros(len(positions))
        line[index[("grand",)]] = -1
        for k in range(count):
            line[index[(kind, k)]] = 1
        relations.append(line)
    return np.array(relations), positions


def determined(t: Table, hidden: set) -> set:
    """Hidden positions whose unit vector lies in the row space of the
    constraints restricted to the hidden positions (i.e. recomputable)."""
    matrix, positions = constraint_matrix(t)
    unknown = [k for k, pos in enumerate(positions) if pos in hidden]
    if not unknown:
        return set()
    sub = matrix[:, unknown]
    rank = np.linalg.matrix_rank(sub)
    out = set()
    for local, k in enumerate(unknown):
        unit = np.zeros(len(unknown))
        unit[local] = 1
        if np.linalg.matrix_rank(np.vstack([sub, unit])) == rank:
            out.add(positions[k])
    return out


def integer_null_space(matrix: np.ndarray) -> list[np.ndarray]:
    """An exact basis of the null space, by Gauss-Jordan elimination on fractions."""
    rows = [[Fraction(int(v)) for v in line] for line in matrix]
    n = matrix.shape[1]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        pivot = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                factor = rows[k][c]
                rows[k] = [a - factor * b for a, b in zip(rows[k], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(n) if c not in pivots):
        vector = [Fraction(0)] * n
        vector[free] = Fraction(1)
        for k, c in enumerate(pivots):
            vector[c] = -rows[k][free]
        basis.append(np.array([float(v) for v in vector]))
    return basis


def alternative_table(t: Table, hidden: set, target: tuple) -> dict | None:
    """Values for the hidden positions, consistent with every shown value and
    every relation, non-negative, in which ``target`` differs: a witness that
    the published table cannot tell the true value."""
    matrix, positions = constraint_matrix(t)
    unknown = [k for k, pos in enumerate(positions) if pos in hidden]
    null = integer_null_space(matrix[:, unknown])
    truth = np.array([t.value(positions[k]) for k in unknown], dtype=float)
    where = unknown.index(positions.index(target))
    # Moves along the null space leave every relation and every shown value
    # intact; the matrix is totally unimodular so small integer moves exist.
    for size in range(1, min(len(null), 4) + 1):
        for combo in itertools.combinations(range(len(null)), size):
            for signs in itertools.product((1, -1), repeat=size):
                move = sum(sign * null[k] for sign, k in zip(signs, combo, strict=True))
                if move[where] == 0:
                    continue
                candidate = truth + move
                if (candidate >= 0).all() and np.allclose(candidate, np.round(candidate)):
                    return {positions[k]: int(round(v)) for k, v in zip(unknown, candidate, strict=True)}
    return None


def check_alternative(t: Table, published: PublishedTable, alt: dict, target: tuple) -> None:
    full = {pos: alt.get(pos, t.value(pos)) for pos in t.positions()}
    assert full[target] != t.value(target)
    for pos in t.positions():  # every shown value is unchanged
        if pos not in published.suppressed:
            assert full[pos] == t.value(pos)
    for i in range(len(t.rows)):  # and the alternative is a genuine table
        assert sum(full[("cell", i, j)] for j in range(len(t.columns))) == full[("row", i)]
    for j in range(len(t.columns)):
        assert sum(full[("cell", i, j)] for i in range(len(t.rows))) == full[("col", j)]
    assert sum(full[("row", i)] for i in range(len(t.rows))) == full[("grand",)]
    assert min(full.values()) >= 0


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda n_rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda n_cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 9), st.integers(0, 60)),
                min_size=n_cols,
                max_size=n_cols,
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=tables, threshold=st.sampled_from([3, 5, 10]))
def test_no_suppressed_value_can_be_recomputed_from_what_is_shown(lines, threshold):
    t = table(*[tuple(line) for line in lines])
    published = protect(t, threshold=threshold)
    hidden = set(published.suppressed)

    # Every small non-zero value is hidden.
    for pos in t.positions():
        if 0 < t.value(pos) < threshold:
            assert published.value(pos) is None, pos
        if pos not in hidden:
            assert published.value(pos) == t.value(pos)
    # Linear algebra: no hidden value is fixed by the shown ones.
    assert determined(t, hidden) == set()
    # And for every hidden value, a different, consistent, non-negative table exists.
    for target in hidden:
        alt = alternative_table(t, hidden, target)
        assert alt is not None, f"{target} of {lines} is pinned by non-negativity"
        check_alternative(t, published, alt, target)


@settings(max_examples=200, deadline=None)
@given(lines=tables)
def test_the_graph_rule_agrees_with_linear_algebra_on_any_hidden_set(lines):
    t = table(*[tuple(line) for line in lines])
    # Any hidden set: the small cells, without secondary suppression.
    hidden = {pos for pos in t.positions() if t.value(pos) % 3 == 1}
    assert bridges(hidden) == determined(t, hidden)


# --- Examples ---------------------------------------------------------------


def test_a_single_small_cell_gets_complementary_cells_in_its_row_and_column():
    t = table(
        (3, 20, 30),
        (40, 50, 60),
        (70, 80, 90),
    )
    p = protect(t, threshold=5)
    assert p.cells[0][0] is None
    # The cheapest rectangle: the 20 in its row, the 40 in its column, and the 50 closing it.
    assert p.cells[0][1] is None and p.cells[1][0] is None and p.cells[1][1] is None
    assert p.cells[2] == (70, 80, 90)
    assert p.cells[0][2] == 30 and p.cells[1][2] == 60
    # Totals stay shown: they are large and do not reveal the hidden cells.
    assert p.row_totals == (53, 150, 240)
    assert p.column_totals == (113, 150, 180)
    assert p.grand_total == 443


def test_zero_cells_are_shown_and_not_used_as_complements_when_a_count_will_do():
    t = table((0, 2, 9), (0, 12, 8))
    p = protect(t, threshold=5)
    assert p.cells[0][0] == 0 and p.cells[1][0] == 0
    assert p.cells[0][1] is None
    assert p.cells[0][2] is None and p.cells[1][1] is None and p.cells[1][2] is None


def test_a_small_row_total_is_suppressed_and_protected():
    t = table((1, 2), (30, 40), (50, 60))
    p = protect(t, threshold=5)
    assert p.row_totals[0] is None
    assert determined(t, set(p.suppressed)) == set()


def test_a_small_grand_total_hides_everything_that_would_reveal_it():
    t = table((1, 1), (1, 0))
    p = protect(t, threshold=5)
    assert p.grand_total is None
    assert determined(t, set(p.suppressed)) == set()


def test_a_series_hides_its_small_count_and_the_next_smallest():
    t = Table.series(["identified", "verified", "cleared", "repatriated"], [40, 3, 12, 200])
    p = protect(t)
    assert [line[0] for line in p.cells] == [40, None, None, 200]
    assert p.grand_total == 255


def test_a_table_with_nothing_small_is_published_unchanged():
    t = table((10, 20), (30, 40))
    p = protect(t)
    assert p.suppressed == frozenset()
    assert p.cells == t.cells and p.grand_total == 100


def test_rounding_applies_to_shown_values_only():
    t = table((3, 22, 31), (41, 57, 64), (72, 88, 90))
    p = protect(t, rounding_base=5)
    assert p.cells[0][0] is None
    assert p.cells[2] == (70, 90, 90)
    assert p.grand_total == round_to_base(t.grand_total, 5)


def test_round_to_base_rounds_half_up_and_keeps_zero():
    assert [round_to_base(v, 5) for v in (0, 1, 2, 3, 7, 8, 12, 13)] == [0, 0, 0, 5, 5, 10, 10, 15]


def test_a_rate_is_suppressed_when_its_numerator_or_denominator_is():
    assert rate(None, 100) is None
    assert rate(12, None) is None
    assert rate(3, 0) is None
    assert rate(12, 48) == 25.0


def test_it_refuses_negative_or_fractional_counts():
    with pytest.raises(ValueError, match="non-negative integers"):
        table((1, -2))
    with pytest.raises(ValueError, match="non-negative integers"):
        table((1.5, 2))


def test_it_refuses_a_threshold_below_one():
    with pytest.raises(ValueError, match="at least 1"):
        protect(table((1, 2)), threshold=0)


# --- Cell-key perturbation --------------------------------------------------

PERTURBATION = Perturbation()


def keyed(lines: list[list[int]], seed: int = 0) -> Table:
    """A table built from records with random keys (seeded)."""
    rng = random.Random(seed)
    records = [
        (f"r{i}", f"c{j}", rng.randrange(KEY_SPACE))
        for i, line in enumerate(lines)
        for j, count in enumerate(line)
        for _ in range(count)
    ]
    return Table.from_records([f"r{i}" for i in range(len(lines))], [f"c{j}" for j in range(len(lines[0]))], records)


def test_a_cell_key_is_the_sum_of_its_records_keys_and_a_total_the_sum_of_its_cells():
    t = Table.from_records(["a", "b"], ["x", "y"], [("a", "x", 5), ("a", "y", 7), ("b", "y", KEY_SPACE - 1)])
    assert t.cells == ((1, 1), (0, 1))
    assert t.key(("cell", 0, 0)) == 5 and t.key(("row", 0)) == 12
    assert t.key(("col", 1)) == (7 + KEY_SPACE - 1) % KEY_SPACE
    assert t.key(("grand",)) == (5 + 7 + KEY_SPACE - 1) % KEY_SPACE


def test_a_record_key_is_stable_and_depends_on_the_secret():
    assert record_key(b"secret", "person-1") == record_key(b"secret", "person-1")
    assert record_key(b"secret", "person-1") != record_key(b"other", "person-1")
    assert 0 <= record_key(b"secret", "person-2") < KEY_SPACE


def test_zero_stays_zero_and_a_shown_count_never_falls_below_the_threshold():
    for key in range(0, KEY_SPACE, KEY_SPACE // 97):
        assert PERTURBATION.apply(0, key, 5) == 0
        assert 5 <= PERTURBATION.apply(5, key, 5) <= 7
        assert 38 <= PERTURBATION.apply(40, key, 5) <= 42


def test_the_perturbation_table_reflects_offsets_below_the_threshold():
    assert PERTURBATION.distribution(5, 5) == [(0, 0.4), (1, 0.4), (2, 0.2)]
    assert PERTURBATION.distribution(6, 5) == [(-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.2)]
    assert PERTURBATION.distribution(40, 5) == [(-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1)]
    # Every published value stands for at least two counts: 5 for 5, 6 or 7.
    published_from = {c: {c + o for o, _p in PERTURBATION.distribution(c, 5)} for c in range(5, 60)}
    for value in range(5, 58):
        assert len([c for c, shown in published_from.items() if value in shown]) >= 2


def test_the_offsets_follow_the_distribution_over_uniform_cell_keys():
    rng = random.Random(1)
    offsets = [PERTURBATION.apply(40, rng.randrange(KEY_SPACE), 5) - 40 for _ in range(20000)]
    for offset, p in PERTURBATION.distribution(40, 5):
        assert abs(offsets.count(offset) / len(offsets) - p) < 0.02


def test_a_perturbation_table_must_be_a_distribution_over_offsets_minus_m_to_m():
    with pytest.raises(ValueError, match="odd number"):
        Perturbation((0.5, 0.5))
    with pytest.raises(ValueError, match="add up to 1"):
        Perturbation((0.2, 0.2, 0.2))
    assert Perturbation((1.0,)).noise == 0 and PERTURBATION.noise == 2


def test_perturbation_needs_keyed_records():
    with pytest.raises(ValueError, match="keyed records"):
        protect(table((10, 20)), perturbation=PERTURBATION)


@settings(max_examples=200, deadline=None)
@given(lines=tables, threshold=st.sampled_from([3, 5, 10]), seed=st.integers(0, 1000))
def test_perturbation_keeps_the_suppression_and_moves_shown_counts_by_at_most_the_noise(lines, threshold, seed):
    t = keyed(lines, seed)
    exact = protect(t, threshold=threshold)
    perturbed = protect(t, threshold=threshold, perturbation=PERTURBATION)
    assert perturbed.suppressed == exact.suppressed and perturbed.noise == 2
    for pos in t.positions():
        value, true = perturbed.value(pos), t.value(pos)
        if pos in perturbed.suppressed:
            assert value is None
        elif true == 0:
            assert value == 0
        else:
            assert value is not None and abs(value - true) <= 2 and value >= threshold
    # The same records give the same answer.
    assert protect(keyed(lines, seed), threshold=threshold, perturbation=PERTURBATION) == perturbed


def test_a_total_of_the_same_records_as_its_one_cell_gets_the_same_published_value():
    t = keyed([[0, 40], [0, 9]], seed=3)
    p = protect(t, perturbation=PERTURBATION)
    assert p.cells[0][1] == p.row_totals[0]
    assert p.cells[1][1] == p.row_totals[1]


def test_a_rate_from_perturbed_counts_is_capped_at_one_hundred_percent():
    assert rate(21, 20) == 100.0


# ----------------------------------------------------------------------------
# Rule 6: medians and quartiles


def _records(days: list[int], seed: int = 1) -> list[tuple[float, int]]:
    rng = random.Random(seed)
    from zhusan.reporting.disclosure import KEY_SPACE

    return [(float(d), rng.randrange(KEY_SPACE)) for d in days]


def test_a_median_of_fewer_persons_than_the_order_threshold_is_suppressed():
    from zhusan.reporting.disclosure import OrderRule

    rule = OrderRule(threshold=10)
    assert rule.publish(_records(list(range(9)))).median is None
    assert rule.publish(_records(list(range(10)))).median is not None
    assert rule.publish(_records(list(range(30))), shown=False).quartiles is None


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    days=st.lists(st.integers(min_value=0, max_value=400), min_size=10, max_size=40),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_a_published_median_and_quartiles_are_whole_weeks_in_order_and_within_a_week_of_the_rounded_truth(days, seed):
    from zhusan.reporting.disclosure import OrderRule, exact_order_statistics

    rule = OrderRule()
    records = _records(days, seed)
    published = rule.publish(records)
    assert published == rule.publish(list(reversed(records)))  # the same persons, the same answer
    assert published.median is not None and published.quartiles is not None
    lower, upper = published.quartiles
    assert 0 <= lower <= published.median <= upper
    assert all(v % 7 == 0 for v in (lower, published.median, upper))
    exact = sorted(rule.rounded(x) for x in exact_order_statistics(days))
    for shown, truth in zip((lower, published.median, upper), exact, strict=True):
        assert abs(shown - truth) <= 7 or shown == 0


def test_the_offsets_of_medians_follow_the_perturbation_table():
    from zhusan.reporting.disclosure import KEY_SPACE, OrderRule, exact_order_statistics

    rule = OrderRule(base=1)
    rng = random.Random(7)
    moves = {-1: 0, 0: 0, 1: 0}
    for _ in range(4000):
        records = [(100.0, rng.randrange(KEY_SPACE)) for _ in range(11)]
        published = rule.publish(records)
        assert exact_order_statistics([v for v, _k in records]) == (100.0, 100.0, 100.0)
        assert published.median is not None
        moves[int(published.median) - 100] += 1
    # Three independent draws put in order: the median moves by the middle one of three offsets.
    assert 0.10 < moves[-1] / 4000 < 0.25 and 0.50 < moves[0] / 4000 < 0.75 and 0.10 < moves[1] / 4000 < 0.25
