"""The match key of each word now comes with every start of it (``p:``,
``text.PREFIX_FROM`` letters or more) as a token of its own: the search's
``tsquery`` finds the start of a key as one entry of the index
``registry_name_match_terms`` instead of uniting every key under it (an
Arabic name's common words: 37 → 10 ms at a million; docs/benchmarks.md).

The data step adds the starts to every stored key. On PostgreSQL one
``UPDATE`` derives them from the ``m:`` tokens already stored, in the order
Python sorts them (``COLLATE "C"``: code points), so that a registry of a
million names is rewritten in minutes (2 min 38 s, and 49 s to rebuild
the names' indexes: 2,761,393 names of web_scale.py's million
persons), not in two million round trips; elsewhere each name's keys are recomputed from its parts, as 0010 did.
Reversing leaves them (a search without the starts ignores them)."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

recompute = importlib.import_module("zhusan.registry.migrations.0010_refill_name_keys_central_asian_scripts").recompute

PREFIX_FROM = 2  # text.PREFIX_FROM when this was written

ADD_STARTS = f"""
UPDATE registry_personname SET match_key = ' ' || array_to_string(array(
    SELECT DISTINCT token COLLATE "C" FROM (
        SELECT unnest(string_to_array(btrim(match_key), ' ')) AS token
        UNION ALL
        SELECT 'p:' || left(substr(token, 3), n)
        FROM unnest(string_to_array(btrim(match_key), ' ')) AS token,
             generate_series({PREFIX_FROM}, length(token) - 2) AS n
        WHERE token LIKE 'm:%'
    ) AS tokens WHERE token <> '' ORDER BY 1
), ' ') || ' '
WHERE match_key LIKE '% m:%'
"""


def add_starts(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_STARTS, params=None)  # no parameters: its % are SQL
        # Every row was written again: the indexes of the names, twice their
        # size after it (365 MB for the trigrams of a million persons), are
        # rebuilt at the size a fresh load gives (163 MB; 49 s at a million).
        schema_editor.execute("REINDEX TABLE registry_personname", params=None)
        return
    PersonName = apps.get_model("registry", "PersonName")
    recompute(PersonName, PersonName.objects.all())


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_search_words_index")]

    operations = [migrations.RunPython(add_starts, migrations.RunPython.noop, elidable=True)]
