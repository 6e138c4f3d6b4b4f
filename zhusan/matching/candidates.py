"""From registry persons to engine records, and scoring one against many.

A registry person becomes one engine record per name it carries (a Cyrillic
legal name, its ICAO spelling, an Arabic spelling …), each with the person's
kunya, birth, sex and place of birth; a pair of persons scores as its best
pair of names. A year-only birth date stays year-only
(:class:`~zhusan.engine.dates.PartialDate` with no month), an age stated on
a known day stays an interval (:class:`~zhusan.engine.dates.StatedAge`).

Parameters: with at least :data:`FIT_MIN_PERSONS` persons in the pool the
model's u comes from random pairs of the pool and m from EM on the pool's
own candidate pairs (no labels); below that there is too little data, and
the default parameters of :data:`~zhusan.engine.persons.PERSON_FIELDS` are
used (hand-set m and u).
"""

from __future__ import annotations

import math
import threading
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet

from zhusan.audit.models import AuditEvent
from zhusan.core.ids import among
from zhusan.engine.blocking import candidate_pairs
from zhusan.engine.dates import PartialDate, StatedAge, birth_value
from zhusan.engine.model import Comparator, Encoded, FellegiSunter, random_pairs
from zhusan.engine.persons import PERSON_FIELDS, PERSON_RULES, person_columns
from zhusan.registry.models import NameKind, Person, PersonName

if TYPE_CHECKING:
    from zhusan.registry.services import PersonInput

FIT_MIN_PERSONS = 200

# Prior probability that a pair of persons is one person, when the model is
# not fitted to the pool.
DEFAULT_PRIOR = 1e-3


@dataclass
class QueryName:
    given: str = ""
    patronymic: str = ""
    family: str = ""
    kind: str = NameKind.LEGAL

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.given, self.patronymic, self.family) if p)


@dataclass
class QueryPerson:
    """A person to look for: a registry person, a create form not yet saved,
    or a sought person of a tracing request."""

    names: list[QueryName] = field(default_factory=list)
    sex: str = ""
    birth: PartialDate | StatedAge | None = None
    place: str = ""
    father: str = ""
    other_full_names: list[str] = field(default_factory=list)


@dataclass
class Scored:
    person: Person
    probability: float
    evidence: dict[str, Any]


# A person's birth fields, in the order ``birth_value`` takes them.
BIRTH_FIELDS = ("birth_precision", "birth_year", "birth_month", "birth_day", "stated_age", "stated_age_on")


def person_birth(person: Person) -> PartialDate | StatedAge | None:
    """A registry person's birth as the engine scores it: the one converter
    (:func:`zhusan.engine.dates.birth_value`), used by duplicate proposals,
    tracing, checks and linkage jobs alike."""
    return birth_value(*(getattr(person, name) for name in BIRTH_FIELDS))


def query_from_person(person: Person) -> QueryPerson:
    names = [QueryName(n.given, n.patronymic, n.family, n.kind) for n in person.names.all()]
    return QueryPerson(
        names=names,
        sex=person.sex,
        birth=person_birth(person),
        place=person.place_of_birth,
    )


def _records(query: QueryPerson) -> tuple[list[dict[str, object]], list[str]]:
    """Engine records (one per non-kunya name) and each one's name as written."""
    kunya = next((n.full for n in query.names if n.kind == NameKind.KUNYA), "")
    base: dict[str, object] = {"birth": query.birth, "sex": query.sex, "place": query.place or None}
    records: list[dict[str, object]] = []
    shown: list[str] = []
    for n in query.names:
        if n.kind == NameKind.KUNYA:
            continue
        rec = {**base, "given": n.given, "family": n.family, "patronymic": n.patronymic}
        if query.father:
            rec["father"] = query.father
        if kunya:
            rec["kunya"] = kunya
        records.append(rec)
        shown.append(n.full)
    for full in query.other_full_names:
        if full.strip():
            records.append({**base, "full_name": full.strip(), "father": query.father or None})
            shown.append(full.strip())
    if not records and kunya:
        # Only a kunya is known: it still finds the mother through her child's name.
        records.append({**base, "kunya": kunya})
        shown.append(kunya)
    return records, shown


