"""Scoped, audited reads of follow-up, incidents, security follow-up and closures.

Every read goes through the registry's access path: a list holds only the
persons the user sees through a role that reads the list's compartment, so
security follow-up never reaches care staff and follow-up visits never reach
a teacher or a doctor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess, active_grants, grant_filter
from zhusan.accounts.permissions import Compartment, policy
from zhusan.audit.models import Action, ObjectType, object_type_of
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user

from .compartments import FOLLOW_UP, INCIDENTS, SECURITY
from .models import (
    CaseClosure,
    ClosureStatus,
    ContactStatus,
    FollowUpContact,
    FollowUpPlan,
    FollowUpVisit,
    Incident,
    SecurityContact,
)

if TYPE_CHECKING:
    from zhusan.accounts.models import User

M = TypeVar("M", bound=Model)

DUE_WITHIN_DAYS = 30


def persons_reading(user: User | Any, compartment: Compartment) -> QuerySet[Person]:
    """Persons the user sees through a role that reads ``compartment`` (never
    through break-the-glass, never merged records): the population of a list."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    parts = [
        q
        for g in active_grants(user)
        if compartment in policy(g.role).read and (q := grant_filter(g, user)) is not None
    ]
    if not parts:
        return Person.objects.none()
    condition = parts[0]
    for q in parts[1:]:
        condition |= q
    base = Person.objects.not_merged()
    if condition == Q():
        return base
    return base.filter(pk__in=Person.objects.filter(condition).values("pk"))


def reads_follow_up(user: User | Any) -> bool:
    return user.is_authenticated and any(FOLLOW_UP in policy(g.role).read for g in active_grants(user))


# --- One person's follow-up (the caller has checked the compartment) ---------------------


@dataclass(frozen=True)
class PersonFollowUp:
    plan: FollowUpPlan | None
    contacts: list[FollowUpContact]
    visits: list[FollowUpVisit]
    closures: list[CaseClosure]
    next_due: FollowUpContact | None
    overdue: int


def person_follow_up(person: Person, *, today: date | None = None) -> PersonFollowUp:
    today = today or timezone.localdate()
    plan = FollowUpPlan.objects.filter(person=person, active=True).select_related("template", "worker").first()
    contacts = list(plan.contacts.all()) if plan else []
    visits = list(
        FollowUpVisit.objects.filter(person=person).select_related("worker", "contact").order_by("-visited_on", "-pk")
    )
    closures = list(
        CaseClosure.objects.filter(person=person).select_related("requested_by", "decided_by", "reopened_by")
    )
    open_contacts = [c for c in contacts if c.status == ContactStatus.OPEN]
    return PersonFollowUp(
        plan=plan,
        contacts=contacts,
        visits=visits,
        closures=closures,
        next_due=open_contacts[0] if open_contacts else None,
        overdue=sum(1 for c in open_contacts if c.due_on < today),
    )


def incidents_of(person: Person) -> list[Incident]:
    return list(Incident.objects.filter(person=person).select_related("reported_by").prefetch_related("actions"))


def security_contacts_of(person: Person) -> list[SecurityContact]:
    return list(SecurityContact.objects.filter(person=person).select_related("liaison"))


# --- Lookups by a record's UUID ------------------------------------------------------------


def _get(
    actor: Actor, qs: QuerySet[M], ref: object, person_of: Any, compartment: Compartment, *, write: bool
) -> tuple[M, Person, PersonAccess]:
    obj = qs.filter(uuid=parse_ref(ref)).first()
    if obj is None:
        raise Http404("No such record")
    person, access = get_person_for_user(actor, person_of(obj).uuid, audit_view=False)
    object_type = object_type_of(type(obj))
    if not access.can_read(compartment) or (write and not access.can_write(compartment)):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=object_type,
            object_ref=ref,
            person_ref=person.uuid,
            detail={"why": f"compartment {compartment}"},
        )
        if not access.can_read(compartment):
            raise Http404("No such record")
        raise PermissionDenied(_("You may not change %(c)s data of this person.") % {"c": compartment.label})
    if not write:
        record(actor, Action.VIEW, object_type=object_type, object_ref=ref, person_ref=person.uuid)
    return obj, person, access


