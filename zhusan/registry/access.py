"""The one access path to persons: which persons a user may see, and what
they may read and write of each.

Every view, API view, service and selector of every app asks here:

- ``visible_to(user)``: the persons a user may see, as a queryset; merged
  duplicates are left out unless asked for;
- ``access_for(user, person)``: the compartments the user may read and write
  on one person;
- ``access_for_many(user, persons)``: the same for many persons at once, in
  one query per kind of grant the user holds (never one per person).

Rights come from the user's role grants (``zhusan.accounts.access``); a
break-the-glass access reads and never writes; a record merged into another
is read-only for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from zhusan.accounts.access import (
    NO_ACCESS,
    PersonAccess,
    active_grants,
    grant_filter,
    may_break_glass,
    visible_persons_filter,
)
from zhusan.accounts.models import BreakGlassAccess
from zhusan.accounts.permissions import Capability, Compartment, policy

from .models import Person, PersonQuerySet

if TYPE_CHECKING:
    from zhusan.accounts.models import User

# Person keys per query when checking many persons (SQLite binds at most
# 32,766 variables per statement; PostgreSQL plans long IN lists poorly).
CHUNK = 2000


def visible_to(
    user: User | Any,
    *,
    capability: Capability | None = None,
    include_merged: bool = False,
) -> PersonQuerySet:
    """The persons ``user`` may see through their role grants.

    With ``capability``, only grants of roles holding it count (a case-level
    export reaches no person seen through another role). Break-the-glass
    access opens one record at a time and never adds persons to a list.
    Not audited: the caller audits the list or search it makes with it.
    """
    qs: PersonQuerySet = Person.objects.all() if include_merged else Person.objects.not_merged()
    condition = visible_persons_filter(user, include_break_glass=False, capability=capability)
    if condition is None:
        return qs.none()
    if condition == Q():
        return qs
    # A semi-join rather than a join + DISTINCT: the scope conditions follow
    # to-many relations (assignments), and callers go on to annotate, order
    # and count the queryset.
    return qs.filter(pk__in=Person.objects.filter(condition).values("pk"))


def access_for(user: User | Any, person: Person) -> PersonAccess:
    """Compartments ``user`` may read and write on ``person``."""
    return access_for_many(user, [person]).get(person.pk, NO_ACCESS)


def access_for_many(user: User | Any, persons: Iterable[Person]) -> dict[int, PersonAccess]:
    """``access_for`` for each person, keyed by primary key, in a bounded
    number of queries: one per distinct scope among the user's grants, and
    one for break-the-glass."""
    people = {p.pk: p for p in persons}
    if not people or not user.is_authenticated or not user.is_active:
        return dict.fromkeys(people, NO_ACCESS)
    read: dict[int, set[Compartment]] = {pk: set() for pk in people}
    write: dict[int, set[Compartment]] = {pk: set() for pk in people}
    flag: dict[int, bool] = dict.fromkeys(people, False)
    grants = active_grants(user)
    reached: dict[str, set[int]] = {}  # persons reached, per scope condition (grants often share one)
    for grant in grants:
        condition = grant_filter(grant, user)
        if condition is None:
            continue
        key = str(condition)
        if key not in reached:
            reached[key] = set(people) if condition == Q() else _matching(condition, list(people))
        pol = policy(grant.role)
        for pk in reached[key]:
            read[pk] |= pol.read
            write[pk] |= pol.write
            flag[pk] = flag[pk] or pol.sees_restriction_flag
    glass: set[int] = set()
    outside = [pk for pk in people if not read[pk]]
    if outside and may_break_glass(user):
        now = timezone.now()
        glass = set(
            BreakGlassAccess.objects.filter(
                user=user, person_id__in=outside, started_at__lte=now, expires_at__gt=now
            ).values_list("person_id", flat=True)
        )
        every_read = frozenset().union(*(policy(g.role).read for g in grants))
        sees_flag = any(policy(g.role).sees_restriction_flag for g in grants)
        for pk in glass:
            read[pk] |= every_read
            flag[pk] = sees_flag
            write[pk] = set()  # emergency access reads; it never writes
    return {
        pk: PersonAccess(
            frozenset(read[pk]),
            # A record merged into another is kept for its history: read-only.
            frozenset() if people[pk].merged_into_id is not None else frozenset(write[pk]),
            flag[pk],
            pk in glass,
        )
        for pk in people
    }


def _matching(condition: Q, pks: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        found.update(Person.objects.filter(condition, pk__in=chunk).values_list("pk", flat=True).distinct())
    return found
