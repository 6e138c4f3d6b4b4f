"""Person search answers from indexes on PostgreSQL, with the results of the old scan.

The oracle is the search as it was before the indexes (an OR of the case
number and a names sub-query on the person row), kept here: the new shape
(one UNION of ids) must find exactly the same persons for every query, in
every script, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext

from zhusan.accounts.permissions import Detail, Role
from zhusan.audit.services import Actor
from zhusan.registry import selectors, services, text
from zhusan.registry.access import names_shown
from zhusan.registry.models import LawfulBasis, NameKind, Person, PersonName, Script, Stage
from zhusan.registry.selectors import (
    PersonFilters,
    _case_number_condition,
    persons_for_user,
    persons_page,
    search_condition,
)
from zhusan.registry.text import match_keys, match_needles, search_forms, search_key

from ..factories import letters, make_person, make_staff

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")


def old_name_condition(query: str) -> Q | None:
    """The names' condition before the indexes: a ``LIKE`` per search form and per needle."""
    cond = Q()
    for key in search_forms(query):
        cond |= Q(search_key__contains=key)
    words = match_needles(query)
    if words:
        every_word = Q()
        for needles in words:
            any_needle = Q()
            for needle in needles:
                any_needle |= Q(match_key__contains=needle)
            every_word &= any_needle
        cond |= every_word
    return cond if cond else None


def old_search_condition(query: str, *, withheld: frozenset[Detail] = frozenset()) -> Q | None:
    """The search before this change: an OR on the person row (the oracle)."""
    query = query.strip()
    by_case, by_name = _case_number_condition(query), old_name_condition(query)
    cond = Q()
    if by_case is not None:
        cond |= by_case
    if by_name is not None:
        cond |= Q(pk__in=names_shown(withheld).filter(by_name).values("person_id"))
    return cond if cond else None


def _alias(script: str, given: str, family: str = "", kind: str = NameKind.ALIAS) -> services.NameInput:
    return services.NameInput(script=script, kind=kind, given=given, family=family)


@pytest.fixture
def registry(alice):
    make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC)
    make_person(alice, given="Aisha", family="Nurlanova", extra_names=[_alias(Script.ARABIC, "عائشة")])
    make_person(alice, given="عائشة", family="", script=Script.ARABIC)
    make_person(alice, given="Yusuf", family="Serikov", sex="male")
    make_person(alice, given="Жусип", family="Серіков", script=Script.CYRILLIC, sex="male")
    make_person(alice, given="Zaid", family="Karimov", sex="male", extra_names=[_alias(Script.LATIN, "Umm Zayd", "")])
    make_person(
        alice,
        given="Madina",
        family="Ospanova",
        extra_names=[_alias(Script.LATIN, "Umm Abdullah", kind=NameKind.KUNYA)],
    )
    make_person(alice, given="Мадина", family="Оспанова", script=Script.CYRILLIC)
    make_person(alice, given="فاطمة", family="الحسن", script=Script.ARABIC)
    make_person(alice, given="Fatima", family="Al Hassan")
    # Children born in the camps, known by a given name and their father's:
    # common words that meet in one name only.
    for given, father in (("حليمة", "زيد"), ("حليمة", "محمد"), ("زينب", "زيد"), ("حليمة", "زيد")):
        make_person(
            alice,
            given="Child",
            family="Camp",
            extra_names=[_birth_name(given, father)],
        )
    for i in range(6):
        make_person(alice, given=f"Person{letters(i)}", family="Filler")
    return Person.objects.all()


def _birth_name(given: str, father: str) -> services.NameInput:
    return services.NameInput(script=Script.ARABIC, kind=NameKind.BIRTH, given=given, patronymic=father)


