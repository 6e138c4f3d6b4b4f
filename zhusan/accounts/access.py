"""What one user may do with one person: scope and compartments combined.

This is the only place that turns role grants into rights. Views, API views
and services ask it through ``zhusan.registry.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import BreakGlassAccess, RoleGrant
from .permissions import Capability, Compartment, Scope, policy

if TYPE_CHECKING:
    from zhusan.registry.models import Person

    from .models import User


@dataclass(frozen=True)
class PersonAccess:
    read: frozenset[Compartment]
    write: frozenset[Compartment]
    sees_restriction_flag: bool
    via_break_glass: bool = False

    @property
    def visible(self) -> bool:
        return Compartment.IDENTITY in self.read

    def can_read(self, compartment: Compartment | str) -> bool:
        return Compartment(compartment) in self.read

    def can_write(self, compartment: Compartment | str) -> bool:
        return Compartment(compartment) in self.write


NO_ACCESS = PersonAccess(frozenset(), frozenset(), False)


def active_grants(user: User) -> list[RoleGrant]:
    """Active grants, memoised on the user object for the request."""
    cached: list[RoleGrant] | None = getattr(user, "_zhusan_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(user=user).select_related("organisation", "unit"))
        user._zhusan_grants = cached  # type: ignore[attr-defined]
    return cached


def has_capability(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(capability in policy(g.role).capabilities for g in active_grants(user))


def _grant_filter(grant: RoleGrant, user: User) -> Q | None:
    scope = grant.effective_scope()
    if scope is None or not policy(grant.role).read:
        return None
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


def _break_glass(user: User) -> Q:
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
    parts = [q for g in grants if (q := _grant_filter(g, user)) is not None]
    if not parts:
        return None
    combined = parts[0]
    for q in parts[1:]:
        combined |= q
    if include_break_glass and any(Capability.BREAK_GLASS in policy(g.role).capabilities for g in active_grants(user)):
        combined |= _break_glass(user)
    return combined


def restrict(qs: QuerySet[Person], user: User, *, capability: Capability | None = None) -> QuerySet[Person]:
    condition = visible_persons_filter(user, include_break_glass=False, capability=capability)
    if condition is None:
        return qs.none()
    if condition == Q():
        return qs
    return qs.filter(condition).distinct()


def access_for(user: User, person: Person) -> PersonAccess:
    """Compartments the user may read and write on this person."""
    from zhusan.registry.models import Person as PersonModel

    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    read: set[Compartment] = set()
    write: set[Compartment] = set()
    flag = False
    grants = active_grants(user)
    for grant in grants:
        condition = _grant_filter(grant, user)
        if condition is None:
            continue
        if condition != Q() and not PersonModel.objects.filter(condition, pk=person.pk).exists():
            continue
        pol = policy(grant.role)
        read |= pol.read
        write |= pol.write
        flag = flag or pol.sees_restriction_flag
    via_break_glass = False
    if not read and any(Capability.BREAK_GLASS in policy(g.role).capabilities for g in grants):
        if BreakGlassAccess.objects.filter(
            user=user, person=person, started_at__lte=timezone.now(), expires_at__gt=timezone.now()
        ).exists():
            via_break_glass = True
            for grant in grants:
                pol = policy(grant.role)
                read |= pol.read
                flag = flag or pol.sees_restriction_flag
            # Emergency access reads; it never writes.
    return PersonAccess(frozenset(read), frozenset(write), flag, via_break_glass)
