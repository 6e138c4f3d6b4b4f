"""Scoped, audited reads of the registry.

``get_person_for_user`` and ``get_record_for_user`` are the only ways a view
or API view fetches a record: they apply scope and compartments, audit the
read (or the denial), and raise 404 for what the user may not see so that the
existence of a record is not revealed.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.permissions import RECORD_COMPARTMENT, RECORD_DETAIL, Compartment, Detail
from zhusan.audit.models import Action, ObjectType, object_type_of
from zhusan.audit.services import Actor, record
from zhusan.core.ids import among
from zhusan.core.refs import parse_ref

from .access import (
    JUSTICE_STAGES,
    access_for,
    lists_read_justice,
    merged_message,
    names_shown,
    visible_to,
    withheld_in_lists,
)
from .dates import birth_window_for_age
from .models import BestInterestsAssessment, CaseAssignment, Person, PersonName, PersonQuerySet, Site, Stage
from .paging import COUNT_LIMIT, Key, KeysetPage, datetime_key, keyset_page
from .text import match_needles, match_tsqueries, pairs_tsquery, search_forms

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-4": (0, 4),
    "5-11": (5, 11),
    "12-17": (12, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}

M = TypeVar("M", bound=Model)


def _deny(actor: Actor, *, object_type: ObjectType, ref: object, person: Person | None, why: str) -> None:
    record(
        actor,
        Action.PERMISSION_DENIED,
        object_type=object_type,
        object_ref=ref,
        person_ref=person.uuid if person else "",
        detail={"why": why},
    )


def get_person_for_user(
    actor: Actor,
    ref: object,
    *,
    write: Compartment | str | None = None,
    audit_view: bool = True,
) -> tuple[Person, PersonAccess]:
    """The person with UUID ``ref`` if the actor may see it (and write ``write``)."""
    assert actor.user is not None
    person = Person.objects.select_related("managing_unit__organisation").filter(uuid=parse_ref(ref)).first()
    access = access_for(actor.user, person) if person else None
    if person is None or access is None or not access.visible:
        _deny(actor, object_type=ObjectType.PERSON, ref=ref, person=person, why="not in scope")
        raise Http404("No such person")
    if write is not None and not access.can_write(write):
        _deny(actor, object_type=ObjectType.PERSON, ref=ref, person=person, why=f"no write on {write}")
        raise PermissionDenied(
            merged_message(person)
            or _("You may not change %(c)s data of this person.") % {"c": Compartment(write).label}
        )
    # A break-the-glass read is marked by the trail itself (access_for noted
    # it), on this event and on every later one about this person.
    if not access.shows(Detail.KUNYA):
        # The field mask on names: every page, tab and serializer reads person.names.
        prefetch_related_objects([person], Prefetch("names", queryset=names_shown(access.withheld)))
    if audit_view and write is None:
        record(actor, Action.VIEW, object_type=ObjectType.PERSON, object_ref=person.uuid, person_ref=person.uuid)
    return person, access


def get_record_for_user(
    actor: Actor, model: type[M], ref: object, *, write: bool = False
) -> tuple[M, Person, PersonAccess]:
    """A record that belongs to a person (a name, a document …), checked by its compartment."""
    assert actor.user is not None
    record_type = object_type_of(model)
    compartment = RECORD_COMPARTMENT[record_type]
    obj = model._default_manager.select_related("person").filter(uuid=parse_ref(ref)).first()
    if obj is None:
        raise Http404("No such record")
    person = obj.person  # type: ignore[attr-defined]  # M is any model with a person foreign key; Model declares none
    person, access = get_person_for_user(actor, person.uuid, audit_view=False)
    detail = RECORD_DETAIL.get(record_type)
    if not access.can_read(compartment, detail) or (write and not access.can_write(compartment)):
        _deny(actor, object_type=record_type, ref=ref, person=person, why=f"compartment {compartment}")
        if not access.can_read(compartment, detail):
            raise Http404("No such record")
        raise PermissionDenied(_("You may not change %(c)s data of this person.") % {"c": compartment.label})
    if not write:
        record(actor, Action.VIEW, object_type=record_type, object_ref=ref, person_ref=person.uuid)
    return obj, person, access


@dataclass
class PersonFilters:
    q: str = ""
    stage: str = ""
    sex: str = ""
    age_band: str = ""
    site: Site | None = None
    vulnerability: str = ""
    record_type: str = "subject"
    sort: str = ""  # one of SORTS; empty: by case number
    mine: bool = False  # only persons assigned to the actor ("my cases")

    def as_audit(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v and k != "site"}
        if self.site is not None:
            out["site"] = str(self.site.uuid)
        return out


_CASE_NUMBER = re.compile(r"^([A-Za-z]{1,10})-?(\d{1,9})$")


def _case_number_condition(query: str) -> Q | None:
    """KZ-000001, kz-1 and kz000001 all name case KZ-000001."""
    found = _CASE_NUMBER.match(query)
    if not found:
        return None
    head, digits = found.groups()
    return Q(case_number__iexact=f"{head}-{int(digits):06d}") | Q(case_number__iexact=query)


def _tokens(sql: str) -> str:
    """The space-separated tokens of the text ``sql`` as a ``tsvector``, each
    token one lexeme (no parsing): the shape of the indexes of registry 0013
    and 0015."""
    return f"array_to_tsvector(array_remove(string_to_array({sql}, ' '), ''))"


class MatchesTerms(Func):
    """``match_key``'s tokens, as a ``tsvector``, match a ``tsquery`` (one
    of ``text.match_tsqueries``: a query word). The expression is the one
    indexed by ``registry_name_match_terms`` (registry 0013, PostgreSQL
    only): one scan of that index finds the names meeting every word of a
    query, where a ``LIKE`` per needle reads each needle's trigrams (and the
    trigrams of its marker, common to every name) and intersects them after.

    One condition per word, not one ``tsquery`` of every word: the scan then
    has a key per word and steps through each word's names to the next
    name the others hold, where one key whose every term is optional (each
    word met by any of three) reads every term's names whole — "محمد عيسى",
    two words of 47,000 to 93,000 names each, 18.9 → 8.2 ms."""

    output_field = BooleanField()

    def __init__(self, tsquery: str) -> None:
        super().__init__(F("match_key"), Value(tsquery))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        column, tsquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        query_sql, query_params = compiler.compile(tsquery)
        return f"{_tokens(f'btrim({column_sql})')} @@ ({query_sql})::tsquery", (*column_params, *query_params)


class ContainsPairs(Func):
    """``search_key`` contains one of a query's search forms of several
    words: the pairs of its neighbouring words meet one of the forms'
    ``text.pairs_tsquery`` — the expression indexed by
    ``registry_name_search_pairs`` (registry 0019, PostgreSQL only) — and a
    form is in it (``strpos``: the substring itself, on the names the index
    found). The forms (the folded original and its Latin form) are asked in
    one ``tsquery``, so that a name both find is read once: a key holding a
    form holds its pairs, so the pairs of one form and the substring of the
    other find no name the two conditions apart would not."""

    output_field = BooleanField()

    def __init__(self, pairs: Mapping[str, str]) -> None:
        """``pairs``: each form and its ``text.pairs_tsquery``."""
        tsquery = " | ".join(f"({form_pairs})" for form_pairs in pairs.values())
        super().__init__(F("search_key"), Value(tsquery), *(Value(form) for form in pairs))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        (key, key_params), (tsquery, tsquery_params), *forms = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        pairs = f"array_to_tsvector(registry_name_word_pairs({key}))"
        found = " OR ".join(f"strpos({key}, {form}) > 0" for form, _params in forms)
        params = [*key_params, *tsquery_params]
        for _form, form_params in forms:
            params += [*key_params, *form_params]
        return f"({pairs} @@ ({tsquery})::tsquery AND ({found}))", tuple(params)


def _name_conditions(query: str) -> list[Q]:
    """The ways a name meets ``query``, any of which finds it: its folded
    original or Latin form contains one of the query's forms, or every
    query word meets a word of the same name by the matching engine's keys
    (``text.match_keys``: spelling, script, name family). On PostgreSQL the
    keys are matched as a ``tsquery`` (:class:`MatchesTerms`) and a form of
    several words through the pairs of neighbouring words of the name
    (:class:`ContainsPairs`), elsewhere by a ``LIKE`` per form and per
    needle: the same names either way."""
    conds: list[Q] = []
    postgresql = connection.vendor == "postgresql"
    forms = search_forms(query)
    paired = {form: pairs for form in forms if postgresql and (pairs := pairs_tsquery(form))}
    if paired:
        conds.append(Q(ContainsPairs(paired)))
    conds.extend(Q(search_key__contains=form) for form in forms if form not in paired)
    if postgresql:
        if tsqueries := match_tsqueries(query):
            conds.append(reduce(operator.and_, (Q(MatchesTerms(words)) for words in tsqueries)))
    elif words := match_needles(query):
        every_word = Q()
        for needles in words:
            any_needle = Q()
            for needle in needles:
                any_needle |= Q(match_key__contains=needle)
            every_word &= any_needle
        conds.append(every_word)
    return conds


# A name search that finds more names than this is common enough for the
# person list's order to find a page at once: it stays a sub-query, which
# the planner may walk in that order. Up to it, the persons found are given
# to the list by id (``search_condition``), and the bounded count counts at
# most that many ids: as many as it counts to (``paging.COUNT_LIMIT``).
# (At 5,000, a kunya's 5,500 names were counted through a scan of every
# person: 300 ms at a million, 155 ms by id; docs/benchmarks.md.)
FOUND_LIMIT = COUNT_LIMIT


# The settings of the names' query (:func:`_indexes_only`), read before set
# in one statement (a target list is evaluated in order).
_NAMES_QUERY = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}
_READ_SETTINGS = ", ".join(f"current_setting('{name}')" for name in _NAMES_QUERY)
_PUT_SETTINGS = ", ".join(f"set_config('{name}', %s, true)" for name in _NAMES_QUERY)


@contextmanager
def _indexes_only() -> Iterator[None]:
    """On PostgreSQL, the names' query reads its indexes, never the table,
    in this process alone and uncompiled.

    Its ``LIMIT`` (``FOUND_LIMIT`` + 1) invites a sequential scan that stops
    once enough names are found, and the planner's guess of how many names
    a query finds can be thirty times too high (a ``tsquery`` of two common
    words, docs/benchmarks.md): it then reads all 2.76 million names of a
    million persons, 3.3 s, for the 2,065 there are. The same guess makes
    the union of its ways (:func:`search_condition`) look worth parallel
    workers and compiling (JIT, 8 ms), each costing more than the few
    milliseconds of index it would save. Sequential scans, parallel workers
    and JIT are turned off for this one query (``set_config(…, true)`` lasts
    to the end of the transaction, so the settings are put back after)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {_READ_SETTINGS}, {_PUT_SETTINGS}", list(_NAMES_QUERY.values()))
        before = cursor.fetchone()[: len(_NAMES_QUERY)]
        yield  # a failed query rolls the settings back with its savepoint or transaction
        cursor.execute(f"SELECT {_PUT_SETTINGS}", list(before))