QUERIES = [
    "Жүсіпова",
    "zhusipova",
    "ZHUSIPOVA",
    "Zhusipová",
    "Aisha",
    "айша",
    "عائشة",
    "Yusuf",
    "Жусип",
    "Zhusip",
    "umm zaid",
    "Umm Abdullah",
    "Ospanova",
    "Оспанова",
    "madina osp",
    "فاطمة",
    "Fatima al",
    "hassan",
    "filler",
    "personb",
    "حليمة زيد",
    "halima zaid",
    "زيد",
    "KZ-1",
    "kz000002",
    "nobody",
    "a",
    "zz-",
    # Quotes and backslashes reach the tsquery as parts of a lexeme, never as its syntax.
    "O'Brien",
    "Oʻgʻiloy",
    "a\\b",
    "zaid & !madina | (",
]


def test_the_indexed_search_finds_exactly_what_the_scan_found(registry):
    # One registry for every query (building it is the slow part).
    for withheld in (frozenset(), frozenset({Detail.KUNYA})):
        for query in QUERIES:
            new, old = search_condition(query, withheld=withheld), old_search_condition(query, withheld=withheld)
            assert (new is None) == (old is None), query
            if new is None:
                continue
            found = set(registry.filter(new).values_list("case_number", flat=True))
            expected = set(registry.filter(old).values_list("case_number", flat=True))
            assert found == expected, (query, withheld)


def assert_finds_what_the_scan_found(registry: QuerySet[Person], queries: set[str]) -> None:
    for query in sorted(queries):
        new, old = search_condition(query), old_search_condition(query)
        assert new is not None and old is not None, query
        found = set(registry.filter(new).values_list("case_number", flat=True))
        assert found == set(registry.filter(old).values_list("case_number", flat=True)), query


def test_every_start_of_every_name_word_finds_exactly_what_the_scan_found(registry):
    # A name typed in part: the match keys are found by their start (a prefix
    # of the tsquery on PostgreSQL, LIKE ' m:…' elsewhere), the same names.
    words = {w for n in PersonName.objects.all() for part in (n.given, n.patronymic, n.family) for w in part.split()}
    queries = {w[:end] for w in words for end in range(2, len(w) + 1)}
    assert len(queries) > 100
    assert_finds_what_the_scan_found(registry, queries)


def _stretches(key: str) -> set[str]:
    """Every run of two words or more of a search key's part, from the start of
    its first word or its second letter to the end of its last or one before."""
    out = set()
    for part in key.split(" | "):
        words = part.split(" ")
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                run = " ".join(words[i : j + 1])
                for start in {0, min(1, len(words[i]) - 1)}:
                    for end in {len(run), len(run) - min(1, len(words[j]) - 1)}:
                        out.add(run[start:end])
    return out


def test_every_stretch_of_several_words_of_a_name_finds_exactly_what_the_scan_found(registry):
    # A query of several words, cut inside its first and last words: on
    # PostgreSQL the words of the names (their index) and the substring, elsewhere LIKE.
    queries = {q for n in PersonName.objects.all() for q in _stretches(n.search_key)}
    # Spaces in a row, a word absent, one word repeated: each must find what LIKE found.
    queries |= {"aisha  nurlanova", "aisha nobody", "zaid zaid", "umm zayd umm", "a b", "ا ز"}
    assert len(queries) > 60
    assert_finds_what_the_scan_found(registry, queries)


def test_a_form_of_several_words_becomes_the_pairs_of_its_neighbouring_words():
    # Three letters of each word when both have three, else up to two of each.
    assert text.pairs_tsquery("ana akhmet") == "'ana:akh'"
    assert text.pairs_tsquery("umm zayd bint") == "'ayd:bin' & 'umm:zay'"
    assert text.pairs_tsquery("a bc xyz") == "'a:bc' & 'bc:xy'"
    # A word typed twice asks for the word followed by itself.
    assert text.pairs_tsquery("يحيى يحيى") == "'حيى:يحي'"
    assert text.pairs_tsquery("o'b x\\y") == "'o''b:x\\\\y'"
    # One word is found inside a word, spaces in a row or at an end by the scan.
    assert text.pairs_tsquery("akhmet") == text.pairs_tsquery("a  b") == text.pairs_tsquery(" a b") == ""


