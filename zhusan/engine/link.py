"""Batch linkage of two sets of records, trained without labels.

    linker = Linker(fields, rules)
    result = linker.link(left_columns, right_columns)

Steps: encode both sides into shared vocabularies; estimate u from random
pairs; generate candidate pairs by blocking; compare; estimate m and the
prior by EM; score with term-frequency adjustment; keep pairs above the
threshold, optionally one-to-one (for two lists each without duplicates).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from .blocking import Columns, Rule, candidate_pairs
from .dates import gettext_noop
from .model import LEVELS, Comparator, Encoded, Evidence, FellegiSunter, Field, random_pairs
from .name_families import table
from .translit import match_key

#: ``candidates(left, right, rules, max_block=…)``: the distinct (left row,
#: right row) pairs sharing a blocking key, sorted (:func:`~.blocking.candidate_pairs`
#: with pandas, :func:`~.duck.duckdb_candidate_pairs` with DuckDB).
CandidateFn = Callable[..., tuple[np.ndarray, np.ndarray]]


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
    records would include the match itself). ``candidates`` joins the
    blocking keys: pandas merges by default, DuckDB's for the ``duckdb`` engine."""

    def __init__(
        self,
        fields: Sequence[Field],
        rules: Sequence[Rule],
        *,
        max_block: int = 2000,
        min_train: int = 200,
        candidates: CandidateFn = candidate_pairs,
    ) -> None:
        self.fields = list(fields)
        self.candidates = candidates
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
        il, ir = self.candidates(left, right, self.rules, max_block=self.max_block)
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


# --- One list against itself ------------------------------------------------------------


