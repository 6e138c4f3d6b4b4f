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
from django.db.models import QuerySet

from zhusan.audit.models import AuditEvent
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


def person_birth(person: Person) -> PartialDate | StatedAge | None:
    """A registry person's birth as the engine scores it: the one converter
    (:func:`zhusan.engine.dates.birth_value`), used by duplicate proposals,
    tracing, checks and linkage jobs alike."""
    return birth_value(
        person.birth_precision,
        person.birth_year,
        person.birth_month,
        person.birth_day,
        person.stated_age,
        person.stated_age_on,
    )


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


def _pool_records(persons: QuerySet[Person]) -> tuple[list[dict[str, object]], list[str], list[int], dict[int, Person]]:
    by_pk = {p.pk: p for p in persons}
    names: dict[int, list[QueryName]] = defaultdict(list)
    rows = PersonName.objects.filter(person_id__in=list(by_pk)).order_by("-is_primary", "pk")
    for pid, kind, given, patronymic, family in rows.values_list("person_id", "kind", "given", "patronymic", "family"):
        names[pid].append(QueryName(given, patronymic, family, kind))
    records: list[dict[str, object]] = []
    shown: list[str] = []
    owners: list[int] = []
    for pk, p in by_pk.items():
        q = QueryPerson(
            names=names.get(pk, []),
            sex=p.sex,
            birth=person_birth(p),
            place=p.place_of_birth,
        )
        recs, labels = _records(q)
        records.extend(recs)
        shown.extend(labels)
        owners.extend([pk] * len(recs))
    return records, shown, owners, by_pk


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
    records, shown, owner_list, by_pk = _pool_records(persons)
    if not records:
        return []
    owners = np.asarray(owner_list, np.int64)
    right = person_columns(records)
    left = person_columns(q_records)
    comparator = Comparator(PERSON_FIELDS)
    enc_r = comparator.encode(right)
    enc_l = comparator.encode(left, count=False)
    if model is None:
        fitted = len(by_pk) >= FIT_MIN_PERSONS
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
    out = []
    for pk, k in best.items():
        probability = 1.0 / (1.0 + 2.0 ** (-float(np.clip(total[k], -60, 60))))
        if probability < threshold:
            continue
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
# The model's parameters at registration are estimated once per index build,
# from at most this many persons of the registry (every k-th by id).
FIT_SAMPLE = 5000
_WRITES = ("create", "update", "delete")


def _person_keys(query: QueryPerson) -> set[str]:
    """The blocking keys a person is indexed under (the engine's rules, index side)."""
    records, _shown = _records(query)
    if not records:
        return set()
    cols = person_columns(records)
    return {f"{r}\x1e{k}" for r, rule in enumerate(PERSON_RULES) for ks in rule.index_keys(cols) for k in ks}


def _query_keys(query: QueryPerson) -> set[str]:
    """The keys a query looks up (the engine's rules, query side: birth year ± 2 …)."""
    records, _shown = _records(query)
    if not records:
        return set()
    cols = person_columns(records)
    return {f"{r}\x1e{k}" for r, rule in enumerate(PERSON_RULES) for ks in rule.query_keys(cols) for k in ks}


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


class BlockIndex:
    """The blocking keys of every registry person (the engine's
    ``PERSON_RULES``, as ``RegistryIndex`` posts them) → the persons carrying
    each, in memory, so that a registration scores only the persons sharing
    a block with it instead of everyone the user may see.

    Built on first use (one pass over persons and names), then kept fresh
    from the audit trail, which every write goes through: before each
    lookup, the persons named by write events after the last one seen are
    re-read. If that last event is gone (a restored database, a test rolled
    back), the index is rebuilt. The audit chain is written under a lock, so
    events are seen in the order their transactions committed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._keys: dict[int, set[str]] = {}
        self._seen: tuple[int, str] | None = None
        self.model: FellegiSunter = default_model()
        self.fitted = False

    def _last_event(self) -> tuple[int, str]:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        return (int(last[0]), str(last[1])) if last else (0, "")

    def _put(self, queries: Mapping[int, QueryPerson]) -> None:
        for pk, query in queries.items():
            for key in self._keys.pop(pk, set()):
                self._postings[key].discard(pk)
            keys = _person_keys(query)
            self._keys[pk] = keys
            for key in keys:
                self._postings[key].add(pk)

    def _build(self) -> None:
        self._postings.clear()
        self._keys.clear()
        self._seen = self._last_event()  # before reading: a write after it is caught up next time
        ids = list(Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 2000):
            self._put(_queries(Person.objects.filter(pk__in=ids[start : start + 2000])))
        self.model, self.fitted = default_model(), False
        if len(ids) >= FIT_MIN_PERSONS:
            sample = ids[:: max(1, len(ids) // FIT_SAMPLE)]
            records, _shown, owner_list, _by_pk = _pool_records(Person.objects.filter(pk__in=sample))
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
            for key in self._keys.pop(pk, set()):
                self._postings[key].discard(pk)
        self._seen = (int(last[0]), str(last[1]))

    def candidates(self, query: QueryPerson) -> set[int]:
        """Ids of the persons sharing a blocking key with ``query`` (any scope)."""
        with self._lock:
            self._catch_up()
            out: set[int] = set()
            for key in _query_keys(query):
                block = self._postings.get(key)
                if block and len(block) <= MAX_BLOCK:
                    out |= block
            return out


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
    reading every person. The model is the index's (estimated once from a
    sample of the registry, or the default parameters below
    ``FIT_MIN_PERSONS``), not re-estimated from the pool on every call."""
    index = registry_blocks()
    ids = index.candidates(query)
    if not ids:
        return []
    return score(query, persons.filter(pk__in=ids), threshold=threshold, model=index.model, fitted=index.fitted)