# What scoring reads of a person besides its names (values, not model
# instances: a thousand candidates are read for each registration).
_SCORED_FIELDS = ("pk", "sex", "place_of_birth", *BIRTH_FIELDS)


def _pool_records(persons: QuerySet[Person]) -> tuple[list[dict[str, object]], list[str], list[int], list[int]]:
    """Engine records of ``persons``, each one's name as written, each one's
    person, and the persons read (in the queryset's order)."""
    rows = list(persons.values_list(*_SCORED_FIELDS))
    pks = [row[0] for row in rows]
    names: dict[int, list[QueryName]] = defaultdict(list)
    named = PersonName.objects.filter(among("person_id", pks))
    for pid, kind, given, patronymic, family in named.order_by("-is_primary", "pk").values_list(
        "person_id", "kind", "given", "patronymic", "family"
    ):
        names[pid].append(QueryName(given, patronymic, family, kind))
    records: list[dict[str, object]] = []
    shown: list[str] = []
    owners: list[int] = []
    for pk, sex, place, *birth in rows:
        q = QueryPerson(names=names.get(pk, []), sex=sex, birth=birth_value(*birth), place=place)
        recs, labels = _records(q)
        records.extend(recs)
        shown.extend(labels)
        owners.extend([pk] * len(recs))
    return records, shown, owners, pks


def default_model() -> FellegiSunter:
    model = FellegiSunter(PERSON_FIELDS)  # the fields' default parameters
    model.prior = DEFAULT_PRIOR
    return model


def fit_model(
    comparator: Comparator, enc: Encoded, columns: dict[str, Sequence[object]], owners: np.ndarray
) -> FellegiSunter:
    """u from random pairs of the pool, m by EM on its candidate pairs (no labels)."""
    model = default_model()
    rl, rr = random_pairs(enc.n, enc.n, min(50_000, enc.n * 50))
    keep = owners[rl] != owners[rr]
    model.estimate_u(comparator.compare(enc, enc, rl[keep], rr[keep]))
    il, ir = candidate_pairs(columns, columns, PERSON_RULES)
    keep = owners[il] < owners[ir]
    il, ir = il[keep], ir[keep]
    if len(il):
        gammas = comparator.compare(enc, enc, il, ir)
        # Few records of a registry have a duplicate: start EM from 5 %.
        model.estimate_m(gammas, groups=il, n_left=enc.n, n_right=enc.n, share=0.05)
    return model


def score(
    query: QueryPerson,
    persons: QuerySet[Person],
    *,
    threshold: float = 0.5,
    model: FellegiSunter | None = None,
    fitted: bool = False,
) -> list[Scored]:
    """Persons of ``persons`` that may be ``query``, best first, with evidence.

    Without ``model``, the parameters come from the pool (estimated with at
    least ``FIT_MIN_PERSONS`` persons, else the defaults); with it, that
    model is used as it is (``fitted`` says whether it was estimated)."""
    q_records, q_shown = _records(query)
    if not q_records:
        return []
    records, shown, owner_list, read = _pool_records(persons)
    if not records:
        return []
    owners = np.asarray(owner_list, np.int64)
    right = person_columns(records)
    left = person_columns(q_records)
    comparator = Comparator(PERSON_FIELDS)
    enc_r = comparator.encode(right)
    enc_l = comparator.encode(left, count=False)
    if model is None:
        fitted = len(read) >= FIT_MIN_PERSONS
        model = fit_model(comparator, enc_r, right, owners) if fitted else default_model()
    il, ir = candidate_pairs(left, right, PERSON_RULES)
    if not len(il):
        return []
    gammas = comparator.compare(enc_l, enc_r, il, ir)
    weights = model.weights(gammas)
    prior = math.log2(model.prior / (1 - model.prior))
    total = prior + weights.sum(axis=1)
    best: dict[int, int] = {}
    for k in np.argsort(-total, kind="stable").tolist():
        best.setdefault(int(owners[ir[k]]), k)
    likely = {}
    for pk, k in best.items():
        probability = 1.0 / (1.0 + 2.0 ** (-float(np.clip(total[k], -60, 60))))
        if probability >= threshold:
            likely[pk] = (k, probability)
    # The persons proposed, read whole once the scoring has chosen them.
    by_pk = {p.pk: p for p in persons.filter(among("pk", likely))} if likely else {}
    out = []
    for pk, (k, probability) in likely.items():
        fields = [
            {"field": e.field, "level": e.level, "weight": e.weight} for e in model.evidence(gammas[k], weights[k])
        ]
        evidence = {
            "names": [q_shown[int(il[k])], shown[int(ir[k])]],
            "fields": fields,
            "model": "estimated" if fitted else "default",
            "weight": round(float(total[k]), 2),
        }
        out.append(Scored(by_pk[pk], round(probability, 4), evidence))
    out.sort(key=lambda s: -s.probability)
    return out


