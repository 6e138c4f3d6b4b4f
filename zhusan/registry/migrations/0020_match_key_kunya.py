"""The tokens of a word following a kunya's marker are stored once more
behind the marker (``umm:p:mhmd``; ``text.match_keys``): "أم محمد" asks for
them alone, where it asked for the marker and the word apart — each met by
thousands of names at a million, read to find the 7,039 holding both
(docs/benchmarks.md) — and found Umm Ahmad Muhammad too.

The data step recomputes the match key of each name one of whose words is a
marker written in full (the others do not change), and writes those that
change: on PostgreSQL through a temporary table (``COPY``) and one
``UPDATE``, elsewhere by ``bulk_update``, as registry 0017 did. Reversing
leaves them (a search without the marked tokens ignores them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 5000


def add_kunya_tokens(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.text import marks_a_kunya, match_keys

    PersonName = apps.get_model("registry", "PersonName")
    rows = PersonName.objects.order_by().values_list("pk", "given", "patronymic", "family", "match_key")
    changed = [
        (pk, key)
        for pk, given, patronymic, family, stored in rows.iterator(chunk_size=BATCH)
        if marks_a_kunya(given, patronymic, family) and (key := match_keys(given, patronymic, family)) != stored
    ]
    if not changed:
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE name_kunya (id bigint PRIMARY KEY, match_key text) ON COMMIT DROP")
            with cursor.copy("COPY name_kunya (id, match_key) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE registry_personname AS n SET match_key = t.match_key FROM name_kunya AS t WHERE n.id = t.id"
            )
        return
    names = [PersonName(pk=pk, match_key=key) for pk, key in changed]
    PersonName.objects.bulk_update(names, ["match_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("registry", "0019_search_pairs_index")]

    operations = [migrations.RunPython(add_kunya_tokens, migrations.RunPython.noop, elidable=True)]
