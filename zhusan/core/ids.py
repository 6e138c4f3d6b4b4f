"""A list of ids in a query: ``field IN (…)`` that stays cheap at thousands.

Django binds ``pk__in=[…]`` as one parameter per id; with thousands of ids
(the persons a search found, a registration's candidates) binding and
planning them costs more than the query. On PostgreSQL the ids go as one
array parameter written as the array's text (``{1,2,3}``): psycopg adapts a
list of ints element by element, 6 ms for 7,000 ids, and the ids are read
twice by a search's page (docs/benchmarks.md); elsewhere as the usual list.

On PostgreSQL the condition is ``field = ANY((SELECT array))``: the ids
probed in the index in their order (sorted), where ``IN (SELECT unnest(…))``
gathered them in a hash and probed in its order (7,039 persons read in 12 ms
instead of 19). The array is a sub-select so the planner does not read its
length: written inline, a second list on the same column (a page's 25 ids
among the 7,039 found) made it scan the whole table (93 ms instead of 4).
Its guess for a sub-select's array, a few rows, keeps it reading by id,
never walking another index in search of them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q


class _AmongArray(Lookup):  # type: ignore[type-arg]
    """``lhs = ANY((SELECT rhs::bigint[]))``, ``rhs`` the array's text."""

    lookup_name = "among_array"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(CAST((SELECT %s::bigint[]) AS bigint[]))", [*lhs_params, self.rhs]


def ids_value(ids: Collection[int]) -> str | list[int]:
    """The ids as they go in the query (sorted: the same ids, the same query):
    the array's text on PostgreSQL, else the list."""
    ordered = sorted(ids)
    if ordered and connection.vendor == "postgresql":
        return "{" + ",".join(str(int(pk)) for pk in ordered) + "}"
    return ordered


def among(field: str, ids: Collection[int]) -> Q:
    """``Q(<field>__in=ids)``, one array parameter on PostgreSQL."""
    value = ids_value(ids)
    if isinstance(value, str):
        return Q(_AmongArray(F(field), value))
    return Q(**{f"{field}__in": value})
