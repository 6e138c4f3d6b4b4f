"""Helpers to build a cleared manifest entry through the services."""

from __future__ import annotations

from zhusan.audit.services import Actor
from zhusan.operations import services
from zhusan.operations.models import ClearanceKind, ManifestEntry, Movement, MovementStatus, OperationStatus
from zhusan.registry import services as registry
from zhusan.registry.models import AssentChoice, ConsentGiver, ConsentPurpose, ConsentStatus


def act(user) -> Actor:
    return Actor.system("tests", user=user)


def give_consent(user, person, *, by=ConsentGiver.SELF, giver=None) -> None:
    registry.consent_record(
        actor=act(user),
        person=person,
        purpose=ConsentPurpose.RETURN,
        status=ConsentStatus.GRANTED,
        given_by=by,
        given_by_person=giver,
    )


def give_assent(user, child) -> None:
    registry.assent_record(actor=act(user), person=child, purpose=ConsentPurpose.RETURN, assent=AssentChoice.AGREES)


def tick_manual_items(user, entry: ManifestEntry) -> None:
    for kind in services.MANUAL_KINDS:
        if entry.clearance_items.filter(kind=kind).exists():
            services.clearance_item_set(actor=act(user), entry=entry, kind=kind, satisfied=True)


def advance(user, entry: ManifestEntry, to: str, **kw) -> ManifestEntry:
    entry.refresh_from_db()
    return services.entry_advance(actor=act(user), entry=entry, to_status=to, expected_version=entry.version, **kw)


def clear_fully(consul, liaison, entry: ManifestEntry) -> ManifestEntry:
    """Every item satisfied: consent recorded, manual items ticked, security cleared."""
    tick_manual_items(consul, entry)
    if entry.clearance_items.filter(kind=ClearanceKind.SECURITY_CLEARANCE).exists():
        services.security_clearance_record(actor=act(liaison), entry=entry, outcome="cleared")
    return entry


def approve_and_depart(user, movement: Movement) -> Movement:
    """Approve the movement's operation (if planned) and set the movement under way."""
    operation = movement.operation
    operation.refresh_from_db()
    if operation.status == OperationStatus.PLANNED:
        services.operation_update(
            actor=act(user), operation=operation, expected_version=operation.version, status=OperationStatus.APPROVED
        )
    movement.refresh_from_db()
    return services.movement_set_status(
        actor=act(user), movement=movement, status=MovementStatus.UNDER_WAY, expected_version=movement.version
    )
