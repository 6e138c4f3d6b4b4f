"""The match key reads Kyrgyz and Kazakh ый before о (Быйо) as Latin writes
it (BYYO): both give ``bie`` (``engine.translit._YIO``). Only a name whose
Latin form holds ``yio`` can change, so only those names are recomputed —
found by their search key (which holds the Latin form) — not every name of
the registry as 0010 and 0012 did. Reversing leaves them (derived keys)."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations
from django.db.models import Q

recompute = importlib.import_module("zhusan.registry.migrations.0010_refill_name_keys_central_asian_scripts").recompute


def refill(apps: Any, schema_editor: Any) -> None:
    PersonName = apps.get_model("registry", "PersonName")
    recompute(PersonName, PersonName.objects.filter(Q(search_key__contains="yio") | Q(search_key__contains="ыйо")))


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_search_match_terms_index")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]
