"""Candidate pairs joined in DuckDB: the twin of :func:`~.blocking.candidate_pairs`.

    il, ir = duckdb_candidate_pairs(left, right, rules, max_block=2000)
    Linker(fields, rules, candidates=duckdb_candidate_pairs)

The keys are the rules' own (``rule.query_keys`` on the left,
``rule.index_keys`` on the right, computed in Python as for the pandas
merges); DuckDB does the joins: keys carried by more than ``max_block`` right
rows dropped, every rule's pairs joined on (rule, key), each pair once,
sorted by left row then right row. The same pairs as
:func:`~.blocking.candidate_pairs`, whose pandas merges are the memory peak
of a large linkage; DuckDB spills its joins to a temporary directory (removed
after) instead of holding them in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .blocking import Columns, Rule

#: DuckDB's memory before it spills to disk; the rest of the linkage (the
#: comparison of the pairs, the model) lives beside it in the same process.
MEMORY_LIMIT = "2GB"


def _keys(per_rule: Sequence[list[list[str]]]) -> pd.DataFrame:
    """One row per (rule, row, key)."""
    rules: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    keys: list[str] = []
    for r, per_row in enumerate(per_rule):
        counts = np.fromiter((len(k) for k in per_row), np.int64, len(per_row))
        rules.append(np.full(int(counts.sum()), r, np.int16))
        ids.append(np.repeat(np.arange(len(per_row), dtype=np.int64), counts))
        keys.extend(k for ks in per_row for k in ks)
    return pd.DataFrame(
        {
            "rule": np.concatenate(rules) if rules else np.empty(0, np.int16),
            "id": np.concatenate(ids) if ids else np.empty(0, np.int64),
            "key": pd.Series(keys, dtype=object),
        }
    )


#: Constant SQL: the tables are registered frames, max_block a bound parameter.
_PAIRS = """
    WITH small AS (
        SELECT rule, key FROM rk GROUP BY rule, key HAVING count(*) <= $max_block
    )
    SELECT DISTINCT lk.id AS il, rk.id AS ir
    FROM lk
    JOIN small ON lk.rule = small.rule AND lk.key = small.key
    JOIN rk ON rk.rule = small.rule AND rk.key = small.key
    ORDER BY il, ir
"""


def duckdb_candidate_pairs(
    left: Columns, right: Columns, rules: Sequence[Rule], *, max_block: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left index, right index) pairs sharing a key under any rule,
    joined in DuckDB; the same pairs, in the same order, as
    :func:`~.blocking.candidate_pairs`."""
    import duckdb

    lk = _keys([rule.query_keys(left) for rule in rules])
    rk = _keys([rule.index_keys(right) for rule in rules])
    if not len(lk) or not len(rk):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    with tempfile.TemporaryDirectory(prefix="zhusan-duckdb-") as scratch, duckdb.connect() as con:
        con.execute(f"SET temp_directory = '{scratch}'")
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = false")
        con.register("lk", lk)
        con.register("rk", rk)
        out = con.execute(_PAIRS, {"max_block": max_block}).fetchnumpy()
    return np.asarray(out["il"], np.int64), np.asarray(out["ir"], np.int64)
