"""A list of ids in a query: ``field IN (…)`` that stays cheap at thousands.

Django binds ``pk__in=[…]`` as one parameter per id; with thousands of ids
(the persons a search found, a registration's candidates) binding and
planning them costs more than the query. On PostgreSQL the ids go as one
array parameter, unnested, written as the array's text (``{1,2,3}``):
psycopg adapts a list of ints element by element, 6 ms for 7,000 ids, and
the ids are read twice by a search's page (docs/benchmarks.md); elsewhere as
the usual list.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def ids_value(ids: Collection[int]) -> RawSQL | list[int]:
    """What to give an ``__in`` lookup for ``ids`` (sorted: the same ids, the same query)."""
    ordered = sorted(ids)
    if ordered and connection.vendor == "postgresql":
        text = "{" + ",".join(str(int(pk)) for pk in ordered) + "}"
        return RawSQL("SELECT unnest(%s::bigint[])", (text,))
    return ordered


def among(field: str, ids: Collection[int]) -> Q:
    """``Q(<field>__in=ids)`` through :func:`ids_value`."""
    return Q(**{f"{field}__in": ids_value(ids)})
