"""Scoped reads of reintegration records, through the one access path.

A record is fetched with its person through ``registry.selectors.get_person_for_user``
(scope, audit) and shown or refused by its compartment (``models.COMPARTMENT``).
Lists (placements due for review, a lawyer's caseload) read only persons the
user sees (``registry.access.visible_to``) through roles that read the
records' compartment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess, active_grants
from zhusan.accounts.permissions import Compartment, policy
from zhusan.audit.models import Action, object_type_of
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import visible_to
from zhusan.registry.models import INVERSE_RELATION, IdentityEvidence, Person, PersonName, Relationship
from zhusan.registry.selectors import get_person_for_user

from .models import (
    COMPARTMENT,
    OPEN_PATHWAY,
    BenefitClaim,
    CourtHearing,
    DocumentPathway,
    EducationReview,
    Enrolment,
    GuardianshipOrder,
    HomeVisit,
    Placement,
    PlacementReview,
)

M = TypeVar("M", bound=Model)
# A placement is "due" this many days before its review date.
DUE_WITHIN_DAYS = 14


def get_record_for_user(
    actor: Actor, model: type[M], ref: object, *, write: bool = False
) -> tuple[M, Person, PersonAccess]:
    """A record of a person, checked by its compartment: 404 for one the
    actor may not read (or whose person they do not see), 403 for a write
    they may not make. The read is audited."""
    assert actor.user is not None
    compartment = COMPARTMENT[model]
    obj = model._default_manager.filter(uuid=parse_ref(ref)).first()
    if obj is None:
        raise Http404("No such record")
    person = _person_of(obj)
    person, access = get_person_for_user(actor, person.uuid, audit_view=False)
    kind = object_type_of(model)
    if not access.can_read(compartment):
        record(actor, Action.PERMISSION_DENIED, object_type=kind, object_ref=ref, person_ref=person.uuid,
               detail={"why": f"compartment {compartment}"})  # fmt: skip
        raise Http404("No such record")
    if write and not access.can_write(compartment):
        record(actor, Action.PERMISSION_DENIED, object_type=kind, object_ref=ref, person_ref=person.uuid,
               detail={"why": f"no write on {compartment}"})  # fmt: skip
        raise PermissionDenied(_("You may not change %(c)s data of this person.") % {"c": compartment.label})
    if not write:
        record(actor, Action.VIEW, object_type=kind, object_ref=ref, person_ref=person.uuid)
    return obj, person, access


def _person_of(obj: Any) -> Person:
    for path in ("person", "placement", "pathway", "enrolment"):
        target = getattr(obj, path, None)
        if isinstance(target, Person):
            return target
        if target is not None:
            return _person_of(target)
    raise LookupError(f"{obj!r} belongs to no person")


def _names() -> Prefetch[Any]:
    return Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "pk"))


def reintegration_of(person: Person, access: PersonAccess) -> dict[str, Any]:
    """What the person's "Reintegration" tab shows, by compartment."""
    out: dict[str, Any] = {}
    if access.can_read(Compartment.FAMILY):
        out["placements"] = list(
            Placement.objects.filter(person=person)
            .select_related("carer", "best_interests", "stay", "end_best_interests")
            .prefetch_related(Prefetch("carer__names", queryset=PersonName.objects.order_by("-is_primary", "pk")))
            .prefetch_related(Prefetch("reviews", queryset=PlacementReview.objects.select_related("reviewer")))
        )
        out["home_visits"] = list(HomeVisit.objects.filter(person=person).select_related("visitor", "carer"))
        out["orders"] = list(GuardianshipOrder.objects.filter(person=person).select_related("guardian"))
        out["show_address"] = access.can_read(Compartment.CONTACT_LOCATION)
    if access.can_read(Compartment.DOCUMENTS):
        out["pathways"] = list(
            DocumentPathway.objects.filter(person=person)
            .select_related("lawyer", "registry_document")
            .prefetch_related(
                Prefetch("hearings", queryset=CourtHearing.objects.order_by("held_on")),
                Prefetch("evidence", queryset=IdentityEvidence.objects.select_related("matched_relative")),
            )
        )
        out["claims"] = list(BenefitClaim.objects.filter(person=person))
    if access.can_read(Compartment.CONTACT_LOCATION):
        out["enrolments"] = list(
            Enrolment.objects.filter(person=person).prefetch_related(
                Prefetch("reviews", queryset=EducationReview.objects.select_related("reviewer"))
            )
        )
    return out


