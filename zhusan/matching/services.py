"""Writes of the review queues: keyword-only, typed, atomic, audited.

Duplicates: :func:`duplicates_check` proposes pairs, :func:`decide_same`
merges (every moved row audited, undo kept in a MergeRecord),
:func:`undo_merge` puts the rows back, :func:`decide_different` is
remembered so the pair is never proposed again.

Tracing: :func:`tracing_request_create`, :func:`tracing_run` (matches only
among persons whose latest tracing consent is a grant),
:func:`tracing_on_new_person` (the hook for a newly registered person: call
it after ``zhusan.registry.services.person_create``; the registry does not
call it itself, so that registration never depends on matching),
:func:`tracing_confirm` (records the relationship through the registry's
``relationship_add``) and :func:`tracing_reject`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import Unit
from zhusan.accounts.permissions import Capability
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.engine.dates import PartialDate, StatedAge
from zhusan.registry import models as reg
from zhusan.registry import services as registry_services
from zhusan.registry.access import access_for
from zhusan.registry.models import EstablishedBy, Person, RecordType, RelationKind, Sex

from .candidates import QueryName, QueryPerson, Scored, query_from_person, score
from .models import (
    DuplicateCandidate,
    DuplicateStatus,
    MergeRecord,
    SoughtPerson,
    TracingMatch,
    TracingMatchStatus,
    TracingRequest,
    TracingStatus,
)
from .selectors import require_reviewer, visible_persons, with_tracing_consent

# A pair at or above this probability becomes a duplicate candidate.
DUPLICATE_THRESHOLD = 0.8
# Tracing bands: at or above LIKELY is "likely", at or above POSSIBLE "possible".
TRACING_LIKELY = 0.9
TRACING_POSSIBLE = 0.5


def _reviewer(actor: Actor) -> Any:
    try:
        return require_reviewer(actor)
    except PermissionDenied as exc:
        raise Denied(str(exc), actor=actor, object_type=ObjectType.MATCHING, why="cannot review matches") from exc


# --- Duplicates -------------------------------------------------------------------


def _ordered(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if a.pk < b.pk else (b, a)


@write_action
def duplicates_check(
    *, actor: Actor, person: Person, threshold: float = DUPLICATE_THRESHOLD
) -> list[DuplicateCandidate]:
    """Propose the persons the actor may see that may be ``person``.

    A pair already decided (same or different) is never proposed again; an
    open one gets the new probability and evidence."""
    _reviewer(actor)
    pool = visible_persons(actor).exclude(pk=person.pk)
    found = score(query_from_person(person), pool, threshold=threshold)
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.PERSON,
        person_ref=person.uuid,
        detail={"purpose": "duplicates", "found": len(found)},
    )
    out = []
    for hit in found:
        a, b = _ordered(person, hit.person)
        existing = DuplicateCandidate.objects.filter(person_a=a, person_b=b).first()
        if existing is not None:
            if existing.status == DuplicateStatus.OPEN:
                existing.probability, existing.evidence = hit.probability, hit.evidence
                existing.save(update_fields=["probability", "evidence", "updated_at"])
                out.append(existing)
            continue
        candidate = DuplicateCandidate.objects.create(
            person_a=a, person_b=b, probability=hit.probability, evidence=hit.evidence
        )
        record(
            actor,
            Action.CREATE,
            object_type=ObjectType.DUPLICATE_CANDIDATE,
            object_ref=candidate.uuid,
            person_ref=person.uuid,
            changes=diff({}, {"person_a": a.case_number, "person_b": b.case_number, "probability": hit.probability}),
        )
        out.append(candidate)
    return out


def likely_existing(actor: Actor, query: QueryPerson, *, threshold: float = 0.5) -> list[Scored]:
    """For a person not yet saved: the records it may duplicate (a search, audited)."""
    _reviewer(actor)
    found = score(query, visible_persons(actor), threshold=threshold)
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.PERSON,
        detail={"purpose": "duplicates_before_create", "found": len(found)},
    )
    return found


@write_action
def decide_same(*, actor: Actor, candidate: DuplicateCandidate, survivor: Person | None = None) -> MergeRecord:
    """Merge: every record of the merged person moves to the survivor
    (``registry.services.person_merge``, which derives what moves from the
    model graph). The survivor is the older record unless named. Rows the
    survivor already has (a vulnerability, a nationality, a relationship to
    the same person) stay on the merged person and are listed as kept. The
    reviewer needs write access to identity and family data of both records."""
    user = _reviewer(actor)
    if candidate.status != DuplicateStatus.OPEN:
        raise ValidationError(_("This pair has already been decided."))
    a, b = candidate.person_a, candidate.person_b
    survivor = survivor or a
    if survivor.pk not in (a.pk, b.pk):
        raise ValidationError(_("The surviving record must be one of the pair."))
    merged = b if survivor.pk == a.pk else a
    merge = MergeRecord(candidate=candidate, survivor=survivor, merged=merged, merged_by=user)
    outcome = registry_services.person_merge(
        actor=actor,
        survivor=survivor,
        merged=merged,
        detail={"merge": str(merge.uuid), "candidate": str(candidate.uuid)},
    )
    merge.snapshot = {"moved": outcome.moved, "kept": outcome.kept}
    merge.merged_at = timezone.now()
    merge.save()
    candidate.status, candidate.decided_by, candidate.decided_at = DuplicateStatus.SAME, user, timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return merge


@write_action
def undo_merge(*, actor: Actor, merge: MergeRecord) -> MergeRecord:
    """Put every moved row back on the merged person; the pair is open again."""
    user = _reviewer(actor)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    registry_services.person_unmerge(
        actor=actor,
        survivor=merge.survivor,
        merged=merge.merged,
        moved=merge.snapshot.get("moved", []),
        detail={"undo_merge": str(merge.uuid)},
    )
    merge.undone_at, merge.undone_by = timezone.now(), user
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.candidate is not None:
        merge.candidate.status, merge.candidate.decided_by, merge.candidate.decided_at = (
            DuplicateStatus.OPEN,
            None,
            None,
        )
        merge.candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return merge


@write_action
def decide_different(*, actor: Actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Remember that two records are different people: never proposed again."""
    user = _reviewer(actor)
    if candidate.status != DuplicateStatus.OPEN:
        raise ValidationError(_("This pair has already been decided."))
    for p in (candidate.person_a, candidate.person_b):
        if not access_for(user, p).visible:
            raise Denied(_("You may not see both records."), actor=actor, object_type=ObjectType.DUPLICATE_CANDIDATE)
    candidate.status, candidate.decided_by, candidate.decided_at = DuplicateStatus.DIFFERENT, user, timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.DUPLICATE_CANDIDATE,
        object_ref=candidate.uuid,
        person_ref=candidate.person_a.uuid,
        changes=diff({"status": DuplicateStatus.OPEN}, {"status": DuplicateStatus.DIFFERENT}),
        detail={"person_b": str(candidate.person_b.uuid)},
    )
    return candidate


