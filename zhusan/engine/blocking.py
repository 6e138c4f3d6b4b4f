"""Candidate generation: only pairs that share a blocking key are compared.

A rule turns a side's columns into a list of keys per record (a record may
carry several keys, e.g. the birth years y-2 … y+2 on the query side). Pairs
are the union over rules of records sharing a key; keys shared by more than
``max_block`` records on the indexed side are skipped (they carry no signal
and cost quadratic time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Columns = dict[str, Sequence[object]]
KeyFn = Callable[[Columns], list[list[str]]]


@dataclass(frozen=True)
class Rule:
    name: str
    query_keys: KeyFn  # the side that is searched for (may expand, e.g. years ± 2)
    index_keys: KeyFn  # the side that is indexed


def column_rule(*names: str, prefix: int | None = None) -> Rule:
    """Exact agreement on the concatenation of columns (optionally a prefix of each)."""

    def keys(cols: Columns) -> list[list[str]]:
        n = len(cols[names[0]])
        out: list[list[str]] = []
        for i in range(n):
            parts: list[str] = []
            for name in names:
                v = cols[name][i]
                if v is None or v != v or str(v).strip() == "":
                    parts = []
                    break
                s = str(v).strip().lower()
                parts.append(s[:prefix] if prefix else s)
            out.append(["\x1f".join(parts)] if parts else [])
        return out

    return Rule("+".join(names) + (f"[:{prefix}]" if prefix else ""), keys, keys)


def _explode(keys: list[list[str]]) -> pd.DataFrame:
    ids = np.repeat(np.arange(len(keys)), [len(k) for k in keys])
    flat = [k for ks in keys for k in ks]
    # Keys are strings even when there are none (an empty column would be
    # float64, and pandas refuses to join float64 to strings).
    return pd.DataFrame({"id": ids, "key": pd.Series(flat, dtype=object)})


# Below this many query records the pairs are found with a dict of the
# query's keys rather than a join of two frames: a person looked up at
# registration has a few records against a thousand, where building and
# merging frames costs more than the work.
FEW = 16


def _pairs_of_few(lkeys: list[list[str]], rkeys: list[list[str]], max_block: int, n_right: int) -> np.ndarray:
    """As a rule's join in :func:`candidate_pairs`, for a query side of few records."""
    wanted: dict[str, list[int]] = {}
    for i, keys in enumerate(lkeys):
        for key in keys:
            wanted.setdefault(key, []).append(i)
    seen: dict[str, list[int]] = {}
    for j, keys in enumerate(rkeys):
        for key in keys:
            if key in wanted:
                seen.setdefault(key, []).append(j)
    codes: list[int] = []
    for key, js in seen.items():
        if len(js) > max_block:  # every occurrence counts toward the block, as value_counts does
            continue
        for i in wanted[key]:
            codes.extend(i * n_right + j for j in js)
    return np.asarray(codes, np.int64)


def candidate_pairs(
    left: Columns, right: Columns, rules: Sequence[Rule], *, max_block: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left index, right index) pairs sharing a key under any rule."""
    found = []
    n_right = len(next(iter(right.values())))
    n_left = len(next(iter(left.values())))
    for rule in rules:
        if n_left <= FEW:
            found.append(_pairs_of_few(rule.query_keys(left), rule.index_keys(right), max_block, n_right))
            continue
        lk = _explode(rule.query_keys(left))
        rk = _explode(rule.index_keys(right))
        sizes = rk["key"].value_counts()
        rk = rk[rk["key"].isin(sizes.index[sizes <= max_block])]
        merged = lk.merge(rk, on="key", suffixes=("_l", "_r"))
        found.append(merged["id_l"].to_numpy(np.int64) * n_right + merged["id_r"].to_numpy(np.int64))
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    uniq = np.unique(np.concatenate(found))
    return uniq // n_right, uniq % n_right
