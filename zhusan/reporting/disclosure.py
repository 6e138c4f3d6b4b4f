"""Statistical disclosure control for published tables.

Pure Python, no Django: every published figure passes through ``protect``.

The rules (``docs/reporting.md``):

1. Primary suppression: a non-zero count below the threshold is hidden, in
   the body of the table and in its margins (row, column and grand totals).
2. Secondary suppression: no hidden value may be recomputable from what is
   shown. A table with its margins is a network: one node per row, one per
   column, one for the sum of the row totals and one for the sum of the
   column totals; each cell is an edge row → column, each row total an edge
   into its row, each column total an edge out of its column, the grand total
   the edge closing the circuit. Every node conserves flow (a total is the
   sum of its cells). Known values move to the right-hand side, so a hidden
   value is determined exactly when its edge is a *bridge* of the graph of
   hidden edges (the row space of an incidence matrix is its cut space, and a
   unit vector lies in the cut space iff its edge is on no cycle). A row or
   column with a single hidden cell is the simplest bridge; two hidden
   cycles joined by one hidden cell are a subtler one, caught here too.
   For each bridge we hide the cheapest path of shown values that closes a
   cycle through it (cost = the value hidden, so the smallest complementary
   cells win; zeros only as a last resort), and repeat until no hidden edge
   is a bridge. Adding edges never turns a non-bridge into a bridge, so each
   round removes at least one bridge and the loop ends.
3. Rates are hidden when their numerator or denominator is.
4. Perturbation by the cell-key method (as the Australian Bureau of
   Statistics does in TableBuilder): every statistical record carries a
   stable random *record key* (an HMAC of the person's identifier with a
   secret, never published); the key of a cell, or of a total, is the sum of
   the keys of the records it counts, modulo ``KEY_SPACE``; a ``Perturbation``
   table maps (count, cell key) to the published count. The same persons
   always give the same key, so the same question always gets the same
   answer, while two overlapping questions (the period to one day and to the
   next) differ by noise as well as by the persons added: subtracting them
   no longer tells how many there were, nor where they went. Zero stays
   zero; a shown count is never pushed below the threshold; small counts are
   still suppressed (rules 1 and 2 hold on the true counts, before
   perturbation). Totals are perturbed with their own key, so published
   margins need not add up.
5. Optional rounding of shown values to a base (5): applied last, to shown
   values only.
6. Order statistics (medians and quartiles of durations), ``OrderRule``: a
   median moves when one person joins its group, and by how much tells that
   person's value (with five values the quartiles *are* the 2nd and 4th).
   So an order statistic is published only over at least ``threshold``
   contributors (default 10, never below the count threshold), rounded to a
   coarse base (7 days: whole weeks) and moved by a whole number of bases
   picked by a key derived from the cell key of its contributors (one key
   per statistic), so the same persons always give the same value and the
   difference between two overlapping groups carries noise.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_THRESHOLD = 5
# Record and cell keys are integers in [0, KEY_SPACE): a cell key divided by it is uniform on [0, 1).
KEY_SPACE = 2**32
# Probabilities of the offsets -2, -1, 0, +1, +2 to a published count (docs/reporting.md).
DEFAULT_NOISE = (0.1, 0.2, 0.4, 0.2, 0.1)

# A position in a table: ("cell", i, j), ("row", i), ("col", j) or ("grand",).
Position = tuple[Literal["cell"], int, int] | tuple[Literal["row", "col"], int] | tuple[Literal["grand"]]


@dataclass(frozen=True)
class Table:
    """A two-way table of counts; margins are computed, never typed in."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    title: str = ""
    # The cell key of every cell (the sum of its records' keys), when the table
    # was built from keyed records; totals' keys are sums of these.
    keys: tuple[tuple[int, ...], ...] | None = None

    def __post_init__(self) -> None:
        if self.keys is not None and [len(line) for line in self.keys] != [len(line) for line in self.cells]:
            raise ValueError("a keyed table needs one key per cell")
        if len(self.cells) != len(self.rows):
            raise ValueError("a table needs one line of cells per row label")
        for line in self.cells:
            if len(line) != len(self.columns):
                raise ValueError("a table needs one cell per column label in every row")
            for value in line:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"counts must be non-negative integers, not {value!r}")

    @classmethod
    def from_counts(
        cls,
        rows: Sequence[str],
        columns: Sequence[str],
        counts: Mapping[tuple[str, str], int],
        *,
        title: str = "",
    ) -> Table:
        return cls(
            rows=tuple(rows),
            columns=tuple(columns),
            cells=tuple(tuple(int(counts.get((r, c), 0)) for c in columns) for r in rows),
            title=title,
        )

    @classmethod
    def from_records(
        cls,
        rows: Sequence[str],
        columns: Sequence[str],
        records: Iterable[tuple[str, str, int]],
        *,
        title: str = "",
    ) -> Table:
        """Counts and cell keys of contributing records (row, column, record key).

        A record whose row or column is not among the categories is left out."""
        row_index = {code: i for i, code in enumerate(rows)}
        column_index = {code: j for j, code in enumerate(columns)}
        counts = [[0] * len(columns) for _row in rows]
        keys = [[0] * len(columns) for _row in rows]
        for row, column, key in records:
            i, j = row_index.get(row), column_index.get(column)
            if i is None or j is None:
                continue
            counts[i][j] += 1
            keys[i][j] = (keys[i][j] + key) % KEY_SPACE
        return cls(
            rows=tuple(rows),
            columns=tuple(columns),
            cells=tuple(tuple(line) for line in counts),
            title=title,
            keys=tuple(tuple(line) for line in keys),
        )

    @classmethod
    def series(cls, labels: Sequence[str], values: Sequence[int], *, column: str = "count", title: str = "") -> Table:
        """A one-column table (one count per label)."""
        return cls(rows=tuple(labels), columns=(column,), cells=tuple((int(v),) for v in values), title=title)

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(line) for line in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(line[j] for line in self.cells) for j in range(len(self.columns)))

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)

    def value(self, pos: Position) -> int:
        if pos[0] == "cell":
            return self.cells[pos[1]][pos[2]]
        if pos[0] == "row":
            return self.row_totals[pos[1]]
        if pos[0] == "col":
            return self.column_totals[pos[1]]
        return self.grand_total

    def key(self, pos: Position) -> int:
        """The cell key of a position: the sum of the keys of the records it counts."""
        if self.keys is None:
            raise ValueError("this table was not built from keyed records")
        keys = self.keys
        if pos[0] == "cell":
            return keys[pos[1]][pos[2]]
        if pos[0] == "row":
            return sum(keys[pos[1]]) % KEY_SPACE
        if pos[0] == "col":
            return sum(line[pos[1]] for line in keys) % KEY_SPACE
        return sum(sum(line) for line in keys) % KEY_SPACE

    def positions(self) -> list[Position]:
        out: list[Position] = [("cell", i, j) for i in range(len(self.rows)) for j in range(len(self.columns))]
        out += [("row", i) for i in range(len(self.rows))]
        out += [("col", j) for j in range(len(self.columns))]
        out.append(("grand",))
        return out