# --- Tracing ------------------------------------------------------------------------


@dataclass
class SoughtInput:
    given: str = ""
    patronymic: str = ""
    family: str = ""
    other_names: str = ""
    sex: str = Sex.UNKNOWN
    birth_year: int | None = None
    age: int | None = None
    age_stated_on: date | None = None
    last_known_place: str = ""
    relatives_names: str = ""
    relation_to_inquirer: str = ""


@dataclass
class TracingInput:
    managing_unit: Unit
    inquirer: Person | None = None
    inquirer_name: str = ""
    inquirer_contact: str = ""
    sought: list[SoughtInput] = field(default_factory=list)


def _validate_sought(s: SoughtInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (s.given.strip() or s.family.strip() or s.other_names.strip()):
        errors["given"] = _("Give at least one name of the person sought.")
    if s.birth_year is not None and not 1900 <= s.birth_year <= today.year:
        errors["birth_year"] = _("Enter a year between 1900 and this year.")
    if s.age is not None and not 0 <= s.age <= 120:
        errors["age"] = _("Enter an age between 0 and 120.")
    if s.sex not in Sex.values:
        errors["sex"] = _("Unknown sex.")
    if s.relation_to_inquirer and s.relation_to_inquirer not in RelationKind.values:
        errors["relation_to_inquirer"] = _("Unknown relation.")
    return errors


@write_action
def tracing_request_create(*, actor: Actor, data: TracingInput) -> TracingRequest:
    user = _reviewer(actor)
    errors: dict[str, str] = {}
    if data.inquirer is None and not data.inquirer_name.strip():
        errors["inquirer_name"] = _("Name the inquirer, or choose their registry record.")
    if data.inquirer is not None and not access_for(user, data.inquirer).visible:
        errors["inquirer"] = _("No such person.")
    if not data.sought:
        errors["given"] = _("Give at least one name of the person sought.")
    today = timezone.localdate()
    for s in data.sought:
        errors.update(_validate_sought(s, today))
    if errors:
        raise ValidationError(errors)
    request = TracingRequest.objects.create(
        inquirer=data.inquirer,
        inquirer_name=data.inquirer_name.strip(),
        inquirer_contact=data.inquirer_contact.strip(),
        managing_unit=data.managing_unit,
        created_by=user,
    )
    for s in data.sought:
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in s.__dict__.items()}
        if values["age"] is not None and values["age_stated_on"] is None:
            values["age_stated_on"] = today
        SoughtPerson.objects.create(request=request, **values)
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        person_ref=data.inquirer.uuid if data.inquirer else "",
        changes=diff({}, {"sought": len(data.sought), "inquirer": str(data.inquirer or "") or "free text"}),
    )
    return request


