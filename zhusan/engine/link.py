"""Batch linkage of two sets of records, trained without labels.

    linker = Linker(fields, rules)
    result = linker.link(left_columns, right_columns)

Steps: encode both sides into shared vocabularies; estimate u from random
pairs; generate candidate pairs by blocking; compare; estimate m and the
prior by EM; score with term-frequency adjustment; keep pairs above the
threshold, optionally one-to-one (for two lists each without duplicates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .blocking import Columns, Rule, candidate_pairs
from .model import Comparator, Encoded, Evidence, FellegiSunter, Field, random_pairs


@dataclass
class LinkResult:
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    weight: np.ndarray
    gammas: np.ndarray
    n_candidates: int

    def __len__(self) -> int:
        return len(self.left)


class Linker:
    """Batch linkage. With fewer than ``min_train`` records on a side and
    default parameters on every field, the defaults are used as they are:
    EM on a handful of pairs learns noise (u from random pairs of three
    records would include the match itself)."""

    def __init__(
        self, fields: Sequence[Field], rules: Sequence[Rule], *, max_block: int = 2000, min_train: int = 200
    ) -> None:
        self.fields = list(fields)
        self.min_train = min_train
        self.rules = list(rules)
        self.max_block = max_block
        self.comparator = Comparator(self.fields)
        self.model = FellegiSunter(self.fields)

    def _tf_codes(self, left: Encoded, il: np.ndarray) -> dict[str, np.ndarray]:
        return {f.name: left.codes[f.name][il] for f in self.fields if f.tf}

    def train(
        self,
        left: Encoded,
        right: Encoded,
        il: np.ndarray,
        ir: np.ndarray,
        gammas: np.ndarray,
        *,
        n_random: int = 100_000,
    ) -> None:
        if min(left.n, right.n) < self.min_train and self.model.has_defaults:
            self.model.set_share(0.5, right.n)
            return
        rl, rr = random_pairs(left.n, right.n, n_random)
        self.model.estimate_u(self.comparator.compare(left, right, rl, rr))
        for f in self.fields:
            if f.tf:
                self.model.set_term_frequencies(f.name, self.comparator.vocabs[f.name].frequencies())
        self.model.estimate_m(gammas, groups=il, n_left=left.n, n_right=right.n)

    def link(
        self,
        left: Columns,
        right: Columns,
        *,
        threshold: float = 0.5,
        one_to_one: bool = False,
        each_left_matches_at_most_one: bool = False,
        train: bool = True,
        n_random: int = 100_000,
    ) -> LinkResult:
        enc_l = self.comparator.encode(left)
        enc_r = self.comparator.encode(right)
        il, ir = candidate_pairs(left, right, self.rules, max_block=self.max_block)
        gammas = self.comparator.compare(enc_l, enc_r, il, ir)
        if train:
            self.train(enc_l, enc_r, il, ir, gammas, n_random=n_random)
        weight = self.model.match_weight(gammas, self._tf_codes(enc_l, il))
        if each_left_matches_at_most_one:
            # The posterior under "this record is at most one of its candidates"
            odds = np.exp2(np.clip(weight, -60, 60))
            prob = odds / (1.0 + np.bincount(il, weights=odds, minlength=enc_l.n)[il])
        else:
            prob = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
        keep = prob >= threshold
        if one_to_one:
            keep &= _one_to_one(il, ir, weight)
        return LinkResult(il[keep], ir[keep], prob[keep], weight[keep], gammas[keep], len(il))

    def evidence(self, result: LinkResult, k: int) -> list[Evidence]:
        weights = self.model.weights(result.gammas[k : k + 1])
        return self.model.evidence(result.gammas[k], weights[0])


def _one_to_one(il: np.ndarray, ir: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Greedy assignment by descending weight: each record is used once."""
    order = np.argsort(-weight, kind="stable")
    used_l: set[int] = set()
    used_r: set[int] = set()
    keep = np.zeros(len(il), bool)
    for k in order.tolist():
        a, b = int(il[k]), int(ir[k])
        if a in used_l or b in used_r:
            continue
        used_l.add(a)
        used_r.add(b)
        keep[k] = True
    return keep