@dataclass(frozen=True)
class PublishedTable:
    """What may be shown: ``None`` wherever a value is suppressed."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    threshold: int
    rounding_base: int | None = None
    title: str = ""
    suppressed: frozenset[Position] = field(default_factory=frozenset)
    # How far a shown count may be from the true one (0: exact).
    noise: int = 0

    def value(self, pos: Position) -> int | None:
        if pos[0] == "cell":
            return self.cells[pos[1]][pos[2]]
        if pos[0] == "row":
            return self.row_totals[pos[1]]
        if pos[0] == "col":
            return self.column_totals[pos[1]]
        return self.grand_total

    def cell(self, row: str, column: str) -> int | None:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def row_total(self, row: str) -> int | None:
        return self.row_totals[self.rows.index(row)]

    @property
    def any_suppressed(self) -> bool:
        return bool(self.suppressed)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (no hint of which suppressions were primary)."""
        return {
            "title": self.title,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "cells": [list(line) for line in self.cells],
            "row_totals": list(self.row_totals),
            "column_totals": list(self.column_totals),
            "grand_total": self.grand_total,
            "threshold": self.threshold,
            "rounding_base": self.rounding_base,
            "noise": self.noise,
        }


# ----------------------------------------------------------------------------
# The network view of a table


def _endpoints(pos: Position) -> tuple[str, str]:
    if pos[0] == "cell":
        return f"r{pos[1]}", f"c{pos[2]}"
    if pos[0] == "row":
        return "GR", f"r{pos[1]}"
    if pos[0] == "col":
        return f"c{pos[1]}", "GC"
    return "GC", "GR"


