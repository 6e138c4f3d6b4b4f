"""Every write to operations and manifests: keyword-only, typed, atomic, audited.

The checklist gate lives here: nobody is marked cleared or boarded until
every required clearance item is satisfied, unless a role allowed to
override has recorded an override with a reason. Lifecycle stages of the
persons move through ``zhusan.registry.services.stage_change`` only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.models import Organisation, Unit
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import StaleVersionError, save_versioned
from zhusan.registry import services as registry
from zhusan.registry.access import access_for, may_write
from zhusan.registry.models import (
    TRANSITIONS,
    AssentChoice,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    Decision,
    Document,
    DocumentStatus,
    DocumentType,
    EvidenceMethod,
    EvidenceOutcome,
    EvidenceTopic,
    Household,
    HouseholdMember,
    HouseholdRole,
    IdentityEvidence,
    NationalityStatus,
    Person,
    PersonNationality,
    RecordType,
    RelationKind,
    Site,
    SiteKind,
    Stage,
)

from .models import (
    ENTRY_TRANSITIONS,
    MOVEMENT_TRANSITIONS,
    OPERATION_TRANSITIONS,
    ClearanceItem,
    ClearanceKind,
    ClearanceOverride,
    EntryStatus,
    HandoverDocument,
    HandoverDocumentKind,
    ManifestEntry,
    Movement,
    MovementKind,
    MovementStatus,
    Operation,
    OperationStatus,
    Placement,
    SecurityOutcome,
    SeparationDecision,
    TeamMember,
    TeamRole,
)

# A child old enough to give a view gives assent as well as the carer's consent.
ASSENT_AGE = 7
CARER_RELATIONS = (RelationKind.MOTHER, RelationKind.FATHER, RelationKind.GUARDIAN)
# In a household, the head and the carer look after its children.
HOUSEHOLD_CARER_ROLES = (HouseholdRole.HEAD, HouseholdRole.CARER)
TRAVEL_DOCUMENT_TYPES = (DocumentType.LAISSEZ_PASSER, DocumentType.PASSPORT)
# Items an operations officer may tick by hand; consent is read from the
# registry only, security only by the security liaison.
MANUAL_KINDS = {
    ClearanceKind.IDENTITY_VERIFIED,
    ClearanceKind.NATIONALITY_CONFIRMED,
    ClearanceKind.TRAVEL_DOCUMENT,
    ClearanceKind.MEDICAL_FITNESS,
}
GATED = {EntryStatus.CLEARED, EntryStatus.BOARDED}
PLACEMENT_STAGE = {
    Placement.REHABILITATION_CENTRE: Stage.IN_REHABILITATION,
    Placement.RELATIVES: Stage.REINTEGRATING,
    Placement.CUSTODY: Stage.IN_CUSTODY,
}


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied("An authenticated user is required.")
    return actor.user


def _require(
    actor: Actor, capability: Capability, *, object_type: ObjectType, ref: object = "", person: Any = ""
) -> None:
    if not has_capability(_user(actor), capability):
        raise Denied(
            _("Your role cannot do this: %(c)s.") % {"c": capability.label},
            actor=actor,
            object_type=object_type,
            object_ref=ref,
            person_ref=getattr(person, "uuid", person),
            why=f"missing {capability}",
        )


def _require_person(actor: Actor, person: Person, *, write: Compartment | None = None) -> None:
    access = access_for(_user(actor), person)
    if not access.visible or not may_write(access, person, write):  # break-the-glass reads, never writes
        raise Denied(
            _("This person is not in your scope."),
            actor=actor,
            object_type=ObjectType.PERSON,
            object_ref=person.uuid,
            person_ref=person.uuid,
            why="person not in scope",
        )


# --- Operations and movements ---------------------------------------------------


@write_action
def operation_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    country: str,
    status: str = OperationStatus.PLANNED,
    lead: Any = None,
    partners: list[Organisation] | None = None,
) -> Operation:
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.OPERATION)
    operation = Operation(
        code=code.strip(),
        name=name.strip(),
        country=country.strip().upper(),
        status=status,
        lead=lead,
        created_by=_user(actor),
    )
    operation.full_clean()
    operation.save()
    if partners:
        operation.partners.set(partners)
    if lead is not None:
        TeamMember.objects.create(operation=operation, user=lead, role="lead")
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.OPERATION,
        object_ref=operation.uuid,
        changes=diff({}, {"code": operation.code, "name": operation.name, "status": operation.status}),
    )
    return operation


def _check_version_of(instance: Operation | Movement | ManifestEntry, expected_version: int) -> None:
    """Refuse a stale write before any other check, so the caller learns to reload."""
    current = type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise StaleVersionError(instance, expected_version, current)


def _status_label(choices: type[OperationStatus] | type[MovementStatus], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


OPERATION_FIELDS = ("name", "status", "country", "lead", "clearance_kinds")
OPEN_MOVEMENTS = (MovementStatus.PLANNED, MovementStatus.UNDER_WAY)


@write_action
def operation_update(*, actor: Actor, operation: Operation, expected_version: int, **changes: Any) -> Operation:
    """Change an operation's name, status (along ``OPERATION_TRANSITIONS``),
    country, lead or required clearance items. A change of the required items
    is carried to the checklists of the entries still open."""
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.OPERATION, ref=operation.uuid)
    unknown = set(changes) - set(OPERATION_FIELDS)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in sorted(unknown)})
    _check_version_of(operation, expected_version)
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    if isinstance(changes.get("country"), str):
        changes["country"] = changes["country"].strip().upper()
    if "clearance_kinds" in changes:
        kinds = changes["clearance_kinds"]
        if not isinstance(kinds, list | tuple) or any(k not in ClearanceKind.values for k in kinds):
            raise ValidationError({"clearance_kinds": _("Unknown clearance item.")})
        changes["clearance_kinds"] = [k for k in ClearanceKind.values if k in kinds]  # one order, no repeats
    before = {k: getattr(operation, k) for k in changes}
    changed = [k for k in changes if changes[k] != before[k]]
    if "status" in changed:
        _check_operation_status(operation, str(changes["status"]))
    lead = changes.get("lead")
    if "lead" in changed and lead is not None and not has_capability(lead, Capability.VIEW_OPERATIONS):
        raise ValidationError({"lead": _("The lead must hold a role that sees repatriation operations.")})
    if not changed:
        return operation
    for key in changed:
        setattr(operation, key, changes[key])
    operation.full_clean()
    save_versioned(operation, expected_version=expected_version, fields=changed)
    if "lead" in changed and operation.lead is not None:
        TeamMember.objects.get_or_create(operation=operation, user=operation.lead, role=TeamRole.LEAD)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.OPERATION,
        object_ref=operation.uuid,
        changes=diff({k: before[k] for k in changed}, {k: getattr(operation, k) for k in changed}),
    )
    if "clearance_kinds" in changed:
        open_entries = (
            ManifestEntry.objects.filter(movement__operation=operation)
            .exclude(status__in=[EntryStatus.ARRIVED, EntryStatus.WITHDRAWN])
            .select_related("movement__operation", "person")
        )
        for entry in open_entries:
            entry.movement.operation = operation
            _sync(actor, entry)
    return operation


def _check_operation_status(operation: Operation, to_status: str) -> None:
    if to_status not in OPERATION_TRANSITIONS.get(operation.status, frozenset()):
        raise ValidationError(
            {
                "status": _("An operation that is %(a)s cannot become %(b)s.")
                % {
                    "a": _status_label(OperationStatus, operation.status),
                    "b": _status_label(OperationStatus, to_status),
                }
            }
        )
    if to_status in (OperationStatus.COMPLETED, OperationStatus.CANCELLED):
        still_open = operation.movements.filter(status__in=OPEN_MOVEMENTS).count()
        if still_open:
            raise ValidationError(
                {
                    "status": _(
                        "%(n)s movement(s) of this operation are still planned or under way: record their arrival "
                        "or cancel them first."
                    )
                    % {"n": still_open}
                }
            )


@write_action
def team_member_add(*, actor: Actor, operation: Operation, user: Any, role: str) -> TeamMember:
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.OPERATION, ref=operation.uuid)
    member = TeamMember(operation=operation, user=user, role=role)
    member.full_clean()
    member.save()
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.OPERATION_TEAM,
        object_ref=operation.uuid,
        changes=diff({}, {"user": user.get_username(), "role": role}),
    )
    return member


@write_action
def movement_create(
    *,
    actor: Actor,
    operation: Operation,
    label: str,
    kind: str = MovementKind.FLIGHT,
    origin: Site | None = None,
    destination: str = "",
    destination_site: Site | None = None,
    transit_points: str = "",
    departure_on: date | None = None,
    arrival_on: date | None = None,
) -> Movement:
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MOVEMENT, ref=operation.uuid)
    if operation.status in (OperationStatus.COMPLETED, OperationStatus.CANCELLED):
        raise ValidationError({"operation": _("This operation is closed; it takes no new movements.")})
    movement = Movement(
        operation=operation,
        label=label.strip(),
        kind=kind,
        origin=origin,
        destination=destination.strip() or (destination_site.name if destination_site else ""),
        destination_site=destination_site,
        transit_points=transit_points.strip(),
        departure_on=departure_on,
        arrival_on=arrival_on,
    )
    movement.full_clean()
    movement.save()
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.MOVEMENT,
        object_ref=movement.uuid,
        changes=diff(
            {},
            {
                "operation": operation.code,
                "label": movement.label,
                "kind": kind,
                "origin": origin.name if origin else "",
                "destination": movement.destination,
                "destination_site": destination_site.name if destination_site else "",
                "departure_on": departure_on,
            },
        ),
    )
    return movement


@write_action
def movement_set_status(*, actor: Actor, movement: Movement, status: str, expected_version: int) -> Movement:
    """Move a movement along ``MOVEMENT_TRANSITIONS`` (planned → under way →
    arrived, or planned → cancelled); it leaves only once its operation is approved."""
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MOVEMENT, ref=movement.uuid)
    _check_version_of(movement, expected_version)
    before = movement.status
    if status not in MOVEMENT_TRANSITIONS.get(before, frozenset()):
        raise ValidationError(
            {
                "status": _("A movement that is %(a)s cannot become %(b)s.")
                % {"a": _status_label(MovementStatus, before), "b": _status_label(MovementStatus, status)}
            }
        )
    operation_status = movement.operation.status
    if operation_status in (OperationStatus.COMPLETED, OperationStatus.CANCELLED):
        raise ValidationError({"status": _("This operation is closed; its movements no longer change.")})
    if status == MovementStatus.UNDER_WAY and operation_status not in (
        OperationStatus.APPROVED,
        OperationStatus.UNDER_WAY,
    ):
        raise ValidationError({"status": _("The operation must be approved before a movement leaves.")})
    movement.status = status
    movement.full_clean()
    save_versioned(movement, expected_version=expected_version, fields=["status"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.MOVEMENT,
        object_ref=movement.uuid,
        changes=diff({"status": before}, {"status": status}),
    )
    operation = movement.operation
    if status == MovementStatus.UNDER_WAY and operation.status == OperationStatus.APPROVED:
        # The first movement to leave puts its operation under way.
        operation.refresh_from_db()
        operation_update(
            actor=actor, operation=operation, expected_version=operation.version, status=OperationStatus.UNDER_WAY
        )
    return movement


def _close_movement_if_done(actor: Actor, movement: Movement) -> None:
    """A movement under way has arrived once every entry arrived or was
    withdrawn; an operation under way is completed once none of its
    movements is still planned or under way. Both audited."""
    movement.refresh_from_db()
    if movement.status != MovementStatus.UNDER_WAY:
        return
    if movement.entries.exclude(status__in=[EntryStatus.ARRIVED, EntryStatus.WITHDRAWN]).exists():
        return
    movement_set_status(
        actor=actor, movement=movement, status=MovementStatus.ARRIVED, expected_version=movement.version
    )
    operation = movement.operation
    operation.refresh_from_db()
    if (
        operation.status == OperationStatus.UNDER_WAY
        and not operation.movements.filter(status__in=OPEN_MOVEMENTS).exists()
    ):
        operation_update(
            actor=actor, operation=operation, expected_version=operation.version, status=OperationStatus.COMPLETED
        )


# --- The family rule ---------------------------------------------------------------


def carers_of(person: Person) -> list[Person]:
    """Mother, father or guardian recorded in the registry, and the head or
    carer of a household in which the person is a child."""
    carers: dict[int, Person] = {
        rel.from_person_id: rel.from_person
        for rel in person.relations_in.filter(kind__in=CARER_RELATIONS).select_related("from_person")
    }
    as_child = HouseholdMember.objects.filter(person=person, role=HouseholdRole.CHILD).values("household_id")
    household_carers = (
        HouseholdMember.objects.filter(household_id__in=as_child, role__in=HOUSEHOLD_CARER_ROLES)
        .exclude(person=person)
        .select_related("person")
    )
    for member in household_carers:
        carers.setdefault(member.person_id, member.person)
    return [c for c in carers.values() if c.merged_into_id is None]


def _carer_name(carer: Person) -> str:
    name = carer.primary_name
    return f"{carer.case_number} ({name.full})" if name is not None and name.full else carer.case_number


# What the carer's entry must have reached for the child to take each step.
_CARER_NEEDS: dict[str, tuple[str, ...]] = {
    EntryStatus.PROPOSED: (
        EntryStatus.PROPOSED,
        EntryStatus.VERIFIED,
        EntryStatus.CLEARED,
        EntryStatus.BOARDED,
        EntryStatus.ARRIVED,
    ),
    EntryStatus.BOARDED: (EntryStatus.BOARDED, EntryStatus.ARRIVED),
    EntryStatus.ARRIVED: (EntryStatus.ARRIVED,),
}


def separation_problem(movement: Movement, child: Person, step: EntryStatus = EntryStatus.PROPOSED) -> str:
    """Why this child may not take ``step`` (be added, board, arrive), or "" when it may.

    A child is added with a carer on the same manifest, boards once a carer
    has boarded and arrives once a carer has arrived, on the same movement;
    or travels apart under a separation decision for this movement (which
    always carries a best-interests assessment reference). The refusal names
    each carer and what is missing."""
    if not child.is_child():
        return ""
    carers = carers_of(child)
    if not carers:
        return ""  # no carer on record: unaccompanied, confirmed on arrival
    if SeparationDecision.objects.filter(movement=movement, child=child).exists():
        return ""
    needed = _CARER_NEEDS[step]
    here = {e.person_id: e for e in ManifestEntry.objects.filter(movement=movement, person__in=carers)}
    if any(e.status in needed for e in here.values()):
        return ""
    elsewhere = {
        e.person_id: e
        for e in ManifestEntry.objects.active()
        .filter(person__in=carers)
        .exclude(movement=movement)
        .exclude(status=EntryStatus.ARRIVED)
        .select_related("movement__operation")
    }
    missing = []
    for carer in carers:
        name = _carer_name(carer)
        entry = here.get(carer.pk)
        if entry is None and carer.pk in elsewhere:
            missing.append(
                _("%(carer)s is on another movement (%(m)s)") % {"carer": name, "m": elsewhere[carer.pk].movement}
            )
        elif entry is None:
            missing.append(_("%(carer)s is not on this manifest") % {"carer": name})
        elif entry.status in (EntryStatus.HELD, EntryStatus.WITHDRAWN):
            missing.append(
                _("%(carer)s is %(status)s (%(reason)s)")
                % {"carer": name, "status": entry.get_status_display().lower(), "reason": entry.status_reason}
            )
        elif step == EntryStatus.BOARDED:
            missing.append(
                _("%(carer)s has not boarded (still %(status)s)")
                % {"carer": name, "status": entry.get_status_display().lower()}
            )
        else:
            missing.append(
                _("%(carer)s has not arrived (still %(status)s)")
                % {"carer": name, "status": entry.get_status_display().lower()}
            )
    what = {
        EntryStatus.PROPOSED: _("%(child)s cannot be added without a carer"),
        EntryStatus.BOARDED: _("%(child)s cannot board before a carer"),
        EntryStatus.ARRIVED: _("%(child)s cannot arrive before a carer"),
    }[step] % {"child": child.case_number}
    return _(
        "%(what)s: %(missing)s. Families travel together: %(action)s, or record a separation decision with a "
        "best-interests assessment."
    ) % {
        "what": what,
        "missing": "; ".join(missing),
        "action": {
            EntryStatus.PROPOSED: _("add the carer first"),
            EntryStatus.BOARDED: _("board the carer first"),
            EntryStatus.ARRIVED: _("record the carer's arrival first"),
        }[step],
    }


@write_action
def separation_decide(
    *,
    actor: Actor,
    movement: Movement,
    child: Person,
    carer: Person | None,
    best_interests_reference: str,
    justification: str,
) -> SeparationDecision:
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.SEPARATION_DECISION, ref=movement.uuid, person=child
    )
    _require_person(actor, child)
    errors = {}
    if not best_interests_reference.strip():
        errors["best_interests_reference"] = _("Give the reference of the best-interests assessment.")
    if not justification.strip():
        errors["justification"] = _("Explain why the child travels apart from the carer.")
    if not child.is_child():
        errors["child"] = _("Separation decisions are for children.")
    if errors:
        raise ValidationError(errors)
    decision = SeparationDecision.objects.create(
        movement=movement,
        child=child,
        carer=carer,
        best_interests_reference=best_interests_reference.strip(),
        justification=justification.strip(),
        by=_user(actor),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SEPARATION_DECISION,
        object_ref=decision.uuid,
        person_ref=child.uuid,
        changes=diff(
            {},
            {
                "movement": str(movement),
                "carer": carer.case_number if carer else "",
                "best_interests_reference": decision.best_interests_reference,
                "justification": decision.justification,
            },
            sensitive=("justification",),
        ),
    )
    return decision


# --- Manifest ---------------------------------------------------------------------


def required_kinds(movement: Movement, person: Person) -> list[str]:
    """The programme's checklist for this person. Security clearance is asked
    only of persons at or above the age of criminal responsibility: a child
    is a victim, never a security subject."""
    kinds = [k for k in movement.operation.clearance_kinds if k in ClearanceKind.values]
    if ClearanceKind.SECURITY_CLEARANCE in kinds and not person.definitely_at_least(
        settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY
    ):
        kinds.remove(ClearanceKind.SECURITY_CLEARANCE)
    return kinds


@write_action
def manifest_add(*, actor: Actor, movement: Movement, person: Person, travel_group: str = "") -> ManifestEntry:
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MANIFEST_ENTRY, ref=movement.uuid, person=person
    )
    _require_person(actor, person)
    if movement.status in ("arrived", "cancelled"):
        raise ValidationError({"movement": _("This movement is closed; nobody can be added.")})
    if ManifestEntry.objects.filter(movement=movement, person=person).exists():
        raise ValidationError({"person": _("%(p)s is already on this manifest.") % {"p": person.case_number}})
    other = (
        ManifestEntry.objects.active()
        .filter(person=person)
        .exclude(status=EntryStatus.ARRIVED)
        .select_related("movement__operation")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {"person": _("%(p)s is already on %(m)s.") % {"p": person.case_number, "m": other.movement}}
        )
    problem = separation_problem(movement, person)
    if problem:
        raise ValidationError({"person": problem})
    entry = ManifestEntry.objects.create(
        movement=movement, person=person, travel_group=travel_group.strip(), added_by=_user(actor)
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.MANIFEST_ENTRY,
        object_ref=entry.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"movement": str(movement), "status": entry.status, "travel_group": entry.travel_group}),
    )
    _sync(actor, entry)  # the checklist, as the registry proves it so far
    return entry


@write_action
def manifest_add_household(
    *, actor: Actor, movement: Movement, household: Household, travel_group: str = ""
) -> list[ManifestEntry]:
    """Put a whole household on the manifest in one step: every member in the
    programme who is not on it yet, adults first so that the family rule
    holds for the children. Every member is checked for scope, and any
    refusal leaves the manifest as it was (one transaction)."""
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MANIFEST_ENTRY, ref=movement.uuid)
    members = [
        m.person
        for m in household.memberships.select_related("person").order_by("pk")
        if m.person.record_type == RecordType.SUBJECT and m.person.merged_into_id is None
    ]
    for person in members:
        _require_person(actor, person)
    already = set(
        ManifestEntry.objects.filter(movement=movement, person__in=members).values_list("person_id", flat=True)
    )
    to_add = sorted((p for p in members if p.pk not in already), key=lambda p: p.is_child())
    if not to_add:
        raise ValidationError({"household": _("Everyone in %(h)s is already on this manifest.") % {"h": household}})
    group = travel_group.strip() or household.label[:60]
    entries = []
    for person in to_add:
        try:
            entries.append(manifest_add(actor=actor, movement=movement, person=person, travel_group=group))
        except ValidationError as exc:
            raise ValidationError(
                {"household": [f"{person.case_number}: {message}" for message in exc.messages]}
            ) from exc
    return entries


# The registry record each item links to (its field on ClearanceItem).
PROOF_FIELD: dict[str, str] = {
    ClearanceKind.IDENTITY_VERIFIED: "evidence",
    ClearanceKind.NATIONALITY_CONFIRMED: "nationality",
    ClearanceKind.TRAVEL_DOCUMENT: "document",
}
Proof = IdentityEvidence | PersonNationality | Document


def registry_proof(entry: ManifestEntry, kind: str) -> Proof | None:
    """The registry's record that satisfies an item, or None: accepted and
    confirmed identity evidence; a verified nationality of the operation's
    country; an issued laissez-passer or passport not expired."""
    person = entry.person
    if kind == ClearanceKind.IDENTITY_VERIFIED:
        return (
            person.evidence.filter(
                topic=EvidenceTopic.IDENTITY, outcome=EvidenceOutcome.CONFIRMED, decision=Decision.ACCEPTED
            )
            .order_by("-created_at")
            .first()
        )
    if kind == ClearanceKind.NATIONALITY_CONFIRMED:
        return person.nationalities.filter(
            status=NationalityStatus.VERIFIED, country=entry.movement.operation.country
        ).first()
    if kind == ClearanceKind.TRAVEL_DOCUMENT:
        today = timezone.localdate()
        return (
            person.documents.filter(doc_type__in=TRAVEL_DOCUMENT_TYPES, status=DocumentStatus.ISSUED)
            .exclude(expires_on__lt=today)
            .order_by("-issued_on", "-created_at")
            .first()
        )
    return None


def _derived(entry: ManifestEntry, kind: str) -> bool | None:
    """What the registry's records say about an item, or None when it says nothing."""
    if kind == ClearanceKind.CONSENT:
        return consent_satisfied(entry.person)
    if kind in PROOF_FIELD:
        return registry_proof(entry, kind) is not None or None
    return None


