"""Search at a million: on PostgreSQL, person search answers from indexes.

The person list finds a name by ``search_key LIKE '%key%'`` and
``match_key LIKE '%needle%'`` (``selectors.search_condition``): a substring
anywhere, which no B-tree serves. ``pg_trgm``'s GIN trigram indexes
(``gin_trgm_ops``) serve exactly that operator, so both columns get one.
A case number is found by ``UPPER(case_number::text) = UPPER(%s)``
(Django's ``iexact``): an expression index on that very expression serves
it. The list sorted by last activity reads ``updated_at DESC, case_number``:
one B-tree in that order lets a page stop after its rows.

SQLite (the embedded default) has no trigram index: there every step is a
no-op and search stays a scan of the names table, which is fast enough for
the registries of a few thousand persons it is meant for.

The indexes are created outside Django's model state (raw SQL) because their
operator class and expression are PostgreSQL's alone; nothing reads them by
name. Reversing drops the indexes and leaves the extension (other objects
may use it).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    (
        "registry_name_search_key_trgm",
        "registry_personname USING gin (search_key gin_trgm_ops)",
    ),
    (
        "registry_name_match_key_trgm",
        "registry_personname USING gin (match_key gin_trgm_ops)",
    ),
    (
        "registry_person_case_number_upper",
        "registry_person (UPPER(case_number::text))",
    ),
    (
        "registry_person_activity",
        "registry_person (updated_at DESC, case_number)",
    ),
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_encrypt_timeline_reason")]

    operations = [migrations.RunPython(create, drop)]
