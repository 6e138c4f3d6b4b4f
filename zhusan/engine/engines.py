"""Linkage engines behind one interface: ``zhusan``, ``duckdb`` and ``spark``.

    pairs = link_records(left, right, engine="spark", threshold=0.5)
    pairs.left[k], pairs.right[k], pairs.probability[k], pairs.evidence[k]

Every engine runs the project's own Fellegi–Sunter model (:mod:`.model`, the
fields and rules of :mod:`.persons`) on the same person records and returns
the same :class:`Pairs`: row numbers on each side, the match probability (the
share: P(this is the one) when a left record is at most one of its
candidates), the match weight, and one :class:`~.model.Evidence` per compared
field. So ``zhusan link --engine …`` and the UI's linkage jobs can switch
engines and write the same file. What differs is where the work runs:

* ``zhusan`` — in this process. A right side below :data:`INDEX_FROM` rows
  goes through the one-shot :class:`~.link.Linker` (blocking by pandas
  merges, EM on the candidate pairs); a registry from there through a
  :class:`~.index.RegistryIndex`, fitted on a sample of the left side and
  queried :data:`CHUNK` left records at a time, each chunk reporting progress.
* ``duckdb`` — the one-shot Linker with its blocking joins done by DuckDB
  (:func:`~.duck.duckdb_candidate_pairs`: the same pairs, joined out of core,
  at any size); comparison, EM and shares are the same code, so the pairs
  are those of ``zhusan`` below :data:`INDEX_FROM`.
* ``spark`` — the registry index path with its chunks scored in Spark's
  partitions (:mod:`.spark`): the driver builds and fits the index, Spark
  broadcasts it, and each partition runs :func:`score_chunk` on whole left
  records — the function the ``zhusan`` engine runs in its own loop — so the
  pairs are those of ``zhusan`` on its index path. The index must fit in each
  executor's memory (docs/benchmarks.md (e)).

A record read several ways (aliases, a full name in either order) or a
registry person with several names is compared under every reading; a pair
of records, or of a record and a registry person, counts once, by its best
pair of readings (:func:`_best_readings`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .blocking import Columns, candidate_pairs
from .duck import duckdb_candidate_pairs
from .index import RegistryIndex
from .link import CandidateFn, Linker
from .model import Evidence, FellegiSunter
from .persons import PERSON_FIELDS, PERSON_RULES, person_variants

Records = Sequence[Mapping[str, object]]
#: ``progress(percent, message)``; engines report 0–100 of their own work.
ProgressCallback = Callable[[int, str], None]

ENGINES = ("zhusan", "duckdb", "spark")
#: Embedded and the fastest on one machine; see docs/benchmarks.md (e).
DEFAULT_ENGINE = "zhusan"
#: From this many right-side rows, the ``zhusan`` engine builds a registry index:
#: one-shot, the Linker was as fast up to 500k rows (10k × 200k: 19 s against
#: 26 s with the build; 10k × 500k: 25 s against 26 s) and the index uses half
#: the memory at 1M and reports progress per chunk (docs/benchmarks.md (e)).
INDEX_FROM = 500_000
#: Left records per chunk on the index path (one progress step each; one
#: Spark task each).
CHUNK = 2_000
#: Incoming records the index fits its model on.
FIT_SAMPLE = 2_000
#: Below this many rows on a side the model keeps its default parameters, on
#: the index path as in the one-shot Linker (its ``min_train``).
MIN_TRAIN = 200

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
    n_candidates: int  # pairs of readings compared
    engine: str

    def __len__(self) -> int:
        return len(self.left)


def _no_progress(percent: int, message: str) -> None:
    return None


def check_engine(engine: str) -> None:
    """Raise :class:`EngineUnavailableError` with a reason when ``engine`` cannot run."""
    if engine not in ENGINES:
        raise EngineUnavailableError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "duckdb":
        try:
            import duckdb  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailableError("the duckdb engine needs duckdb: pip install duckdb") from exc
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
    lcols, lorig = person_variants(left)
    rcols, rorig = person_variants(right)
    rgroup = _registry_groups(right)
    readings = Readings(lorig, rorig, rgroup, int(lorig.max()) + 1 if len(lorig) else 0)
    if engine == "spark" or (engine == "zhusan" and len(rorig) >= INDEX_FROM):
        return _link_indexed(lcols, rcols, readings, threshold=threshold, all_pairs=all_pairs, say=say, engine=engine)
    candidates = duckdb_candidate_pairs if engine == "duckdb" else candidate_pairs
    return _link_linker(lcols, rcols, readings, threshold=threshold, all_pairs=all_pairs, say=say, engine=engine,
                        candidates=candidates)  # fmt: skip


def _registry_groups(records: Records) -> np.ndarray:
    """Per record, the record standing for its person: registry records (one
    per name of a person) of one id are one person; any other record is its own."""
    group = np.arange(len(records), dtype=np.int64)
    first: dict[object, int] = {}
    for i, rec in enumerate(records):
        if rec.get("registry") and rec.get("id"):
            group[i] = first.setdefault(rec["id"], i)
    return group


@dataclass(frozen=True)
class Readings:
    """Where each row of the columns comes from: per left row its record
    (``lorig``), per right row its record (``rorig``), per right record its
    person (``rgroup``); ``n_left`` left records."""

    lorig: np.ndarray
    rorig: np.ndarray
    rgroup: np.ndarray
    n_left: int


# --- The one-shot Linker (zhusan below INDEX_FROM, duckdb) -------------------------------


def _link_linker(
    lcols: Columns,
    rcols: Columns,
    readings: Readings,
    *,
    threshold: float,
    all_pairs: bool,
    say: _Say,
    engine: str,
    candidates: CandidateFn,
) -> Pairs:
    """Every pair of readings scored by the one-shot Linker, each (record,
    person) once by its best pair of readings. Each left record is at most
    one of the persons it is compared with: its share is its best pair's odds
    over one plus the sum of those of all its persons."""
    say(10, _("Training the model and scoring pairs"))
    linker = Linker(PERSON_FIELDS, PERSON_RULES, candidates=candidates)
    res = linker.link(lcols, rcols, threshold=0.0, train=True)
    part = _best_readings(res.left, res.right, res.weight, res.gammas, readings, threshold)
    say(90, _("Explaining pairs"))
    return _decided([part], res.n_candidates, linker.model, all_pairs=all_pairs, engine=engine)


# --- The registry index (zhusan from INDEX_FROM, spark) ----------------------------------


@dataclass(frozen=True)
class Scoring:
    """What scoring a chunk needs beside the chunk: the fitted index, where
    each row comes from, and the threshold. Spark broadcasts it once."""

    index: RegistryIndex
    readings: Readings
    threshold: float


def score_chunk(scoring: Scoring, start: int, chunk: Columns) -> tuple[tuple[np.ndarray, ...], int]:
    """Score one chunk of whole left records (its rows from ``start``) against
    the index: the (record, person) pairs whose share reaches the threshold,
    as :func:`_best_readings` gives them, and how many pairs of readings were
    compared. The ``zhusan`` engine runs it in its loop, the ``spark`` engine
    in Spark's partitions."""
    il, ir, weight, gammas = scoring.index.query_columns(chunk)
    return _best_readings(il + start, ir, weight, gammas, scoring.readings, scoring.threshold), len(il)


