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

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import active_grants, has_capability
from zhusan.accounts.models import Unit
from zhusan.accounts.permissions import Capability, Scope
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.names import name_error
from zhusan.engine.dates import birth_value
from zhusan.engine.names import parse_name
from zhusan.registry import models as reg
from zhusan.registry import services as registry_services
from zhusan.registry.access import access_for, may_write
from zhusan.registry.dates import BirthPrecision
from zhusan.registry.models import EstablishedBy, NameKind, Person, RecordType, RelationKind, Sex

from .candidates import QueryName, QueryPerson, Scored, query_from_person, score, score_blocked
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
    # Only the persons sharing a blocking key with this one (candidates.BlockIndex):
    # the pairs a scan would compare, without reading everyone the actor sees.
    found = score_blocked(query_from_person(person), pool, threshold=threshold)
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
    found = score_blocked(query, visible_persons(actor), threshold=threshold)
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
        if not may_write(access_for(user, p), p):  # in scope: break-the-glass reads, never decides
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
    for part in ("given", "patronymic", "family"):
        message = name_error(getattr(s, part).strip())
        if message:
            errors[part] = message
    for other in re.split(r"[,;]", s.other_names):
        message = name_error(other.strip())
        if message:
            errors["other_names"] = message
            break
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
    if data.inquirer is not None and not may_write(access_for(user, data.inquirer), data.inquirer):
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
    """What the inquirer knows, as the engine compares it.

    A line of "other names" that is a kunya (Умм Абдулла, Umm Abdullah, أم
    عبدالله) is the person's kunya, compared with the registry's kunya in
    any script; as a name of its own it would be scored alone and the kunya
    would read "missing" on every named record."""
    birth = birth_value(
        "year" if s.birth_year else "estimated",
        s.birth_year,
        stated_age=s.age,
        stated_on=s.age_stated_on,
    )
    names = [QueryName(s.given, s.patronymic, s.family)] if (s.given or s.family) else []
    others: list[str] = []
    for line in (line.strip() for line in s.other_names.splitlines()):
        if not line:
            continue
        if _is_kunya(line):
            names.append(QueryName(given=line, kind=NameKind.KUNYA))
        else:
            others.append(line)
    return QueryPerson(
        names=names,
        sex=s.sex if s.sex != Sex.UNKNOWN else "",
        birth=birth,
        place=s.last_known_place,
        other_full_names=others,
    )


def _is_kunya(text: str) -> bool:
    """A name that is only a kunya ("Umm Zayd"), nothing else around it."""
    parsed = parse_name(text)
    return parsed.kunya is not None and not (parsed.given or parsed.family or parsed.father_name)


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


def tracing_candidates() -> QuerySet[Person]:
    """Everyone a tracing request may find: persons in the programme, merged
    records left out. Who may *see* a match is decided when it is read
    (``selectors.matches_for_user``), so that a reviewer whose scope hides a
    likely match can be told one exists."""
    return Person.objects.not_merged()


