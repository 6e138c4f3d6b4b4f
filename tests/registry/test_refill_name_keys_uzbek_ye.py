"""Names stored before the match key learnt Uzbek Latin "ye" after a vowel
get their derived keys recomputed by a data migration, so search finds
Abdullayev when asked for Абдуллаев."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from zhusan.accounts.permissions import Role
from zhusan.registry.models import PersonName
from zhusan.registry.text import match_keys, search_key

from ..factories import UnitFactory, make_person, make_staff

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0012_refill_name_keys_uzbek_ye")


def test_the_migration_recomputes_the_keys_of_names_stored_under_the_old_ye_rule() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    person = make_person(officer, given="Zarina", family="Abdullayeva")
    # The key the rule before gave (ye read as y + e), which Абдуллаева's (abdulaeva) does not meet.
    PersonName.objects.filter(person=person).update(search_key="stale", match_key="f:zarina m:abdulaieva m:zarina")

    migration.Migration("0012_refill_name_keys_uzbek_ye", "registry").operations[0].code(apps, None)

    name = PersonName.objects.get(person=person)
    assert name.match_key == match_keys("Zarina", name.patronymic, "Abdullayeva")
    assert name.search_key == search_key("Zarina", name.patronymic, "Abdullayeva") != "stale"
    assert match_keys("Абдуллаева").split()[0] in name.match_key.split()  # m:abdulaeva


def test_the_migration_follows_the_last_registry_migration_before_it() -> None:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert ("registry", "0011_sealed_compartment") in graph.node_map[
        "registry", "0012_refill_name_keys_uzbek_ye"
    ].parents