def test_each_query_word_is_its_own_tsquery_of_its_terms():
    words = text.match_tsqueries("Aisha Isa")
    assert len(words) == len(text.match_terms("Aisha Isa")) > 2  # two words and the two clauses of _apart
    assert words[0] == " | ".join(f"'{token}'" for token, _prefix in text.match_terms("Aisha Isa")[0])
    assert text.match_tsqueries("") == []


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_the_names_query_asks_each_word_apart_in_one_scan_of_the_match_terms(large_registry, manager):
    # A key per word: the scan steps through each word's names to those the
    # other holds, where one tsquery of both read every term's names whole.
    actor = Actor.system("tests", user=manager)
    found, _page = _search_plans(actor, "حليمة زيد")
    (plan,) = [plan for plan in found if "registry_name_match_terms" in plan]
    assert plan.count("Bitmap Index Scan on registry_name_match_terms") == 1, plan
    (cond,) = [line for line in plan.splitlines() if "Index Cond" in line and "btrim(match_key)" in line]
    assert cond.count("@@") == 2, cond


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_a_names_pairs_hold_every_pair_a_query_may_ask_for(db):
    # The index's function and the query's pairs agree: every two
    # neighbouring words of a key, ended and started by one to three letters.
    key = "zaynab hamza | زينب ح x"
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_name_word_pairs(%s)", [key])
        (held,) = cursor.fetchone()
    for first, then in (("b", "h"), ("ab", "ha"), ("nab", "ham"), ("b", "ha"), ("ab", "h"), ("ynab", "hamz")):
        assert text.word_pair(first, then) in held, (first, then)
    assert text.word_pair("زينب", "ح") in held and text.word_pair("ح", "x") in held
    # The separator of the two forms is no word: nothing spans it.
    assert not any("|" in pair or pair.startswith("a:ز") for pair in held), held
    cursor = connection.cursor()
    cursor.execute("SELECT registry_name_word_pairs('one'), registry_name_word_pairs('')")
    assert cursor.fetchone() == ([], [])


def test_a_query_finding_more_names_than_the_limit_finds_the_same_through_a_sub_query(registry, monkeypatch):
    monkeypatch.setattr(selectors, "FOUND_LIMIT", 1)  # every query with two names found is "common"
    common = 0
    for query in QUERIES:
        new, old = search_condition(query), old_search_condition(query)
        if new is None:
            continue
        (way,) = new.children
        common += isinstance(way, tuple) and isinstance(way[1], QuerySet)
        found = set(registry.filter(new).values_list("case_number", flat=True))
        assert found == set(registry.filter(old).values_list("case_number", flat=True)), query
    assert common >= 10


def test_the_oracle_is_not_trivial(registry):
    # Guard against a comparison of two empty sets: the queries find people.
    hits = [q for q in QUERIES if registry.filter(old_search_condition(q) or Q(pk=None)).exists()]
    assert len(hits) >= 15


def test_a_case_number_and_a_name_both_find_through_the_list(registry, alice):
    actor = Actor.system("tests", user=alice)
    first = Person.objects.order_by("case_number").first()
    rows = persons_for_user(actor, PersonFilters(q=first.case_number.lower()))
    assert [p.case_number for p in rows] == [first.case_number]
    rows = persons_for_user(actor, PersonFilters(q="zhusipova"))
    assert [p.names.all()[0].family for p in rows] == ["Жүсіпова"]


COMMON_ARABIC = ("حليمة", "زيد", "محمد", "عائشة", "يوسف", "مريم", "عمر", "خديجة", "علي", "فاطمة")