def query_from_values(values: Mapping[str, Any]) -> QueryPerson:
    """A query from a create form's cleaned fields (name parts, sex, birth)."""
    name = QueryName(
        str(values.get("given") or ""),
        str(values.get("patronymic") or ""),
        str(values.get("family") or ""),
        str(values.get("kind") or NameKind.LEGAL),
    )
    return QueryPerson(
        names=[name] if name.full else [],
        sex=str(values.get("sex") or ""),
        birth=birth_value(
            str(values.get("birth_precision") or ""),
            values.get("birth_year"),
            values.get("birth_month"),
            values.get("birth_day"),
            values.get("stated_age"),
            values.get("stated_age_on"),
        ),
        place=str(values.get("place_of_birth") or ""),
    )


def query_from_input(data: PersonInput) -> QueryPerson:
    """A query from a registration not yet saved (``registry.services.PersonInput``):
    every name it carries, the kunya among them, and its sex, birth and place."""
    return QueryPerson(
        names=[QueryName(n.given, n.patronymic, n.family, n.kind) for n in data.names],
        sex=data.sex,
        birth=birth_value(
            data.birth_precision,
            data.birth_year,
            data.birth_month,
            data.birth_day,
            data.stated_age,
            data.stated_age_on,
        ),
        place=data.place_of_birth,
    )


# --- Blocking at registration: only persons sharing a block are scored ------------

# A blocking key carried by more persons than this is skipped, as the engine's
# index skips it (``RegistryIndex.max_block``; ``candidate_pairs`` in ``score``
# skips the same keys): it carries no signal and would cost time.
MAX_BLOCK = 2000
# A registration scores at most this many candidates. In a registry of a
# million, a person's dozen keys reach about ten thousand persons (blocks of
# up to MAX_BLOCK each, most of them sharing one common key with the person),
# and reading and comparing them all takes seconds. Past the limit the
# candidates sharing the rarest keys, and the most keys, are kept
# (:func:`most_telling`): a duplicate shares most of its person's keys, the
# rare ones included. Below the limit, which a registry of thousands never
# reaches, nothing is left out. At a million persons (docs/benchmarks.md,
# "Web scale"): 1,000 candidates take 300 ms at the median and 400 ms at the
# 95th percentile, 600 take 200 and 266 ms and keep 335 of 346 of the ten
# most likely proposals (1,000 kept 338). ``ZHUSAN_DUPLICATE_CANDIDATES``.
MAX_CANDIDATES = int(getattr(settings, "ZHUSAN_DUPLICATE_CANDIDATES", 600))
# The model's parameters at registration are estimated once per index build,
# from at most this many persons of the registry (every k-th by id).
FIT_SAMPLE = 5000
_WRITES = ("create", "update", "delete")


def _key_hash(rule: int, key: str) -> int:
    """A blocking key as the index stores it: a 64-bit hash of the rule and
    the key (the process's own ``hash``: the index lives in one process).
    Two keys sharing a hash only merge their blocks: ``score`` compares the
    persons found by their real keys, so a collision costs time, never a
    proposal."""
    return hash(f"{rule}\x1e{key}")


