"""The GIN indexes of the names keep a small list of entries not yet merged.

GIN collects new entries in a "pending list" and merges them into the index
when it reaches ``gin_pending_list_limit`` (4 MB by default) or at a vacuum;
until then every search reads the whole list, entry by entry. A registry
written all day (registrations, imports, a data migration) keeps up to 4 MB
unmerged in each of the three indexes of the names: after migration 0017's
writes at a million persons, 358–490 pages each, the Arabic search's p50
56 ms, 49 once they were merged (docs/benchmarks.md). With a limit of
64 kB (the least PostgreSQL takes) the list is merged every few dozen names
registered, in one pass, and a search reads a few pages of it at most.
The lists are merged now. SQLite: no-op (no such index)."""

from typing import Any

from django.db import migrations

INDEXES = ("registry_name_search_key_trgm", "registry_name_match_terms", "registry_name_search_words")


def _each(schema_editor: Any, sql: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(sql.format(name=name), params=None)


def forwards(apps: Any, schema_editor: Any) -> None:
    _each(schema_editor, "ALTER INDEX IF EXISTS {name} SET (gin_pending_list_limit = 64)")
    _each(schema_editor, "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = '{name}'")


def backwards(apps: Any, schema_editor: Any) -> None:
    _each(schema_editor, "ALTER INDEX IF EXISTS {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0017_match_key_twice")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