def _united(arms: list[QuerySet[Any]]) -> QuerySet[Any]:
    return arms[0].union(*arms[1:]) if len(arms) > 1 else arms[0]


def search_condition(query: str, *, withheld: frozenset[Detail] = frozenset()) -> Q | None:
    """Persons a free-text query finds: by case number, or by one of the
    names the reader may see (a kunya withheld from them never finds a
    person). None when the query holds nothing to search for.

    Shaped for indexes (docs/architecture.md, "Search at scale"): the names
    are found first, on their own — on PostgreSQL each way of
    :func:`_name_conditions` by its own index (a form of one word by the
    trigrams of ``search_key``, of several by the pairs of its words, the
    match keys by their terms), the ids united; one scan of the names
    would check every way on each name found, the pairs' function included
    — and the persons by case number (an index on ``UPPER(case_number)``);
    the list then reads those persons by id, in its own order. As a
    sub-query of the list, the names' condition leaves the planner to guess
    how many persons it finds; a guess a few times too high (common words
    of an Arabic name) makes it walk every person in case-number order
    looking for a page that is not there. A query finding more than
    :data:`FOUND_LIMIT` persons stays a sub-query (a UNION of ids): then the
    walk is the fast plan. On SQLite the names are scanned once."""
    query = query.strip()
    by_case, ways = _case_number_condition(query), _name_conditions(query)
    if by_case is None and not ways:
        return None
    numbered = Person.objects.order_by().filter(by_case).values_list("pk", flat=True) if by_case is not None else None
    found: set[int] = set()
    if ways:
        shown = names_shown(withheld).order_by()
        if connection.vendor == "postgresql":
            arms = [shown.filter(way).values_list("person_id", flat=True) for way in ways]
        else:
            arms = [shown.filter(reduce(operator.or_, ways)).values_list("person_id", flat=True)]
        with _indexes_only():
            person_ids = list(_united(arms)[: FOUND_LIMIT + 1])
        if len(person_ids) > FOUND_LIMIT:
            return Q(pk__in=_united([*arms, numbered] if numbered is not None else arms))
        found.update(person_ids)
    if numbered is not None:
        found.update(numbered)
    # One array parameter on PostgreSQL (its length known to the planner).
    return among("pk", found)


