"""Recompute every name's search key: the Latin part is now the engine's
transliteration (one table per script, zhusan.engine.translit), so keys
written with the registry's former tables would no longer meet the queries.
Reversing leaves the keys as they are (search_key is derived; the next
forward run recomputes it)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 2000


def recompute(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.text import search_key

    PersonName = apps.get_model("registry", "PersonName")
    changed = []
    for name in PersonName.objects.only("pk", "given", "patronymic", "family", "search_key").iterator(chunk_size=BATCH):
        key = search_key(name.given, name.patronymic, name.family)
        if key != name.search_key:
            name.search_key = key
            changed.append(name)
        if len(changed) >= BATCH:
            PersonName.objects.bulk_update(changed, ["search_key"])
            changed = []
    if changed:
        PersonName.objects.bulk_update(changed, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_merged_into")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
