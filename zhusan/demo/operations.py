"""The demo's repatriation operations, written from the same plan as its persons.

Every returned person gets an arrived manifest entry on the movement (one
per flight day) of their operation, with a satisfied clearance checklist;
a planned operation holds some of the families still in the camps.

Speed: the operations services write one audit event per manifest entry and
per clearance item, which for ~620 returnees and ~3,500 items would double
the loading time. The demo therefore writes entries and items with
``bulk_create`` and records ONE audit event per operation and per movement
created, whose detail carries the counts written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, diff, record
from zhusan.operations.models import (
    ClearanceItem,
    ClearanceKind,
    EntryStatus,
    ManifestEntry,
    Movement,
    MovementKind,
    MovementStatus,
    Operation,
    OperationStatus,
    Placement,
    SecurityOutcome,
    TeamMember,
    TeamRole,
)
from zhusan.operations.services import clearance_sync, required_kinds
from zhusan.registry.models import Person, Site, Stage

from .plan import OPERATIONS, Plan, Planned

DESTINATION = "Aktau (Mangystau region)"
PLANNED_CODE = "Zhusan-6"
PLANNED_NAME = "Zhusan-6 (planned, synthetic)"
PLANNED_FAMILIES = 3  # of the families still in the camps


def operation_name(code: str) -> str:
    return f"{code} (synthetic)"


class OperationWriter:
    """Writes the operations of a plan whose persons already exist."""

    def __init__(
        self,
        *,
        plan: Plan,
        created: dict[Planned, Person],
        users: dict[Role, User],
        units: dict[str, Unit],
        sites: dict[str, Site],
        at: Callable[[date], datetime],
    ) -> None:
        self.plan, self.created, self.sites, self.at = plan, created, sites, at
        self.lead = users[Role.PROGRAMME_MANAGER]
        self.officer = users[Role.CONSULAR_OFFICER]
        self.liaison = users[Role.SECURITY_LIAISON]
        self.actor = Actor.system("zhusan demo", user=self.lead)
        self.partners = [units[key].organisation for key in ("consulate", "centre", "health")]
        self.groups: dict[Planned, str] = {}
        for n, (carer, children) in enumerate(plan.families, start=1):
            for member in (carer, *children):
                self.groups[member] = f"family-{n:03d}"

    def run(self) -> None:
        for spec in OPERATIONS:
            travellers = [p for p in self.plan.persons if p.operation == spec.name]
            self._completed(spec.name, spec.flights, travellers)
        self._planned()

    # --- Operations and movements -------------------------------------------------

    def _operation(self, code: str, name: str, status: str) -> Operation:
        operation = Operation.objects.create(
            code=code, name=name, status=status, country="KZ", lead=self.lead, created_by=self.lead
        )
        operation.partners.set(self.partners)
        TeamMember.objects.create(operation=operation, user=self.lead, role=TeamRole.LEAD)
        TeamMember.objects.create(operation=operation, user=self.officer, role=TeamRole.DIPLOMAT)
        return operation

    def _record_operation(self, operation: Operation, movements: int, entries: int) -> None:
        record(
            self.actor,
            Action.CREATE,
            object_type=ObjectType.OPERATION,
            object_ref=operation.uuid,
            changes=diff({}, {"code": operation.code, "name": operation.name, "status": operation.status}),
            detail={"synthetic_demo": True, "movements": movements, "manifest_entries": entries},
        )

    def _movement(self, operation: Operation, label: str, travellers: Sequence[Planned], **values: Any) -> Movement:
        sites = Counter(p.site for p in travellers if p.site in self.sites)
        # The flight leaves from where most of its passengers were held; the
        # other pick-up points are its transit points.
        ranked = sorted(sites, key=lambda s: (-sites[s], s))
        origin = self.sites[ranked[0]] if ranked else None
        return Movement.objects.create(
            operation=operation,
            label=label,
            kind=MovementKind.FLIGHT,
            origin=origin,
            transit_points=", ".join(self.sites[s].name for s in ranked[1:]),
            destination=DESTINATION,
            destination_site=self.sites.get("centre"),
            **values,
        )

    def _record_movement(self, movement: Movement, entries: int, items: int) -> None:
        record(
            self.actor,
            Action.CREATE,
            object_type=ObjectType.MOVEMENT,
            object_ref=movement.uuid,
            changes=diff(
                {},
                {
                    "operation": movement.operation.code,
                    "label": movement.label,
                    "origin": movement.origin.name if movement.origin else "",
                    "destination": movement.destination,
                    "departure_on": movement.departure_on,
                    "status": movement.status,
                },
            ),
            detail={"synthetic_demo": True, "manifest_entries": entries, "clearance_items": items},
        )

    # --- Completed operations ------------------------------------------------------

    def _completed(self, code: str, flights: tuple[date, ...], travellers: list[Planned]) -> None:
        operation = self._operation(code, operation_name(code), OperationStatus.COMPLETED)
        total = 0
        for n, flight in enumerate(flights, start=1):
            on_board = [p for p in travellers if p.flight == flight]
            movement = self._movement(
                operation,
                f"Flight {n}",
                on_board,
                departure_on=flight,
                arrival_on=flight,
                status=MovementStatus.ARRIVED,
            )
            entries = ManifestEntry.objects.bulk_create([self._arrived(movement, p) for p in on_board])
            items = ClearanceItem.objects.bulk_create(
                item
                for planned, entry in zip(on_board, entries, strict=True)
                for item in self._cleared_items(movement, planned, entry)
            )
            self._record_movement(movement, len(entries), len(items))
            total += len(entries)
        self._record_operation(operation, len(flights), total)

    def _arrived(self, movement: Movement, planned: Planned) -> ManifestEntry:
        assert planned.flight is not None
        person = self.created[planned]
        custody = Stage.IN_CUSTODY in dict(planned.path)
        child = person.is_child(planned.flight)
        return ManifestEntry(
            movement=movement,
            person=person,
            status=EntryStatus.ARRIVED,
            travel_group=self.groups.get(planned, ""),
            boarded_at=self.at(planned.flight),
            arrived_at=self.at(planned.flight),
            placement=Placement.CUSTODY if custody else Placement.REHABILITATION_CENTRE,
            unaccompanied=child and "unaccompanied" in planned.vulnerabilities,
            orphan=child and "orphan" in planned.vulnerabilities,
            added_by=self.officer,
        )

    def _cleared_items(self, movement: Movement, planned: Planned, entry: ManifestEntry) -> list[ClearanceItem]:
        """The whole checklist, satisfied on the day the person was cleared.
        Security clearance only for those of the age of criminal
        responsibility on the day of the flight, as ``required_kinds`` does."""
        assert planned.flight is not None
        person = self.created[planned]
        cleared_on = dict(planned.path).get(Stage.CLEARED, planned.flight)
        adult_enough = person.definitely_at_least(settings.ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY, planned.flight)
        items = []
        for kind in movement.operation.clearance_kinds:
            security = kind == ClearanceKind.SECURITY_CLEARANCE
            if security and not adult_enough:
                continue
            items.append(
                ClearanceItem(
                    entry=entry,
                    kind=kind,
                    required=True,
                    satisfied=True,
                    outcome=SecurityOutcome.CLEARED if security else "",
                    derived=kind == ClearanceKind.CONSENT,
                    by=self.liaison if security else (None if kind == ClearanceKind.CONSENT else self.officer),
                    at=self.at(cleared_on),
                )
            )
        return items

    # --- The planned operation -------------------------------------------------------

    def _planned(self) -> None:
        """Some families still in al-Hol and Roj, proposed or verified on a
        planned flight; their checklist is what the registry proves so far."""
        waiting = [(carer, kids) for carer, kids in self.plan.families if carer.role == "waiting"]
        chosen = waiting[:PLANNED_FAMILIES]
        travellers = [p for carer, kids in chosen for p in (carer, *kids)]
        operation = self._operation(PLANNED_CODE, PLANNED_NAME, OperationStatus.PLANNED)
        movement = self._movement(operation, "Flight 1", travellers)
        entries = ManifestEntry.objects.bulk_create(
            ManifestEntry(
                movement=movement,
                person=self.created[p],
                status=EntryStatus.VERIFIED if p.stage == Stage.VERIFIED else EntryStatus.PROPOSED,
                travel_group=self.groups.get(p, ""),
                added_by=self.officer,
            )
            for p in travellers
        )
        items = ClearanceItem.objects.bulk_create(
            ClearanceItem(entry=entry, kind=kind, required=True)
            for entry in entries
            for kind in required_kinds(movement, entry.person)
        )
        for entry in entries:
            clearance_sync(actor=self.actor, entry=entry)
        self._record_movement(movement, len(entries), len(items))
        self._record_operation(operation, 1, len(entries))