def _pairs(queries: Mapping[int, QueryPerson]) -> tuple[np.ndarray, np.ndarray]:
    """(key hash, person id) of every blocking key the persons are indexed
    under (the engine's rules, index side), each pair once, sorted by key."""
    records: list[dict[str, object]] = []
    owners: list[int] = []
    for pk, query in queries.items():
        recs, _shown = _records(query)
        records.extend(recs)
        owners.extend([pk] * len(recs))
    hashes: list[int] = []
    ids: list[int] = []
    if records:
        cols = person_columns(records)
        for r, rule in enumerate(PERSON_RULES):
            for owner, keys in zip(owners, rule.index_keys(cols), strict=True):
                for key in keys:
                    hashes.append(_key_hash(r, key))
                    ids.append(owner)
    return _unique_pairs(np.asarray(hashes, np.int64), np.asarray(ids, np.int64))


def _unique_pairs(hashes: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((ids, hashes))
    hashes, ids = hashes[order], ids[order]
    keep = np.ones(len(hashes), bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (ids[1:] != ids[:-1])
    return hashes[keep], ids[keep]


def _query_keys(query: QueryPerson) -> set[int]:
    """The keys a query looks up (the engine's rules, query side: birth year ± 2 …)."""
    records, _shown = _records(query)
    if not records:
        return set()
    cols = person_columns(records)
    return {_key_hash(r, k) for r, rule in enumerate(PERSON_RULES) for ks in rule.query_keys(cols) for k in ks}


def _queries(persons: QuerySet[Person]) -> dict[int, QueryPerson]:
    rows = list(persons.values_list("pk", "sex", *_BIRTH, "place_of_birth"))
    names: dict[int, list[QueryName]] = defaultdict(list)
    found = PersonName.objects.filter(person_id__in=[r[0] for r in rows]).order_by("-is_primary", "pk")
    for pid, kind, given, patronymic, family in found.values_list("person_id", "kind", "given", "patronymic", "family"):
        names[pid].append(QueryName(given, patronymic, family, kind))
    out = {}
    for pk, sex, precision, year, month, day, age, age_on, place in rows:
        birth = birth_value(precision, year, month, day, age, age_on)
        out[pk] = QueryPerson(names=names.get(pk, []), sex=sex, birth=birth, place=place)
    return out


_BIRTH = ("birth_precision", "birth_year", "birth_month", "birth_day", "stated_age", "stated_age_on")


@dataclass(frozen=True)
class Postings:
    """Blocks as arrays: the sorted distinct key hashes, and for the i-th
    key the person ids ``ids[offsets[i]:offsets[i + 1]]``. About 12 bytes a
    (key, person) pair and 16 a key, where sets of ints in a dict of
    strings take ten times that."""

    hashes: np.ndarray  # int64, sorted, distinct
    offsets: np.ndarray  # int64, len(hashes) + 1
    ids: np.ndarray  # int32 when ids fit, else int64

    @classmethod
    def empty(cls) -> Postings:
        return cls(np.empty(0, np.int64), np.zeros(1, np.int64), np.empty(0, np.int32))

    @classmethod
    def of(cls, hashes: np.ndarray, ids: np.ndarray) -> Postings:
        """From (key hash, person id) pairs sorted by key hash."""
        starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]]) if len(hashes) else np.empty(0, np.int64)
        offsets = np.append(starts, len(hashes)).astype(np.int64)
        small = not len(ids) or int(ids.max()) < 2**31
        return cls(hashes[starts], offsets, ids.astype(np.int32 if small else np.int64))

    def block(self, key: int) -> np.ndarray:
        i = int(np.searchsorted(self.hashes, key))
        if i == len(self.hashes) or self.hashes[i] != key:
            return self.ids[:0]
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    @property
    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.offsets.nbytes + self.ids.nbytes)


