"""An in-memory inverted index over a registry, for one-record queries.

    index = RegistryIndex(person_columns(registry_records))
    index.fit(person_columns(sample_of_incoming_records))  # once; optional
    for hit in index.query({"given": "Aisha", "family": "Ivanova", "birth": "1990"}):
        hit.row, hit.probability, hit.evidence
    best = index.link(person_columns(incoming_records))  # a batch: best row each

The registry is encoded once into the comparator's vocabularies (the same
columns and levels as batch linkage, :mod:`zhusan.engine.link`), and each
blocking rule's keys (name-family id or phonetic key × birth year, surname
key × birth year, given × surname, kunya child × surname) become posting
lists: one sorted array of row numbers and one array of offsets, with a dict
from key to its slot. A query computes its keys (birth year ± 2 on its side),
takes the union of their postings, compares only those rows and scores them
with the Fellegi–Sunter model, whose parameters are estimated once
(:meth:`RegistryIndex.fit`) and reused for every query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .blocking import Columns, Rule
from .model import Comparator, Encoded, Evidence, FellegiSunter, Field, random_pairs
from .persons import PERSON_FIELDS, PERSON_RULES, person_columns

_SEP = "\x1e"


@dataclass
class BatchLinks:
    """The best registry row of each incoming row that has one above the threshold."""

    left: np.ndarray  # incoming row
    right: np.ndarray  # registry row
    probability: np.ndarray  # share: P(this is the one) among the row's candidates
    weight: np.ndarray
    gammas: np.ndarray
    n_candidates: int

    def __len__(self) -> int:
        return len(self.left)


@dataclass
class Hit:
    """One registry row proposed for a query, with what each field found."""

    row: int
    probability: float  # P(same person) for this pair alone
    share: float  # P(this is the one) when the query is at most one of its candidates
    weight: float
    evidence: list[Evidence]


class RegistryIndex:
    """Blocking postings and encoded columns of a registry, and a fitted model."""

    def __init__(
        self,
        columns: Columns,
        *,
        fields: Sequence[Field] = PERSON_FIELDS,
        rules: Sequence[Rule] = PERSON_RULES,
        max_block: int = 5000,
        n_random: int = 100_000,
    ) -> None:
        self.fields = list(fields)
        self.rules = list(rules)
        self.max_block = max_block
        self.n_random = n_random
        self.comparator = Comparator(self.fields)
        self.registry: Encoded = self.comparator.encode(columns)
        self.n = self.registry.n
        self._build_postings(columns)
        self.model = FellegiSunter(self.fields)
        self._set_term_frequencies()
        # Until fit() sees incoming records, u comes from pairs of registry rows.
        if self.n > 1:
            a, b = random_pairs(self.n, self.n, n_random, seed=1)
            keep = a != b
            self.model.estimate_u(self.comparator.compare(self.registry, self.registry, a[keep], b[keep]))
        self.fitted = False

    # -- building ------------------------------------------------------------
    def _build_postings(self, columns: Columns) -> None:
        keys: list[str] = []
        rows: list[np.ndarray] = []
        for r, rule in enumerate(self.rules):
            per_row = rule.index_keys(columns)
            counts = np.fromiter((len(k) for k in per_row), np.int64, len(per_row))
            rows.append(np.repeat(np.arange(len(per_row), dtype=np.int32), counts))
            prefix = f"{r}{_SEP}"
            keys.extend(prefix + k for ks in per_row for k in ks)
        codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
        del keys
        all_rows = np.concatenate(rows) if rows else np.empty(0, np.int32)
        order = np.argsort(codes, kind="stable")
        self._rows = all_rows[order]
        self._offsets = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))]).astype(np.int64)
        self._slot = {str(k): i for i, k in enumerate(uniques)}

    def _set_term_frequencies(self) -> None:
        for f in self.fields:
            if f.tf:
                self.model.set_term_frequencies(f.name, self.comparator.vocabs[f.name].frequencies())

    def nbytes(self) -> int:
        """Memory held by the index's arrays (not the Python dicts)."""
        total = self._rows.nbytes + self._offsets.nbytes
        total += sum(a.nbytes for a in self.registry.codes.values())
        for d in self.registry.dates.values():
            total += sum(getattr(d, k).nbytes for k in ("lo", "hi", "year", "month", "day", "is_age", "present"))
        return int(total)

    # -- candidates ------------------------------------------------------------
    def _postings(self, rule_keys: list[list[list[str]]], i: int) -> np.ndarray:
        parts = []
        for r, per_row in enumerate(rule_keys):
            for key in per_row[i]:
                slot = self._slot.get(f"{r}{_SEP}{key}")
                if slot is None:
                    continue
                a, b = self._offsets[slot], self._offsets[slot + 1]
                if b - a <= self.max_block:
                    parts.append(self._rows[a:b])
        if not parts:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate(parts)).astype(np.int64)

    def candidates(self, columns: Columns) -> tuple[np.ndarray, np.ndarray]:
        """(query row, registry row) pairs sharing a blocking key."""
        rule_keys = [rule.query_keys(columns) for rule in self.rules]
        n = len(next(iter(columns.values())))
        found = [self._postings(rule_keys, i) for i in range(n)]
        sizes = [len(f) for f in found]
        left = np.repeat(np.arange(n, dtype=np.int64), sizes)
        right = np.concatenate(found) if found else np.empty(0, np.int64)
        return left, right

    # -- fitting ---------------------------------------------------------------
    def fit(self, sample: Columns, *, max_iter: int = 40, max_sample: int | None = None) -> None:
        """Estimate the model from a sample of incoming records, without labels:
        u from random (sample, registry) pairs, m and the prior by EM on the
        sample's candidates. Done once; every query reuses the parameters.
        With ``max_sample``, a seeded random subset of that many rows is used
        (a batch's first thousands of records teach the model as well as all)."""
        n = len(next(iter(sample.values())))
        if max_sample is not None and n > max_sample:
            rows = np.sort(np.random.default_rng(3).choice(n, max_sample, replace=False)).tolist()
            sample = {k: [v[i] for i in rows] for k, v in sample.items()}
        enc = self.comparator.encode(sample, count=False)
        rl, rr = random_pairs(enc.n, self.n, self.n_random, seed=2)
        self.model.estimate_u(self.comparator.compare(enc, self.registry, rl, rr))
        il, ir = self.candidates(sample)
        if len(il):
            gammas = self.comparator.compare(enc, self.registry, il, ir)
            self.model.estimate_m(gammas, groups=il, n_left=enc.n, n_right=self.n, max_iter=max_iter)
        self._set_term_frequencies()
        self.fitted = True

    # -- queries ---------------------------------------------------------------
    def _tf_codes(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The value whose frequency weighs an agreement: the registry row's.
        (A query's value may be new to the vocabulary, past the frequencies the
        index holds, and a level may count two spellings as the same value.)"""
        return {f.name: self.registry.codes[f.name][rows] for f in self.fields if f.tf}

    def query_columns(self, columns: Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Score every candidate of every query row: (query rows, registry rows,
        match weights, levels). For batches; :meth:`query` for one record."""
        enc = self.comparator.encode(columns, count=False)
        il, ir = self.candidates(columns)
        gammas = self.comparator.compare(enc, self.registry, il, ir)
        tf = self._tf_codes(ir)
        weight = self.model.match_weight(gammas, tf)
        return il, ir, weight, gammas

    def link(self, columns: Columns, *, threshold: float = 0.5, chunk: int = 2000, workers: int = 1) -> BatchLinks:
        """Batch linkage through the index: each incoming row keeps its best
        registry row when that row's share (the posterior under "this record
        is at most one of its candidates") reaches ``threshold``.

        The registry was encoded and indexed once. The batch is encoded once
        too, then compared and scored ``chunk`` rows at a time (memory stays
        bounded by a chunk's candidates), optionally on ``workers`` threads:
        numpy's sorting and arithmetic release the GIL, and comparison only
        reads the vocabularies (its level cache is a dict, safe to share).
        One worker is the default: on a busy 2-core machine two threads were
        slower (11 s against 7 s for 10k × 1M), the per-pair Python of the
        level cache holding the GIL."""
        n = len(next(iter(columns.values())))
        enc = self.comparator.encode(columns, count=False)
        il, ir = self.candidates(columns)
        # il is sorted: cut the pairs at row boundaries, about ``chunk`` rows a piece.
        cuts = np.searchsorted(il, np.arange(0, n, max(chunk, 1))[1:])
        pieces = [(a, b) for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(il)], strict=True) if b > a]

        def score(piece: tuple[int, int]) -> tuple[np.ndarray, ...]:
            pl, pr = il[piece[0] : piece[1]], ir[piece[0] : piece[1]]
            gammas = self.comparator.compare(enc, self.registry, pl, pr)
            tf = self._tf_codes(pr)
            weight = self.model.match_weight(gammas, tf)
            best, share = _best_per_row(pl, weight)
            keep = best[share >= threshold]
            return pl[keep], pr[keep], share[share >= threshold], weight[keep], gammas[keep]

        if workers > 1 and len(pieces) > 1:
            with ThreadPoolExecutor(workers) as pool:
                parts = list(pool.map(score, pieces))
        else:
            parts = [score(p) for p in pieces]
        if not parts:
            empty = np.empty(0, np.int64)
            return BatchLinks(empty, empty, np.empty(0), np.empty(0), np.empty((0, len(self.fields)), np.int8), 0)
        left, right, prob, weight, gammas = (np.concatenate(col) for col in zip(*parts, strict=True))
        return BatchLinks(left, right, prob, weight, gammas, len(il))

    def query(self, record: Mapping[str, object], *, k: int = 5, min_probability: float = 0.0) -> list[Hit]:
        """The ``k`` most likely registry rows for one record, best first."""
        if [f.name for f in self.fields] == [f.name for f in PERSON_FIELDS]:
            columns = person_columns([record])
        else:
            columns = {f.name: [record.get(f.name)] for f in self.fields}
        return self.query_prepared(columns, k=k, min_probability=min_probability)

    def query_prepared(self, columns: Columns, *, k: int = 5, min_probability: float = 0.0) -> list[Hit]:
        """As :meth:`query`, for a record already turned into one-row columns."""
        _, ir, weight, gammas = self.query_columns(columns)
        if not len(ir):
            return []
        odds = np.exp2(np.clip(weight, -60, 60))
        prob = odds / (1.0 + odds)
        share = odds / (1.0 + odds.sum())
        top = np.argsort(-weight, kind="stable")[:k]
        tf_free = self.model.weights(gammas[top])
        hits = []
        for n, j in enumerate(top.tolist()):
            if prob[j] < min_probability:
                continue
            hits.append(
                Hit(
                    row=int(ir[j]),
                    probability=float(prob[j]),
                    share=float(share[j]),
                    weight=float(weight[j]),
                    evidence=self.model.evidence(gammas[j], tf_free[n]),
                )
            )
        return hits


def _best_per_row(rows: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For pairs sorted by ``rows``: the index of each row's best pair (the
    first among equals) and its share odds / (1 + the row's sum of odds)."""
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    odds = np.exp2(np.clip(weight, -60, 60))
    is_max = weight == np.repeat(np.maximum.reduceat(weight, starts), sizes)
    idx = np.flatnonzero(is_max)
    best = idx[np.r_[True, rows[idx][1:] != rows[idx][:-1]]]
    return best, odds[best] / (1.0 + np.add.reduceat(odds, starts))
