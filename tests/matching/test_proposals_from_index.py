"""Duplicate proposals at registration come from the block index: the same
proposals as scoring everyone the user may see, without reading everyone."""

from __future__ import annotations

import pytest

from zhusan.audit.services import Actor
from zhusan.matching import candidates, services
from zhusan.matching.candidates import query_from_person, registry_blocks, score, score_blocked
from zhusan.matching.selectors import visible_persons
from zhusan.registry import services as registry
from zhusan.registry.models import NameKind, Person, Script

from ..factories import letters, make_person

pytestmark = pytest.mark.django_db


def actor(user):
    return Actor.system("tests", user=user)


def _alias(script, given, family="", kind=NameKind.ALIAS):
    return registry.NameInput(script=script, kind=kind, given=given, family=family)


@pytest.fixture
def small_registry(alice, charlie):
    """Women and children written in three scripts, some of them twice, and
    others who share nothing with them."""
    people = [
        make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=1995),
        make_person(alice, given="Aysha", family="Nurlanov", birth_year=1995),
        make_person(alice, given="عائشة", family="نورلانوفا", script=Script.ARABIC, birth_year=1996),
        make_person(alice, given="Zhanar", family="Serikova", birth_year=1988),
        make_person(alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1988),
        make_person(
            alice,
            given="Madina",
            family="Ospanova",
            birth_year=1990,
            extra_names=[_alias(Script.LATIN, "Umm Yusuf", kind=NameKind.KUNYA)],
        ),
        make_person(alice, given="Yusuf", family="Ospanov", sex="male", birth_year=2015),
        make_person(alice, given="Юсуф", family="Оспанов", script=Script.CYRILLIC, sex="male", birth_year=2014),
        make_person(charlie, given="Aisha", family="Nurlanova", birth_year=1995),  # outside alice's scope
    ]
    for i in range(12):
        people.append(make_person(alice, given=f"Other{letters(i)}", family=f"Family{letters(i)}", birth_year=1960 + i))
    return people


def _found(hits):
    return sorted((h.person.case_number, h.probability, h.evidence["names"][1]) for h in hits)


def test_proposals_from_the_index_equal_those_from_scoring_everyone(alice, small_registry):
    pool = visible_persons(actor(alice))
    compared = 0
    for person in small_registry:
        query = query_from_person(person)
        others = pool.exclude(pk=person.pk)
        full = score(query, others, threshold=0.0)
        assert _found(score_blocked(query, others, threshold=0.0)) == _found(full), person.case_number
        compared += len(full)
    assert compared >= 6  # the oracle finds pairs: the comparison is not of empty lists


@pytest.fixture
def read(monkeypatch):
    """How many persons each scoring read (``candidates._pool_records``), in order."""
    counts: list[int] = []
    original = candidates._pool_records

    def spy(persons):
        out = original(persons)
        counts.append(len(out[3]))
        return out

    monkeypatch.setattr(candidates, "_pool_records", spy)
    return counts


def test_only_persons_sharing_a_block_are_read(alice, small_registry, read):
    aysha = small_registry[1]
    (candidate,) = services.duplicates_check(actor=actor(alice), person=aysha)
    assert {candidate.person_a, candidate.person_b} == {small_registry[0], aysha}
    assert read and max(read) < 5  # of the 20 persons alice sees


def test_the_index_catches_up_with_persons_registered_and_renamed_after_it_was_built(alice, small_registry):
    registry_blocks().candidates(query_from_person(small_registry[0]))  # built now
    later = make_person(alice, given="Gulnar", family="Abenova", birth_year=1970)
    found = score_blocked(query_from_person(later), visible_persons(actor(alice)).exclude(pk=later.pk))
    assert found == []
    twin = make_person(alice, given="Gulnara", family="Abenova", birth_year=1970)
    hits = score_blocked(query_from_person(later), visible_persons(actor(alice)).exclude(pk=later.pk))
    assert [h.person for h in hits] == [twin]
    # Renamed: found under the new name, no longer under the old one.
    name = twin.names.get()
    registry.name_update(
        actor=actor(alice),
        name=name,
        data=registry.NameInput(
            script=Script.LATIN, kind=NameKind.LEGAL, given="Dana", family="Zhumabaeva", is_primary=True
        ),
        expected_version=name.version,
    )
    assert twin.pk not in registry_blocks().candidates(query_from_person(later))
    dana = make_person(alice, given="Dana", family="Zhumabaeva", birth_year=1970)
    assert twin.pk in registry_blocks().candidates(query_from_person(dana))


