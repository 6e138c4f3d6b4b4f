"""Pages of a long list without counting it: keyset pages and a bounded count.

A list of a million persons cannot be counted on every page (``COUNT(*)``
reads every row the user may see), nor reached by ``OFFSET`` (which reads
and throws away every row before the page). So:

- A page continues from a **cursor**: the sort values of the last (or first)
  row shown, opaque to the reader. The next page is "the rows after these
  values, in this order" (``WHERE (k1, k2) > (v1, v2)``, spelt out per column
  so that mixed directions work), which an index on the order answers by
  reading only the page. Every order ends with the case number, which is
  unique, so pages never skip or repeat a row.
- The **count** stops at :data:`COUNT_LIMIT`: beyond it the list says "more
  than 10,000" instead of the number (``SELECT COUNT(*) FROM (… LIMIT 10001)``).
- A page **number** without a cursor (``?page=3``, a bookmarked link, an API
  client of before) still works, by offset, as far as the bounded count
  reaches; the number travels beside a cursor only to be shown.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

COUNT_LIMIT = 10_000

M = TypeVar("M", bound=Model)


class BadCursorError(ValueError):
    """A cursor that was not made by this list (edited, truncated, another sort)."""


@dataclass(frozen=True)
class Key:
    """One column of a list's order: a field or annotation of the row."""

    name: str
    descending: bool = False
    # Turns the JSON value of a cursor back into the column's type.
    parse: Callable[[Any], Any] = field(default=lambda v: v)
    dump: Callable[[Any], Any] = field(default=lambda v: v)


def datetime_key(name: str, *, descending: bool = False) -> Key:
    return Key(name, descending, parse=datetime.fromisoformat, dump=lambda v: v.isoformat())


@dataclass
class KeysetPage(Generic[M]):
    object_list: list[M]
    number: int
    has_next: bool
    has_previous: bool
    next_cursor: str
    previous_cursor: str
    count: int  # exact when ``count_exact``, else COUNT_LIMIT ("more than")
    count_exact: bool
    size: int

    @property
    def num_pages(self) -> int | None:
        """Pages in all, when the count is exact; None for "many"."""
        if not self.count_exact:
            return None
        return max(1, -(-self.count // self.size))

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)


def bounded_count(qs: QuerySet[Any], limit: int | None = None) -> tuple[int, bool]:
    """How many rows ``qs`` holds, counting at most ``limit`` (default
    :data:`COUNT_LIMIT`) + 1: (count, exact)."""
    limit = COUNT_LIMIT if limit is None else limit
    return _bounded(qs.order_by().values("pk")[: limit + 1].count(), limit)


def _bounded(n: int, limit: int) -> tuple[int, bool]:
    """``n`` rows read with a limit of ``limit`` + 1, as (count, exact)."""
    return (n, True) if n <= limit else (limit, False)


def _within(number: int, count: int, size: int) -> int:
    """Page ``number``, or the last page of ``count`` rows when it is past it."""
    return min(number, max(1, -(-count // size)))


def encode_cursor(tag: str, direction: str, values: Sequence[Any]) -> str:
    raw = json.dumps({"t": tag, "d": direction, "v": list(values)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, tag: str, keys: Sequence[Key]) -> tuple[str, list[Any]]:
    """(direction, typed values) of a cursor; BadCursorError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        direction, values = data["d"], data["v"]
        if data["t"] != tag or direction not in ("n", "p") or len(values) != len(keys):
            raise BadCursorError(cursor)
        return direction, [k.parse(v) for k, v in zip(keys, values, strict=True)]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BadCursorError(cursor) from exc


def _beyond(keys: Sequence[Key], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows after ``values`` in the order of ``keys`` (before them when not forward)."""
    cond = Q()
    for i, key in enumerate(keys):
        later = key.descending != forward  # True: "after" means a larger value
        step = Q(**{f"{key.name}__{'gt' if later else 'lt'}": values[i]})
        for prev, value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{prev.name: value})
        cond |= step
    return cond


def _order(keys: Sequence[Key], *, reverse: bool = False) -> list[str]:
    return [("-" if k.descending != reverse else "") + k.name for k in keys]


def _values(row: Model, keys: Sequence[Key]) -> list[Any]:
    return [k.dump(getattr(row, k.name)) for k in keys]


def _page_by_ids(
    qs: QuerySet[M], ordered: QuerySet[M], *, keys: Sequence[Key], tag: str, size: int, number: int
) -> KeysetPage[M]:
    ids = list(ordered.prefetch_related(None).values_list("pk", flat=True)[: COUNT_LIMIT + 1])
    count, exact = _bounded(len(ids), COUNT_LIMIT)
    number = _within(number, count, size)
    offset = (number - 1) * size
    wanted = ids[offset : offset + size]
    found = {row.pk: row for row in qs.order_by().filter(pk__in=wanted)} if wanted else {}
    rows = [found[pk] for pk in wanted if pk in found]  # a row gone since: left out
    return _page(rows, keys, tag, number, len(ids) > offset + size, number > 1, count, exact, size)


def _page(
    rows: list[M],
    keys: Sequence[Key],
    tag: str,
    number: int,
    has_next: bool,
    has_previous: bool,
    count: int,
    exact: bool,
    size: int,
) -> KeysetPage[M]:
    """The page of ``rows``, with the cursors of its first and last rows."""
    has_next = has_next and bool(rows)
    return KeysetPage(
        object_list=rows,
        number=number,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=encode_cursor(tag, "n", _values(rows[-1], keys)) if has_next else "",
        previous_cursor=encode_cursor(tag, "p", _values(rows[0], keys)) if rows and has_previous else "",
        count=count,
        count_exact=exact,
        size=size,
    )


def keyset_page(
    qs: QuerySet[M],
    *,
    keys: Sequence[Key],
    tag: str,
    size: int,
    cursor: str | None = None,
    page: int | None = None,
    ids_first: bool = False,
) -> KeysetPage[M]:
    """One page of ``qs`` in the order of ``keys`` (the last key unique).

    ``cursor`` continues from a page shown before (BadCursorError if it is not
    one of ours); without it, ``page`` picks a page by offset within the
    bounded count. ``tag`` names the order, so a cursor of another sort is
    refused rather than misread.

    ``ids_first`` (a page without a cursor): the ids of the rows in order, as
    many as the bounded count reaches, in one query that both counts them
    and places the page, then the page's rows by id. For a search, whose
    rows are found by id or through the names: the count and the page would
    each read every row found (the page to sort them), where this reads them
    once. Not for a whole list, whose page an index on its order reads
    alone."""
    number = max(1, page or 1)
    ordered = qs.order_by(*_order(keys))
    if ids_first and not cursor:
        return _page_by_ids(qs, ordered, keys=keys, tag=tag, size=size, number=number)
    count, exact = bounded_count(qs)
    if cursor:
        direction, values = decode_cursor(cursor, tag, keys)
        forward = direction == "n"
        window = ordered if forward else qs.order_by(*_order(keys, reverse=True))
        rows = list(window.filter(_beyond(keys, values, forward=forward))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if not forward:
            rows.reverse()
        has_next, has_previous = (more, True) if forward else (True, more)
        if not forward and not more:
            number = 1
    else:
        number = _within(number, count, size)
        offset = (number - 1) * size
        rows = list(ordered[offset : offset + size + 1])
        has_next, has_previous = len(rows) > size, number > 1
        rows = rows[:size]
    return _page(rows, keys, tag, number, has_next, has_previous, count, exact, size)
