"""Comparison vectors and a Fellegi–Sunter model estimated without labels.

Each field of a record pair is compared to an agreement *level* (0 is the
strongest; -1 means a side is missing). The model holds, per field and level,
m = P(level | same person) and u = P(level | different people). u comes from
random pairs (almost all of which are different people); m and the prior
match rate are estimated by expectation–maximisation on the candidate pairs,
with no labelled data. A pair's match weight is the sum of log2(m/u) over its
fields plus the prior log-odds; exact agreement on a rare value weighs more
than on a common one (term-frequency adjustment).

Everything runs on numpy arrays of integer codes: each field's values are
encoded once into a vocabulary, and string similarity is computed once per
distinct pair of values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .dates import DATE_LEVEL_TEXT, DateLevel, PartialDate, StatedAge, gettext_noop, parse_date
from .name_families import table
from .names import surname_stem
from .translit import abjad_consonants, abjad_key, match_key, script_of, skeleton

MISSING = -1

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: "Servant of" opening a surname (Abdulazizova, Abdusalomova, Abdrakhmanov).
_ABD = re.compile(r"^abd[uie]?")

LEVELS = {
    "given": [gettext_noop("same name"), gettext_noop("same name family"), gettext_noop("Jaro-Winkler ≥ 0.92"), gettext_noop("same consonants or Jaro-Winkler ≥ 0.85"), gettext_noop("different")],
    "surname": [gettext_noop("same surname (either gender form)"), gettext_noop("Jaro-Winkler ≥ 0.92"), gettext_noop("same consonants or Jaro-Winkler ≥ 0.85"), gettext_noop("different")],
    "string": [gettext_noop("same"), gettext_noop("Jaro-Winkler ≥ 0.92"), gettext_noop("Jaro-Winkler ≥ 0.80"), gettext_noop("different")],
    "number": [gettext_noop("same"), gettext_noop("one edit apart"), gettext_noop("different")],
    "exact": [gettext_noop("same"), gettext_noop("different")],
    "date": [DATE_LEVEL_TEXT[level] for level in DateLevel if level >= 0],
    # the last 7 or more digits; one digit apart; different
    "phone": [gettext_noop("same"), gettext_noop("one edit apart"), gettext_noop("different")],
}  # fmt: skip

#: Digits of a phone number compared: the last nine (a country code or a
#: trunk prefix written or not), fewer than seven is no number.
PHONE_DIGITS, PHONE_MIN = 9, 7


def phone_key(value: str) -> str:
    """The digits of a phone number that are compared, or "" if fewer than
    :data:`PHONE_MIN` (``+7 (701) 123-45-67`` and ``8 701 1234567`` meet)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_MIN else ""


@dataclass(frozen=True)
class Field:
    """A compared field. ``kind`` picks the levels (see LEVELS); ``tf`` turns
    on the term-frequency adjustment of exact agreement. ``m`` and ``u``, when
    given (one weight per level, normalised here), are the parameters used
    when there is too little data to estimate them, and EM's starting point."""

    name: str
    kind: str
    tf: bool = False
    label: str = ""
    m: tuple[float, ...] | None = None
    u: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        for given in (self.m, self.u):
            assert given is None or len(given) == len(self.levels), f"{self.name}: one value per level"

    @property
    def levels(self) -> list[str]:
        return LEVELS[self.kind]