class BlockIndex:
    """The blocking keys of every registry person (the engine's
    ``PERSON_RULES``, as ``RegistryIndex`` posts them) → the persons carrying
    each, in memory, so that a registration scores only the persons sharing
    a block with it instead of everyone the user may see.

    Built on first use (one pass over persons and names) into arrays
    (:class:`Postings`), then kept fresh from the audit trail, which every
    write goes through: before each lookup, the persons named by write
    events after the last one seen are re-read; their built postings are
    set aside (``_stale``) and their current keys kept in small dicts
    beside the arrays. If that last event is gone (a restored database, a
    test rolled back), the index is rebuilt. The audit chain is written
    under a lock, so events are seen in the order their transactions
    committed. ``benchmarks/block_index_memory.py`` measures it
    (docs/benchmarks.md, "Web scale")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base = Postings.empty()
        self._stale: set[int] = set()  # persons whose postings in _base are out of date
        self._added: dict[int, set[int]] = defaultdict(set)  # key hash -> persons, since the build
        self._added_keys: dict[int, set[int]] = {}  # person -> its key hashes in _added
        self._seen: tuple[int, str] | None = None
        self.model: FellegiSunter = default_model()
        self.fitted = False

    def _last_event(self) -> tuple[int, str]:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        return (int(last[0]), str(last[1])) if last else (0, "")

    def _drop(self, pk: int) -> None:
        self._stale.add(pk)
        for key in self._added_keys.pop(pk, set()):
            block = self._added[key]
            block.discard(pk)
            if not block:
                del self._added[key]

    def _put(self, queries: Mapping[int, QueryPerson]) -> None:
        for pk in queries:
            self._drop(pk)
        hashes, ids = _pairs(queries)
        for key, pk in zip(hashes.tolist(), ids.tolist(), strict=True):
            self._added[key].add(pk)
            self._added_keys.setdefault(pk, set()).add(key)

    def build(self) -> None:
        """Read every person now (as the first lookup does)."""
        with self._lock:
            self._build()

    def _build(self) -> None:
        self._seen = self._last_event()  # before reading: a write after it is caught up next time
        ids = list(Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
        hashes: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        for start in range(0, len(ids), 2000):
            h, o = _pairs(_queries(Person.objects.filter(pk__in=ids[start : start + 2000])))
            hashes.append(h)
            owners.append(o)
        all_hashes = np.concatenate(hashes) if hashes else np.empty(0, np.int64)
        all_owners = np.concatenate(owners) if owners else np.empty(0, np.int64)
        del hashes, owners
        order = np.argsort(all_hashes, kind="stable")  # each batch's pairs are distinct: so are all
        self._base = Postings.of(all_hashes[order], all_owners[order])
        del all_hashes, all_owners, order
        self._stale.clear()
        self._added.clear()
        self._added_keys.clear()
        self.model, self.fitted = default_model(), False
        if len(ids) >= FIT_MIN_PERSONS:
            sample = ids[:: max(1, len(ids) // FIT_SAMPLE)]
            records, _shown, owner_list, _read = _pool_records(Person.objects.filter(among("pk", sample)))
            if records:
                cols = person_columns(records)
                comparator = Comparator(PERSON_FIELDS)
                self.model = fit_model(comparator, comparator.encode(cols), cols, np.asarray(owner_list, np.int64))
                self.fitted = True

    def _catch_up(self) -> None:
        if self._seen is None:
            self._build()
            return
        seq, digest = self._seen
        if seq and not AuditEvent.objects.filter(seq=seq, hash=digest).exists():
            self._build()
            return
        events = AuditEvent.objects.filter(seq__gt=seq, action__in=_WRITES).exclude(person_ref="")
        last = AuditEvent.objects.filter(seq__gt=seq).order_by("-seq").values_list("seq", "hash").first()
        if last is None:
            return
        refs = set(events.filter(seq__lte=last[0]).values_list("person_ref", flat=True))
        persons = Person.objects.filter(uuid__in=[r for r in refs if _is_uuid(r)])
        gone = set(persons.filter(merged_into__isnull=False).values_list("pk", flat=True))
        self._put(_queries(persons.filter(merged_into__isnull=True)))
        for pk in gone:
            self._drop(pk)
        self._seen = (int(last[0]), str(last[1]))

    def _block(self, key: int) -> set[int] | None:
        """The persons under ``key`` now, or None if the block is too large to carry a signal."""
        base = self._base.block(key)
        added = self._added.get(key, set())
        if len(base) - len(self._stale) + len(added) > MAX_BLOCK:
            return None  # too large even if every stale person were in it
        stale = self._stale
        found = {pk for pk in base.tolist() if pk not in stale} if stale else set(base.tolist())
        found |= added
        return found if len(found) <= MAX_BLOCK else None

    def blocks(self, query: QueryPerson) -> list[set[int]]:
        """The blocks of ``query``'s keys (any scope), too large ones left out."""
        with self._lock:
            self._catch_up()
            return [block for key in _query_keys(query) if (block := self._block(key))]

    def candidates(self, query: QueryPerson) -> set[int]:
        """Ids of the persons sharing a blocking key with ``query`` (any scope)."""
        return _union(self.blocks(query))

    def size(self) -> tuple[int, int]:
        """(keys, key-person pairs) held, built and added since."""
        added = sum(len(v) for v in self._added.values())
        return len(self._base.hashes) + len(self._added), len(self._base.ids) + added

    def nbytes(self) -> int:
        """Memory held by the built arrays (the dicts of what changed since are small)."""
        return self._base.nbytes


