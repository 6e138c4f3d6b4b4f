"""Linkage engines behind one interface: ``zhusan``, ``duckdb`` and ``spark``.

    pairs = link_records(left, right, engine="duckdb", threshold=0.5)
    pairs.left[k], pairs.right[k], pairs.probability[k], pairs.evidence[k]

Every engine takes the same person records (:mod:`zhusan.engine.persons`)
and returns the same :class:`Pairs`: row numbers on each side, the match
probability (the share: P(this is the one) when a left record is at most one
of its candidates), the match weight, and one :class:`~.model.Evidence` per
compared field, labelled as the NumPy model labels them. So ``zhusan link
--engine …`` and the UI's linkage jobs can switch engines and write the same
file.

* ``zhusan`` — the in-process NumPy Fellegi–Sunter model. A small right side
  goes through the one-shot :class:`~.link.Linker`; from
  :data:`INDEX_FROM` rows (a registry) through a
  :class:`~.index.RegistryIndex`, fitted on a sample of the left side and
  linked in chunks, each chunk reporting progress.
* ``duckdb`` and ``spark`` — Splink 5 on its DuckDB or Spark backend. Splink
  compares strings as written, and no name is spelt the same across scripts,
  so it is fed the keys the NumPy model derives (:func:`features`): the
  Latin-folded given name and its name-family id, the surname stem (one key
  for both gender forms) and its consonant skeleton, the father's name and
  kunya keys, birth year, month, day and the birth interval of a stated age,
  sex, place. Its comparisons mirror the NumPy model's levels; it blocks on
  the keys of the NumPy model's own rules (:data:`BLOCKING_RULES`), every
  rule an equi-join, so that blocking scales as the NumPy model's does; u
  comes from random sampling and m from EM, without labels. Spark runs in local mode here (:func:`spark_session`); on a
  cluster, create the session first and this module uses it.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .blocking import Columns
from .dates import DATE_LEVEL_TEXT, DateLevel, PartialDate, StatedAge
from .index import RegistryIndex
from .link import Linker
from .model import LEVELS, Evidence, FellegiSunter
from .name_families import table
from .names import surname_stem
from .persons import PERSON_FIELDS, PERSON_RULES, _given_key, _surname_key, person_columns, person_variants
from .translit import match_key, skeleton

log = logging.getLogger(__name__)

Records = Sequence[Mapping[str, object]]
#: ``progress(percent, message)``; engines report 0–100 of their own work.
ProgressCallback = Callable[[int, str], None]

ENGINES = ("zhusan", "duckdb", "spark")
#: Embedded and the most accurate on the cross-script set; see docs/benchmarks.md (e).
DEFAULT_ENGINE = "zhusan"
#: From this many right-side rows, the ``zhusan`` engine builds a registry index:
#: one-shot, the Linker was as fast up to 500k rows (10k × 200k: 19 s against
#: 26 s with the build; 10k × 500k: 25 s against 26 s) and the index uses half
#: the memory at 1M and reports progress per chunk (docs/benchmarks.md (e)).
INDEX_FROM = 500_000
#: Left rows per chunk on the index path (one progress step each).
CHUNK = 2_000
#: Incoming records the index fits its model on.
FIT_SAMPLE = 2_000

LABELS = [f.label or f.name for f in PERSON_FIELDS]


def _(message: str) -> str:
    """Marks a progress message for translation (makemessages finds it); the
    caller's ``translate`` (Django's gettext in the UI and the command, none
    in the benchmarks) translates it when it is reported."""
    return message


def _untranslated(message: str) -> str:
    return message


class _Say:
    """Progress reporting with the caller's translation: the message is
    translated before its values are filled in."""

    def __init__(self, progress: ProgressCallback, translate: Callable[[str], str]) -> None:
        self.progress, self.translate = progress, translate

    def __call__(self, percent: int, message: str, **values: str) -> None:
        text = self.translate(message)
        self.progress(percent, text % values if values else text)


class EngineUnavailableError(RuntimeError):
    """The engine cannot run here (a package or Java is missing)."""


@dataclass
class Pairs:
    """Linked pairs, one entry per pair, the same whichever engine ran."""

    left: np.ndarray  # row in the left records
    right: np.ndarray  # row in the right records
    probability: np.ndarray
    weight: np.ndarray
    evidence: list[list[Evidence]]
    n_candidates: int  # pairs compared (Splink: those it returned, above match weight −20)
    engine: str

    def __len__(self) -> int:
        return len(self.left)


def _no_progress(percent: int, message: str) -> None:
    return None


def check_engine(engine: str) -> None:
    """Raise :class:`EngineUnavailableError` with a reason when ``engine`` cannot run."""
    if engine not in ENGINES:
        raise EngineUnavailableError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailableError("the spark engine needs pyspark: pip install 'zhusan[spark]'") from exc
        if not _java():
            raise EngineUnavailableError("the spark engine needs Java 17 (set JAVA_HOME or put java on PATH)")


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def link_records(
    left: Records,
    right: Records,
    *,
    engine: str = DEFAULT_ENGINE,
    threshold: float = 0.5,
    all_pairs: bool = False,
    progress: ProgressCallback = _no_progress,
    translate: Callable[[str], str] = _untranslated,
) -> Pairs:
    """Link ``left`` to ``right``: each left record keeps its best right record
    whose probability reaches ``threshold`` (every such record with
    ``all_pairs``). Progress messages go through ``translate`` (the engine
    knows no locale; the Django app passes its gettext)."""
    check_engine(engine)
    say = _Say(progress, translate)
    if engine == "zhusan":
        return _link_zhusan(left, right, threshold=threshold, all_pairs=all_pairs, say=say)
    return _link_splink(left, right, backend=engine, threshold=threshold, all_pairs=all_pairs, say=say)


# --- The NumPy engine ------------------------------------------------------------------


def _registry_groups(records: Records) -> np.ndarray:
    """Per record, the record standing for its person: registry records (one
    per name of a person) of one id are one person; any other record is its own."""
    group = np.arange(len(records), dtype=np.int64)
    first: dict[object, int] = {}
    for i, rec in enumerate(records):
        if rec.get("registry") and rec.get("id"):
            group[i] = first.setdefault(rec["id"], i)
    return group


def _link_zhusan(left: Records, right: Records, *, threshold: float, all_pairs: bool, say: _Say) -> Pairs:
    lcols, lorig = person_variants(left)
    rcols, rorig = person_variants(right)
    rgroup = _registry_groups(right)
    plain = len(lorig) == len(left) and len(rorig) == len(right) and bool((rgroup == np.arange(len(right))).all())
    if not plain:
        return _link_readings(lcols, lorig, rcols, rorig, rgroup, threshold=threshold, all_pairs=all_pairs, say=say)
    if len(right) < INDEX_FROM:
        say(10, _("Training the model and scoring pairs"))
        linker = Linker(PERSON_FIELDS, PERSON_RULES)
        res = linker.link(lcols, rcols, threshold=threshold, each_left_matches_at_most_one=True, train=True)
        keep = np.arange(len(res)) if all_pairs else best_per_left(res.left, res.weight)
        say(90, _("Explaining pairs"))
        return Pairs(
            res.left[keep],
            res.right[keep],
            res.probability[keep],
            res.weight[keep],
            _evidence(linker.model, res.gammas[keep]),
            res.n_candidates,
            "zhusan",
        )

    say(2, _("Indexing %(n)s records"), n=f"{len(right):,}")
    index = RegistryIndex(rcols)
    say(25, _("Training the model"))
    index.fit(lcols, max_sample=FIT_SAMPLE)
    n = len(left)
    parts: list[tuple[np.ndarray, ...]] = []
    candidates = 0
    for start in range(0, n, CHUNK):
        chunk = {k: v[start : start + CHUNK] for k, v in lcols.items()}
        if all_pairs:
            il, ir, weight, gammas = index.query_columns(chunk)
            odds = np.exp2(np.clip(weight, -60, 60))
            share = odds / (1.0 + np.bincount(il, weights=odds, minlength=len(chunk["given"]))[il])
            keep = share >= threshold
            parts.append((il[keep] + start, ir[keep], share[keep], weight[keep], gammas[keep]))
            candidates += len(il)
        else:
            links = index.link(chunk, threshold=threshold, chunk=CHUNK)
            parts.append((links.left + start, links.right, links.probability, links.weight, links.gammas))
            candidates += links.n_candidates
        done = min(start + CHUNK, n)
        say(30 + (65 * done) // n, _("Linked %(done)s of %(n)s records"), done=f"{done:,}", n=f"{n:,}")
    return _joined(parts, candidates, index.model)


def _joined(parts: list[tuple[np.ndarray, ...]], candidates: int, model: FellegiSunter) -> Pairs:
    if parts:
        li, ri, prob, weight, gammas = (np.concatenate(col) for col in zip(*parts, strict=True))
    else:
        li = ri = np.empty(0, np.int64)
        prob, weight, gammas = np.empty(0), np.empty(0), np.empty((0, len(PERSON_FIELDS)), np.int8)
    return Pairs(li, ri, prob, weight, _evidence(model, gammas), candidates, "zhusan")


def _link_readings(
    lcols: Columns,
    lorig: np.ndarray,
    rcols: Columns,
    rorig: np.ndarray,
    rgroup: np.ndarray,
    *,
    threshold: float,
    all_pairs: bool,
    say: _Say,
) -> Pairs:
    """Linkage of records read several ways (aliases, a full name in either
    order, a registry person's several names): every reading is compared,
    and a pair of records, or of a record and a registry person, counts once,
    by its best pair of readings. Each left record is at most one of the
    persons it is compared with: its share is its best pair's odds over one
    plus the sum of those of all its persons."""
    n_left = int(lorig.max()) + 1 if len(lorig) else 0
    parts: list[tuple[np.ndarray, ...]] = []
    candidates = 0
    if len(rorig) < INDEX_FROM:
        say(10, _("Training the model and scoring pairs"))
        linker = Linker(PERSON_FIELDS, PERSON_RULES)
        res = linker.link(lcols, rcols, threshold=0.0, train=True)
        parts.append(_best_readings(res.left, res.right, res.weight, res.gammas, lorig, rorig, rgroup, n_left))
        candidates, model = res.n_candidates, linker.model
        say(90, _("Explaining pairs"))
    else:
        say(2, _("Indexing %(n)s records"), n=f"{len(rorig):,}")
        index = RegistryIndex(rcols)
        say(25, _("Training the model"))
        index.fit(lcols, max_sample=FIT_SAMPLE)
        model = index.model
        # Chunks of whole records: all readings of a record are scored together.
        bounds = np.searchsorted(lorig, np.arange(0, n_left + CHUNK, CHUNK))
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if a >= b:
                continue
            chunk = {k: v[a:b] for k, v in lcols.items()}
            il, ir, weight, gammas = index.query_columns(chunk)
            candidates += len(il)
            parts.append(_best_readings(il + a, ir, weight, gammas, lorig, rorig, rgroup, n_left))
            done = int(lorig[b - 1]) + 1
            say(30 + (65 * done) // max(n_left, 1), _("Linked %(done)s of %(n)s records"),
                done=f"{done:,}", n=f"{n_left:,}")  # fmt: skip
    li, ri, share, weight, gammas = (np.concatenate(col) for col in zip(*parts, strict=True))
    keep = np.flatnonzero(share >= threshold)
    if not all_pairs:
        keep = keep[best_per_left(li[keep], weight[keep])]
    keep = keep[np.lexsort((-weight[keep], li[keep]))]
    return Pairs(li[keep], ri[keep], share[keep], weight[keep], _evidence(model, gammas[keep]), candidates, "zhusan")


def _best_readings(
    il: np.ndarray,
    ir: np.ndarray,
    weight: np.ndarray,
    gammas: np.ndarray,
    lorig: np.ndarray,
    rorig: np.ndarray,
    rgroup: np.ndarray,
    n_left: int,
) -> tuple[np.ndarray, ...]:
    """The best pair of readings of each (left record, right person), with
    its share among the left record's persons: left record, right record
    (the reading's), share, weight, levels."""
    lo, rg = lorig[il], rgroup[rorig[ir]]
    if not len(lo):
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0), np.empty(0), np.empty((0, gammas.shape[1]), np.int8)
    order = np.lexsort((-weight, rg, lo))
    first = np.ones(len(order), bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (rg[order][1:] != rg[order][:-1])
    best = order[first]
    odds = np.exp2(np.clip(weight[best], -60, 60))
    total = np.bincount(lo[best], weights=odds, minlength=n_left)
    share = odds / (1.0 + total[lo[best]])
    return lo[best], rorig[ir[best]], share, weight[best], gammas[best]


def _evidence(model: FellegiSunter, gammas: np.ndarray) -> list[list[Evidence]]:
    if not len(gammas):
        return []
    weights = model.weights(gammas)
    return [model.evidence(g, w) for g, w in zip(gammas, weights, strict=True)]


def best_per_left(left: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The index of the best pair of each left row, in left-row order."""
    if not len(left):
        return np.empty(0, np.int64)
    order = np.lexsort((-weight, left))
    first = np.ones(len(order), bool)
    first[1:] = left[order][1:] != left[order][:-1]
    return np.sort(order[first])


# --- Features for Splink ---------------------------------------------------------------


def _family_id(name: str) -> str | None:
    return table().primary(name) if name else None


def _key(value: object) -> str | None:
    return match_key(str(value)) or None if value else None


@lru_cache(maxsize=200_000)
def _name_features(raw: str) -> tuple[str | None, str | None, str | None]:
    """A given name's Latin-folded key, name-family id and consonant skeleton."""
    key = _key(raw)
    return (key, _family_id(raw), skeleton(raw) or None) if key else (None, None, None)


@lru_cache(maxsize=200_000)
def _surname_features(family: str) -> tuple[str | None, str | None, str | None]:
    """A surname's stem (one for both gender forms), its skeleton and its blocking key."""
    stem = surname_stem(family) if family else ""
    return (stem, skeleton(stem) or None, _surname_key(family) or None) if stem else (None, None, None)


#: One blocking column per rule of :data:`~.persons.PERSON_RULES`, in its
#: order: the rule's keys, computed by the rule itself (the query side's on
#: the left, which may expand the birth year by the rule's spread; the index
#: side's on the right). A rule whose keys carry birth years gives a record
#: several keys (an array, exploded by Splink before an equi-join); the others
#: one (a string, joined as it is).
BLOCK_COLUMNS = (
    "blk_given_year",
    "blk_family_year",
    "blk_given_family",
    "blk_kunya_family",
    "blk_kunya_year",
    "blk_given_father",
    "blk_full_date",
    "blk_postcode_family",
    "blk_postcode_given",
    "blk_phone",
    "blk_address",
    "blk_names_swapped",
    "blk_consonants",
)
_ARRAY_BLOCKS = ("blk_given_year", "blk_family_year", "blk_kunya_year")


def features(records: Records, *, side: str = "right") -> list[dict[str, Any]]:
    """One flat row per record: the keys the NumPy model compares, so that a
    SQL engine can compare names across scripts, and the blocking keys of
    :data:`~.persons.PERSON_RULES` (``side="left"``: the incoming records,
    whose birth years are widened by each rule's spread; ``"right"``: the
    records searched, the registry)."""
    cols = person_columns(records)
    rows: list[dict[str, Any]] = []
    for i in range(len(records)):
        row: dict[str, Any] = {"unique_id": i}
        for name in ("given", "father", "kunya", "mother"):
            row[f"{name}_key"], row[f"{name}_fam"], row[f"{name}_skel"] = _name_features(str(cols[name][i] or ""))
        row["given_block"] = _given_key(cols["given"][i]) or None
        row["family_key"], row["family_skel"], row["family_block"] = _surname_features(str(cols["family"][i] or ""))
        row |= _birth_features(cols["birth"][i])
        row["sex"] = cols["sex"][i]
        for name in ("place", "address", "district"):
            row[f"{name}_key"] = _key(cols[name][i])
        row["postcode"] = str(cols["postcode"][i]).lower() if cols["postcode"][i] else None
        phone = cols["phone"][i]
        row["phone_key"], row["phone_tail"] = (str(phone), str(phone)[-7:]) if phone else (None, None)
        rows.append(row)
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    assert len(PERSON_RULES) == len(BLOCK_COLUMNS)
    for rule, column in zip(PERSON_RULES, BLOCK_COLUMNS, strict=True):
        keys = (rule.query_keys if side == "left" else rule.index_keys)(cols)
        for row, k in zip(rows, keys, strict=True):
            row[column] = list(k) if column in _ARRAY_BLOCKS else (k[0] if k else None)
    return rows


def _birth_features(birth: object) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(
        ("birth_year", "birth_month", "birth_day", "year_lo", "year_hi", "day_lo", "day_hi", "is_age")
    )
    if isinstance(birth, StatedAge):
        lo, hi = birth.birth_bounds()
        out |= {"is_age": 1, "year_lo": lo.year, "year_hi": hi.year, "day_lo": lo.toordinal(), "day_hi": hi.toordinal()}
    elif isinstance(birth, PartialDate):
        lo, hi = birth.bounds()
        out |= {"is_age": 0, "birth_year": birth.year, "birth_month": birth.month, "birth_day": birth.day}
        out |= {"year_lo": birth.year, "year_hi": birth.year, "day_lo": lo.toordinal(), "day_hi": hi.toordinal()}
    return out


_FEATURE_TYPES = {
    **{f"{n}_{k}": "string" for n in ("given", "father", "kunya", "mother") for k in ("key", "fam", "skel")},
    "given_block": "string",
    "family_key": "string",
    "family_skel": "string",
    "family_block": "string",
    "blk_given_family": "string",
    "blk_kunya_family": "string",
    "blk_given_father": "string",
    "sex": "string",
    "place_key": "string",
    "address_key": "string",
    "district_key": "string",
    "postcode": "string",
    "phone_key": "string",
    "phone_tail": "string",
    "blk_full_date": "string",
    "blk_postcode_family": "string",
    "blk_postcode_given": "string",
    "blk_phone": "string",
    "blk_address": "string",
    "blk_names_swapped": "string",
    "blk_consonants": "string",
    **{
        k: "Int64"
        for k in ("birth_year", "birth_month", "birth_day", "year_lo", "year_hi", "day_lo", "day_hi", "is_age")
    },
}


def _frame(records: Records, *, side: str) -> Any:
    """The records as an Arrow table, typed (the key arrays as lists of
    strings, also when every list is empty), for either backend."""
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame(features(records, side=side), columns=["unique_id", *_FEATURE_TYPES, *_ARRAY_BLOCKS])
    frame["unique_id"] = frame["unique_id"].astype("int64")
    frame = frame.astype(_FEATURE_TYPES)
    schema = pa.schema(
        [("unique_id", pa.int64())]
        + [(k, pa.string() if t == "string" else pa.int64()) for k, t in _FEATURE_TYPES.items()]
        + [(k, pa.list_(pa.string())) for k in _ARRAY_BLOCKS]
    )
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


# --- Splink: comparisons and blocking ----------------------------------------------------


def _start_m(n: int) -> list[float]:
    """Starting m, as the NumPy model starts: matches mostly agree."""
    m = [0.25**k for k in range(n)]
    return [v / sum(m) for v in m]


def _levels(column: str, conditions: list[Any], labels: list[str]) -> list[Any]:
    import splink.comparison_level_library as cll

    m = _start_m(len(conditions) + 1)
    levels = [cll.NullLevel(column).configure(label_for_charts="missing on one side")]
    for cond, label, mp in zip([*conditions, cll.ElseLevel()], labels, m, strict=True):
        levels.append(cond.configure(label_for_charts=label, m_probability=mp))
    return levels


def _comparisons() -> list[Any]:
    """One comparison per field of :data:`PERSON_FIELDS`, with its levels."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def given_like(name: str) -> Any:
        key = f"{name}_key"
        conditions = [
            cll.ExactMatchLevel(key),
            cll.ExactMatchLevel(f"{name}_fam"),
            cll.JaroWinklerLevel(key, 0.92),
            cll.Or(cll.ExactMatchLevel(f"{name}_skel"), cll.JaroWinklerLevel(key, 0.85)),
        ]
        return cl.CustomComparison(_levels(key, conditions, LEVELS["given"]), output_column_name=name)

    family = [
        cll.ExactMatchLevel("family_key"),
        cll.JaroWinklerLevel("family_key", 0.92),
        cll.Or(cll.ExactMatchLevel("family_skel"), cll.JaroWinklerLevel("family_key", 0.85)),
    ]

    def strings(key: str) -> list[Any]:
        return [cll.ExactMatchLevel(key), cll.JaroWinklerLevel(key, 0.92), cll.JaroWinklerLevel(key, 0.80)]

    place = strings("place_key")
    return [
        given_like("given"),
        cl.CustomComparison(_levels("family_key", family, LEVELS["surname"]), output_column_name="family"),
        given_like("father"),
        given_like("kunya"),
        cl.CustomComparison(_levels("year_lo", _date_levels(), LEVELS["date"]), output_column_name="birth"),
        cl.CustomComparison(_levels("sex", [cll.ExactMatchLevel("sex")], LEVELS["exact"]), output_column_name="sex"),
        cl.CustomComparison(_levels("place_key", place, LEVELS["string"]), output_column_name="place"),
        given_like("mother"),
        cl.CustomComparison(
            _levels("address_key", strings("address_key"), LEVELS["string"]), output_column_name="address"
        ),
        cl.CustomComparison(
            _levels("district_key", strings("district_key"), LEVELS["string"]), output_column_name="district"
        ),
        cl.CustomComparison(
            _levels(
                "postcode",
                [cll.ExactMatchLevel("postcode"), cll.DamerauLevenshteinLevel("postcode", 1)],
                LEVELS["number"],
            ),
            output_column_name="postcode",
        ),
        cl.CustomComparison(
            _levels(
                "phone_key",
                [
                    cll.Or(cll.ExactMatchLevel("phone_key"), cll.ExactMatchLevel("phone_tail")),
                    cll.DamerauLevenshteinLevel("phone_tail", 1),
                ],
                LEVELS["phone"],
            ),
            output_column_name="phone",
        ),
    ]


def _date_levels() -> list[Any]:
    """The levels of :func:`~.model.compare_date_columns`, in SQL both DuckDB
    and Spark read: dates by their parts, stated ages by interval overlap."""
    import splink.comparison_level_library as cll

    dates = "(is_age_l = 0 AND is_age_r = 0)"
    age = "(is_age_l = 1 OR is_age_r = 1)"
    overlap = "(day_lo_l <= day_hi_r AND day_lo_r <= day_hi_l)"
    gap = "GREATEST(day_lo_l - day_hi_r, day_lo_r - day_hi_l)"
    same_year = f"{dates} AND birth_year_l = birth_year_r"
    same_month = f"{same_year} AND birth_month_l = birth_month_r"
    conditions = {
        DateLevel.EXACT: f"{same_month} AND birth_day_l = birth_day_r",
        DateLevel.SAME_MONTH: same_month,
        DateLevel.SAME_YEAR: same_year,
        DateLevel.WITHIN_TWO_YEARS: (
            f"({dates} AND ABS(birth_year_l - birth_year_r) <= 2) OR ({age} AND NOT {overlap} AND {gap} <= 732)"
        ),
        DateLevel.AGE_CONSISTENT: f"{age} AND {overlap}",
    }
    assert [DATE_LEVEL_TEXT[k] for k in conditions] == LEVELS["date"][:-1]
    return [cll.CustomLevel(sql) for sql in conditions.values()]


#: :data:`~.persons.PERSON_RULES` as equi-joins, ``(sql, array exploded or
#: None)``: the rules on one key first, then those on a name key and a birth
#: year, each with its array of keys exploded (one row per year on the left)
#: and joined by equality. Splink leaves out of a rule the pairs of the plain
#: rules before it, and counts a pair brought by several exploded rules once.
BLOCKING_RULES: list[tuple[str, str | None]] = [
    *((f"l.{c} = r.{c}", None) for c in BLOCK_COLUMNS if c not in _ARRAY_BLOCKS),
    *((f"l.{c} = r.{c}", c) for c in BLOCK_COLUMNS if c in _ARRAY_BLOCKS),
]


#: EM sessions, each on an equi-join (no labels): given name × surname key,
#: surname key × the first year of birth.
TRAINING_RULES = [
    "l.blk_given_family = r.blk_given_family",
    "l.family_block = r.family_block AND l.year_lo = r.year_lo",
]


def _link_splink(left: Records, right: Records, *, backend: str, threshold: float, all_pairs: bool, say: _Say) -> Pairs:
    from splink import Linker as SplinkLinker
    from splink import SettingsCreator
    from splink.blocking_rule_library import CustomRule

    say(2, _("Deriving name keys"))
    a, b = _frame(left, side="left"), _frame(right, side="right")
    settings = SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=min(len(a), len(b)) / max(len(a) * len(b), 1),
        blocking_rules_to_generate_predictions=[
            CustomRule(sql, arrays_to_explode=[array] if array else None) for sql, array in BLOCKING_RULES
        ],
        comparisons=_comparisons(),
        # gamma_* (the level) comes only with the matching columns, mw_* (its log2 Bayes factor) with these
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=20,
    )
    with _Backend(backend) as db:
        say(15, _("Loading records into %(engine)s"), engine=backend)
        tables = [db.register(_loaded(db, a), table_name="zl_left"), db.register(_loaded(db, b), table_name="zl_right")]
        linker = SplinkLinker(tables, settings, log_level=logging.ERROR)
        say(25, _("Estimating u from random pairs"))
        # One pass: Splink's default ten chunks cost Spark ten rounds of jobs.
        linker.training.estimate_u_using_random_sampling(max_pairs=min(1e6, max(len(a) * len(b), 1)), num_chunks=1)
        for k, rule in enumerate(TRAINING_RULES):
            say(35 + 10 * k, _("Estimating m by expectation–maximisation"))
            try:
                # On counts of agreement patterns (computed once), not on every pair per
                # iteration: the same estimates, as no comparison has term frequencies.
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except Exception as exc:  # too few pairs to learn from: keep the starting m
                log.info("EM on %s skipped: %s", rule, exc)
        say(60, _("Scoring candidate pairs"))
        predicted = linker.inference.predict(threshold_match_weight=-20)
        # Every candidate's weight (for each left record's sum of odds), but
        # the comparison columns only of pairs that can reach the threshold:
        # a share ≥ t needs odds ≥ t / (1 − t).
        # Only constants and a number in this SQL: Splink's table name, our column names.
        table_name = predicted.physical_name
        ids = "source_dataset_l, unique_id_l, unique_id_r, match_weight"
        weights = db.query_sql(f"SELECT {ids} FROM {table_name}", output_type="pandas")  # noqa: S608
        floor = ""
        if threshold > 0:
            t = min(threshold, 1 - 1e-9)
            floor = f" WHERE match_weight >= {np.log2(t / (1 - t)) - 1e-6:.9f}"
        detail = ", ".join([ids, *(f"gamma_{f.name}, mw_{f.name}" for f in PERSON_FIELDS)])
        compared = db.query_sql(f"SELECT {detail} FROM {table_name}{floor}", output_type="pandas")  # noqa: S608
        predicted.drop_table_from_database_and_remove_from_cache()
    say(90, _("Explaining pairs"))
    return _pairs_from_splink(weights, compared, threshold=threshold, all_pairs=all_pairs, engine=backend)


def _loaded(db: Any, table: Any) -> Any:
    """The records as the backend reads them. Spark gets them cached: built
    from Python they are a local relation in every plan that reads them,
    which Spark's optimiser copies into the driver's heap query after query
    (out of memory at 100k rows)."""
    if not hasattr(db, "spark"):
        return table
    frame = db.spark.createDataFrame(table)
    frame = frame.repartition(db.spark.sparkContext.defaultParallelism).persist()
    frame.count()
    return frame


def _left_right(frame: Any) -> tuple[np.ndarray, np.ndarray]:
    """Left and right row numbers (Splink may put either table on its left)."""
    swapped = (frame["source_dataset_l"] != "zl_left").to_numpy()
    uid_l, uid_r = frame["unique_id_l"].to_numpy(np.int64), frame["unique_id_r"].to_numpy(np.int64)
    return np.where(swapped, uid_r, uid_l), np.where(swapped, uid_l, uid_r)


def _pairs_from_splink(weights: Any, compared: Any, *, threshold: float, all_pairs: bool, engine: str) -> Pairs:
    """``weights``: every candidate pair's weight; ``compared``: the pairs
    (at least those) that may reach ``threshold``, with their levels."""
    n_candidates = len(weights)
    if not n_candidates or not len(compared):
        empty = np.empty(0, np.int64)
        return Pairs(empty, empty, np.empty(0), np.empty(0), [], n_candidates, engine)
    all_left, _right = _left_right(weights)
    total = np.bincount(all_left, weights=np.exp2(np.clip(weights["match_weight"].to_numpy(np.float64), -60, 60)))
    li, ri = _left_right(compared)
    weight = compared["match_weight"].to_numpy(np.float64)
    share = np.exp2(np.clip(weight, -60, 60)) / (1.0 + total[li])
    keep = np.flatnonzero(share >= threshold)
    if not all_pairs:
        best = best_per_left(li[keep], weight[keep])
        keep = keep[best]
    order = keep[np.lexsort((-weight[keep], li[keep]))]
    names = [f.name for f in PERSON_FIELDS]
    gammas = {n: compared[f"gamma_{n}"].to_numpy(np.int64)[order] for n in names}
    mws = {n: compared[f"mw_{n}"].to_numpy(np.float64)[order] for n in names}
    levels = {f.name: f.levels for f in PERSON_FIELDS}
    evidence = []
    for k in range(len(order)):
        row = []
        for f, label in zip(PERSON_FIELDS, LABELS, strict=True):
            g = int(gammas[f.name][k])
            if g < 0:
                row.append(Evidence(label, "missing on one side", 0.0))
            else:
                # Splink numbers levels from the weakest (0, else) up; ours from the strongest.
                text = levels[f.name][len(levels[f.name]) - 1 - g]
                row.append(Evidence(label, text, round(float(mws[f.name][k]), 2)))
        evidence.append(row)
    return Pairs(li[order], ri[order], share[order], weight[order], evidence, n_candidates, engine)


# --- Backends ----------------------------------------------------------------------------


class _Backend:
    """A Splink database API for one linkage; Spark's session is shared and
    used by one linkage at a time."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.db: Any = None
        self.scratch: str | None = None

    def __enter__(self) -> Any:
        if self.backend == "duckdb":
            from splink import DuckDBAPI

            self.db = DuckDBAPI()
            return self.db
        from splink import SparkAPI

        _SPARK_LOCK.acquire()
        try:
            spark = spark_session()
            lineage = "persist"
            if spark is _SPARK.get("session"):
                # Our local session: Splink's intermediate tables written as Parquet to
                # a directory of this linkage (removed after it) and read back. Cached
                # instead, each EM iteration re-plans the whole lineage: 4× slower.
                self.scratch = tempfile.mkdtemp(dir=_SPARK["scratch"])
                spark.sparkContext.setCheckpointDir(self.scratch)
                lineage = "parquet"
            self.db = SparkAPI(spark_session=spark, break_lineage_method=lineage, num_partitions_on_repartition=2)  # type: ignore[no-untyped-call]  # splink leaves SparkAPI.__init__ unannotated
        except BaseException:
            _SPARK_LOCK.release()
            raise
        return self.db

    def __exit__(self, *exc: object) -> None:
        if self.backend == "duckdb":
            return  # its in-memory database goes with the object
        try:
            spark = self.db.spark
            for t in spark.catalog.listTables():
                if t.isTemporary and t.name.startswith(("__splink", "zl_")):
                    spark.catalog.dropTempView(t.name)
            spark.catalog.clearCache()
            if self.scratch:
                shutil.rmtree(self.scratch, ignore_errors=True)
        finally:
            _SPARK_LOCK.release()


_SPARK_LOCK = threading.Lock()
_SPARK: dict[str, Any] = {}

_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def spark_session() -> Any:
    """The Spark session: the active one when the caller made one (a cluster),
    else local mode on two cores, bound to 127.0.0.1, without the web UI,
    quiet, with Splink's similarity functions from the jar Splink ships
    (nothing is downloaded) and scratch space in a temporary directory that
    is removed at exit."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if "session" in _SPARK:
        return _SPARK["session"]
    from splink.backends.spark import similarity_jar_location

    scratch = tempfile.mkdtemp(prefix="zhusan-spark-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    log4j = os.path.join(scratch, "log4j2.properties")
    with open(log4j, "w", encoding="utf-8") as fh:
        fh.write(_LOG4J)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    java_options = f"-Dlog4j.configurationFile=file:{log4j} -Djava.io.tmpdir={scratch}"
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("zhusan-link")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "4g")
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.local.dir", scratch)
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.jars", similarity_jar_location())
    )
    session = builder.getOrCreate()
    atexit.register(session.stop)  # before the scratch directory goes (atexit runs last-registered first)
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    _SPARK["session"], _SPARK["scratch"] = session, scratch
    return session