def query_from_sought(s: SoughtPerson) -> QueryPerson:
    birth: PartialDate | StatedAge | None = None
    if s.birth_year:
        birth = PartialDate(s.birth_year)
    elif s.age is not None and s.age_stated_on:
        on = s.age_stated_on
        birth = StatedAge(s.age, PartialDate(on.year, on.month, on.day))
    names = [QueryName(s.given, s.patronymic, s.family)] if (s.given or s.family) else []
    return QueryPerson(
        names=names,
        sex=s.sex if s.sex != Sex.UNKNOWN else "",
        birth=birth,
        place=s.last_known_place,
        other_full_names=[line for line in s.other_names.splitlines() if line.strip()],
    )


def _band(probability: float) -> str | None:
    if probability >= TRACING_LIKELY:
        return TracingMatchStatus.LIKELY
    if probability >= TRACING_POSSIBLE:
        return TracingMatchStatus.POSSIBLE
    return None


def _save_match(actor: Actor, sought: SoughtPerson, hit: Scored) -> TracingMatch | None:
    # Belt and braces: the pool was filtered in the database; check again.
    if not registry_services.consent_allows(hit.person, reg.ConsentPurpose.TRACING):
        return None
    band = _band(hit.probability)
    if band is None:
        return None
    match = TracingMatch.objects.filter(sought=sought, person=hit.person).first()
    if match is not None:
        if match.status in (TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE):
            match.probability, match.evidence, match.status = hit.probability, hit.evidence, band
            match.save(update_fields=["probability", "evidence", "status", "updated_at"])
            return match
        return None  # confirmed or rejected: decided, never proposed again
    match = TracingMatch.objects.create(
        request=sought.request,
        sought=sought,
        person=hit.person,
        probability=hit.probability,
        evidence=hit.evidence,
        status=band,
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.TRACING_MATCH,
        object_ref=match.uuid,
        person_ref=hit.person.uuid,
        changes=diff({}, {"request": str(sought.request.uuid), "probability": hit.probability, "status": band}),
    )
    return match


def tracing_pool(base: Any, request: TracingRequest) -> Any:
    """Persons in the programme with tracing consent, never the inquirer."""
    pool = with_tracing_consent(base.filter(record_type=RecordType.SUBJECT))
    if request.inquirer_id:
        pool = pool.exclude(pk=request.inquirer_id)
    return pool


def _match_request(actor: Actor, request: TracingRequest, pool: QuerySet[Person]) -> list[TracingMatch]:
    """Score each sought person of the request against ``pool``; save the new matches."""
    out: list[TracingMatch] = []
    for sought in request.sought.all():
        for hit in score(query_from_sought(sought), pool, threshold=TRACING_POSSIBLE):
            match = _save_match(actor, sought, hit)
            if match is not None:
                out.append(match)
    return out


@write_action
def tracing_run(*, actor: Actor, request: TracingRequest) -> list[TracingMatch]:
    """Match the request's sought persons among the persons the actor may see
    whose latest consent for tracing is a grant."""
    _reviewer(actor)
    out = _match_request(actor, request, tracing_pool(visible_persons(actor), request))
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        detail={"purpose": "tracing", "matches": len(out)},
    )
    return out


