"""A list of ids in a query: ``field IN (…)`` that stays cheap at thousands.

Django binds ``pk__in=[…]`` as one parameter per id; with thousands of ids
(the persons a search found, a registration's candidates) binding and
planning them costs more than the query. On PostgreSQL the ids go as one
array parameter, unnested; elsewhere as the usual list.
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
        return RawSQL("SELECT unnest(%s::bigint[])", (ordered,))
    return ordered


def among(field: str, ids: Collection[int]) -> Q:
    """``Q(<field>__in=ids)`` through :func:`ids_value`."""
    return Q(**{f"{field}__in": ids_value(ids)})