def consent_satisfied(person: Person) -> bool:
    """An adult's own consent; for a child, a parent's, guardian's or
    authority's consent and, where age allows, the child's assent.

    Read from the registry's latest consent (and assent) to return to the
    home country, never from another purpose."""
    latest = person.consents.filter(purpose=ConsentPurpose.RETURN).order_by("-given_on", "-recorded_at").first()
    if latest is None or latest.status != ConsentStatus.GRANTED:
        return False
    if not person.is_child():
        return latest.given_by == ConsentGiver.SELF
    if latest.given_by == ConsentGiver.SELF:
        return False
    age = person.age()
    if age is not None and age >= ASSENT_AGE:
        assent = person.assents.filter(purpose=ConsentPurpose.RETURN).order_by("-recorded_on", "-pk").first()
        return assent is not None and assent.assent == AssentChoice.AGREES
    return True


@dataclass(frozen=True)
class ItemChange:
    """What the checklist sync would do to one item: create it, or change some of its fields."""

    kind: str
    item: ClearanceItem | None  # None: the item is to be created
    values: dict[str, Any]

    @property
    def label(self) -> str:
        return str(ClearanceKind(self.kind).label)


def clearance_plan(entry: ManifestEntry) -> list[ItemChange]:
    """What the registry's records and the programme's checklist would change
    on this entry's items, without writing anything (pages read this).

    Items the programme requires and the entry lacks are created; items no
    longer required are marked so. Consent is always what the registry says;
    other derivable items are only ever raised to satisfied from here, never
    unset from a manual tick. The checklist of an entry that arrived or was
    withdrawn is closed: it stays as it was."""
    if entry.status in (EntryStatus.ARRIVED, EntryStatus.WITHDRAWN):
        return []
    items = {item.kind: item for item in entry.clearance_items.all()}
    required = required_kinds(entry.movement, entry.person)
    plan: list[ItemChange] = []
    for kind in required:
        item = items.get(kind)
        proof = registry_proof(entry, kind) if kind in PROOF_FIELD else None
        derived = bool(proof) if kind in PROOF_FIELD else _derived(entry, kind)
        link = {f"{PROOF_FIELD[kind]}_id": proof.pk} if proof is not None else {}
        if item is None:
            is_derived = kind == ClearanceKind.CONSENT or bool(derived)
            values: dict[str, Any] = {"required": True, "satisfied": bool(derived), "derived": is_derived, **link}
            plan.append(ItemChange(kind, None, values))
            continue
        values = {} if item.required else {"required": True}
        if kind == ClearanceKind.CONSENT:
            if item.satisfied != bool(derived) or not item.derived:
                values.update(satisfied=bool(derived), derived=True, by=None)
        elif derived and not item.satisfied:
            values.update(satisfied=True, derived=True, **link)
        elif proof is not None and getattr(item, f"{PROOF_FIELD[kind]}_id") is None:
            values.update(link)  # ticked before the registry knew: link the record that proves it
        if values:
            plan.append(ItemChange(kind, item, values))
    for kind, item in items.items():
        if kind not in required and item.required:
            plan.append(ItemChange(kind, item, {"required": False}))
    return plan


