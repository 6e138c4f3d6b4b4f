"""The match key reads Kyrgyz and Kazakh ый before о (Быйо) as Latin writes
it (BYYO): both give ``bie`` (``engine.translit._YIO``). Only a name whose
Latin form holds ``yio`` can change, so only those names are recomputed —
found by their search key (which holds the Latin form) — not every name of
the registry as 0010 and 0012 did. Reversing leaves them (derived keys)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q


def refill(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.text import match_keys, search_key

    PersonName = apps.get_model("registry", "PersonName")
    changed = []
    touched = PersonName.objects.filter(Q(search_key__contains="yio") | Q(search_key__contains="ыйо"))
    for name in touched.only("pk", "given", "patronymic", "family").iterator(chunk_size=2000):
        name.search_key = search_key(name.given, name.patronymic, name.family)
        name.match_key = match_keys(name.given, name.patronymic, name.family)
        changed.append(name)
    for start in range(0, len(changed), 2000):
        PersonName.objects.bulk_update(changed[start : start + 2000], ["search_key", "match_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_search_match_terms_index")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]