def _self_pairs(columns: Columns, rules: Sequence[Rule], max_block: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of distinct rows of one list sharing a blocking key, in both
    directions (i, j) and (j, i): a record's candidates are all its pairs."""
    n = len(next(iter(columns.values())))
    il, ir = candidate_pairs(columns, columns, rules, max_block=max_block)
    off = il != ir
    a, b = np.minimum(il[off], ir[off]), np.maximum(il[off], ir[off])
    once = np.unique(a * max(n, 1) + b)
    a, b = once // max(n, 1), once % max(n, 1)
    return np.concatenate([a, b]), np.concatenate([b, a])


class SelfLinker(Linker):
    """One list linked against itself, for deduplication: the same fields,
    rules, comparator and model as :class:`Linker`, every pair of distinct
    rows compared once (self-pairs skipped), trained on the list alone.

    m and the prior come from EM on the pairs in both directions (each row's
    candidates compete, as in linkage); a pair's probability is then the
    pairwise posterior 1 / (1 + 2^-weight) under that prior, not the share
    among competitors: a person listed three times has two true duplicates,
    and a share would split the probability between them.

    Names written in the other order (a family name in the given-name column
    and the given name in the family column, as lists copied from passports
    and from camp registers do) are compared crossed as well: a pair is
    compared in the order whose names agree better (by more than
    ``swap_margin`` bits), the other fields as they are."""

    #: The two name columns that may be swapped, and the bits by which the
    #: crossed comparison must beat the straight one.
    swap = ("given", "family")
    swap_margin = 2.0

    def dedupe(
        self, columns: Columns, *, threshold: float = 0.5, train: bool = True, n_random: int = 100_000
    ) -> LinkResult:
        """Pairs ``left < right`` of rows of ``columns`` whose probability
        reaches ``threshold``; ``n_candidates`` counts each pair compared once."""
        enc = self.comparator.encode(columns)
        il, ir = _self_pairs(columns, self.rules, self.max_block)
        straight = self.comparator.compare(enc, enc, il, ir)
        crossed = self._crossed(columns, enc, il, ir)
        gammas = self._oriented(straight, crossed)
        if train:
            self._train_self(enc, il, gammas, n_random=n_random)
            gammas = self._oriented(straight, crossed)
        half = len(il) // 2  # the first half holds each pair once, a < b
        il, ir, gammas = il[:half], ir[:half], gammas[:half]
        weight = self.model.match_weight(gammas, self._tf_codes(enc, il))
        prob = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
        keep = prob >= threshold
        return LinkResult(il[keep], ir[keep], prob[keep], weight[keep], gammas[keep], half)

    def _crossed(self, columns: Columns, enc: Encoded, il: np.ndarray, ir: np.ndarray) -> np.ndarray | None:
        """Levels with the right row's two name columns swapped (None when
        the fields do not include both)."""
        a, b = self.swap
        if not {a, b} <= {f.name for f in self.fields} or not {a, b} <= set(columns):
            return None
        swapped = self.comparator.encode(dict(columns, **{a: columns[b], b: columns[a]}), count=False)
        crossed: np.ndarray = self.comparator.compare(enc, swapped, il, ir)
        return crossed

    def _oriented(self, straight: np.ndarray, crossed: np.ndarray | None) -> np.ndarray:
        """Each pair's levels in the order whose names agree better."""
        if crossed is None or not len(straight):
            return straight
        names = [j for j, f in enumerate(self.fields) if f.name in self.swap]
        gain = self.model.weights(crossed)[:, names].sum(axis=1) - self.model.weights(straight)[:, names].sum(axis=1)
        out: np.ndarray = np.where((gain > self.swap_margin)[:, None], crossed, straight)
        return out

    def _train_self(self, enc: Encoded, il: np.ndarray, gammas: np.ndarray, *, n_random: int) -> None:
        if enc.n < self.min_train and self.model.has_defaults:
            self.model.set_share(0.5, max(enc.n - 1, 1))
            return
        rl, rr = random_pairs(enc.n, enc.n, n_random)
        off = rl != rr
        self.model.estimate_u(self.comparator.compare(enc, enc, rl[off], rr[off]))
        for f in self.fields:
            if f.tf:
                self.model.set_term_frequencies(f.name, self.comparator.vocabs[f.name].frequencies())
        if len(il):
            self.model.estimate_m(gammas, groups=il, n_left=enc.n, n_right=max(enc.n - 1, 1))


# --- Records that cannot be decided go to review ------------------------------------------

LINKED = "linked"
NEEDS_REVIEW = "needs_review"

#: A second candidate whose probability is within this of the best's: the
#: best is not clearly ahead.
REVIEW_MARGIN = 0.25
#: Candidates below this probability are neither linked nor shown for review;
#: a linkage that reviews asks the engine for every candidate from here.
REVIEW_FLOOR = 0.05
#: Candidates shown with a record that needs review, best first.
REVIEW_TOP = 3
#: A given name is common when at least this share of the records on both
#: sides, and at least ``COMMON_MIN`` of them, carry it.
COMMON_SHARE = 0.002
COMMON_MIN = 3

#: Why a record needs review, for the reader of the file (translated by the UI).
REASONS = {
    "close_second": gettext_noop("another candidate is almost as likely"),
    "namesakes": gettext_noop("several candidates match on their own; none is clearly the one"),
    "kunya_only": gettext_noop(
        "found only by a kunya: the given name differs or is missing, and the rest would not link"
    ),
    "no_date_common_name": gettext_noop("no date of birth on either side, and a common given name"),
}


@dataclass(frozen=True)
class Decision:
    """What becomes of one left record: ``linked`` to its best candidate, or
    ``needs_review`` with up to :data:`REVIEW_TOP` candidates. ``pairs`` index
    the pair arrays the decision was made from, best first."""

    row: int
    status: str
    pairs: tuple[int, ...]
    reasons: tuple[str, ...] = ()


def _levels_by_field(evidence: Sequence[Evidence], fields: Sequence[Field]) -> dict[str, int]:
    """Field name → level (−1 when missing) read back from the evidence
    the engines return (labels and level texts, whichever engine ran)."""
    by_label = {f.label or f.name: f for f in fields}
    out: dict[str, int] = {}
    for e in evidence:
        f = by_label.get(e.field)
        if f is None:
            continue
        out[f.name] = f.levels.index(e.level) if e.level in f.levels else -1
    return out


def _kunya_only(levels: dict[str, int]) -> bool:
    """The kunya agrees (same name or name family) and the given name does
    not (different or missing)."""
    given, kunya = levels.get("given", -1), levels.get("kunya", -1)
    return kunya in (0, 1) and (given < 0 or given == len(LEVELS["given"]) - 1)


def _carried_by(
    evidence: Sequence[Evidence], name: str, fields: Sequence[Field], weight: float, threshold: float
) -> bool:
    """Without the field ``name``'s weight, the pair would fall below
    ``threshold``: that field alone carries the match."""
    label = next((f.label or f.name for f in fields if f.name == name), name)
    own = sum(e.weight for e in evidence if e.field == label)
    rest = float(weight) - own
    return bool(1.0 / (1.0 + 2.0 ** -min(max(rest, -60.0), 60.0)) < threshold)


def name_key(value: object) -> str:
    """A given name as counted for commonness: its name family (Мухаммед,
    Muhammad and محمد are one name), else its match key."""
    if not value:
        return ""
    family = table().primary(str(value))
    return f"f:{family}" if family else match_key(str(value))


def name_counts(*given_columns: Sequence[object]) -> tuple[dict[str, int], int]:
    """How many records carry each given name (:func:`name_key`), over all
    the columns given, and how many records there are."""
    counts: dict[str, int] = {}
    total = 0
    for column in given_columns:
        total += len(column)
        for value in column:
            key = name_key(value)
            if key:
                counts[key] = counts.get(key, 0) + 1
    return counts, total


def review(
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    weight: np.ndarray,
    evidence: Sequence[Sequence[Evidence]],
    *,
    left_given: Sequence[object],
    right_given: Sequence[object],
    threshold: float = 0.5,
    margin: float = REVIEW_MARGIN,
    floor: float = REVIEW_FLOOR,
    top: int = REVIEW_TOP,
    fields: Sequence[Field] | None = None,
    reasons: Collection[str] = tuple(REASONS),
) -> list[Decision]:
    """Decide each left record from all its candidate pairs (``left[k]``,
    ``right[k]``, ``probability[k]`` the share — P(this is the one) among the
    record's candidates —, ``weight[k]`` the match weight, ``evidence[k]``):

    * ``linked`` when its best candidate reaches ``threshold`` and is clearly
      ahead: no second candidate within ``margin`` of it, not carried by a
      kunya alone (the given name differs or is missing and, without the
      kunya's weight, the pair would fall below ``threshold``), and not by a
      common given name with no date of birth to compare;
    * ``needs_review`` with its ``top`` candidates when the best reaches
      ``threshold`` but is not clearly ahead, or when the best falls short only
      because several candidates, each a match on its own (pairwise
      probability ≥ ``threshold``), share the probability (namesakes);
    * left out otherwise (no candidate worth a reviewer's time).

    Only the ``reasons`` given send a record to review (all by default).
    Decisions come in left-row order. The pairs must include every candidate
    from ``floor`` up (``link_records(..., all_pairs=True, threshold=floor)``)."""
    from .persons import PERSON_FIELDS

    fields = list(fields) if fields is not None else PERSON_FIELDS
    counts, total = name_counts(left_given, right_given)
    common_at = max(COMMON_MIN, COMMON_SHARE * total)
    pairwise = 1.0 / (1.0 + np.exp2(-np.clip(np.asarray(weight, np.float64), -60, 60)))
    order = np.lexsort((-np.asarray(probability), np.asarray(left)))
    decisions: list[Decision] = []
    if not len(order):
        return decisions
    starts = np.flatnonzero(np.r_[True, left[order][1:] != left[order][:-1]])
    for s, e in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        group = [int(k) for k in order[s:e] if probability[k] >= floor]
        if not group:
            continue
        best = group[0]
        row = int(left[best])
        found: list[str] = []
        if probability[best] >= threshold:
            if len(group) > 1 and probability[group[1]] >= probability[best] - margin:
                found.append("close_second")
            levels = _levels_by_field(evidence[best], fields)
            if _kunya_only(levels) and _carried_by(evidence[best], "kunya", fields, weight[best], threshold):
                found.append("kunya_only")
            key = name_key(left_given[row])
            if levels.get("birth", -1) < 0 and key and counts.get(key, 0) >= common_at:
                found.append("no_date_common_name")
            found = [r for r in found if r in reasons]
            if not found:
                decisions.append(Decision(row, LINKED, (best,)))
                continue
        elif "namesakes" in reasons and sum(1 for k in group if pairwise[k] >= threshold) >= 2:
            found.append("namesakes")
        else:
            continue
        decisions.append(Decision(row, NEEDS_REVIEW, tuple(group[:top]), tuple(found)))
    return decisions


def review_plan(decisions: Sequence[Decision]) -> list[tuple[int, str, int, str]]:
    """The rows of a pairs file, in order: (pair index, decision, candidate
    rank from 1, reasons joined by ``;``) — one row for a linked record, up to
    :data:`REVIEW_TOP` for a record that needs review. The writer adds
    ``decision``, ``candidate`` and ``review_reason`` columns from them."""
    return [(k, d.status, rank, ";".join(d.reasons)) for d in decisions for rank, k in enumerate(d.pairs, start=1)]


def pairs_plan(
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    weight: np.ndarray,
    evidence: Sequence[Sequence[Evidence]],
    *,
    left_given: Sequence[object],
    right_given: Sequence[object],
    threshold: float = 0.5,
    all_pairs: bool = False,
    reasons: Collection[str] = tuple(REASONS),
) -> list[tuple[int, str, int, str]]:
    """The rows of a pairs file from every candidate from :data:`REVIEW_FLOOR`
    up (``link_records(..., all_pairs=True, threshold=REVIEW_FLOOR)``):
    :func:`review_plan` of :func:`review`'s decisions. With ``all_pairs``,
    a linked record also keeps its other pairs at or above ``threshold``
    (ranked after its link), as ``--all-pairs`` always did."""
    decisions = review(
        left,
        right,
        probability,
        weight,
        evidence,
        left_given=left_given,
        right_given=right_given,
        threshold=threshold,
        reasons=reasons,
    )
    if all_pairs:
        extra: dict[int, list[int]] = {}
        for k in np.argsort(-np.asarray(probability), kind="stable").tolist():
            if probability[k] >= threshold:
                extra.setdefault(int(left[k]), []).append(k)
        decisions = [
            Decision(d.row, d.status, d.pairs + tuple(k for k in extra.get(d.row, ()) if k not in d.pairs), d.reasons)
            if d.status == LINKED
            else d
            for d in decisions
        ]
    return review_plan(decisions)
