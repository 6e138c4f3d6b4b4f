"""A token two words of a name hold is stored once more behind ``2:``
(``text.TWICE``): a query typing a word twice ("محمد محمد", Muhammad son of
Muhammad) asks for it, where before it found every name holding the word
once (266,093 of a million persons' names for محمد محمد; docs/benchmarks.md).

The data step recomputes each name's match key from its parts and writes
only the keys that change (the names two of whose words share a token;
``registry.rekey``: on PostgreSQL by ``COPY`` and one ``UPDATE``).
Reversing leaves them (a search without the mark ignores it)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def add_twice(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.rekey import rewrite_match_keys

    rewrite_match_keys(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_match_key_starts")]

    operations = [migrations.RunPython(add_twice, migrations.RunPython.noop, elidable=True)]