@pytest.fixture
def large_registry(registry, alice):
    """Six thousand more persons, each with a name, and fresh statistics,
    so that the planner weighs an index against a scan as it would at scale."""
    persons = Person.objects.bulk_create(
        Person(
            case_number=f"ZZ-{i:06d}",
            sex="female",
            managing_unit=alice.unit,
            lawful_basis=LawfulBasis.PUBLIC_INTEREST,
            stage=Stage.IDENTIFIED,
        )
        for i in range(6000)
    )
    rows = []
    for i, person in enumerate(persons):
        given = f"Bulk{letters(f'{i:04d}')}"
        rows.append(
            PersonName(
                person=person,
                script=Script.LATIN,
                kind=NameKind.LEGAL,
                is_primary=True,
                given=given,
                family="Other",
                search_key=search_key(given, "Other"),
                match_key=match_keys(given, "Other"),
            )
        )
        # An Arabic name at birth of common words (a child's and its father's
        # given names, ten each): each word in hundreds of names, the two
        # together in tens, as in the camps' registers.
        arabic, father = COMMON_ARABIC[i % 10], COMMON_ARABIC[(i // 10) % 10]
        rows.append(
            PersonName(
                person=person,
                script=Script.ARABIC,
                kind=NameKind.BIRTH,
                given=arabic,
                patronymic=father,
                search_key=search_key(arabic, father),
                match_key=match_keys(arabic, father),
            )
        )
    PersonName.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        # Rows inserted after the index was built wait in GIN's pending list
        # (scanned row by row) until a vacuum; a bulk load builds the index after.
        for index in ("registry_name_search_key_trgm", "registry_name_match_terms", "registry_name_search_pairs"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE registry_personname")
        cursor.execute("ANALYZE registry_person")
    return Person.objects.all()


@pytest.fixture
def manager(centre_unit):
    """A programme manager: sees every person, so scope does not narrow the plan."""
    return make_staff(Role.PROGRAMME_MANAGER, centre_unit, username="manager")


def _plan(sql: str, params: tuple[object, ...] | None = None, *, scans: bool = False) -> str:
    """The plan of ``sql``; sequential scans off unless ``scans`` (the planner's own choice)."""
    with connection.cursor() as cursor:
        if not scans:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _search_plans(actor: Actor, query: str) -> tuple[list[str], str]:
    """The plans of the reads a search runs before its page, and of the page itself."""
    with CaptureQueriesContext(connection) as run:
        page = list(persons_for_user(actor, PersonFilters(q=query))[:25])
    assert page, query
    selects = [q["sql"] for q in run.captured_queries if q["sql"].startswith(("SELECT", "(SELECT"))]
    (page_sql,) = [sql for sql in selects if sql.startswith('SELECT "registry_person"."id", "registry_person"."uuid"')]
    return [_plan(sql) for sql in selects[: selects.index(page_sql)]], _plan(page_sql)


PLANS = [
    ("zhusipova", "registry_name_search_key_trgm"),
    ("Жүсіпова", "registry_name_search_key_trgm"),
    ("عائشة", "registry_name_search_key_trgm"),
    ("umm zaid", "registry_name_match_terms"),
    # Two common words: each in 600 names, both in 60. The page must not
    # walk every person in case-number order looking for them: the pairs
    # of neighbouring words find them, in any script.
    ("حليمة زيد", "registry_name_search_pairs"),
    ("aisha nurlanova", "registry_name_search_pairs"),
    ("Айша Жүсіпова", "registry_name_search_pairs"),
    ("KZ-1", "registry_person_case_number_upper"),
]


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_search_and_list_plans_use_the_indexes(large_registry, manager):
    # One test for every plan: the large registry takes seconds to build.
    actor = Actor.system("tests", user=manager)
    for query, index in PLANS:
        found, page = _search_plans(actor, query)
        assert any(index in plan for plan in found), (query, found)
        assert not any("Seq Scan on registry_personname" in plan for plan in found), (query, found)
        if " " in query:
            assert not any("registry_name_search_key_trgm" in plan for plan in found), (query, found)
            # Its forms (the original, its Latin form) in one read of the pairs: a name both find is read once.
            assert sum(plan.count("on registry_name_search_pairs") for plan in found) == 1, (query, found)
        # Each way by its own index: no parallel workers, no function per name found.
        lines = [line.strip() for plan in found for line in plan.splitlines()]
        assert not any("Gather" in line for line in lines), (query, found)
        assert not any(line.startswith("Filter:") and "registry_name_word_pairs" in line for line in lines), (
            query,
            found,
        )
        # The page reads the persons found by id: no names, no walk in case-number order.
        assert "registry_personname" not in page, (query, page)
        assert "registry_person_case_number_key" not in page, (query, page)
    # The first page of the whole list walks the case-number index and stops.
    page = persons_for_user(actor, PersonFilters())[:25]
    plan = _plan(*page.query.sql_with_params())
    assert "Index Scan using registry_person_case_number" in plan, plan
    # A page sorted by last activity walks its index the same way.
    page = persons_for_user(actor, PersonFilters(sort="activity"))[:25]
    plan = _plan(*page.query.sql_with_params())
    assert "registry_person_activity" in plan, plan


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_a_search_page_reads_its_rows_by_id_beside_the_ids_found(large_registry, manager):
    # The page's 25 ids and the hundreds found are two lists on the same
    # column: written inline, the planner scanned the whole table for them.
    actor = Actor.system("tests", user=manager)
    filters = PersonFilters(q="محمد")
    with CaptureQueriesContext(connection) as run:
        page = persons_page(persons_for_user(actor, filters), filters, size=25)
    assert page.count > 25
    (rows_sql,) = [
        q["sql"]
        for q in run.captured_queries
        if q["sql"].startswith('SELECT "registry_person"."id", "registry_person"."uuid"')
    ]
    plan = _plan(rows_sql, scans=True)
    assert "registry_person_pkey" in plan, plan
    assert "Seq Scan on registry_person " not in plan, plan


def test_an_arabic_name_of_two_common_words_finds_the_persons_with_both(registry):
    found = registry.filter(search_condition("حليمة زيد"))
    assert found.count() == 2
    assert {n.patronymic for p in found for n in p.names.all() if n.script == Script.ARABIC} == {"زيد"}


@pytest.mark.postgres
@postgres_only
def test_a_token_with_a_quote_or_a_backslash_is_one_lexeme_of_the_tsquery(monkeypatch):
    # Today's keys hold letters only; a key that ever holds a quote must still
    # be a lexeme, not tsquery syntax.
    monkeypatch.setattr(text, "match_terms", lambda query: [[("m:o'b\\r", True), ("f:x y", False)], [("s:&|", False)]])
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery::text, %s::tsquery::text", text.match_tsqueries("anything"))
        parsed = cursor.fetchone()
    assert parsed == ("'m:o''b\\\\r':* | 'f:x y'", "'s:&|'")


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_the_names_query_runs_without_sequential_scans_parallel_workers_or_jit_and_puts_them_back(
    registry,
):
    # Its LIMIT made a sequential scan look cheap when the planner guessed
    # thirty times too many names (3.3 s at a million persons for 2,065 names),
    # and the same guess made the union of its ways look worth parallel
    # workers and compiling.
    settings = "SELECT current_setting('enable_seqscan'), current_setting('max_parallel_workers_per_gather'), current_setting('jit')"
    seen: list[tuple[str, str, str]] = []

    def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if "registry_personname" in sql and not sql.startswith("SELECT current_setting"):
            with connection.cursor() as cursor:
                cursor.execute(settings)
                seen.append(cursor.fetchone())
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:  # the defaults (SET in the test's transaction, undone after it)
        cursor.execute("SET enable_seqscan = on; SET max_parallel_workers_per_gather = 2; SET jit = on")
        cursor.execute(settings)
        before = cursor.fetchone()
    with connection.execute_wrapper(spy):
        assert search_condition("حليمة زيد") is not None
    with connection.cursor() as cursor:
        cursor.execute(settings)
        assert cursor.fetchone() == before
    assert before == ("on", "2", "on")
    assert seen == [("off", "0", "off")]


@pytest.mark.postgres
@postgres_only
def test_on_postgresql_the_names_indexes_keep_a_small_pending_list():
    # Every search reads a GIN index's whole pending list: 64 kB, not 4 MB.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
            " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND i.indrelid = 'registry_personname'::regclass"
        )
        options = dict(cursor.fetchall())
    assert set(options) == {"registry_name_search_key_trgm", "registry_name_match_terms", "registry_name_search_pairs"}
    assert all(o == ["gin_pending_list_limit=64"] for o in options.values()), options
