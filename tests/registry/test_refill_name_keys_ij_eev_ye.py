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


@pytest.mark.parametrize(
    ("given", "family", "script", "stale", "other_spelling"),
    [
        # "iijo" read as "iio", then "ie": apart from Latin Yizho's "e"
        ("Йижо", "Раҳмонова", Script.CYRILLIC, " f:ie ", ("Yizho", "Rahmonova")),
        # "sergeeva" read as "sergiva": apart from Sergeyeva's "sergeva"
        ("Мария", "Сергеева", Script.CYRILLIC, " f:sergiva ", ("Mariya", "Sergeyeva")),
        # ye read as ie: apart from Ерлан Васильев
        ("Yerlan", "Vasilyev", Script.LATIN, " f:ierlan f:vasiliev ", ("Ерлан", "Васильев")),
    ],
)
def test_a_name_a_changed_rule_reads_is_rekeyed_and_then_meets_its_other_spelling(
    given: str, family: str, script: str, stale: str, other_spelling: tuple[str, str]
) -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    person = make_person(officer, given=given, family=family, script=script)
    PersonName.objects.filter(person=person).update(match_key=stale)

    _migrate()

    name = PersonName.objects.get(person=person)
    assert name.match_key == match_keys(given, "", family)
    other_given, other_family = other_spelling
    assert name.match_key == match_keys(other_given, "", other_family)


def test_every_other_name_is_left_as_it_was() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    others = [
        make_person(officer, given="Saeed", family="Fareed"),  # an ee read as i: not before a v
        make_person(officer, given="Айжан", family="Есенова", script=Script.CYRILLIC),  # one i before the j
    ]
    PersonName.objects.filter(person__in=others).update(match_key=" left-as-it-was ")

    _migrate()

    assert set(PersonName.objects.filter(person__in=others).values_list("match_key", flat=True)) == {" left-as-it-was "}