@write_action
def tracing_run(*, actor: Actor, request: TracingRequest) -> list[TracingMatch]:
    """Match the request's sought persons among the persons in the programme
    whose latest consent for tracing is a grant. Returns the matches the
    actor may see; the others are kept for a reviewer who may."""
    _reviewer(actor)
    if request.finished:
        raise ValidationError(_("This request is no longer open; it is not searched again."))
    found = _match_request(actor, request, tracing_pool(tracing_candidates(), request))
    visible = set(visible_persons(actor).filter(pk__in=[m.person_id for m in found]).values_list("pk", flat=True))
    out = [m for m in found if m.person_id in visible]
    record(
        actor,
        Action.SEARCH,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        detail={"purpose": "tracing", "matches": len(out), "outside_scope": len(found) - len(out)},
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


# --- A request's own life: edit, close, withdraw, merge ------------------------------

TRACING_REQUEST_FIELDS = ("inquirer_name", "inquirer_contact", "managing_unit")
SOUGHT_FIELDS = tuple(SoughtInput.__dataclass_fields__)


def _request_snapshot(request: TracingRequest) -> dict[str, Any]:
    return {
        "inquirer_name": request.inquirer_name,
        "inquirer_contact": request.inquirer_contact,
        "managing_unit": str(request.managing_unit),
        "status": request.status,
    }


def _require_editable(request: TracingRequest) -> None:
    if request.finished:
        raise ValidationError(_("This request is no longer open; it cannot be changed."))


def _set_status(
    actor: Actor, request: TracingRequest, status: str, *, reason: str = "", into: TracingRequest | None = None
) -> None:
    before = _request_snapshot(request) | {"status_reason": request.status_reason}
    request.status, request.status_reason, request.merged_into = status, reason, into
    request.save(update_fields=["status", "status_reason", "merged_into", "updated_at"])
    after = _request_snapshot(request) | {"status_reason": reason}
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        person_ref=request.inquirer.uuid if request.inquirer else "",
        changes=diff(before, after),
        detail={"merged_into": str(into.uuid)} if into else {},
    )


@write_action
def tracing_request_update(
    *,
    actor: Actor,
    request: TracingRequest,
    inquirer_name: str,
    inquirer_contact: str,
    managing_unit: Unit,
    sought: SoughtInput,
) -> TracingRequest:
    """Correct what the inquirer said: their name and contact, the unit, and
    the first person sought. Matches already decided stay decided; the
    request is searched again with what it now says."""
    user = _reviewer(actor)
    _require_editable(request)
    errors = _validate_sought(sought, timezone.localdate())
    if request.inquirer is None and not inquirer_name.strip():
        errors["inquirer_name"] = _("Name the inquirer, or choose their registry record.")
    if managing_unit.organisation_id != getattr(user.unit, "organisation_id", None) and not _sees_all(user):
        errors["managing_unit"] = _("Choose a unit of your organisation.")
    if errors:
        raise ValidationError(errors)
    before = _request_snapshot(request)
    request.inquirer_name, request.inquirer_contact = inquirer_name.strip(), inquirer_contact.strip()
    request.managing_unit = managing_unit
    request.save(update_fields=["inquirer_name", "inquirer_contact", "managing_unit", "updated_at"])
    first = request.sought.first()
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in sought.__dict__.items()}
    if values["age"] is not None and values["age_stated_on"] is None:
        values["age_stated_on"] = timezone.localdate()
    sought_before: dict[str, Any] = {}
    if first is None:
        first = SoughtPerson.objects.create(request=request, **values)
    else:
        sought_before = {k: getattr(first, k) for k in SOUGHT_FIELDS}
        for k, v in values.items():
            setattr(first, k, v)
        first.full_clean(exclude=["request"])
        first.save()
    changes = diff(before, _request_snapshot(request))
    changes.update(
        diff({f"sought.{k}": v for k, v in sought_before.items()}, {f"sought.{k}": v for k, v in values.items()})
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        person_ref=request.inquirer.uuid if request.inquirer else "",
        changes=changes,
    )
    return request


def _sees_all(user: Any) -> bool:
    return any(g.effective_scope() == Scope.ALL for g in active_grants(user))


@write_action
def tracing_request_close(*, actor: Actor, request: TracingRequest, reason: str = "") -> TracingRequest:
    """Close a request: the family has been found, or there is nothing more to do."""
    _reviewer(actor)
    _require_editable(request)
    _set_status(actor, request, TracingStatus.CLOSED, reason=reason.strip())
    return request


@write_action
def tracing_request_withdraw(*, actor: Actor, request: TracingRequest, reason: str) -> TracingRequest:
    """The inquirer withdraws the request (or their consent to it); say why."""
    _reviewer(actor)
    _require_editable(request)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is withdrawn.")})
    _set_status(actor, request, TracingStatus.WITHDRAWN, reason=reason.strip())
    return request