# Sorts of the person list: by case number, name, stage (in pathway order),
# last activity (the latest change to the record, newest first). Every sort
# ends with the case number, so that pages are stable.
SORTS = ("case", "name", "stage", "activity")
_STAGE_ORDER = Case(
    *[When(stage=s.value, then=Value(i)) for i, s in enumerate(Stage)], default=Value(99), output_field=IntegerField()
)


# The same orders as keyset pages read them (``paging.keyset_page``): the
# sort values of a page's last row say where the next page starts. By case
# number and by last activity an index serves the page on PostgreSQL
# (registry 0009); by name and by stage the order is computed per row.
SORT_KEYS: dict[str, tuple[Key, ...]] = {
    "case": (Key("case_number"),),
    "name": (Key("sort_name"), Key("case_number")),
    "stage": (Key("stage_order"), Key("case_number")),
    "activity": (datetime_key("updated_at", descending=True), Key("case_number")),
}


def _sorted(qs: QuerySet[Person], sort: str) -> QuerySet[Person]:
    if sort == "name":
        primary = PersonName.objects.filter(person=OuterRef("pk")).order_by("-is_primary", "pk")
        # Never NULL, so that a keyset page can continue after any row.
        sort_name = Coalesce(Subquery(primary.values("search_key")[:1]), Value(""), output_field=TextField())
        return qs.annotate(sort_name=sort_name).order_by("sort_name", "case_number")
    if sort == "stage":
        return qs.annotate(stage_order=_STAGE_ORDER).order_by("stage_order", "case_number")
    if sort == "activity":
        return qs.order_by(F("updated_at").desc(), "case_number")
    return qs.order_by("case_number")