def get_contact_for_user(
    actor: Actor, ref: object, *, write: bool = False
) -> tuple[FollowUpContact, Person, PersonAccess]:
    qs = FollowUpContact.objects.select_related("plan__person", "plan__worker", "plan__template")
    return _get(actor, qs, ref, lambda c: c.plan.person, FOLLOW_UP, write=write)


def get_incident_for_user(actor: Actor, ref: object, *, write: bool = False) -> tuple[Incident, Person, PersonAccess]:
    qs = Incident.objects.select_related("person")
    return _get(actor, qs, ref, lambda i: i.person, INCIDENTS, write=write)


def get_closure_for_user(actor: Actor, ref: object, *, write: bool = False) -> tuple[CaseClosure, Person, PersonAccess]:
    qs = CaseClosure.objects.select_related("person", "requested_by", "decided_by", "best_interests")
    return _get(actor, qs, ref, lambda c: c.person, FOLLOW_UP, write=write)


def get_security_contact_for_user(actor: Actor, ref: object) -> tuple[SecurityContact, Person, PersonAccess]:
    qs = SecurityContact.objects.select_related("person")
    return _get(actor, qs, ref, lambda c: c.person, SECURITY, write=False)


# --- Lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueFilters:
    worker: str = ""  # a user's UUID
    region: str = ""
    mine: bool = False

    def as_audit(self) -> dict[str, Any]:
        return {"worker": self.worker, "region": self.region, "mine": self.mine}


def _open_contacts(user: User | Any) -> QuerySet[FollowUpContact]:
    return FollowUpContact.objects.filter(
        status=ContactStatus.OPEN,
        plan__active=True,
        plan__person__in=persons_reading(user, FOLLOW_UP).values("pk"),
    )


def overdue_contacts(
    actor: Actor, filters: DueFilters | None = None, *, today: date | None = None
) -> QuerySet[FollowUpContact]:
    """Contacts past their due date, of persons the actor reads follow-up of (audited as a list)."""
    assert actor.user is not None
    filters = filters or DueFilters()
    today = today or timezone.localdate()
    qs = _open_contacts(actor.user).filter(due_on__lt=today)
    if filters.mine:
        qs = qs.filter(plan__worker=actor.user)
    if filters.worker:
        try:
            qs = qs.filter(plan__worker__uuid=parse_ref(filters.worker))
        except (ValueError, Http404):
            qs = qs.none()
    if filters.region:
        qs = qs.filter(plan__person__managing_unit__region=filters.region)
    record(actor, Action.LIST, object_type=ObjectType.FOLLOW_UP_CONTACT, detail={"overdue": filters.as_audit()})
    return qs.select_related("plan__person__managing_unit", "plan__worker").order_by(
        "due_on", "plan__person__case_number"
    )


def overdue_by_worker(qs: QuerySet[FollowUpContact]) -> list[dict[str, Any]]:
    """Counts of overdue contacts per responsible worker (one query)."""
    return list(
        qs.order_by()
        .values("plan__worker__uuid", "plan__worker__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "plan__worker__username")
    )


def overdue_by_region(qs: QuerySet[FollowUpContact]) -> list[dict[str, Any]]:
    """Counts of overdue contacts per region of the managing unit (one query)."""
    return list(
        qs.order_by()
        .values("plan__person__managing_unit__region")
        .annotate(n=Count("pk"))
        .order_by("-n", "plan__person__managing_unit__region")
    )


def due_for_worker(
    user: User | Any, *, today: date | None = None, within: int = DUE_WITHIN_DAYS
) -> QuerySet[FollowUpContact]:
    """The user's own contacts overdue or due in the next ``within`` days."""
    today = today or timezone.localdate()
    return (
        _open_contacts(user)
        .filter(plan__worker=user, due_on__lte=today + timedelta(days=within))
        .select_related("plan__person")
        .order_by("due_on", "plan__person__case_number")
    )


def closures_to_decide(user: User | Any) -> QuerySet[CaseClosure]:
    """Closure requests waiting for a decision the user may take (not their own)."""
    return (
        CaseClosure.objects.filter(
            status=ClosureStatus.REQUESTED, person__in=persons_reading(user, FOLLOW_UP).values("pk")
        )
        .exclude(requested_by=user)
        .select_related("person", "requested_by")
        .order_by("requested_on", "pk")
    )