@write_action
def tracing_on_new_person(*, actor: Actor, person: Person) -> list[TracingMatch]:
    """Run every open tracing request against one newly registered person.

    The hook for registration: call it after ``person_create`` (and after a
    tracing consent is recorded). Requests of every organisation are
    searched, since a relative may have asked anywhere; reviewers see a match
    only when they may see both the request and the person."""
    if person.record_type != RecordType.SUBJECT or not registry_services.consent_allows(
        person, reg.ConsentPurpose.TRACING
    ):
        return []
    out: list[TracingMatch] = []
    one = Person.objects.filter(pk=person.pk)
    for request in TracingRequest.objects.filter(status=TracingStatus.OPEN).prefetch_related("sought"):
        if request.inquirer_id == person.pk:
            continue
        out += _match_request(actor, request, one)
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.TRACING_REQUEST,
        person_ref=person.uuid,
        detail={"purpose": "tracing_new_person", "matches": len(out)},
    )
    return out


@write_action
def tracing_confirm(*, actor: Actor, match: TracingMatch, relation: str) -> TracingMatch:
    """Confirm a match: the inquirer is ``relation`` of the matched person."""
    user = _reviewer(actor)
    request = match.request
    if match.status not in (TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE):
        raise ValidationError(_("This match has already been decided."))
    if relation not in RelationKind.values:
        raise ValidationError({"relation": _("Choose how the inquirer is related to the person.")})
    if request.inquirer is None:
        raise ValidationError(
            {"relation": _("Register the inquirer as a relative and link them to the request first.")}
        )
    if not reg.Relationship.objects.filter(
        from_person=request.inquirer, to_person=match.person, kind=relation
    ).exists():
        registry_services.relationship_add(
            actor=actor,
            from_person=request.inquirer,
            to_person=match.person,
            kind=relation,
            established_by=EstablishedBy.DECLARED,
            reference=f"tracing {request.uuid}",
        )
    before = match.status
    match.status, match.decided_by, match.decided_at = TracingMatchStatus.CONFIRMED, user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    request.status = TracingStatus.MATCHED
    request.save(update_fields=["status", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_MATCH,
        object_ref=match.uuid,
        person_ref=match.person.uuid,
        changes=diff({"status": before}, {"status": TracingMatchStatus.CONFIRMED}),
        detail={"request": str(request.uuid), "relation": relation},
    )
    return match


@write_action
def tracing_reject(*, actor: Actor, match: TracingMatch) -> TracingMatch:
    user = _reviewer(actor)
    if match.status not in (TracingMatchStatus.LIKELY, TracingMatchStatus.POSSIBLE):
        raise ValidationError(_("This match has already been decided."))
    before = match.status
    match.status, match.decided_by, match.decided_at = TracingMatchStatus.REJECTED, user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_MATCH,
        object_ref=match.uuid,
        person_ref=match.person.uuid,
        changes=diff({"status": before}, {"status": TracingMatchStatus.REJECTED}),
        detail={"request": str(match.request.uuid)},
    )
    return match


# -- What registration and consent set off (registered in apps.py with the
# registry's extension points; they run after commit, as tasks of the queue)


def propose_duplicates_of_new_person(actor: Actor, person: Person) -> list[DuplicateCandidate]:
    """After a registration by a user who reviews matches: propose the new
    person's likely duplicates for review."""
    if actor.user is None or not has_capability(actor.user, Capability.REVIEW_MATCHES):
        return []
    return duplicates_check(actor=actor, person=person)


def trace_new_person(actor: Actor, person: Person) -> list[TracingMatch]:
    """After a registration: the open tracing requests may seek this person."""
    return tracing_on_new_person(actor=actor, person=person)


def trace_after_consent(actor: Actor, person: Person, consent: reg.Consent) -> list[TracingMatch]:
    """After a consent: a person who now allows tracing may be someone an
    open request seeks."""
    if consent.purpose != reg.ConsentPurpose.TRACING or consent.status != reg.ConsentStatus.GRANTED:
        return []
    return tracing_on_new_person(actor=actor, person=person)