class Vocab:
    """Distinct values of one field, with their comparison keys."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.codes: dict[str, int] = {}
        self.keys: list[str] = []
        self.skeletons: list[str] = []
        self.families: list[frozenset[str]] = []
        self.abjad: list[str] = []  # names: the spelling Arabic script would give (see translit.abjad_key)
        self.arabic: list[bool] = []  # names: first seen written in Arabic script
        self.counts: list[int] = []

    def key_of(self, value: str) -> str:
        if self.kind == "surname":
            return surname_stem(value)
        if self.kind in ("given", "string"):
            return match_key(value)
        if self.kind == "phone":
            return phone_key(value.translate(_ARABIC_DIGITS))
        return value.strip().lower()

    def encode(self, values: Iterable[object], count: bool = True) -> np.ndarray:
        out = []
        codes, keys = self.codes, self.keys
        for raw in values:
            if raw is None or (isinstance(raw, float) and math.isnan(raw)):
                out.append(MISSING)
                continue
            key = self.key_of(str(raw))
            if not key:
                out.append(MISSING)
                continue
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(keys)
                keys.append(key)
                self.skeletons.append(skeleton(key) if self.kind in ("given", "surname") else "")
                self.families.append(table().ids(key) if self.kind == "given" else frozenset())
                if self.kind in ("given", "surname"):
                    text = str(raw)
                    abjad = abjad_key(text)
                    if self.kind == "surname" and len(abjad) > 4 and abjad.endswith("a"):
                        abjad = abjad[:-1]  # the feminine ending: -ova and -ov meet
                    self.abjad.append(abjad)
                    self.arabic.append(script_of(text) == "arabic")
                self.counts.append(0)
            if count:
                self.counts[code] += 1
            out.append(code)
        return np.asarray(out, dtype=np.int64)

    def frequencies(self) -> np.ndarray:
        counts = np.asarray(self.counts, dtype=np.float64)
        share: np.ndarray = counts / max(counts.sum(), 1.0)
        return share

    def level(self, a: int, b: int) -> int:
        """The level of two different codes (equal codes are level 0)."""
        ka, kb = self.keys[a], self.keys[b]
        if self.kind == "exact":
            return 1
        if self.kind == "number":
            return 1 if DamerauLevenshtein.distance(ka, kb, score_cutoff=1) <= 1 else 2
        if self.kind == "phone":
            # A local number of seven or eight digits against the same one with its area code.
            short, long_ = sorted((ka, kb), key=len)
            if long_.endswith(short):
                return 0
            tail = PHONE_MIN
            return 1 if DamerauLevenshtein.distance(ka[-tail:], kb[-tail:], score_cutoff=1) <= 1 else 2
        jw = JaroWinkler.normalized_similarity(ka, kb)
        same_consonants = self.skeletons[a] == self.skeletons[b]
        if self.kind in ("given", "surname") and self.arabic[a] != self.arabic[b]:
            # One side in Arabic script: compare the spellings Arabic would give.
            ja, jb = self.abjad[a], self.abjad[b]
            jw = max(jw, JaroWinkler.normalized_similarity(ja, jb))
            same_consonants = same_consonants or abjad_consonants(ja) == abjad_consonants(jb)
        if self.kind == "given":
            if self.families[a] & self.families[b]:
                return 1
            if jw >= 0.92:
                return 2
            return 3 if jw >= 0.85 or same_consonants else 4
        if self.kind == "surname":
            if ka.replace("o", "u") == kb.replace("o", "u"):
                # Passport Latin writes Uzbek oʻ (the key's u) as O: JORAYEVA is Joʻrayeva.
                return 0
            if ka.startswith("abd") and kb.startswith("abd"):
                # Surnames of Abd- share their first letters, which Jaro-Winkler weighs most: compare what follows.
                jw = min(jw, JaroWinkler.normalized_similarity(_ABD.sub("", ka), _ABD.sub("", kb)))
            if jw >= 0.92:
                return 1
            return 2 if jw >= 0.85 or same_consonants else 3
        return 1 if jw >= 0.92 else 2 if jw >= 0.80 else 3


@dataclass
class DateColumn:
    """Birth dates as arrays: bounds in ordinal days, and the parts."""

    lo: np.ndarray
    hi: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    is_age: np.ndarray
    present: np.ndarray

    @classmethod
    def from_values(cls, values: Sequence[object]) -> DateColumn:
        n = len(values)
        lo, hi = np.zeros(n, np.int64), np.zeros(n, np.int64)
        year, month, day = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
        is_age, present = np.zeros(n, bool), np.zeros(n, bool)
        for i, raw in enumerate(values):
            value = _as_birth(raw)
            if value is None:
                continue
            present[i] = True
            if isinstance(value, StatedAge):
                a, b = value.birth_bounds()
                is_age[i] = True
            else:
                a, b = value.bounds()
                year[i], month[i], day[i] = value.year, value.month or 0, value.day or 0
            lo[i], hi[i] = a.toordinal(), b.toordinal()
        return cls(lo, hi, year, month, day, is_age, present)


def _as_birth(raw: object) -> PartialDate | StatedAge | None:
    if raw is None or isinstance(raw, PartialDate | StatedAge):
        return raw
    if isinstance(raw, float) and math.isnan(raw):
        return None
    try:
        return parse_date(str(raw))
    except ValueError:
        return None  # an unreadable date is treated as missing, not as a mismatch


def compare_date_columns(a: DateColumn, b: DateColumn, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Vectorised :func:`zhusan.engine.dates.compare_dates`."""
    present = a.present[ia] & b.present[ib]
    age = a.is_age[ia] | b.is_age[ib]
    ya, yb = a.year[ia], b.year[ib]
    ma, mb = a.month[ia], b.month[ib]
    da, db = a.day[ia], b.day[ib]
    same_year = ya == yb
    same_month = same_year & (ma > 0) & (ma == mb)
    exact = same_month & (da > 0) & (da == db)
    level = np.full(len(ia), int(DateLevel.DIFFERENT), np.int8)
    level[np.abs(ya - yb) <= 2] = DateLevel.WITHIN_TWO_YEARS
    level[np.abs(ya - yb) == 1] = DateLevel.WITHIN_ONE_YEAR
    level[same_year] = DateLevel.SAME_YEAR
    level[same_month] = DateLevel.SAME_MONTH
    level[exact] = DateLevel.EXACT
    # A stated age is an interval of birth days
    lo_a, hi_a, lo_b, hi_b = a.lo[ia], a.hi[ia], b.lo[ib], b.hi[ib]
    overlap = (lo_a <= hi_b) & (lo_b <= hi_a)
    gap = np.maximum(lo_a - hi_b, lo_b - hi_a)
    apart = np.where(
        gap <= 366, DateLevel.WITHIN_ONE_YEAR, np.where(gap <= 732, DateLevel.WITHIN_TWO_YEARS, DateLevel.DIFFERENT)
    )
    age_level = np.where(overlap, DateLevel.AGE_CONSISTENT, apart)
    level = np.where(age, age_level, level).astype(np.int8)
    level[~present] = MISSING
    return level


