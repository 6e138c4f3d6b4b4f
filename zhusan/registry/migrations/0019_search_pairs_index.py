"""Search a query of several words through the pairs of neighbouring words of the names (issue 13).

A search form of several words ("dana akhmetova", "زينب حمزة") holds, for
each two neighbouring words of it, the end of a word of the name and the
start of the next. Registry 0015 indexed the words of ``search_key`` (and
each reversed) and asked for the form's words: for a name in Arabic script,
made of a few hundred given names, each word is in tens of thousands of
names, so the Arabic forms kept the trigram index, whose every trigram is
as common (5–16 ms a form at a million persons, and a word typed twice read
every name holding it once: its trigrams are the word's). Here every two
neighbouring words of ``search_key`` give their pairs — the last one and
two letters of the first with the first one and two of the next, and the
last three with the first three — as the lexemes of a ``tsvector``
(``registry_name_word_pairs``, an immutable SQL function), and a form asks
for the pairs of its own neighbouring words (``registry.text.pairs_tsquery``);
the substring is checked on the names found (``registry.selectors.ContainsPairs``
writes this very expression). At a million: 0.1–0.5 ms a form to find its
names, and a word typed twice asks for the pair of the word with itself.
The words index of 0015 serves no query after this and goes; the names are
analysed, for the statistics of the new expression. SQLite: no-op, the
search there stays a scan.
"""

from typing import Any

from django.db import migrations

# The words of a search key separated by single spaces, its two forms by
# " | " (``registry.text.search_key``): the separator is no word.
FUNCTION = """
CREATE OR REPLACE FUNCTION registry_name_word_pairs(key text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT coalesce(array_agg(DISTINCT pair), '{}')
FROM (SELECT words[i] AS word, words[i + 1] AS next
      FROM (SELECT string_to_array(key, ' ') AS words) split, generate_subscripts(split.words, 1) AS i) neighbours,
     LATERAL (VALUES (right(word, 1) || ':' || left(next, 1)), (right(word, 1) || ':' || left(next, 2)),
                     (right(word, 2) || ':' || left(next, 1)), (right(word, 2) || ':' || left(next, 2)),
                     (right(word, 3) || ':' || left(next, 3))) AS pairs(pair)
WHERE next IS NOT NULL AND word NOT IN ('', '|') AND next NOT IN ('', '|')
$$
"""

PAIRS = (
    "registry_name_search_pairs",
    "registry_personname USING gin (array_to_tsvector(registry_name_word_pairs(search_key)))"
    " WITH (gin_pending_list_limit = 64)",
)

WORDS = (  # registry 0015's
    "registry_name_search_words",
    "registry_personname USING gin (array_to_tsvector(array_remove(string_to_array("
    "search_key || ' r:' || replace(reverse(search_key), ' ', ' r:'), ' '), '')))"
    " WITH (gin_pending_list_limit = 64)",
)


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {PAIRS[0]} ON {PAIRS[1]}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS[0]}")
    # The planner knows how common a pair is only from the statistics of the
    # index's expression, gathered by ANALYZE: without them it guesses ten
    # times too many names and compiles the query (JIT, 8 ms of 13).
    schema_editor.execute("ANALYZE registry_personname")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {WORDS[0]} ON {WORDS[1]}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {PAIRS[0]}")
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_name_word_pairs(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0018_name_indexes_small_pending_lists")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