def _sync(actor: Actor, entry: ManifestEntry) -> list[ClearanceItem]:
    """Apply :func:`clearance_plan`, one audit event per item created or changed.
    For services that have already checked the actor's rights."""
    now = timezone.now()
    written: list[ClearanceItem] = []
    for change in clearance_plan(entry):
        detail: dict[str, Any] = {"kind": change.kind, "entry": str(entry.uuid), "derived": True}
        if change.kind in PROOF_FIELD and f"{PROOF_FIELD[change.kind]}_id" in change.values:
            detail["proof"] = _proof_ref(change.kind, change.values[f"{PROOF_FIELD[change.kind]}_id"])
        if change.item is None:
            item = ClearanceItem.objects.create(
                entry=entry, kind=change.kind, at=now if change.values["satisfied"] else None, **change.values
            )
            after = {"required": item.required, "satisfied": item.satisfied}
            record(
                actor,
                Action.CREATE,
                object_type=ObjectType.CLEARANCE_ITEM,
                object_ref=item.uuid,
                person_ref=entry.person.uuid,
                changes=diff({}, after),
                detail=detail,
            )
        else:
            item = change.item
            fields = list(change.values)
            before = {k: getattr(item, k) for k in fields if k != "by" and not k.endswith("_id")}
            for key, value in change.values.items():
                setattr(item, key, value)
            if "satisfied" in change.values:
                item.at = now
                fields.append("at")
            item.save(update_fields=fields)
            record(
                actor,
                Action.UPDATE,
                object_type=ObjectType.CLEARANCE_ITEM,
                object_ref=item.uuid,
                person_ref=entry.person.uuid,
                changes=diff(before, {k: getattr(item, k) for k in before}),
                detail=detail,
            )
        written.append(item)
    if written and hasattr(entry, "_prefetched_objects_cache"):
        entry._prefetched_objects_cache.pop("clearance_items", None)
    return written