def persons_for_user(actor: Actor, filters: PersonFilters, *, today: date | None = None) -> QuerySet[Person]:
    """Persons the actor may see, filtered and sorted; audited as a list or a search."""
    assert actor.user is not None
    qs: PersonQuerySet = visible_to(actor.user)
    if filters.record_type:
        qs = qs.filter(record_type=filters.record_type)
    if filters.q:
        cond = search_condition(filters.q, withheld=withheld_in_lists(actor.user))
        qs = qs.filter(cond) if cond is not None else qs.none()
    if filters.stage:
        # A reader who may not see a justice stage cannot ask for it either
        # (the list and API forms do not offer it; this is the backstop).
        allowed = filters.stage not in JUSTICE_STAGES or lists_read_justice(actor.user)
        qs = qs.filter(stage=filters.stage) if allowed else qs.none()
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.age_band in AGE_BANDS:
        lo, hi = AGE_BANDS[filters.age_band]
        earliest, latest = birth_window_for_age(lo, hi, today or timezone.localdate())
        qs = qs.born_between(earliest, latest)
    if filters.site is not None:
        qs = qs.filter(stays__site=filters.site, stays__ended_on__isnull=True).distinct()
    if filters.vulnerability:
        qs = qs.with_vulnerability(filters.vulnerability)
    if filters.mine:
        mine = CaseAssignment.objects.filter(user=actor.user, ended_at__isnull=True).values("person_id")
        qs = qs.filter(pk__in=mine)
    record(
        actor,
        Action.SEARCH if filters.q else Action.LIST,
        object_type=ObjectType.PERSON,
        detail={"filters": filters.as_audit()},
    )
    return (
        _sorted(qs, filters.sort)
        .select_related("managing_unit")
        .prefetch_related(Prefetch("names", queryset=names_shown(withheld_in_lists(actor.user))))
    )


