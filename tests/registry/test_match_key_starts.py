"""Every stored match key gets the starts of its words (``p:``) from a data
migration: on PostgreSQL derived in SQL from the keys stored, elsewhere
recomputed; either way exactly what ``match_keys`` gives a name registered
now, and the search by a start finds the names it found before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from zhusan.accounts.permissions import Role
from zhusan.registry.models import PersonName, Script
from zhusan.registry.text import PREFIX_FROM, match_keys, match_terms

from ..factories import UnitFactory, make_person, make_staff
from .helpers import Editor

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0016_match_key_starts")

NAMES = [
    ("Быйолдаш", "Асанова", Script.CYRILLIC),
    ("عائشة", "أم يوسف", Script.ARABIC),
    ("Zhusip", "Nurlanov-Abdullayev", Script.LATIN),
    ("Ли", "Ан", Script.CYRILLIC),  # keys of two letters
    ("O", "Ng", Script.LATIN),  # a key of one letter: no start of its own
]


def without_starts(key: str) -> str:
    tokens = [t for t in key.split() if not t.startswith("p:")]
    return f" {' '.join(tokens)} " if tokens else ""


def test_the_migration_gives_every_stored_key_the_starts_a_new_registration_gets() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    persons = [make_person(officer, given=g, family=f, script=s) for g, f, s in NAMES]
    PersonName.objects.update(match_key="")  # a name with no key keeps none
    for person, (given, family, _script) in zip(persons, NAMES, strict=True):
        PersonName.objects.filter(person=person).update(match_key=without_starts(match_keys(given, family)))
    PersonName.objects.filter(person=persons[-1]).update(match_key="")

    migration.add_starts(apps, Editor())

    for person, (given, family, _script) in zip(persons[:-1], NAMES[:-1], strict=True):
        assert PersonName.objects.get(person=person).match_key == match_keys(given, family), given
    if connection.vendor == "postgresql":
        assert PersonName.objects.get(person=persons[-1]).match_key == ""


def test_a_key_comes_with_each_of_its_starts_and_a_query_asks_for_the_start_typed() -> None:
    tokens = match_keys("Nurlanova").split()
    assert {"m:nurlanova", "p:nu", "p:nurl", "p:nurlanova"} <= set(tokens)
    assert tokens == sorted(tokens)
    assert match_terms("Nurl")[0][0] == ("p:nurl", False)
    assert match_terms("O")[0][0] == ("m:o", True)  # shorter than PREFIX_FROM: every key it starts
    assert PREFIX_FROM == migration.PREFIX_FROM
