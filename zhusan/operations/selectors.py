"""Scoped, audited reads of operations, movements and manifests.

Operations are visible to roles holding ``view_operations``. A manifest
lists only the persons the reader may see through the registry's scope;
an entry is fetched through ``get_person_for_user`` so that its person's
scope, compartments and audit apply.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import has_capability
from zhusan.accounts.permissions import Capability, Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.registry.access import access_for_many, visible_to
from zhusan.registry.models import LocationStay, Person, PersonName
from zhusan.registry.selectors import AGE_BANDS, get_person_for_user

from .models import (
    ClearanceItem,
    EntryStatus,
    HandoverDocument,
    ManifestEntry,
    Movement,
    Operation,
    StagedImport,
)


def _ref(ref: object) -> uuid.UUID:
    try:
        return ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404("No such record") from exc


def require_operations_access(actor: Actor) -> None:
    assert actor.user is not None
    if not has_capability(actor.user, Capability.VIEW_OPERATIONS):
        record(actor, Action.PERMISSION_DENIED, object_type=ObjectType.OPERATION, detail={"why": "no view_operations"})
        raise PermissionDenied(_("Your role does not include repatriation operations."))


def require_manage_operations(actor: Actor, *, object_type: ObjectType, ref: object = "") -> None:
    """Refuse (403, audited) a role that may see operations but not manage them."""
    assert actor.user is not None
    if not has_capability(actor.user, Capability.MANAGE_OPERATIONS):
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=object_type,
            object_ref=ref,
            detail={"why": f"missing {Capability.MANAGE_OPERATIONS}"},
        )
        raise PermissionDenied(_("Your role cannot do this: %(c)s.") % {"c": Capability.MANAGE_OPERATIONS.label})


def operations_for_user(actor: Actor) -> QuerySet[Operation]:
    require_operations_access(actor)
    record(actor, Action.LIST, object_type=ObjectType.OPERATION)
    return Operation.objects.select_related("lead").annotate(movement_count=Count("movements"))


def get_operation_for_user(actor: Actor, ref: object) -> Operation:
    require_operations_access(actor)
    operation = Operation.objects.select_related("lead").filter(uuid=_ref(ref)).first()
    if operation is None:
        raise Http404("No such operation")
    record(actor, Action.VIEW, object_type=ObjectType.OPERATION, object_ref=operation.uuid)
    return operation


def get_movement_for_user(actor: Actor, ref: object) -> Movement:
    require_operations_access(actor)
    movement = Movement.objects.select_related("operation", "origin").filter(uuid=_ref(ref)).first()
    if movement is None:
        raise Http404("No such movement")
    record(actor, Action.VIEW, object_type=ObjectType.MOVEMENT, object_ref=movement.uuid)
    return movement


def get_entry_for_user(actor: Actor, ref: object, *, audit_view: bool = True) -> ManifestEntry:
    """A manifest entry, only if its person is in the actor's scope (else 404)."""
    require_operations_access(actor)
    entry = (
        ManifestEntry.objects.select_related("movement__operation", "person")
        .prefetch_related("clearance_items", "overrides")
        .filter(uuid=_ref(ref))
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    get_person_for_user(actor, entry.person.uuid, audit_view=False)
    if audit_view:
        record(
            actor,
            Action.VIEW,
            object_type=ObjectType.MANIFEST_ENTRY,
            object_ref=entry.uuid,
            person_ref=entry.person.uuid,
        )
    return entry


def get_import_for_user(actor: Actor, ref: object) -> StagedImport:
    require_operations_access(actor)
    assert actor.user is not None  # as require_operations_access() asserts
    if not has_capability(actor.user, Capability.MANAGE_OPERATIONS):
        raise PermissionDenied(_("Your role cannot import manifests."))
    staged = StagedImport.objects.select_related("movement__operation").filter(uuid=_ref(ref)).first()
    if staged is None or staged.uploaded_by_id != actor.user.pk:
        raise Http404("No such import")
    return staged


@dataclass
class ManifestFilters:
    status: str = ""
    sex: str = ""
    age_band: str = ""
    travel_group: str = ""


def visible_entries(actor: Actor, movement: Movement) -> QuerySet[ManifestEntry]:
    assert actor.user is not None
    persons = visible_to(actor.user)
    return ManifestEntry.objects.filter(movement=movement, person__in=persons.values("pk"))


def manifest_for_user(actor: Actor, movement: Movement, filters: ManifestFilters) -> QuerySet[ManifestEntry]:
    require_operations_access(actor)
    qs = visible_entries(actor, movement)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.sex:
        qs = qs.filter(person__sex=filters.sex)
    if filters.travel_group:
        qs = qs.filter(travel_group=filters.travel_group)
    if filters.age_band in AGE_BANDS:
        from zhusan.registry.dates import birth_window_for_age

        lo, hi = AGE_BANDS[filters.age_band]
        earliest, latest = birth_window_for_age(lo, hi, movement.departure_on or timezone.localdate())
        qs = qs.filter(person__birth_date_mid__lte=latest)
        if earliest is not None:
            qs = qs.filter(person__birth_date_mid__gte=earliest)
    record(
        actor,
        Action.LIST,
        object_type=ObjectType.MANIFEST_ENTRY,
        object_ref=movement.uuid,
        detail={"filters": {k: v for k, v in filters.__dict__.items() if v}},
    )
    return (
        qs.select_related("person")
        .prefetch_related(
            Prefetch("person__names", queryset=PersonName.objects.order_by("-is_primary", "pk")),
            Prefetch("clearance_items", queryset=ClearanceItem.objects.order_by("pk")),
            "overrides",
        )
        .order_by("travel_group", "pk")
    )


def status_counts(actor: Actor, movement: Movement) -> dict[str, int]:
    counts = dict(
        visible_entries(actor, movement).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in EntryStatus.values}


# --- Reconciliation ----------------------------------------------------------------


def age_group(person: Person, on: date) -> str:
    age = person.age(on)
    if age is None:
        return "unknown"
    for label, (lo, hi) in AGE_BANDS.items():
        if age >= lo and (hi is None or age <= hi):
            return label
    return "unknown"


@dataclass
class Tally:
    total: int = 0
    by_sex: Counter[str] = field(default_factory=Counter)
    by_age: Counter[str] = field(default_factory=Counter)

    def add(self, person: Person, on: date) -> None:
        self.total += 1
        self.by_sex[person.sex] += 1
        self.by_age[age_group(person, on)] += 1


@dataclass
class Reconciliation:
    movement: Movement
    expected: Tally
    boarded: Tally
    arrived: Tally
    not_boarded: list[ManifestEntry]
    not_arrived: list[ManifestEntry]
    withdrawn: int
    outside_scope: int

    @property
    def unaccounted(self) -> list[ManifestEntry]:
        return self.not_boarded + self.not_arrived

    @property
    def age_groups(self) -> list[str]:
        return [*AGE_BANDS.keys(), "unknown"]

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(label, expected, boarded, arrived) for each sex and age group."""
        out = []
        for sex in ("female", "male", "unknown"):
            out.append((sex, self.expected.by_sex[sex], self.boarded.by_sex[sex], self.arrived.by_sex[sex]))
        for band in self.age_groups:
            out.append((band, self.expected.by_age[band], self.boarded.by_age[band], self.arrived.by_age[band]))
        return out


def reconcile(actor: Actor, movement: Movement) -> Reconciliation:
    """Expected vs boarded vs arrived, by sex and age group; who is unaccounted for.

    Expected: everyone on the manifest not withdrawn. Someone expected who
    has not boarded once the movement is under way, or who boarded but has
    not arrived once it has arrived, is unaccounted for."""
    require_operations_access(actor)
    on = movement.departure_on or timezone.localdate()
    entries = list(visible_entries(actor, movement).select_related("person").prefetch_related("person__names"))
    total = ManifestEntry.objects.filter(movement=movement).count()
    expected, boarded, arrived = Tally(), Tally(), Tally()
    not_boarded: list[ManifestEntry] = []
    not_arrived: list[ManifestEntry] = []
    withdrawn = 0
    departed = movement.status in ("under_way", "arrived")
    for entry in entries:
        if entry.status == EntryStatus.WITHDRAWN:
            withdrawn += 1
            continue
        expected.add(entry.person, on)
        if entry.status in (EntryStatus.BOARDED, EntryStatus.ARRIVED):
            boarded.add(entry.person, on)
            if entry.status == EntryStatus.ARRIVED:
                arrived.add(entry.person, on)
            elif movement.status == "arrived":
                not_arrived.append(entry)
        elif departed:
            not_boarded.append(entry)
    record(actor, Action.VIEW, object_type=ObjectType.RECONCILIATION, object_ref=movement.uuid)
    return Reconciliation(
        movement=movement,
        expected=expected,
        boarded=boarded,
        arrived=arrived,
        not_boarded=not_boarded,
        not_arrived=not_arrived,
        withdrawn=withdrawn,
        outside_scope=total - len(entries),
    )


# --- Handover documents --------------------------------------------------------------


def handover_documents_for_user(actor: Actor, movement: Movement) -> QuerySet[HandoverDocument]:
    """The movement's documents, without their bytes (the movement's view is already audited)."""
    require_operations_access(actor)
    return HandoverDocument.objects.filter(movement=movement).defer("content").select_related("uploaded_by")


def get_handover_document_for_download(actor: Actor, ref: object) -> HandoverDocument:
    """A document with its bytes, for a reader of its movement; audited as an export.

    A handover record names everyone on the movement, so a reader who sees
    only part of its manifest (a case manager sees their own persons) is
    refused: the file would show them persons outside their scope."""
    require_operations_access(actor)
    document = HandoverDocument.objects.select_related("movement").filter(uuid=_ref(ref)).first()
    if document is None:
        raise Http404("No such document")
    movement = document.movement
    if visible_entries(actor, movement).count() != ManifestEntry.objects.filter(movement=movement).count():
        record(
            actor,
            Action.PERMISSION_DENIED,
            object_type=ObjectType.HANDOVER_DOCUMENT,
            object_ref=document.uuid,
            detail={"why": "manifest partly outside scope"},
        )
        raise PermissionDenied(_("This document covers persons outside your scope."))
    record(
        actor,
        Action.EXPORT,
        object_type=ObjectType.HANDOVER_DOCUMENT,
        object_ref=document.uuid,
        detail={"movement": str(movement.uuid), "filename": document.filename, "sha256": document.sha256},
    )
    return document


def entries_of_person(person: Person) -> QuerySet[ManifestEntry]:
    """A person's manifest entries, oldest operation first, with the count of
    required checklist items and of those satisfied (for the person page and
    its API; the caller has checked the person and the compartment)."""
    return (
        ManifestEntry.objects.filter(person=person)
        .select_related("movement__operation")
        .annotate(
            items_required=Count("clearance_items", filter=Q(clearance_items__required=True)),
            items_done=Count(
                "clearance_items", filter=Q(clearance_items__required=True, clearance_items__satisfied=True)
            ),
        )
        .order_by("movement__operation__created_at", "created_at")
    )


# --- Where the persons on a manifest are ------------------------------------------------

NOT_YET_BOARDED = (EntryStatus.PROPOSED, EntryStatus.VERIFIED, EntryStatus.CLEARED, EntryStatus.HELD)


def origin_mismatches(actor: Actor, movement: Movement, entries: list[ManifestEntry]) -> dict[int, str]:
    """Entries not yet boarded whose person is not currently at the movement's
    origin, keyed by entry, with where the registry says they are. Only
    persons whose location the reader may see are looked at; a constant
    number of queries for the whole manifest."""
    assert actor.user is not None
    if movement.origin_id is None:
        return {}
    waiting = [e for e in entries if e.status in NOT_YET_BOARDED]
    if not waiting:
        return {}
    access = access_for_many(actor.user, [e.person for e in waiting])
    readable = [e for e in waiting if access[e.person_id].can_read(Compartment.CONTACT_LOCATION)]
    stays: dict[int, list[LocationStay]] = defaultdict(list)
    open_stays = LocationStay.objects.filter(
        person_id__in=[e.person_id for e in readable], ended_on__isnull=True
    ).select_related("site")
    for stay in open_stays:
        stays[stay.person_id].append(stay)
    flagged: dict[int, str] = {}
    for entry in readable:
        current = stays.get(entry.person_id, [])
        if any(stay.site_id == movement.origin_id for stay in current):
            continue
        flagged[entry.pk] = ", ".join(str(stay) for stay in current) or _("no current location recorded")
    return flagged
