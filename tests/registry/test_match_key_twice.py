"""A word typed twice asks for two words of the name, and a kunya's marker
is a word of its own.

"محمد محمد" is Muhammad son of Muhammad: before, the stored keys being a
set, it found every name holding محمد once (at a million, the search's
slowest queries). A token two words of a name hold is stored once more
behind ``text.TWICE``, by new registrations and, for the names stored
before, by a data migration. "أم محمد" is the kunya Umm Muhammad, in any
spelling of the marker, not every Amina whose father is Muhammad: the tokens
of the word behind a marker are stored once more behind it (by a data
migration too, for the names stored before).
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from zhusan.registry import services
from zhusan.registry.models import NameKind, Person, PersonName, Script
from zhusan.registry.selectors import search_condition
from zhusan.registry.text import TWICE, match_keys, match_terms

from ..factories import make_person
from .helpers import Editor

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0017_match_key_twice")
kunya_migration = importlib.import_module("zhusan.registry.migrations.0020_match_key_kunya")


def _birth(given: str, father: str) -> services.NameInput:
    return services.NameInput(script=Script.ARABIC, kind=NameKind.BIRTH, given=given, patronymic=father)


def _kunya(kunya: str, script: str = Script.ARABIC) -> services.NameInput:
    return services.NameInput(script=script, kind=NameKind.KUNYA, given=kunya)


@pytest.fixture
def registry(alice):
    def person(label: str, *names: services.NameInput) -> Person:
        return make_person(alice, given=label, family="Camp", extra_names=list(names))

    return {
        "muhammad son of muhammad": person("One", _birth("محمد", "محمد")),
        "muhammad son of zayd": person("Two", _birth("محمد", "زيد")),
        "zayd son of muhammad": person("Three", _birth("زيد", "محمد")),
        "muhammad muhammadov": person(
            "Four", services.NameInput(Script.LATIN, NameKind.ALIAS, "Muhammad", "", "Muhammad")
        ),
        "umm muhammad": person("Five", _kunya("أم محمد")),
        "umm muhammad in latin": person("Six", _kunya("Umm Muhammad", Script.LATIN)),
        "amina daughter of muhammad": person("Seven", _birth("أمينة", "محمد")),
        "umm ahmad muhammad": person("Eight", _kunya("أم أحمد محمد")),
        "umit": person("Umit", services.NameInput(Script.CYRILLIC, NameKind.ALIAS, "Умит", "", "Серикова")),
    }


def found(registry: dict[str, Person], query: str) -> set[str]:
    cond = search_condition(query)
    assert cond is not None, query
    pks = set(Person.objects.filter(cond).values_list("pk", flat=True))
    return {label for label, person in registry.items() if person.pk in pks}


def test_a_token_two_words_of_a_name_hold_is_stored_once_more_behind_the_mark():
    tokens = match_keys("محمد", "محمد").split()
    assert {"m:mhmd", TWICE + "m:mhmd", TWICE + "p:mh", TWICE + "f:muhammad"} <= set(tokens)
    assert tokens == sorted(tokens)
    # Two words starting alike share their starts, not their whole keys.
    assert {TWICE + "p:al", TWICE + "p:ali"} <= set(match_keys("Aliya", "Alimova").split())
    assert TWICE + "m:alia" not in match_keys("Aliya", "Alimova")
    assert TWICE not in match_keys("Aisha", "Nurlanova")


def test_a_word_typed_twice_asks_for_two_words_of_the_name():
    assert match_terms("صهيب صهيب") == [
        [(TWICE + "p:shib", False), (TWICE + "f:shuayb", False), (TWICE + "s:sb", False)]
    ]
    assert match_terms("صهيب صهيب صهيب") == match_terms("صهيب صهيب")
    assert len(match_terms("صهيب صه")) == 2  # a start of it is another word
    assert match_terms("a a") == [[("m:a", True)], [("m:a", True)]]  # a key of one letter: every key it starts


def test_a_word_typed_twice_finds_the_names_holding_it_twice(registry):
    both = {"muhammad son of muhammad", "muhammad muhammadov"}
    assert found(registry, "محمد محمد") == both
    assert found(registry, "Muhammad Muhammad") == both
    assert found(registry, "محمد زيد") == {"muhammad son of zayd", "zayd son of muhammad"}


def test_a_kunyas_marker_asks_for_the_word_behind_it_in_any_spelling(registry):
    assert match_terms("أم محمد") == match_terms("ام محمد") == match_terms("إم محمد")
    (arabic,), (latin,) = match_terms("أم محمد"), match_terms("Umm Muhammad")
    assert ("umm:f:muhammad", False) in arabic and ("umm:f:muhammad", False) in latin
    assert all(token.startswith("umm:") for token, _prefix in arabic + latin)
    assert {"umm:p:mhmd", "umm:f:muhammad", "m:am", "p:mhmd"} <= set(match_keys("أم محمد").split())
    assert "umm:" not in match_keys("أمينة", "محمد")  # not a marker: a word of its own
    kunyas = {"umm muhammad", "umm muhammad in latin"}
    # Not Amina daughter of Muhammad, nor Umm Ahmad (daughter of) Muhammad.
    assert found(registry, "أم محمد") == kunyas
    assert found(registry, "Umm Muhammad") == kunyas
    assert found(registry, "أم أحمد") == {"umm ahmad muhammad"}
    # Typed last, or in Latin and Cyrillic short, it may be the start of a name.
    assert "amina daughter of muhammad" in found(registry, "محمد أم")
    assert found(registry, "Ум Сер") == {"umit"}


def test_the_migration_gives_the_names_stored_before_the_mark_and_leaves_the_others(registry):
    stale = {n.pk: n.match_key for n in PersonName.objects.all()}
    for pk, key in stale.items():
        PersonName.objects.filter(pk=pk).update(
            match_key=" ".join(t for t in key.split(" ") if not t.startswith(TWICE))
        )
    untouched = PersonName.objects.get(person=registry["umit"], script=Script.CYRILLIC)
    PersonName.objects.filter(pk=untouched.pk).update(version=41)

    migration.add_twice(apps, Editor())

    for name in PersonName.objects.all():
        assert name.match_key == match_keys(name.given, name.patronymic, name.family), name.pk
    assert PersonName.objects.get(pk=untouched.pk).version == 41
    assert found(registry, "محمد محمد") == {"muhammad son of muhammad", "muhammad muhammadov"}


def test_two_words_sharing_a_token_ask_for_it_twice_or_for_their_other_terms():
    aisha, isa = match_terms("عائشة عيسى")[:2]
    assert ("s:as", False) in aisha and ("s:as", False) in isa
    assert match_terms("عائشة عيسى")[2:] == [
        [*[t for t in aisha if t[0] != "s:as"], (TWICE + "s:as", False)],
        [*[t for t in isa if t[0] != "s:as"], (TWICE + "s:as", False)],
    ]
    assert len(match_terms("يحيى زكريا")) == 2  # nothing shared, nothing more


def test_one_word_meeting_two_query_words_by_a_shared_token_is_not_taken_for_two(alice):
    def person(label: str, given: str, father: str) -> tuple[str, Person]:
        return label, make_person(alice, given=label, family="Camp", extra_names=[_birth(given, father)])

    registry = dict(
        [
            person("aisha daughter of isa", "عائشة", "عيسى"),
            person("isa son of aisha's brother", "عيسى", "عائشة"),
            person("aisha daughter of karim", "عائشة", "كريم"),
            person("isa son of yusuf", "عيسى", "يوسف"),
        ]
    )
    both = {"aisha daughter of isa", "isa son of aisha's brother"}
    # Before, عائشة met عيسى by its skeleton (s:as): every Aisha and every Isa.
    assert found(registry, "عائشة عيسى") == both
    assert found(registry, "Aisha Isa") == both
    assert found(registry, "عائشة") == set(registry)  # one word alone: its skeleton meets عيسى's


def test_the_kunya_migration_gives_the_names_stored_before_their_marked_tokens_and_leaves_the_others(registry):
    for name in PersonName.objects.all():
        stale = " ".join(t for t in name.match_key.split(" ") if not t.startswith(("umm:", "abu:")))
        PersonName.objects.filter(pk=name.pk).update(match_key=stale)
    untouched = PersonName.objects.get(person=registry["amina daughter of muhammad"], script=Script.ARABIC)
    PersonName.objects.filter(pk=untouched.pk).update(version=41)
    assert found(registry, "أم محمد") == {"umm muhammad"}  # by its letters alone: not Umm Muhammad in Latin

    kunya_migration.add_kunya_tokens(apps, Editor())

    for name in PersonName.objects.all():
        assert name.match_key == match_keys(name.given, name.patronymic, name.family), name.pk
    assert PersonName.objects.get(pk=untouched.pk).version == 41
    assert found(registry, "أم محمد") == {"umm muhammad", "umm muhammad in latin"}
