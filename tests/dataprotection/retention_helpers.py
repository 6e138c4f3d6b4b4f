"""Shared builders of the retention tests (people, the officer, an approved batch)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhusan.accounts.models import User
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.services import Actor
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import RetentionBatch, RetentionItem
from zhusan.registry import services as registry
from zhusan.registry.models import Person
from zhusan.reintegration.followup.models import CaseClosure, ClosureReason, ClosureStatus

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff


def world() -> dict[str, Any]:
    org = OrganisationFactory(name="Data Protection Office")
    unit = UnitFactory(organisation=org, name="Retention desk")
    return {
        "unit": unit,
        "officer": make_staff(Role.DATA_PROTECTION_OFFICER, unit, username="dpo"),
        "manager": make_staff(Role.CASE_MANAGER, unit, username="dp-manager"),
        "consul": make_staff(Role.CONSULAR_OFFICER, unit, username="dp-consul"),
        "supervisor": make_staff(Role.PROGRAMME_MANAGER, unit, username="dp-supervisor"),
        "liaison": make_staff(Role.SECURITY_LIAISON, unit, username="dp-liaison"),
        "doctor": make_staff(Role.DOCTOR, unit, username="dp-doctor"),
    }


def act(user: User) -> Actor:
    return Actor.system("tests", user=user)


def person_with_notes(w: dict[str, Any], given: str = "Aisha") -> Person:
    """A woman with a justice note and a health note."""
    person = make_person(w["consul"], given=given)
    registry.protected_note_add(
        actor=act(w["liaison"]), person=person, compartment=Compartment.JUSTICE_SECURITY, body="Court file SEC"
    )
    registry.protected_note_add(
        actor=act(w["doctor"]), person=person, compartment=Compartment.HEALTH, body="Asthma, inhaler"
    )
    return person


def close_case(w: dict[str, Any], person: Person, on: date) -> CaseClosure:
    """An approved closure decided on ``on`` (written directly: its service checks the whole case)."""
    return CaseClosure.objects.create(
        person=person,
        reason=ClosureReason.values[0],
        status=ClosureStatus.APPROVED,
        requested_by=w["manager"],
        requested_on=on,
        decided_by=w["supervisor"],
        decided_on=on,
    )


def approved(w: dict[str, Any], batch: RetentionBatch) -> RetentionBatch:
    """Approve ``batch`` (the task runs at once in tests) and reload it."""
    retention.batch_approve(actor=act(w["officer"]), batch=batch, expected_version=batch.version)
    return RetentionBatch.objects.get(pk=batch.pk)


def erase(w: dict[str, Any], person: Person) -> RetentionItem:
    item = retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-1")
    approved(w, item.batch)
    return RetentionItem.objects.get(pk=item.pk)
