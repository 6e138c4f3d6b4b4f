"""One list deduplicated: the same person listed twice in one file.

    result = dedupe_records(records, threshold=0.5)
    for member in result.members:
        member.cluster, member.row, member.probability, member.evidence

The list is linked against itself by the engine that links two lists
(:class:`~.link.SelfLinker`: the same person fields, blocking rules,
comparator and Fellegi–Sunter model, trained on the list alone, without
labels), every pair of distinct rows compared once and self-pairs skipped.

Clusters are the connected components of the pairs whose probability reaches
the threshold. Connected components chain (A–B and B–C put A and C together
even if A–C is weak); that is what a camp list needs when one person is
listed three times with three spellings, and each member's row in the output
says which member it was linked to and with what evidence, so a reviewer sees
the chain. On FEBRL3 the components lost no precision against the pairs
(docs/benchmarks.md, FEBRL3).

:func:`result_rows` gives the output table (header first), the same for the
command and the UI, which write it with the formula-safe writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .dates import gettext_noop
from .link import SelfLinker
from .model import Evidence
from .persons import PERSON_FIELDS, PERSON_RULES, person_columns

Records = Sequence[Mapping[str, object]]
#: ``progress(percent, message)``
ProgressCallback = Callable[[int, str], None]

#: Person columns shown beside each member in the output.
SHOWN = ("given", "family", "father", "birth", "sex")


@dataclass(frozen=True)
class Member:
    """One row of the list in a cluster of two or more: the pair that put it
    there (its most probable pair within the cluster) and its evidence."""

    cluster: int  # 1, 2, … in the order of the clusters' first rows
    row: int  # 0-based record index
    partner: int  # the record it is most probably the same person as
    probability: float
    weight: float
    evidence: list[Evidence]


@dataclass
class DedupeResult:
    members: list[Member] = field(default_factory=list)
    clusters: int = 0
    pairs: int = 0  # pairs at or above the threshold
    candidates: int = 0  # pairs compared, each once
    records: int = 0


#: The blocking rules of linkage serve one list as well: among them the
#: full date of birth, the start of the address and the two names swapped,
#: which find a person listed twice under a changed name or in the other order.
DEDUPE_RULES = list(PERSON_RULES)


def _untranslated(message: str) -> str:
    return message


def _no_progress(percent: int, message: str) -> None:
    return None


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by the edges ``a[k]``–``b[k]``:
    the smallest node of each node's component."""
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return np.fromiter((find(x) for x in range(n)), np.int64, n)


def dedupe_records(
    records: Records,
    *,
    threshold: float = 0.5,
    progress: ProgressCallback = _no_progress,
    translate: Callable[[str], str] = _untranslated,
) -> DedupeResult:
    """Clusters of rows of ``records`` that are the same person: connected
    components of the pairs whose probability reaches ``threshold``. Only
    clusters of two or more rows are returned; members in row order within
    their cluster, clusters in the order of their first row. Progress goes to
    ``progress`` (0–100), its messages through ``translate``."""
    n = len(records)
    if n < 2:
        return DedupeResult(records=n)
    progress(5, translate(gettext_noop("Reading names and dates")))
    columns = person_columns(records)
    progress(15, translate(gettext_noop("Training the model and scoring pairs")))
    linker = SelfLinker(PERSON_FIELDS, DEDUPE_RULES)
    res = linker.dedupe(columns, threshold=threshold)
    progress(80, translate(gettext_noop("Forming clusters")))
    root = components(n, res.left, res.right)
    best: dict[int, int] = {}  # row -> index of its most probable pair
    for k in np.argsort(-res.probability, kind="stable").tolist():
        for row in (int(res.left[k]), int(res.right[k])):
            best.setdefault(row, k)
    weights = linker.model.weights(res.gammas) if len(res) else np.empty((0, len(PERSON_FIELDS)))
    numbers: dict[int, int] = {}
    for row in sorted(best):
        numbers.setdefault(int(root[row]), len(numbers) + 1)
    members = []
    for row in sorted(best, key=lambda r: (numbers[int(root[r])], r)):
        k = best[row]
        a, b = int(res.left[k]), int(res.right[k])
        members.append(
            Member(
                cluster=numbers[int(root[row])],
                row=row,
                partner=b if a == row else a,
                probability=float(res.probability[k]),
                weight=float(res.weight[k]),
                evidence=linker.model.evidence(res.gammas[k], weights[k]),
            )
        )
    progress(100, translate(gettext_noop("Clusters formed")))
    return DedupeResult(members, len(numbers), len(res), res.n_candidates, n)


def result_rows(
    records: Records, result: DedupeResult, *, translate: Callable[[str], str] = _untranslated
) -> Iterator[Sequence[object]]:
    """The output table, header first: one row per member, ``row`` and
    ``linked_to_row`` numbered as in the file (the header is row 1)."""
    columns = person_columns(records)
    labels = [f.label or f.name for f in PERSON_FIELDS]
    yield (
        ["cluster_id", "row", "id", "match_probability", "match_weight", "linked_to_row", "linked_to_id"]
        + list(SHOWN)
        + [f"evidence: {label}" for label in labels]
    )
    for m in result.members:
        yield (
            [m.cluster, m.row + 2, _text(records[m.row].get("id")), round(m.probability, 4), round(m.weight, 2)]
            + [m.partner + 2, _text(records[m.partner].get("id"))]
            + [_text(columns[c][m.row]) for c in SHOWN]
            + [f"{translate(e.level)} ({e.weight:+.2f})" for e in m.evidence]
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def duplicate_of(result: DedupeResult) -> dict[int, int]:
    """Each member but the first of its cluster → the first row of its
    cluster (0-based): how an import flags the rows of a manifest that
    repeat an earlier one."""
    first: dict[int, int] = {}
    out: dict[int, int] = {}
    for m in result.members:
        if m.cluster in first:
            out[m.row] = first[m.cluster]
        else:
            first[m.cluster] = m.row
    return out