@dataclass
class Encoded:
    """One side's records, encoded for comparison."""

    n: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    dates: dict[str, DateColumn] = field(default_factory=dict)


class Comparator:
    """Encodes records and turns pairs of them into comparison vectors."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = list(fields)
        self.vocabs = {f.name: Vocab(f.kind) for f in self.fields if f.kind != "date"}
        # Per field, the levels of code pairs already compared: sorted pair
        # ids and their levels, looked up with one searchsorted per call. A
        # (keys, levels) tuple is replaced whole, so threads may share it.
        empty = (np.empty(0, np.int64), np.empty(0, np.int8))
        self._level_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {f.name: empty for f in self.fields}

    def encode(self, columns: dict[str, Sequence[object]], *, count: bool = True) -> Encoded:
        n = len(next(iter(columns.values())))
        enc = Encoded(n=n)
        for f in self.fields:
            values = columns.get(f.name, [None] * n)
            if f.kind == "date":
                enc.dates[f.name] = DateColumn.from_values(values)
            else:
                enc.codes[f.name] = self.vocabs[f.name].encode(values, count=count)
        return enc

    def compare(self, left: Encoded, right: Encoded, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        """Levels, one row per pair (il[k], ir[k]), one column per field."""
        out = np.empty((len(il), len(self.fields)), np.int8)
        for j, f in enumerate(self.fields):
            if f.kind == "date":
                out[:, j] = compare_date_columns(left.dates[f.name], right.dates[f.name], il, ir)
            else:
                out[:, j] = self._compare_codes(f.name, left.codes[f.name][il], right.codes[f.name][ir])
        return out

    def _compare_codes(self, name: str, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        vocab = self.vocabs[name]
        level = np.zeros(len(ca), np.int8)
        missing = (ca < 0) | (cb < 0)
        differ = (ca != cb) & ~missing
        if vocab.kind == "exact":
            level[differ] = 1
        elif differ.any():
            lo, hi = np.minimum(ca[differ], cb[differ]), np.maximum(ca[differ], cb[differ])
            pair_id = lo * (1 << 31) + hi
            uniq, inverse = np.unique(pair_id, return_inverse=True)
            known, known_levels = self._level_cache[name]
            pos = np.minimum(np.searchsorted(known, uniq), max(len(known) - 1, 0))
            found = known[pos] == uniq if len(known) else np.zeros(len(uniq), bool)
            levels = np.empty(len(uniq), np.int8)
            levels[found] = known_levels[pos[found]]
            new = uniq[~found]
            if len(new):
                mask = (1 << 31) - 1
                computed = np.fromiter((vocab.level(p >> 31, p & mask) for p in new.tolist()), np.int8, len(new))
                levels[~found] = computed
                keys = np.concatenate([known, new])
                order = np.argsort(keys, kind="stable")
                self._level_cache[name] = (keys[order], np.concatenate([known_levels, computed])[order])
            level[differ] = levels[inverse]
        level[missing] = MISSING
        return level


@dataclass
class Evidence:
    field: str
    level: str
    weight: float


class FellegiSunter:
    """m and u per field and level; u from random pairs, m by EM."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = list(fields)
        # The fields' defaults, or "matches mostly agree": EM then finds the
        # match class rather than some other cluster (siblings agree on much
        # but names).
        self.m = [np.asarray(f.m or 0.25 ** np.arange(len(f.levels)), dtype=float) for f in self.fields]
        self.m = [m / m.sum() for m in self.m]
        self.u = [np.asarray(f.u or np.ones(len(f.levels)), dtype=float) for f in self.fields]
        self.u = [u / u.sum() for u in self.u]
        # Estimates are smoothed by half a pair per level, spread as the
        # field's defaults when it has them (evenly when not): with a few
        # records, a level no random pair reached stays as rare as the
        # defaults say rather than as likely as every other.
        self.pseudo_m = [0.5 * len(f.levels) * m for f, m in zip(self.fields, self.m, strict=True)]
        self.pseudo_u = [0.5 * len(f.levels) * u for f, u in zip(self.fields, self.u, strict=True)]
        self.prior = 1e-4
        self.share = 0.5  # of left records that have a match (see estimate_m)
        self.tf_u: dict[str, np.ndarray] = {}
        self.iterations = 0

    # -- estimation -------------------------------------------------------
    def estimate_u(self, gammas: np.ndarray) -> None:
        for j, f in enumerate(self.fields):
            col = gammas[:, j]
            counts = np.bincount(col[col >= 0], minlength=len(f.levels)).astype(float)
            self.u[j] = (counts + self.pseudo_u[j]) / (counts.sum() + self.pseudo_u[j].sum())

    def estimate_m(
        self,
        gammas: np.ndarray,
        *,
        groups: np.ndarray,
        n_left: int,
        n_right: int,
        share: float = 0.5,
        max_iter: int = 40,
        tol: float = 1e-5,
    ) -> None:
        """EM on the candidate pairs of ``n_left`` records searched among
        ``n_right``; ``groups`` is the left record of each pair. u stays as
        estimated from random pairs.

        The model: each left record is the same person as one right record
        with probability ``share`` (estimated; the start value is given),
        any of the ``n_right`` equally likely a priori, and as at most one of
        them. So a pair's prior odds are share / ((1 - share) · n_right), and
        in the E step a record's candidates compete: P(pair) = odds / (1 +
        sum of its group's odds). The prior is over all pairs, not only the
        candidates: blocking keys agree on every candidate, and their
        agreement is already counted by the fields' Bayes factors (a prior
        taken among candidates counts it twice and lets a surname and a
        birth year alone link strangers). Competing candidates also keep
        families of siblings (same surname, father, place, close birth
        years) from becoming a cluster EM mistakes for the matches.

        Computed once per distinct comparison vector, not once per pair."""
        base = np.int64(8)
        code = np.zeros(len(gammas), np.int64)
        for j in range(gammas.shape[1]):
            code = code * base + (gammas[:, j].astype(np.int64) + 1)
        uniq, inverse = np.unique(code, return_inverse=True)
        patterns = np.empty((len(uniq), gammas.shape[1]), np.int8)
        rest = uniq.copy()
        for j in reversed(range(gammas.shape[1])):
            patterns[:, j] = rest % base - 1
            rest //= base
        self.set_share(share, n_right)
        for it in range(max_iter):
            odds = np.exp2(np.clip(self.match_weight(patterns, tf=None), -60, 60))[inverse]
            p = odds / (1.0 + np.bincount(groups, weights=odds)[groups])
            per_pattern = np.bincount(inverse, weights=p, minlength=len(uniq))
            new_share = min(max(float(p.sum()) / max(n_left, 1), 1e-6), 0.999)
            delta = abs(new_share - share)
            for j, f in enumerate(self.fields):
                col = patterns[:, j]
                ok = col >= 0
                counts = np.bincount(col[ok], weights=per_pattern[ok], minlength=len(f.levels))
                m = (counts + self.pseudo_m[j]) / (counts.sum() + self.pseudo_m[j].sum())
                delta = max(delta, float(np.abs(m - self.m[j]).max()))
                self.m[j] = m
            share = new_share
            self.set_share(share, n_right)
            self.iterations = it + 1
            if delta < tol:
                break

    @property
    def has_defaults(self) -> bool:
        """Every field carries default parameters (see :class:`Field`)."""
        return all(f.m is not None and f.u is not None for f in self.fields)

    def set_share(self, share: float, n_right: int) -> None:
        """Set the pair prior from the share of records that have a match
        among ``n_right``: prior odds share / ((1 - share) · n_right)."""
        self.share = share
        odds = share / ((1.0 - share) * max(n_right, 1))
        self.prior = odds / (1.0 + odds)

    def set_term_frequencies(self, name: str, frequencies: np.ndarray) -> None:
        self.tf_u[name] = np.maximum(frequencies, 1e-6)

    # -- scoring ----------------------------------------------------------
    def weights(self, gammas: np.ndarray, tf: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Per-pair, per-field log2 Bayes factors (0 where a side is missing)."""
        out = np.zeros(gammas.shape, np.float64)
        for j, f in enumerate(self.fields):
            col = gammas[:, j]
            ok = col >= 0
            bf = np.log2(self.m[j] / self.u[j])
            out[ok, j] = bf[col[ok]]
            if tf is not None and f.tf and f.name in self.tf_u and f.name in tf:
                exact = col == 0
                freq = self.tf_u[f.name][tf[f.name][exact]]
                out[exact, j] = np.log2(self.m[j][0] / freq)
        return out

    def match_weight(self, gammas: np.ndarray, tf: dict[str, np.ndarray] | None = None) -> np.ndarray:
        prior = math.log2(self.prior / (1 - self.prior))
        weight: np.ndarray = prior + self.weights(gammas, tf).sum(axis=1)
        return weight

    def probability(self, gammas: np.ndarray, tf: dict[str, np.ndarray] | None = None) -> np.ndarray:
        w = np.clip(self.match_weight(gammas, tf), -60, 60)
        probability: np.ndarray = 1.0 / (1.0 + np.exp2(-w))
        return probability

    def evidence(self, gamma_row: np.ndarray, weight_row: np.ndarray) -> list[Evidence]:
        """What each field found for one pair, for a reviewer to read."""
        out = []
        for j, f in enumerate(self.fields):
            lv = int(gamma_row[j])
            text = gettext_noop("missing on one side") if lv < 0 else f.levels[lv]
            out.append(Evidence(f.label or f.name, text, round(float(weight_row[j]), 2)))
        return out

    def describe(self) -> list[dict[str, object]]:
        """The estimated parameters, for a report."""
        rows = []
        for j, f in enumerate(self.fields):
            for lv, text in enumerate(f.levels):
                rows.append({"field": f.name, "level": text, "m": float(self.m[j][lv]), "u": float(self.u[j][lv])})
        return rows


def random_pairs(n_left: int, n_right: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_left, n), rng.integers(0, n_right, n)