@write_action
def clearance_sync(*, actor: Actor, entry: ManifestEntry) -> list[ClearanceItem]:
    """Bring an entry's checklist up to date with the registry and the
    programme (see :func:`clearance_plan`); returns the items written.

    A write: it runs on a POST (the entry page's "update from the registry",
    and inside every operations service that changes the facts), never on a GET."""
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.CLEARANCE_ITEM, ref=entry.uuid, person=entry.person
    )
    _require_person(actor, entry.person)
    return _sync(actor, entry)


@write_action
def checklists_after_consent(actor: Actor, person: Person, consent: Consent) -> list[ClearanceItem]:
    """After a consent is recorded in the registry: the person's open
    manifest entries read it at once (their consent item is derived from the
    registry). Rights were checked on the consent itself; this only brings
    derived items up to date, each change audited."""
    written: list[ClearanceItem] = []
    open_entries = ManifestEntry.objects.filter(person=person).exclude(
        status__in=[EntryStatus.ARRIVED, EntryStatus.WITHDRAWN]
    )
    for entry in open_entries.select_related("movement__operation", "person").prefetch_related("clearance_items"):
        written += _sync(actor, entry)
    return written


def checklist_complete(entry: ManifestEntry) -> bool:
    return not entry.clearance_items.filter(required=True, satisfied=False).exists()