def persons_page(
    qs: QuerySet[Person], filters: PersonFilters, *, size: int, cursor: str | None = None, page: int | None = None
) -> KeysetPage[Person]:
    """One page of ``persons_for_user(…, filters)``: continued from ``cursor``
    (``paging.BadCursorError`` if it is not one of this sort's), else page number
    ``page`` within the bounded count (``paging.COUNT_LIMIT``)."""
    sort = filters.sort if filters.sort in SORT_KEYS else "case"
    # A search's persons are counted and placed in one read (found by id, or
    # through the names, the page could not be read alone from an index).
    return keyset_page(
        qs, keys=SORT_KEYS[sort], tag=sort, size=size, cursor=cursor, page=page, ids_first=bool(filters.q)
    )


PICK_LIMIT = 10


def persons_to_pick(actor: Actor, query: str, *, exclude: Person | None = None) -> list[Person]:
    """Persons the actor may see whose case number or names match ``query``:
    the choices of a person picker (relationship, household, manifest,
    tracing). The same scoped search as the list, audited as a search."""
    query = query.strip()[:200]
    if not query:
        return []
    qs = persons_for_user(actor, PersonFilters(q=query, record_type=""))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs[:PICK_LIMIT])


def get_person_by_case_number_for_user(
    actor: Actor, case_number: str, *, write: Compartment | str | None = None
) -> tuple[Person, PersonAccess]:
    """Like ``get_person_for_user``, for a case number typed by staff (404 when out of scope)."""
    ref = Person.objects.filter(case_number=case_number.strip().upper()).values_list("uuid", flat=True).first()
    if ref is None:
        raise Http404("No such person")
    return get_person_for_user(actor, ref, write=write, audit_view=write is None)


def find_person_for_break_glass(actor: Actor, case_number: str) -> Person | None:
    """The person behind a case number, in or out of scope, for a break-the-glass request.

    Only for users holding the capability; the opening itself is audited by
    ``services.break_glass_open`` and gives read-only access for a limited time.
    """
    from zhusan.accounts.access import has_capability
    from zhusan.accounts.permissions import Capability

    assert actor.user is not None
    if not has_capability(actor.user, Capability.BREAK_GLASS):
        _deny(actor, object_type=ObjectType.PERSON, ref=case_number[:40], person=None, why="no break-the-glass")
        raise PermissionDenied(_("Your role cannot use break-the-glass access."))
    return Person.objects.filter(case_number=case_number.strip().upper()).first()


def best_interests_for(
    person: Person, purposes: tuple[str, ...], *, since: date | None = None
) -> BestInterestsAssessment | None:
    """The latest best-interests assessment of ``person`` for one of ``purposes``
    (on or after ``since``), or None. Callers that gate a decision on it check
    the person's access themselves."""
    qs = BestInterestsAssessment.objects.filter(person=person, purpose__in=purposes)
    if since is not None:
        qs = qs.filter(assessed_on__gte=since)
    return qs.order_by("-assessed_on", "-created_at").first()