def _record_chunks(lcols: Columns, lorig: np.ndarray, n_left: int) -> tuple[list[int], Iterator[tuple[int, Columns]]]:
    """Chunks of :data:`CHUNK` whole records (all readings of a record are
    scored together, its share needs all its candidates): per chunk the
    number of records done after it, and the chunks ``(start, columns)``."""
    bounds = np.searchsorted(lorig, np.arange(0, n_left + CHUNK, CHUNK)).tolist()
    spans = [(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    done = [int(lorig[b - 1]) + 1 for _a, b in spans]
    return done, ((a, {k: v[a:b] for k, v in lcols.items()}) for a, b in spans)


def _link_indexed(
    lcols: Columns,
    rcols: Columns,
    readings: Readings,
    *,
    threshold: float,
    all_pairs: bool,
    say: _Say,
    engine: str,
) -> Pairs:
    """The registry index: built and fitted here, its chunks scored here or on Spark."""
    if not readings.n_left or not len(readings.rorig):  # nothing to fit the model on, or to find
        return _decided([], 0, FellegiSunter(PERSON_FIELDS), all_pairs=all_pairs, engine=engine)
    say(2, _("Indexing %(n)s records"), n=f"{len(readings.rorig):,}")
    index = RegistryIndex(rcols)
    say(25, _("Training the model"))
    if min(len(readings.lorig), index.n) < MIN_TRAIN:
        # The Linker's rule (link.Linker.train): EM on a handful of records learns
        # noise, so the default parameters are used as they are, u included.
        index.model = FellegiSunter(PERSON_FIELDS)
        index.model.set_share(0.5, index.n)
    else:
        index.fit(lcols, max_sample=FIT_SAMPLE)
    scoring = Scoring(index, readings, threshold)
    done, chunks = _record_chunks(lcols, readings.lorig, readings.n_left)
    results: Iterator[tuple[tuple[np.ndarray, ...], int]]
    if engine == "spark":
        from .spark import map_chunks

        say(28, _("Loading records into %(engine)s"), engine="Spark")
        results = map_chunks(score_chunk, scoring, chunks)
    else:
        results = (score_chunk(scoring, start, chunk) for start, chunk in chunks)
    parts: list[tuple[np.ndarray, ...]] = []
    candidates = 0
    n = max(readings.n_left, 1)
    for k, (part, compared) in enumerate(results):
        parts.append(part)
        candidates += compared
        say(30 + (65 * done[k]) // n, _("Linked %(done)s of %(n)s records"),
            done=f"{done[k]:,}", n=f"{readings.n_left:,}")  # fmt: skip
    return _decided(parts, candidates, index.model, all_pairs=all_pairs, engine=engine)


# --- Shares and decisions, whichever engine scored ---------------------------------------


def _best_readings(
    il: np.ndarray, ir: np.ndarray, weight: np.ndarray, gammas: np.ndarray, readings: Readings, threshold: float
) -> tuple[np.ndarray, ...]:
    """The best pair of readings of each (left record, right person), with
    its share among the left record's persons, kept when the share reaches
    ``threshold``: left record, right record (the reading's), share, weight,
    levels. ``il`` must hold every candidate of each left record it names."""
    lo, rg = readings.lorig[il], readings.rgroup[readings.rorig[ir]]
    if not len(lo):
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0), np.empty(0), np.empty((0, gammas.shape[1]), np.int8)
    order = np.lexsort((-weight, rg, lo))
    first = np.ones(len(order), bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (rg[order][1:] != rg[order][:-1])
    best = order[first]
    odds = np.exp2(np.clip(weight[best], -60, 60))
    total = np.bincount(lo[best], weights=odds, minlength=readings.n_left)
    share = odds / (1.0 + total[lo[best]])
    best, share = best[share >= threshold], share[share >= threshold]
    return lo[best], readings.rorig[ir[best]], share, weight[best], gammas[best]


def _decided(
    parts: list[tuple[np.ndarray, ...]], candidates: int, model: FellegiSunter, *, all_pairs: bool, engine: str
) -> Pairs:
    """The pairs of :func:`_best_readings` (already above the threshold): each
    left record's best (all of them with ``all_pairs``), by left record then
    weight, explained."""
    if parts:
        li, ri, share, weight, gammas = (np.concatenate(col) for col in zip(*parts, strict=True))
    else:
        li = ri = np.empty(0, np.int64)
        share, weight, gammas = np.empty(0), np.empty(0), np.empty((0, len(PERSON_FIELDS)), np.int8)
    keep = np.arange(len(li)) if all_pairs else best_per_left(li, weight)
    keep = keep[np.lexsort((-weight[keep], li[keep]))]
    return Pairs(li[keep], ri[keep], share[keep], weight[keep], _evidence(model, gammas[keep]), candidates, engine)


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