def missing_items(entry: ManifestEntry) -> list[str]:
    return [str(i.get_kind_display()) for i in entry.clearance_items.filter(required=True, satisfied=False)]


def _proof_ref(kind: str, pk: int | None) -> str:
    """How the audit trail names the registry record behind an item."""
    if pk is None:
        return ""
    if kind == ClearanceKind.NATIONALITY_CONFIRMED:
        country = PersonNationality.objects.filter(pk=pk).values_list("country", flat=True).first()
        return f"nationality:{country}"
    model = IdentityEvidence if kind == ClearanceKind.IDENTITY_VERIFIED else Document
    ref = model.objects.filter(pk=pk).values_list("uuid", flat=True).first()
    return f"{model._meta.model_name}:{ref}"


@dataclass
class ItemProof:
    """What ticking an item by hand records in the registry first.

    Identity: accepted, confirmed identity evidence (``method``, ``reference``).
    Nationality: a verified nationality of ``country`` (the operation's
    country when blank). Travel document: an issued ``doc_type`` (laissez-passer
    or passport) numbered ``reference``, from ``issuer``, issued and expiring
    on the dates given."""

    method: str = EvidenceMethod.CONSULAR_INTERVIEW
    reference: str = ""
    country: str = ""
    doc_type: str = DocumentType.LAISSEZ_PASSER
    issuer: str = ""
    issued_on: date | None = None
    expires_on: date | None = None


