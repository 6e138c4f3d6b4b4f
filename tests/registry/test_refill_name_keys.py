"""Names stored before the engine learnt the scripts of Central Asia get
their derived keys recomputed by a data migration, so search finds them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from zhusan.accounts.permissions import Role
from zhusan.registry.models import PersonName
from zhusan.registry.text import match_keys, search_key

from ..factories import UnitFactory, make_person, make_staff

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhusan.registry.migrations.0010_refill_name_keys_central_asian_scripts")


def test_the_migration_recomputes_stale_search_and_match_keys_of_every_name() -> None:
    officer = make_staff(Role.CONSULAR_OFFICER, UnitFactory(), username="officer")
    person = make_person(officer, given="Xadicha", family="Rahmonzoda")
    PersonName.objects.filter(person=person).update(search_key="stale", match_key="stale")

    migration.refill(apps, None)

    name = PersonName.objects.get(person=person)
    assert name.match_key == match_keys("Xadicha", name.patronymic, "Rahmonzoda") != "stale"
    assert name.search_key == search_key("Xadicha", name.patronymic, "Rahmonzoda") != "stale"