def _union(blocks: Sequence[set[int]]) -> set[int]:
    return set().union(*blocks) if blocks else set()


def most_telling(blocks: Sequence[set[int]], limit: int, among: set[int] | None = None) -> set[int]:
    """The persons of ``blocks`` (a query's blocks; only those ``among``, if
    given), all of them if they are at most ``limit``; else the ``limit``
    sharing the most telling keys with the query: each shared key weighs
    ``log(1 + MAX_BLOCK / size of its block)`` (a key of one person 7.6, a
    key of MAX_BLOCK persons 0.7), a person the sum of its keys' weights;
    ties by id, so the same query keeps the same persons."""
    found = _union(blocks)
    if among is not None:
        found &= among
    if len(found) <= limit:
        return found
    weight: dict[int, float] = defaultdict(float)
    for block in blocks:
        w = math.log1p(MAX_BLOCK / len(block))
        for pk in block if among is None else block & among:
            weight[pk] += w
    ranked = sorted(weight.items(), key=lambda item: (-item[1], item[0]))
    return {pk for pk, _w in ranked[:limit]}


def _is_uuid(ref: str) -> bool:
    try:
        uuid.UUID(ref)
    except ValueError:
        return False
    return True


_INDEX = BlockIndex()


def registry_blocks() -> BlockIndex:
    """The process's block index (built on first use)."""
    return _INDEX


def score_blocked(query: QueryPerson, persons: QuerySet[Person], *, threshold: float = 0.5) -> list[Scored]:
    """As :func:`score`, against only the persons of ``persons`` that share a
    blocking key with ``query``: the same pairs ``score`` would compare (it
    compares only pairs sharing a key), found from the index instead of by
    reading every person — at most ``MAX_CANDIDATES`` of them, the most
    telling (:func:`most_telling`). The model is the index's (estimated once from a
    sample of the registry, or the default parameters below
    ``FIT_MIN_PERSONS``), not re-estimated from the pool on every call."""
    index = registry_blocks()
    blocks = index.blocks(query)
    ids = _union(blocks)
    if len(ids) > MAX_CANDIDATES:  # the most telling of those in ``persons``
        shown = set(persons.filter(among("pk", ids)).values_list("pk", flat=True))
        ids = most_telling(blocks, MAX_CANDIDATES, among=shown)
    if not ids:
        return []
    return score(query, persons.filter(among("pk", ids)), threshold=threshold, model=index.model, fitted=index.fitted)
