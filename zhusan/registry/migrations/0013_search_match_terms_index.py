"""Search by match key through one ``tsquery`` index (issue 13).

A name search matches each query word against the tokens of ``match_key``
(``m:<key>`` by prefix, ``f:<family>`` and ``s:<skeleton>`` whole). With the
trigram index of 0009 every needle was a ``LIKE`` of its own: each read the
trigrams of its one-letter marker (``m``, ``f``, ``s``: in every one of the
names) and every name holding a common word (tens of thousands at a million
persons) before the words were intersected. Here the tokens, split on spaces,
are indexed as a ``tsvector`` (``array_to_tsvector``, each token a lexeme,
no parsing): one GIN scan evaluates the whole query — prefixes, alternatives
and the intersection of the words — and returns only the names found.
``registry.selectors.MatchesTerms`` writes this very expression.

The trigram index on ``match_key`` served nothing else and goes; the one on
``search_key`` stays (a substring of the folded name). SQLite: no-op, the
search there stays a scan (0009).
"""

from typing import Any

from django.db import migrations

TERMS = (
    "registry_name_match_terms",
    "registry_personname USING gin "
    "(array_to_tsvector(array_remove(string_to_array(btrim(match_key), ' '), '')))",
)
TRIGRAMS = ("registry_name_match_key_trgm", "registry_personname USING gin (match_key gin_trgm_ops)")


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TERMS[0]} ON {TERMS[1]}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAMS[0]}")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAMS[0]} ON {TRIGRAMS[1]}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TERMS[0]}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_refill_name_keys_uzbek_ye")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
