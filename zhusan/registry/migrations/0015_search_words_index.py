"""Search a query of several words through the words of the names (issue 13).

A search form of several words ("dana akhmetova") was found with
``search_key LIKE '%dana akhmetova%'`` through the trigram index of 0009:
each of its trigrams is read, the common ones (" ak", "ova") in hundreds of
thousands of names, about 20 ms at a million persons for each form. A name
holding such a form holds a word ending with its first word, its middle
words whole and a word starting with its last. Here the words of
``search_key`` and each word reversed behind ``r:`` are indexed as a
``tsvector`` (``array_to_tsvector``, each word a lexeme): one GIN scan
finds the names holding those words (``registry.text.words_tsquery``) and
the substring is checked on them (``registry.selectors.ContainsWords``
writes this very expression). A one-word query is found inside a word: it
keeps the trigram index. SQLite: no-op, the search there stays a scan.
"""

from typing import Any

from django.db import migrations

WORDS = (
    "registry_name_search_words",
    "registry_personname USING gin (array_to_tsvector(array_remove(string_to_array("
    "search_key || ' r:' || replace(reverse(search_key), ' ', ' r:'), ' '), '')))",
)


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {WORDS[0]} ON {WORDS[1]}")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS[0]}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_refill_name_keys_kyrgyz_yio")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