def bridges(hidden: Iterable[Position]) -> set[Position]:
    """Hidden positions whose value follows from the shown ones (bridges)."""
    edges = list(hidden)
    adjacency: dict[str, list[tuple[str, int]]] = {}
    for index, pos in enumerate(edges):
        a, b = _endpoints(pos)
        adjacency.setdefault(a, []).append((b, index))
        adjacency.setdefault(b, []).append((a, index))
    found: set[Position] = set()
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    counter = 0
    for start in adjacency:
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        # Iterative DFS (Tarjan's bridge finding); edge indices handle parallel edges.
        stack: list[tuple[str, int, int]] = [(start, -1, 0)]
        while stack:
            node, via, next_i = stack[-1]
            neighbours = adjacency[node]
            if next_i < len(neighbours):
                stack[-1] = (node, via, next_i + 1)
                other, edge = neighbours[next_i]
                if edge == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(edges[via])
    return found


_ZERO_COST = 10**9  # hide a zero only when nothing else closes the cycle
_TOTAL_BIAS = 0.5  # between a cell and a margin of the same value, hide the cell


def _cost(table: Table, pos: Position) -> float:
    value = table.value(pos)
    if value == 0:
        return _ZERO_COST
    return value + (_TOTAL_BIAS if pos[0] != "cell" else 0)


def _cheapest_cycle(table: Table, hidden: set[Position], bridge: Position) -> list[Position]:
    """Shown positions to hide so that ``bridge`` lies on a cycle of hidden edges."""
    source, target = _endpoints(bridge)
    adjacency: dict[str, list[tuple[str, Position]]] = {}
    for pos in table.positions():
        if pos == bridge:
            continue
        a, b = _endpoints(pos)
        adjacency.setdefault(a, []).append((b, pos))
        adjacency.setdefault(b, []).append((a, pos))
    best: dict[str, float] = {source: 0}
    came: dict[str, tuple[str, Position]] = {}
    queue: list[tuple[float, int, str]] = [(0, 0, source)]
    tie = 0
    while queue:
        dist, _, node = heapq.heappop(queue)
        if node == target:
            break
        if dist > best.get(node, float("inf")):
            continue
        for other, pos in adjacency.get(node, []):
            step = 0 if pos in hidden else _cost(table, pos)
            if dist + step < best.get(other, float("inf")):
                best[other] = dist + step
                came[other] = (node, pos)
                tie += 1
                heapq.heappush(queue, (dist + step, tie, other))
    path: list[Position] = []
    node = target
    while node != source:
        node, pos = came[node]
        if pos not in hidden:
            path.append(pos)
    return path


def suppression_pattern(table: Table, threshold: int = DEFAULT_THRESHOLD) -> set[Position]:
    """Every position to hide: primary (small non-zero) and secondary."""
    if threshold < 1:
        raise ValueError("the disclosure threshold must be at least 1")
    hidden = {pos for pos in table.positions() if 0 < table.value(pos) < threshold}
    while True:
        open_bridges = bridges(hidden)
        if not open_bridges:
            return hidden
        bridge = min(open_bridges, key=lambda pos: (table.value(pos), pos))
        hidden.update(_cheapest_cycle(table, hidden, bridge))


# ----------------------------------------------------------------------------
# Cell-key perturbation


