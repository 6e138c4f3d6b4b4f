"""A token two words of a name hold is stored once more behind ``2:``
(``text.TWICE``): a query typing a word twice ("محمد محمد", Muhammad son of
Muhammad) asks for it, where before it found every name holding the word
once (266,093 of a million persons' names for محمد محمد; docs/benchmarks.md).

The data step recomputes each name's match key from its parts and writes
only the keys that change (the names two of whose words share a token).
On PostgreSQL the changed keys go to a temporary table by ``COPY`` and into
the names by one ``UPDATE``, so that a registry of a million is rewritten
in minutes, not in a round trip per name; elsewhere by ``bulk_update``.
Reversing leaves them (a search without the mark ignores it)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 5000


def add_twice(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.text import match_keys

    PersonName = apps.get_model("registry", "PersonName")
    rows = PersonName.objects.order_by().values_list("pk", "given", "patronymic", "family", "match_key")
    changed = [
        (pk, key)
        for pk, given, patronymic, family, stored in rows.iterator(chunk_size=BATCH)
        if (key := match_keys(given, patronymic, family)) != stored
    ]
    if not changed:
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE name_twice (id bigint PRIMARY KEY, match_key text) ON COMMIT DROP")
            with cursor.copy("COPY name_twice (id, match_key) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE registry_personname AS n SET match_key = t.match_key FROM name_twice AS t WHERE n.id = t.id"
            )
        return
    names = [PersonName(pk=pk, match_key=key) for pk, key in changed]
    PersonName.objects.bulk_update(names, ["match_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_match_key_starts")]

    operations = [migrations.RunPython(add_twice, migrations.RunPython.noop, elidable=True)]
