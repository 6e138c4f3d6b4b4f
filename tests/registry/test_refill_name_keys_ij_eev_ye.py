"""Names whose Latin form holds two i before a j (Tajik Йижо: ``iizho``) or
an ee before a v (Сергеева: ``sergeeva``) or a ye starting a word or after a
consonant (Yerlan, Vasilyeva) get their match keys recomputed by a data
migration; every other name is left as it is."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from zhusan.accounts.permissions import Role
from zhusan.registry.models import PersonName, Script
from zhusan.registry.text import match_keys

from ..factories import UnitFactory, make_person, make_staff
from .helpers import Editor

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0021_match_key_ij_eev_ye")


def _migrate() -> None:
    migration.Migration("0021_match_key_ij_eev_ye", "registry").operations[0].code(apps, Editor())


def test_a_name_with_two_i_before_a_j_is_rekeyed_and_then_meets_its_latin_spelling() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    tajik = make_person(officer, given="Йижо", family="Раҳмонова", script=Script.CYRILLIC)
    # The key the rule before gave: "iijo" read as "iio", then "ie".
    PersonName.objects.filter(person=tajik).update(match_key=" f:ie ")

    _migrate()

    name = PersonName.objects.get(person=tajik)
    assert name.match_key == match_keys("Йижо", "", "Раҳмонова")
    assert set(match_keys("Yizho").split()) <= set(name.match_key.split())


def test_a_name_with_ee_before_a_v_is_rekeyed_and_then_meets_its_latin_spelling() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    russian = make_person(officer, given="Мария", family="Сергеева", script=Script.CYRILLIC)
    # The key the rule before gave: "sergeeva" read as "sergiva".
    PersonName.objects.filter(person=russian).update(match_key=" f:sergiva ")

    _migrate()

    name = PersonName.objects.get(person=russian)
    assert name.match_key == match_keys("Мария", "", "Сергеева")
    assert set(match_keys("Sergeyeva").split()) <= set(name.match_key.split())


def test_a_name_with_a_soft_ye_is_rekeyed_and_then_meets_its_cyrillic_spelling() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    latin = make_person(officer, given="Yerlan", family="Vasilyev", script=Script.LATIN)
    # The keys the rules before gave: ye read as ie.
    PersonName.objects.filter(person=latin).update(match_key=" f:ierlan f:vasiliev ")

    _migrate()

    name = PersonName.objects.get(person=latin)
    assert name.match_key == match_keys("Yerlan", "", "Vasilyev")
    assert name.match_key == match_keys("Ерлан", "", "Васильев")


def test_every_other_name_is_left_as_it_was() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    others = [
        make_person(officer, given="Saeed", family="Fareed"),  # an ee read as i: not before a v
        make_person(officer, given="Айжан", family="Есенова", script=Script.CYRILLIC),  # one i before the j
    ]
    PersonName.objects.filter(person__in=others).update(match_key=" left-as-it-was ")

    _migrate()

    assert set(PersonName.objects.filter(person__in=others).values_list("match_key", flat=True)) == {" left-as-it-was "}