def test_the_index_is_rebuilt_when_the_trail_it_read_is_gone(alice, small_registry):
    index = registry_blocks()
    index.candidates(query_from_person(small_registry[0]))
    index._seen = (10**9, "gone")  # as after a restore or a rolled-back test
    index._base = candidates.Postings.empty()
    assert small_registry[0].pk in index.candidates(query_from_person(small_registry[1]))


def test_a_merged_person_leaves_the_index(alice, small_registry):
    cyr, lat = small_registry[0], small_registry[1]
    (candidate,) = services.duplicates_check(actor=actor(alice), person=lat)
    services.decide_same(actor=actor(alice), candidate=candidate)
    merged = Person.objects.get(pk__in=[cyr.pk, lat.pk], merged_into__isnull=False)
    assert merged.pk not in registry_blocks().candidates(query_from_person(small_registry[2]))


def test_below_the_limit_every_person_of_the_blocks_is_a_candidate():
    assert candidates.most_telling([{1, 2}, {2, 3}], limit=3) == {1, 2, 3}


def test_past_the_limit_the_persons_sharing_the_rarest_and_most_keys_are_kept():
    common = set(range(100, 1100))  # a key a thousand persons share (a surname and a birth year)
    rare = {7, 150}  # a key two persons share (the full name and the date)
    also = {7, 8}  # another key of five persons
    also |= {9, 10, 11}
    kept = candidates.most_telling([common, rare, also], limit=4)
    assert kept == {7, 150, 8, 9}  # 7 shares both rare keys; 150 the rarest and the common; ties by id
    assert candidates.most_telling([common, rare, also], limit=4) == kept  # the same query, the same persons


def test_past_the_limit_only_persons_among_those_given_take_a_place():
    blocks = [set(range(1, 50)), {3, 60}, {60, 61}]
    assert candidates.most_telling(blocks, limit=2, among={1, 2, 61}) == {61, 1}


def test_past_the_limit_a_registration_still_proposes_its_duplicate_and_reads_no_more(
    alice, small_registry, read, monkeypatch
):
    monkeypatch.setattr(candidates, "MAX_CANDIDATES", 2)
    aysha, latin = small_registry[0], small_registry[1]
    others = visible_persons(actor(alice)).exclude(pk=latin.pk)
    assert len(registry_blocks().candidates(query_from_person(latin)) - {latin.pk}) > 2  # past the limit
    hits = score_blocked(query_from_person(latin), others)
    assert aysha in [h.person for h in hits]
    assert read == [2]


def test_scoring_reads_whole_persons_only_for_the_proposals_and_keeps_the_scope(alice, small_registry):
    from django.db.models.signals import post_init

    made: list[Person] = []

    def count(sender, instance, **kwargs):
        made.append(instance)

    aysha = small_registry[1]
    pool = visible_persons(actor(alice)).exclude(pk=aysha.pk)
    post_init.connect(count, sender=Person)
    try:
        hits = score(query_from_person(aysha), pool, threshold=0.5)
    finally:
        post_init.disconnect(count, sender=Person)
    assert hits and {h.person.pk for h in hits} == {p.pk for p in made}
    # the same person outside alice's scope (charlie's) is never proposed
    assert small_registry[8].pk not in {h.person.pk for h in hits}
    assert len(made) < len(small_registry) - 1