def _record_proof(actor: Actor, entry: ManifestEntry, kind: str, proof: ItemProof) -> Proof | None:
    """Write the registry record a hand tick stands for, through the registry's
    services (their rights and audit apply); None for items with no record."""
    person = entry.person
    if kind == ClearanceKind.IDENTITY_VERIFIED:
        if proof.method not in EvidenceMethod.values:
            raise ValidationError({"method": _("Choose how identity was established.")})
        return registry.evidence_add(
            actor=actor,
            person=person,
            topic=EvidenceTopic.IDENTITY,
            method=proof.method,
            outcome=EvidenceOutcome.CONFIRMED,
            decision=Decision.ACCEPTED,
            reference=proof.reference.strip(),
        )
    if kind == ClearanceKind.NATIONALITY_CONFIRMED:
        return registry.nationality_set(
            actor=actor,
            person=person,
            country=proof.country or entry.movement.operation.country,
            status=NationalityStatus.VERIFIED,
        )
    if kind == ClearanceKind.TRAVEL_DOCUMENT:
        if proof.doc_type not in TRAVEL_DOCUMENT_TYPES:
            raise ValidationError({"doc_type": _("A travel document is a laissez-passer or a passport.")})
        return registry.document_add(
            actor=actor,
            person=person,
            doc_type=proof.doc_type,
            number=proof.reference.strip(),
            issuer=proof.issuer.strip(),
            status=DocumentStatus.ISSUED,
            issued_on=proof.issued_on or timezone.localdate(),
            expires_on=proof.expires_on,
        )
    return None


@write_action
def clearance_item_set(
    *,
    actor: Actor,
    entry: ManifestEntry,
    kind: str,
    satisfied: bool,
    note: str = "",
    proof: ItemProof | None = None,
) -> ClearanceItem:
    """Tick or untick an item by hand (not consent, not security).

    Ticking identity, nationality or the travel document links the
    registry's record that proves it; when there is none yet, the record is
    written first through the registry's services (so the person's page
    shows what the manifest knows; the staff member needs write on that
    compartment). An item the registry proves cannot be unticked here: the
    record is corrected on the person's page."""
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.CLEARANCE_ITEM, ref=entry.uuid, person=entry.person
    )
    _require_person(actor, entry.person)
    if kind not in MANUAL_KINDS:
        raise ValidationError(
            {"kind": _("This item is not ticked by hand: consent comes from the registry, security from the liaison.")}
        )
    _sync(actor, entry)
    item = ClearanceItem.objects.filter(entry=entry, kind=kind).first()
    if item is None:
        raise ValidationError({"kind": _("This item is not on this person's checklist.")})
    field = PROOF_FIELD.get(ClearanceKind(kind))
    record_found = registry_proof(entry, kind) if field else None
    if not satisfied and record_found is not None:
        raise ValidationError(
            {
                "kind": _(
                    "The registry records %(record)s for this person; correct that record on the person's page first."
                )
                % {"record": record_found}
            }
        )
    before: dict[str, Any] = {"satisfied": item.satisfied, "note": item.note}
    if field:
        before[field] = _proof_ref(kind, getattr(item, f"{field}_id"))
    linked: Proof | None = None
    if satisfied and field:
        linked = record_found or _record_proof(actor, entry, kind, proof or ItemProof())
    item.satisfied, item.note, item.derived = satisfied, note.strip()[:300], False
    item.by, item.at = _user(actor), timezone.now()
    if field:
        setattr(item, f"{field}_id", linked.pk if linked is not None else None)
    item.save()
    after: dict[str, Any] = {"satisfied": item.satisfied, "note": item.note}
    if field:
        after[field] = _proof_ref(kind, getattr(item, f"{field}_id"))
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.CLEARANCE_ITEM,
        object_ref=item.uuid,
        person_ref=entry.person.uuid,
        changes=diff(before, after),
        detail={"kind": kind},
    )
    return item


@write_action
def security_clearance_record(*, actor: Actor, entry: ManifestEntry, outcome: str, reasons: str = "") -> ClearanceItem:
    """The security liaison's outcome; reasons go to the justice and security compartment."""
    _require(
        actor,
        Capability.RECORD_SECURITY_CLEARANCE,
        object_type=ObjectType.CLEARANCE_ITEM,
        ref=entry.uuid,
        person=entry.person,
    )
    _require_person(actor, entry.person, write=Compartment.JUSTICE_SECURITY)
    if outcome not in SecurityOutcome.values:
        raise ValidationError({"outcome": _("Choose cleared, not cleared or pending.")})
    _sync(actor, entry)
    item = ClearanceItem.objects.filter(entry=entry, kind=ClearanceKind.SECURITY_CLEARANCE).first()
    if item is None:
        raise ValidationError({"outcome": _("Security clearance is not on this person's checklist.")})
    before = {"outcome": item.outcome}
    item.outcome = outcome
    item.satisfied = outcome == SecurityOutcome.CLEARED
    item.by, item.at, item.derived = _user(actor), timezone.now(), False
    item.save()
    if reasons.strip():
        registry.protected_note_add(
            actor=actor,
            person=entry.person,
            compartment=Compartment.JUSTICE_SECURITY,
            body=_("Security clearance for %(m)s: %(o)s. %(r)s")
            % {"m": entry.movement, "o": item.get_outcome_display(), "r": reasons.strip()},
        )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.CLEARANCE_ITEM,
        object_ref=item.uuid,
        person_ref=entry.person.uuid,
        changes=diff(before, {"outcome": outcome}),
        detail={"kind": ClearanceKind.SECURITY_CLEARANCE},
    )
    return item


@write_action
def clearance_override(*, actor: Actor, entry: ManifestEntry, reason: str) -> ClearanceOverride:
    _require(
        actor,
        Capability.OVERRIDE_CLEARANCE,
        object_type=ObjectType.CLEARANCE_OVERRIDE,
        ref=entry.uuid,
        person=entry.person,
    )
    _require_person(actor, entry.person)
    if not reason.strip():
        raise ValidationError({"reason": _("An override needs a reason.")})
    override = ClearanceOverride.objects.create(entry=entry, reason=reason.strip(), by=_user(actor))
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.CLEARANCE_OVERRIDE,
        object_ref=override.uuid,
        person_ref=entry.person.uuid,
        changes=diff({}, {"reason": override.reason}),
        detail={"missing": missing_items(entry), "entry": str(entry.uuid)},
    )
    return override


def _move_stage(actor: Actor, person: Person, target: Stage, reason: str) -> None:
    """Walk the person's lifecycle to ``target`` along allowed steps, if not there yet."""
    path = {
        Stage.VERIFIED: [Stage.VERIFIED],
        Stage.CLEARED: [Stage.VERIFIED, Stage.CLEARED],
        Stage.REPATRIATED: [Stage.VERIFIED, Stage.CLEARED, Stage.REPATRIATED],
    }.get(target, [target])
    for step in path:
        person.refresh_from_db(fields=["stage", "version"])
        if person.stage == step:
            continue
        if person.stage is None or step not in TRANSITIONS[Stage(person.stage)]:
            continue
        registry.stage_change(actor=actor, person=person, to_stage=step, reason=reason, expected_version=person.version)