def relatives_of(actor: Actor, person: Person) -> list[tuple[Person, str]]:
    """The child's relatives the actor sees, with how each is related to the
    child (the carers a placement may name), closest first."""
    assert actor.user is not None
    seen = visible_to(actor.user).values("pk")
    found: dict[int, tuple[Person, str]] = {}
    rels = Relationship.objects.filter(
        Q(to_person=person, from_person__in=seen) | Q(from_person=person, to_person__in=seen)
    ).select_related("from_person", "to_person")
    for rel in rels:
        if rel.to_person_id == person.pk:
            found.setdefault(rel.from_person_id, (rel.from_person, rel.kind))
        else:
            found.setdefault(rel.to_person_id, (rel.to_person, INVERSE_RELATION.get(rel.kind, rel.kind)))
    people = [p for p, _kind in found.values()]
    prefetch_related_objects(people, _names())
    return sorted(found.values(), key=lambda pair: pair[0].case_number)


def evidence_of(person: Person) -> QuerySet[IdentityEvidence]:
    return IdentityEvidence.objects.filter(person=person).select_related("matched_relative")


def _reads(user: Any, compartment: Compartment) -> bool:
    return any(compartment in policy(g.role).read for g in active_grants(user))


def require_reads(actor: Actor, compartment: Compartment, model: type[Model]) -> None:
    """Refuse (403, audited) a list to a user none of whose roles reads ``compartment``."""
    assert actor.user is not None
    if not _reads(actor.user, compartment):
        record(actor, Action.PERMISSION_DENIED, object_type=object_type_of(model),
               detail={"why": f"no role reads {compartment}"})  # fmt: skip
        raise PermissionDenied(_("Your role does not give access to these records."))


def placements_due(actor: Actor, *, today: date | None = None, overdue_only: bool = False) -> QuerySet[Placement]:
    """Open placements whose review is overdue or due within two weeks, of
    children the actor sees through a role that reads the family compartment."""
    assert actor.user is not None
    if not _reads(actor.user, Compartment.FAMILY):
        return Placement.objects.none()
    today = today or timezone.localdate()
    limit = today if overdue_only else today + timedelta(days=DUE_WITHIN_DAYS)
    if overdue_only:
        due = Q(next_review_on__lt=limit)
    else:
        due = Q(next_review_on__lte=limit)
    return (
        Placement.objects.filter(due, ended_on__isnull=True, person__in=visible_to(actor.user).values("pk"))
        .select_related("person__managing_unit", "carer")
        .order_by("next_review_on", "pk")
    )


def pathways_waiting(actor: Actor, *, mine_only: bool = False) -> QuerySet[DocumentPathway]:
    """Open document pathways of persons the actor sees through a role that
    reads documents; with ``mine_only``, those the actor is the lawyer of."""
    assert actor.user is not None
    if not _reads(actor.user, Compartment.DOCUMENTS):
        return DocumentPathway.objects.none()
    qs = DocumentPathway.objects.filter(
        status__in=[s.value for s in OPEN_PATHWAY], person__in=visible_to(actor.user).values("pk")
    )
    if mine_only:
        qs = qs.filter(lawyer=actor.user)
    return qs.select_related("person", "lawyer").order_by("started_on", "pk")


def audit_list(actor: Actor, model: type[Model], count: int, what: str) -> None:
    """A list page is audited as one event (not one per row)."""
    record(actor, Action.LIST, object_type=object_type_of(model), detail={"list": what, "rows": count})
