"""Scoped, audited reads of the review queues.

A duplicate candidate is visible when its reviewer may see both persons; a
tracing request when it belongs to the reviewer's organisation (or the
reviewer's scope is everything); a tracing match when, in addition, the
matched person is visible. Merged persons (named by a MergeRecord that has
not been undone) are left out of every pool (``Person.merged_into``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.permissions import POLICIES, Capability, Scope
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import visible_to
from zhusan.registry.models import Consent, ConsentPurpose, ConsentStatus, Person

from .models import (
    DuplicateCandidate,
    DuplicateStatus,
    MergeRecord,
    TracingMatch,
    TracingMatchStatus,
    TracingRequest,
    TracingStatus,
)

OPEN_MATCH_STATUSES = (TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE)


def require_reviewer(actor: Actor) -> Any:
    """The actor's user, if their role reviews matches; PermissionDenied otherwise."""
    user = actor.user
    if user is None or not has_capability(user, Capability.REVIEW_MATCHES):
        raise PermissionDenied(_("Your role cannot review matches."))
    return user


def visible_persons(actor: Actor) -> QuerySet[Person]:
    """The persons the actor may see, merged ones left out (not audited: the
    caller audits the search it makes with them)."""
    assert actor.user is not None
    return visible_to(actor.user)


def with_tracing_consent(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Persons whose latest consent for tracing is a grant (the same order as
    ``zhusan.registry.services.consent_allows``)."""
    latest = (
        Consent.objects.filter(person=OuterRef("pk"), purpose=ConsentPurpose.TRACING)
        .order_by("-given_on", "-recorded_at")
        .values("status")[:1]
    )
    return qs.annotate(_tracing_consent=Subquery(latest)).filter(_tracing_consent=ConsentStatus.GRANTED)


# --- Duplicates -----------------------------------------------------------------


def duplicates_for_user(actor: Actor, *, status: str = DuplicateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    require_reviewer(actor)
    visible = visible_persons(actor).values("pk")
    qs = DuplicateCandidate.objects.filter(person_a__in=visible, person_b__in=visible)
    if status:
        qs = qs.filter(status=status)
    record(actor, Action.LIST, object_type=ObjectType.DUPLICATE_CANDIDATE, detail={"status": status})
    return qs.select_related("person_a", "person_b").prefetch_related("person_a__names", "person_b__names")


def get_duplicate_for_user(actor: Actor, ref: object) -> DuplicateCandidate:
    user = require_reviewer(actor)
    candidate = DuplicateCandidate.objects.select_related("person_a", "person_b").filter(uuid=parse_ref(ref)).first()
    seen = visible_to(user, include_merged=True)  # a merged pair stays open for its undo
    if candidate is None or seen.filter(pk__in=[candidate.person_a_id, candidate.person_b_id]).count() != 2:
        raise Http404("No such candidate")
    record(actor, Action.VIEW, object_type=ObjectType.DUPLICATE_CANDIDATE, object_ref=candidate.uuid)
    return candidate


def open_merge_for(candidate: DuplicateCandidate) -> MergeRecord | None:
    return candidate.merges.filter(undone_at__isnull=True).first()


# --- Tracing ----------------------------------------------------------------------


def _request_scope(user: Any) -> Q | None:
    """Tracing requests of the reviewer's organisations; all with scope ALL."""
    orgs = []
    for grant in active_grants(user):
        if grant.effective_scope() == Scope.ALL:
            return Q()
        orgs.append(grant.organisation_id)
    return Q(managing_unit__organisation_id__in=orgs) if orgs else None


def tracing_requests_for_user(actor: Actor, *, status: str = "") -> QuerySet[TracingRequest]:
    user = require_reviewer(actor)
    scope = _request_scope(user)
    qs = TracingRequest.objects.all() if scope is not None else TracingRequest.objects.none()
    if scope:
        qs = qs.filter(scope)
    if status:
        qs = qs.filter(status=status)
    record(actor, Action.LIST, object_type=ObjectType.TRACING_REQUEST, detail={"status": status})
    return qs.select_related("inquirer", "managing_unit").prefetch_related("sought")


def get_tracing_request_for_user(actor: Actor, ref: object) -> TracingRequest:
    user = require_reviewer(actor)
    scope = _request_scope(user)
    qs = TracingRequest.objects.filter(uuid=parse_ref(ref))
    request = qs.filter(scope).first() if scope is not None else None
    if request is None:
        raise Http404("No such tracing request")
    record(actor, Action.VIEW, object_type=ObjectType.TRACING_REQUEST, object_ref=request.uuid)
    return request


def matches_for_user(actor: Actor, request: TracingRequest) -> QuerySet[TracingMatch]:
    """The request's matches whose person the actor may see."""
    return (
        request.matches.filter(person__in=visible_persons(actor).values("pk"))
        .select_related("person", "sought")
        .prefetch_related("person__names")
    )


def get_match_for_user(actor: Actor, request: TracingRequest, ref: object) -> TracingMatch:
    match = matches_for_user(actor, request).filter(uuid=parse_ref(ref)).first()
    if match is None:
        raise Http404("No such match")
    return match


def reviewers_of_hidden_matches(actor: Actor, request: TracingRequest) -> list[str]:
    """When the request has open matches the actor may not see: who can
    review them, as role names from the permission map (the roles that review
    matches with a scope over every person); empty otherwise. Says nothing
    of who the match is: no name, case number or reference."""
    hidden = request.matches.filter(status__in=OPEN_MATCH_STATUSES).exclude(
        person__in=visible_persons(actor).values("pk")
    )
    if not hidden.exists():
        return []
    return [
        str(role.label)
        for role, policy in POLICIES.items()
        if policy.scope == Scope.ALL and Capability.REVIEW_MATCHES in policy.capabilities
    ]


def merge_targets_for_user(actor: Actor, request: TracingRequest) -> QuerySet[TracingRequest]:
    """Open requests in the actor's scope that ``request`` may be merged into
    (a picker on a page already audited as a view of ``request``)."""
    scope = _request_scope(require_reviewer(actor))
    if scope is None:
        return TracingRequest.objects.none()
    return (
        TracingRequest.objects.filter(scope, status=TracingStatus.OPEN)
        .exclude(pk=request.pk)
        .select_related("inquirer")
        .prefetch_related("sought")
    )
