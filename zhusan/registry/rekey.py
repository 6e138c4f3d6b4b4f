"""Rewriting the stored match keys of the names, for the data migrations
that change what ``text.match_keys`` holds (registry 0017, 0020, 0021).

Each name's key is recomputed from its parts and only the keys that change
are written: on PostgreSQL through a temporary table filled by ``COPY`` and
one ``UPDATE``, so that a registry of a million is rewritten in a minute, not
in a round trip per name; elsewhere by ``bulk_update``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from .text import match_keys

BATCH = 5000


def rewrite_match_keys(
    apps: Any, schema_editor: Any, *, only: Callable[..., bool] | None = None, where: Q | None = None
) -> int:
    """Recompute the match key of every name (of those the database finds by
    ``where`` and whose parts ``only`` accepts, when given: the others cannot
    change) and write those that change; how many were written."""
    PersonName = apps.get_model("registry", "PersonName")
    rows = (
        PersonName.objects.filter(where or Q())
        .order_by()
        .values_list("pk", "given", "patronymic", "family", "match_key")
    )
    changed = [
        (pk, key)
        for pk, given, patronymic, family, stored in rows.iterator(chunk_size=BATCH)
        if (only is None or only(given, patronymic, family))
        and (key := match_keys(given, patronymic, family)) != stored
    ]
    if not changed:
        return 0
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE name_rekeyed (id bigint PRIMARY KEY, match_key text) ON COMMIT DROP")
            with cursor.copy("COPY name_rekeyed (id, match_key) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE registry_personname AS n SET match_key = t.match_key FROM name_rekeyed AS t WHERE n.id = t.id"
            )
        return len(changed)
    names = [PersonName(pk=pk, match_key=key) for pk, key in changed]
    PersonName.objects.bulk_update(names, ["match_key"], batch_size=BATCH)
    return len(changed)