def record_key(secret: bytes, identifier: str) -> int:
    """A record's stable random key: the same person always gets the same one,
    and nobody without the secret can tell which key is whose."""
    digest = hmac.new(secret, identifier.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") % KEY_SPACE


@dataclass(frozen=True)
class Perturbation:
    """The perturbation table: the probability of each offset -m … +m.

    For a count ``c`` and a cell key ``k``, the offset is read from the
    cumulative distribution at ``k / KEY_SPACE``. Zero is never perturbed. An
    offset that would bring a count below the threshold is reflected (-2
    becomes +2), so a shown count stays at or above the threshold and every
    published value stands for at least two possible counts."""

    probabilities: tuple[float, ...] = DEFAULT_NOISE

    def __post_init__(self) -> None:
        if len(self.probabilities) % 2 != 1:
            raise ValueError("a perturbation table needs an odd number of probabilities (offsets -m to +m)")
        if any(p < 0 for p in self.probabilities) or abs(sum(self.probabilities) - 1) > 1e-9:
            raise ValueError("the probabilities of a perturbation table must be non-negative and add up to 1")

    @property
    def noise(self) -> int:
        """The largest offset: how far a published count may be from the true one."""
        m = len(self.probabilities) // 2
        return max((abs(k - m) for k, p in enumerate(self.probabilities) if p > 0), default=0)

    def distribution(self, count: int, threshold: int) -> list[tuple[int, float]]:
        """The offsets a count may get, with their probabilities."""
        if count == 0:
            return [(0, 1.0)]
        floor = max(threshold, 1)
        m = len(self.probabilities) // 2
        mass: dict[int, float] = {}
        for k, p in enumerate(self.probabilities):
            offset = k - m
            if count + offset < floor:
                offset = -offset
            mass[offset] = mass.get(offset, 0.0) + p
        return sorted((offset, p) for offset, p in mass.items() if p > 0)

    def offset(self, key: int) -> int:
        """The offset the table gives a key, with no floor (for values that are not counts)."""
        point = key / KEY_SPACE
        m = len(self.probabilities) // 2
        cumulative = 0.0
        last = 0
        for k, p in enumerate(self.probabilities):
            if p <= 0:
                continue
            cumulative += p
            last = k - m
            if point < cumulative:
                return last
        return last

    def apply(self, count: int, cell_key: int, threshold: int) -> int:
        """The published count for a true count and its cell key."""
        point = cell_key / KEY_SPACE
        cumulative = 0.0
        distribution = self.distribution(count, threshold)
        for offset, p in distribution:
            cumulative += p
            if point < cumulative:
                return count + offset
        return count + distribution[-1][0]


def round_to_base(value: int, base: int) -> int:
    """Round half up to a multiple of ``base``; zero stays zero."""
    if value == 0:
        return 0
    return ((value + base // 2) // base) * base


def protect(
    table: Table,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding_base: int | None = None,
    perturbation: Perturbation | None = None,
) -> PublishedTable:
    """The publishable version of ``table``: suppressed, then perturbed, then rounded.

    Suppression is decided on the true counts; perturbation needs a table built
    from keyed records (``Table.from_records``)."""
    if perturbation is not None and table.keys is None:
        raise ValueError("perturbation needs a table built from keyed records")
    hidden = suppression_pattern(table, threshold)

    def shown(pos: Position) -> int | None:
        if pos in hidden:
            return None
        value = table.value(pos)
        if perturbation is not None:
            value = perturbation.apply(value, table.key(pos), threshold)
        return round_to_base(value, rounding_base) if rounding_base else value

    n_rows, n_cols = len(table.rows), len(table.columns)
    return PublishedTable(
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(shown(("cell", i, j)) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(shown(("row", i)) for i in range(n_rows)),
        column_totals=tuple(shown(("col", j)) for j in range(n_cols)),
        grand_total=shown(("grand",)),
        threshold=threshold,
        rounding_base=rounding_base,
        title=table.title,
        suppressed=frozenset(hidden),
        noise=perturbation.noise if perturbation is not None else 0,
    )


# ----------------------------------------------------------------------------
# Order statistics: medians and quartiles

DEFAULT_ORDER_THRESHOLD = 10
# Days: published medians and quartiles are whole weeks.
DEFAULT_ORDER_BASE = 7
# Probabilities of moving a rounded median or quartile by -1, 0, +1 bases.
DEFAULT_ORDER_NOISE = (0.25, 0.5, 0.25)
ORDER_STATISTICS = ("q1", "median", "q3")


def statistic_key(cell_key: int, statistic: str) -> int:
    """A key for one statistic of a group, derived from the group's cell key.

    The cell key is secret (a sum of HMACs); hashing it with the statistic's
    name gives the median and each quartile offsets of their own, so the
    distance between two of them is not published exactly either."""
    digest = hashlib.sha256(f"zhusan order statistic {statistic} {cell_key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % KEY_SPACE


def exact_order_statistics(values: Sequence[float]) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile (inclusive method; one value is all three)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0]), float(ordered[0]), float(ordered[0])
    lower, median, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return float(lower), float(statistics.median(ordered)), float(upper)


@dataclass(frozen=True)
class PublishedSpread:
    """A published median with its quartiles (``None``: suppressed)."""

    median: float | None
    quartiles: tuple[float, float] | None


@dataclass(frozen=True)
class OrderRule:
    """How a median and its quartiles are published (rule 6).

    ``publish`` takes the contributors' (value, record key) pairs. Fewer than
    ``threshold`` contributors, or a group whose count is suppressed: nothing.
    Otherwise each statistic is rounded half up to a multiple of ``base`` and
    moved by ``base`` × an offset of ``perturbation`` picked by the statistic's
    key (``statistic_key`` of the sum of the record keys), never below zero;
    the three are then put in order (lower quartile ≤ median ≤ upper)."""

    threshold: int = DEFAULT_ORDER_THRESHOLD
    base: int = DEFAULT_ORDER_BASE
    perturbation: Perturbation = field(default_factory=lambda: Perturbation(DEFAULT_ORDER_NOISE))

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("the threshold of order statistics must be at least 1")
        if self.base < 1:
            raise ValueError("the rounding base of order statistics must be at least 1")

    @property
    def noise(self) -> int:
        """How far a published median or quartile may be from the rounded true one."""
        return self.base * self.perturbation.noise

    def rounded(self, value: float) -> float:
        """Half up to a multiple of the base; a base of 1 leaves the value as it is (verification)."""
        if self.base == 1:
            return float(value)
        return float(int((value + self.base / 2) // self.base) * self.base)

    def publish(self, records: Sequence[tuple[float, int]], *, shown: bool = True) -> PublishedSpread:
        if not shown or len(records) < self.threshold:
            return PublishedSpread(None, None)
        cell_key = sum(key for _value, key in records) % KEY_SPACE
        exact = exact_order_statistics([value for value, _key in records])
        lower, median, upper = sorted(
            float(max(0, self.rounded(value) + self.base * self.perturbation.offset(statistic_key(cell_key, name))))
            for value, name in zip(exact, ORDER_STATISTICS, strict=True)
        )
        return PublishedSpread(median, (lower, upper))


def rate(numerator: int | None, denominator: int | None, *, per: int = 100, digits: int = 1) -> float | None:
    """A rate that is hidden when either of its counts is (or the base is zero).

    Perturbed counts are perturbed apart, so a numerator may come out above its
    denominator: the rate is capped at ``per``."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(min(per, per * numerator / denominator), digits)


def order_rule_text(rule: OrderRule) -> str:
    """Rule 6 in plain words (English source for translation)."""
    text = f"Medians and quartiles are published only for groups of at least {rule.threshold} persons"
    if rule.base > 1:
        text += f", rounded to a multiple of {rule.base} days"
    if rule.noise:
        text += f" and moved by up to {rule.noise} days, the same way every time for the same persons"
    return text + "."


def rule_text(threshold: int, rounding_base: int | None = None, noise: int = 0, order: OrderRule | None = None) -> str:
    """The rule in plain words, printed on every page and export (English source for translation)."""
    text = (
        f"Counts from 1 to {threshold - 1} are suppressed, together with the other figures needed "
        "so that no suppressed count can be recomputed from the totals; rates based on a suppressed "
        "count are suppressed too."
    )
    if noise:
        text += (
            f" Other counts may differ from the true count by up to {noise}, the same way every time for "
            "the same persons, so that comparing overlapping figures reveals no small count; zeros are exact."
        )
    if rounding_base:
        text += f" Shown counts are rounded to the nearest multiple of {rounding_base}."
    if order is not None:
        text += " " + order_rule_text(order)
    return text