@write_action
def entry_advance(
    *, actor: Actor, entry: ManifestEntry, to_status: str, expected_version: int, reason: str = ""
) -> ManifestEntry:
    """Move one manifest entry along; the checklist gates cleared and boarded."""
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MANIFEST_ENTRY, ref=entry.uuid, person=entry.person
    )
    _require_person(actor, entry.person)
    _check_version_of(entry, expected_version)
    current = entry.status
    if to_status not in ENTRY_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            {
                "to_status": _("%(a)s cannot move to %(b)s.")
                % {
                    "a": EntryStatus(current).label,
                    "b": EntryStatus(to_status).label if to_status in EntryStatus.values else to_status,
                }
            }
        )
    if to_status in (EntryStatus.WITHDRAWN, EntryStatus.HELD) and not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if to_status == EntryStatus.ARRIVED:
        raise ValidationError({"to_status": _("Record the arrival with its placement.")})
    if to_status in GATED:
        _sync(actor, entry)
        if not checklist_complete(entry) and not entry.overrides.exists():
            raise ValidationError(
                {
                    "to_status": _("The checklist is incomplete: %(items)s. Complete it, or ask for an override.")
                    % {"items": ", ".join(missing_items(entry))}
                }
            )
    if to_status == EntryStatus.BOARDED:
        problem = separation_problem(entry.movement, entry.person, EntryStatus.BOARDED)
        if problem:
            raise ValidationError({"to_status": problem})
    entry.status = to_status
    entry.status_reason = reason.strip()[:500] if to_status in (EntryStatus.WITHDRAWN, EntryStatus.HELD) else ""
    fields = ["status", "status_reason"]
    if to_status == EntryStatus.BOARDED:
        entry.boarded_at = timezone.now()
        fields.append("boarded_at")
    save_versioned(entry, expected_version=expected_version, fields=fields)
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.MANIFEST_ENTRY,
        object_ref=entry.uuid,
        person_ref=entry.person.uuid,
        changes=diff({"status": current}, {"status": to_status}),
        detail={"reason": entry.status_reason, "override": entry.overrides.exists() and to_status in GATED},
    )
    if to_status == EntryStatus.WITHDRAWN:
        _close_movement_if_done(actor, entry.movement)
    if not has_capability(_user(actor), Capability.CHANGE_STAGE):
        return entry  # the lifecycle follows when staff who may move it act
    stage_reason = _("Manifest %(m)s: %(s)s") % {"m": entry.movement, "s": EntryStatus(to_status).label}
    if to_status == EntryStatus.VERIFIED:
        _move_stage(actor, entry.person, Stage.VERIFIED, stage_reason)
    elif to_status == EntryStatus.CLEARED:
        _move_stage(actor, entry.person, Stage.CLEARED, stage_reason)
    return entry


def entry_withdraw(*, actor: Actor, entry: ManifestEntry, reason: str, expected_version: int) -> ManifestEntry:
    return entry_advance(
        actor=actor, entry=entry, to_status=EntryStatus.WITHDRAWN, reason=reason, expected_version=expected_version
    )


def entry_hold(*, actor: Actor, entry: ManifestEntry, reason: str, expected_version: int) -> ManifestEntry:
    return entry_advance(
        actor=actor, entry=entry, to_status=EntryStatus.HELD, reason=reason, expected_version=expected_version
    )


@dataclass
class ArrivalInput:
    placement: str
    medical_summary: str = ""
    protection_needs: str = ""
    unaccompanied: bool = False
    orphan: bool = False
    # Optional: hand the case to the receiving unit (the managing unit changes).
    receiving_unit: Unit | None = None
    # Optional: where a person placed with relatives or in custody now stays;
    # otherwise the stay opens at the movement's destination site.
    address: str = ""


def custody_allowed(person: Person) -> bool:
    """Custody is a placement only for persons definitely at or above the
    age of criminal responsibility; never for a child below it."""
    return person.definitely_at_least(settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY)


def _arrival_errors(actor: Actor, entry: ManifestEntry, data: ArrivalInput) -> dict[str, str]:
    user = _user(actor)
    person, movement = entry.person, entry.movement
    access = access_for(user, person)
    errors: dict[str, str] = {}
    if entry.status != EntryStatus.BOARDED:
        errors["status"] = _("Only someone who boarded can arrive.")
    elif movement.status != MovementStatus.UNDER_WAY:
        errors["status"] = _("The movement is %(s)s: arrivals are recorded once it is under way.") % {
            "s": _status_label(MovementStatus, movement.status).lower()
        }
    if data.placement not in Placement.values:
        errors["placement"] = _("Choose the placement on arrival.")
    elif data.placement == Placement.CUSTODY and not custody_allowed(person):
        errors["placement"] = _(
            "Custody is not a placement for a child below the age of criminal responsibility (%(age)s)."
        ) % {"age": settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY}
    if (data.unaccompanied or data.orphan) and not person.is_child():
        errors["unaccompanied"] = _("Unaccompanied and orphan status are confirmed for children only.")
    if not has_capability(user, Capability.CHANGE_STAGE):
        errors["placement"] = _(
            "Your role cannot move a person's lifecycle stage; arrival is recorded by staff who can."
        )
    if not access.can_write(Compartment.CONTACT_LOCATION):
        errors["placement"] = _("Arrival opens the person's new stay: your role cannot change where a person stays.")
    if data.medical_summary.strip() and not access.can_write(Compartment.HEALTH):
        errors["medical_summary"] = _(
            "Only staff who may write health data record the medical summary; a doctor adds it on the entry page."
        )
    if movement.destination_site is None and not data.address.strip():
        errors["address"] = _(
            "This movement has no destination site: give the address where the person now stays, or set the "
            "movement's destination site."
        )
    if "status" not in errors and not errors.get("placement"):
        problem = separation_problem(movement, person, EntryStatus.ARRIVED)
        if problem:
            errors["status"] = problem
    return errors


