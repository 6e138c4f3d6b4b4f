"""Role grants turned into rights: capabilities, and the scope and
compartments a user's grants give over persons.

This is the only place that reads role grants. It knows the person only by
the names of its fields (``managing_unit``, ``assignments``, ``break_glass``):
the registry applies these conditions to its persons in
``zhusan.registry.access`` (``visible_to``, ``access_for``, ``access_for_many``),
which every view, API view, service and selector asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from .models import RoleGrant
from .permissions import HOME_ORDER, Capability, Compartment, Detail, Home, Scope, policy

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class PersonAccess:
    read: frozenset[Compartment]
    write: frozenset[Compartment]
    sees_restriction_flag: bool
    via_break_glass: bool = False
    # Details of readable compartments withheld from this reader (a field mask).
    withheld: frozenset[Detail] = frozenset()

    @property
    def visible(self) -> bool:
        return Compartment.IDENTITY in self.read

    def can_read(self, compartment: Compartment | str, detail: Detail | str | None = None) -> bool:
        """Whether the reader reads ``compartment`` (and, if named, its ``detail``)."""
        return Compartment(compartment) in self.read and self.shows(detail)

    def can_write(self, compartment: Compartment | str) -> bool:
        return Compartment(compartment) in self.write

    def shows(self, detail: Detail | str | None) -> bool:
        """Whether ``detail`` of a compartment the reader reads is shown (None: no detail, shown)."""
        return detail is None or Detail(detail) not in self.withheld


NO_ACCESS = PersonAccess(frozenset(), frozenset(), False)


def active_grants(user: User) -> list[RoleGrant]:
    """Active grants, memoised on the user object for the request."""
    cached: list[RoleGrant] | None = getattr(user, "_zhusan_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(user=user).select_related("organisation", "unit"))
        user._zhusan_grants = cached  # type: ignore[attr-defined]  # a memo on this instance, not a model field
    return cached


def has_capability(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(capability in policy(g.role).capabilities for g in active_grants(user))


def may_break_glass(user: User) -> bool:
    return any(Capability.BREAK_GLASS in policy(g.role).capabilities for g in active_grants(user))


def grant_filter(grant: RoleGrant, user: User, *, today: date | None = None) -> Q | None:
    """The persons one grant reaches, as a Q over Person; None for none, Q() for all."""
    scope = grant.effective_scope()
    pol = policy(grant.role)
    if scope is None or not pol.read:
        return None
    reach = _scope_filter(grant, user, scope)
    if pol.children_only:
        # A teacher's pupils: persons under 18 (by the middle of their possible
        # birth days, as ages are shown) within the scope. A person whose birth
        # is not known at all is not reached.
        return reach & Q(birth_date_mid__gt=_years_before(today or timezone.localdate(), 18))
    return reach


def _scope_filter(grant: RoleGrant, user: User, scope: Scope) -> Q:
    if scope == Scope.ALL:
        return Q()
    if scope == Scope.ORGANISATION:
        return Q(managing_unit__organisation_id=grant.organisation_id)
    if scope == Scope.UNIT:
        unit_id = grant.unit_id or user.unit_id
        return Q(managing_unit_id=unit_id) | _assigned(user)
    return _assigned(user)


def _assigned(user: User) -> Q:
    return Q(assignments__user=user, assignments__ended_at__isnull=True)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def home_url_name(user: User) -> str:
    """The URL name of the page ``user`` lands on after signing in: the home
    of their roles that comes first in ``HOME_ORDER`` ("My work" for a user
    without any role, who finds there what to ask for)."""
    homes = {policy(g.role).home for g in active_grants(user)} if user.is_authenticated else set()
    return next((h.value for h in HOME_ORDER if h in homes), Home.MY_WORK.value)


def lists_own_cases_first(user: User) -> bool:
    """Whether the person list opens on the user's own cases: only when each
    of their reading roles asks for it (a psychologist's caseload first)."""
    readers = [policy(g.role) for g in active_grants(user) if policy(g.role).read]
    return bool(readers) and all(p.lists_own_cases_first for p in readers)


def break_glass_filter(user: User) -> Q:
    """Persons the user holds an open break-the-glass access to."""
    now = timezone.now()
    return Q(break_glass__user=user, break_glass__started_at__lte=now, break_glass__expires_at__gt=now)


def visible_persons_filter(
    user: User, *, include_break_glass: bool = True, capability: Capability | None = None
) -> Q | None:
    """A Q over Person selecting what the user may see, or None for nothing.

    With ``capability``, only grants of roles holding it count: a case-level
    export reaches no person the user sees through another role.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    grants = [g for g in active_grants(user) if capability is None or capability in policy(g.role).capabilities]
    parts = [q for g in grants if (q := grant_filter(g, user)) is not None]
    if not parts:
        return None
    combined = parts[0]
    for q in parts[1:]:
        combined |= q
    if include_break_glass and may_break_glass(user):
        combined |= break_glass_filter(user)
    return combined