@write_action
def tracing_request_merge(
    *, actor: Actor, request: TracingRequest, into: TracingRequest, reason: str = ""
) -> TracingRequest:
    """Two requests seek the same people (two relatives asked, or one asked
    twice): the persons sought and their matches move to ``into``; ``request``
    stays, marked merged, and names the request that carries on."""
    _reviewer(actor)
    _require_editable(request)
    if into.pk == request.pk:
        raise ValidationError({"into": _("A request cannot be merged into itself.")})
    if into.finished:
        raise ValidationError({"into": _("Choose a request that is still open.")})
    moved = list(request.sought.values_list("uuid", flat=True))
    SoughtPerson.objects.filter(request=request).update(request=into)
    TracingMatch.objects.filter(request=request).update(request=into)
    if (
        into.status == TracingStatus.OPEN
        and TracingMatch.objects.filter(request=into, status=TracingMatchStatus.CONFIRMED).exists()
    ):
        into.status = TracingStatus.MATCHED
        into.save(update_fields=["status", "updated_at"])
    _set_status(actor, request, TracingStatus.MERGED, reason=reason.strip(), into=into)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=into.uuid,
        person_ref=into.inquirer.uuid if into.inquirer else "",
        changes=diff({}, {"sought_added": [str(u) for u in moved]}),
        detail={"merged_from": str(request.uuid)},
    )
    return into


# --- The inquirer registered as a relative at home, in one step ----------------------


@dataclass
class InquirerInput:
    """The inquirer as a relative at home: a registry record with no stage,
    never counted as a person in the programme."""

    given: str
    family: str
    script: str
    sex: str = Sex.FEMALE
    patronymic: str = ""
    birth_year: int | None = None
    lawful_basis: str = reg.LawfulBasis.CONSENT


@write_action
def tracing_inquirer_register(
    *,
    actor: Actor,
    request: TracingRequest,
    inquirer: InquirerInput,
    match: TracingMatch | None = None,
    relation: str = "",
) -> Person:
    """Register the request's inquirer as a relative at home and make them the
    request's inquirer; with ``match``, confirm it: the relationship
    (the inquirer is ``relation`` of the matched person) is recorded in the
    same transaction. Nothing is written if any part is refused."""
    _reviewer(actor)
    if request.inquirer_id is not None:
        raise ValidationError(_("The inquirer is already registered."))
    if request.finished:
        raise ValidationError(_("This request is no longer open; it cannot be changed."))
    if match is not None and match.request_id != request.pk:
        raise ValidationError(_("This match belongs to another request."))
    if match is not None and relation not in RelationKind.values:
        raise ValidationError({"relation": _("Choose how the inquirer is related to the person.")})
    person = registry_services.person_create(
        actor=actor,
        data=registry_services.PersonInput(
            sex=inquirer.sex,
            lawful_basis=inquirer.lawful_basis,
            managing_unit=request.managing_unit,
            birth_precision=BirthPrecision.YEAR if inquirer.birth_year else BirthPrecision.UNKNOWN,
            birth_year=inquirer.birth_year,
            record_type=RecordType.RELATIVE,
            stage=None,
            names=[
                registry_services.NameInput(
                    script=inquirer.script,
                    kind=NameKind.LEGAL,
                    given=inquirer.given,
                    patronymic=inquirer.patronymic,
                    family=inquirer.family,
                    is_primary=True,
                )
            ],
        ),
    )
    before = _request_snapshot(request)
    request.inquirer = person
    if not request.inquirer_name:
        request.inquirer_name = str(person.primary_name.full) if person.primary_name else ""
    request.save(update_fields=["inquirer", "inquirer_name", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.TRACING_REQUEST,
        object_ref=request.uuid,
        person_ref=person.uuid,
        changes=diff(before | {"inquirer": ""}, _request_snapshot(request) | {"inquirer": person.case_number}),
    )
    if match is not None:
        match.request = request
        tracing_confirm(actor=actor, match=match, relation=relation)
    return person


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