def _move_stays(actor: Actor, entry: ManifestEntry, data: ArrivalInput, on: date) -> None:
    """Close the stays still open (the camp) and open the new one: the
    movement's destination site, or the address given for a placement with
    relatives or in custody. Through the registry's services, so audited."""
    person, site = entry.person, entry.movement.destination_site
    address = data.address.strip()
    for stay in person.stays.filter(ended_on__isnull=True).select_related("site"):
        if not address and site is not None and stay.site_id == site.pk:
            return  # already recorded there
        ended = max(on, stay.started_on) if stay.started_on else on
        registry.stay_update(actor=actor, stay=stay, ended_on=ended, expected_version=stay.version)
    if address:
        kind = SiteKind.DETENTION if data.placement == Placement.CUSTODY else SiteKind.HOME
        registry.stay_add(actor=actor, person=person, kind=kind, address=address[:300], started_on=on)
    elif site is not None:
        registry.stay_add(actor=actor, person=person, kind=site.kind, site=site, started_on=on)


@write_action
def arrival_record(*, actor: Actor, entry: ManifestEntry, data: ArrivalInput, expected_version: int) -> ManifestEntry:
    """Arrival triage: placement, medical summary (health compartment),
    protection needs, unaccompanied / orphan status. The person's camp stay
    closes and the new stay opens, the lifecycle moves, the case may pass to
    the receiving unit, and the movement (then its operation) closes when
    nobody is left to arrive."""
    _require(
        actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.MANIFEST_ENTRY, ref=entry.uuid, person=entry.person
    )
    _require_person(actor, entry.person)
    _check_version_of(entry, expected_version)
    errors = _arrival_errors(actor, entry, data)
    if errors:
        raise ValidationError(errors)
    before = {"status": entry.status}
    entry.status = EntryStatus.ARRIVED
    entry.arrived_at = timezone.now()
    entry.placement = data.placement
    entry.protection_needs = data.protection_needs.strip()
    entry.unaccompanied, entry.orphan = data.unaccompanied, data.orphan
    save_versioned(
        entry,
        expected_version=expected_version,
        fields=["status", "arrived_at", "placement", "protection_needs", "unaccompanied", "orphan"],
    )
    if data.medical_summary.strip():
        registry.protected_note_add(
            actor=actor,
            person=entry.person,
            compartment=Compartment.HEALTH,
            body=_("Medical intake on arrival (%(m)s): %(s)s") % {"m": entry.movement, "s": data.medical_summary},
        )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.MANIFEST_ENTRY,
        object_ref=entry.uuid,
        person_ref=entry.person.uuid,
        changes=diff(
            before,
            {
                "status": entry.status,
                "placement": entry.placement,
                "protection_needs": entry.protection_needs,
                "unaccompanied": entry.unaccompanied,
                "orphan": entry.orphan,
            },
            sensitive=("protection_needs",),
        ),
    )
    _move_stays(actor, entry, data, timezone.localdate())
    reason = _("Arrived with %(m)s; placement: %(p)s") % {
        "m": entry.movement,
        "p": Placement(data.placement).label,
    }
    _move_stage(actor, entry.person, Stage.REPATRIATED, reason)
    _move_stage(actor, entry.person, PLACEMENT_STAGE[Placement(data.placement)], reason)
    _close_movement_if_done(actor, entry.movement)
    if data.receiving_unit is not None:
        # Last: the case may leave the actor's scope with it.
        person = entry.person
        person.refresh_from_db(fields=["version", "managing_unit"])
        registry.managing_unit_change(
            actor=actor,
            person=person,
            unit=data.receiving_unit,
            reason=_("Arrived with %(m)s: handed to the receiving unit") % {"m": entry.movement},
            expected_version=person.version,
        )
    return entry


@write_action
def medical_intake_record(*, actor: Actor, entry: ManifestEntry, summary: str) -> None:
    """A doctor's medical summary on arrival, kept in the health compartment."""
    _require_person(actor, entry.person, write=Compartment.HEALTH)
    if entry.status not in (EntryStatus.BOARDED, EntryStatus.ARRIVED):
        raise ValidationError({"summary": _("The medical intake is recorded on arrival.")})
    registry.protected_note_add(
        actor=actor,
        person=entry.person,
        compartment=Compartment.HEALTH,
        body=_("Medical intake on arrival (%(m)s): %(s)s") % {"m": entry.movement, "s": summary},
    )


# --- Handover documents -------------------------------------------------------------

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Extension -> (content type served back, the bytes the file must start with).
# The browser's content type is never trusted: the name and the first bytes
# must agree.
DOCUMENT_TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


def _document_name(name: str) -> str:
    """The base name only, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable() and ch not in '"').strip()
    if len(clean) > 200:
        stem, dot, ext = clean.rpartition(".")
        clean = f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else clean[:200]
    return clean or "document"


@write_action
def handover_document_add(
    *, actor: Actor, movement: Movement, upload: UploadedFile, kind: str, note: str = ""
) -> HandoverDocument:
    """Attach a PDF, PNG or JPEG (at most 10 MB) to a movement; audited without its content."""
    _require(actor, Capability.MANAGE_OPERATIONS, object_type=ObjectType.HANDOVER_DOCUMENT, ref=movement.uuid)
    if kind not in HandoverDocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    filename = _document_name(upload.name or "")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError({"upload": _("Only PDF, PNG and JPEG files are accepted.")})
    if not upload.size:
        raise ValidationError({"upload": _("The file is empty.")})
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"upload": _("The file is larger than 10 MB.")})
    content = upload.read(DOCUMENT_MAX_BYTES + 1)
    if not content:
        raise ValidationError({"upload": _("The file is empty.")})
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"upload": _("The file is larger than 10 MB.")})
    content_type, magic = DOCUMENT_TYPES[extension]
    if not content.startswith(magic):
        raise ValidationError(
            {"upload": _("The file's contents are not a %(t)s file as its name says.") % {"t": extension.upper()}}
        )
    document = HandoverDocument(
        movement=movement,
        kind=kind,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        note=note.strip(),
        uploaded_by=_user(actor),
    )
    document.full_clean()
    document.save()
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.HANDOVER_DOCUMENT,
        object_ref=document.uuid,
        changes=diff(
            {},
            {
                "movement": str(movement.uuid),
                "kind": kind,
                "filename": filename,
                "size": document.size,
                "sha256": document.sha256,
            },
        ),
    )
    return document
