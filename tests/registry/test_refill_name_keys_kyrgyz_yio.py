"""Names whose Latin form holds ``yio`` (Kyrgyz ый before о) get their keys
recomputed by a data migration; every other name is left as it is."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from zhusan.accounts.permissions import Role
from zhusan.registry.models import PersonName, Script
from zhusan.registry.text import match_keys, search_key

from ..factories import UnitFactory, make_person, make_staff

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0014_refill_name_keys_kyrgyz_yio")


def test_only_names_with_yio_are_recomputed_and_then_meet_their_latin_spelling() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    kyrgyz = make_person(officer, given="Быйолдаш", family="Асанова", script=Script.CYRILLIC)
    other = make_person(officer, given="Aisha", family="Nurlanova")
    # The keys the rule before gave (yi read as i: "bioldash" → "beldash").
    PersonName.objects.filter(person=kyrgyz).update(match_key=" f:x m:beldash ")
    PersonName.objects.filter(person=other).update(match_key=" left-as-it-was ")

    migration.Migration("0014_refill_name_keys_kyrgyz_yio", "registry").operations[0].code(apps, None)

    name = PersonName.objects.get(person=kyrgyz)
    assert name.match_key == match_keys("Быйолдаш", "", "Асанова")
    assert name.search_key == search_key("Быйолдаш", "", "Асанова")
    assert match_keys("Byyoldash").split()[-1] in name.match_key.split()  # m:bieldash
    assert PersonName.objects.get(person=other).match_key == " left-as-it-was "
