"""A stage that reveals justice data (a custody) keeps its reason out of the
audit trail in clear: the reason is stored in the event encrypted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.core.crypto import decrypt
from zhusan.registry import services

pytestmark = pytest.mark.django_db

PATH = ["verified", "cleared", "repatriated"]


def _move(user: Any, person: Any, to: str, reason: str) -> AuditEvent:
    person.refresh_from_db()
    services.stage_change(
        actor=Actor.system("tests", user=user),
        person=person,
        to_stage=to,
        reason=reason,
        expected_version=person.version,
    )
    return AuditEvent.objects.filter(action=Action.UPDATE, person_ref=str(person.uuid)).latest("seq")


def test_the_reason_for_a_custody_is_audited_encrypted(alice: Any) -> None:
    person = make_person(alice)
    for stage in PATH:
        _move(alice, person, stage, "On the way")
    event = _move(alice, person, "in_custody", "Detained on arrival")
    assert "Detained" not in json.dumps(event.changes) + json.dumps(event.detail)
    assert event.changes["reason"]["encrypted"] is True
    assert decrypt(event.changes["reason"]["new"]) == "Detained on arrival"


def test_the_reason_for_leaving_custody_is_audited_encrypted_too(alice: Any) -> None:
    person = make_person(alice)
    for stage in PATH:
        _move(alice, person, stage, "On the way")
    _move(alice, person, "in_custody", "Detained on arrival")
    event = _move(alice, person, "in_rehabilitation", "Released by the court")
    assert "Released" not in json.dumps(event.changes) + json.dumps(event.detail)


def test_other_stage_reasons_stay_readable_for_the_auditor(alice: Any) -> None:
    person = make_person(alice)
    event = _move(alice, person, "verified", "DNA kinship confirmed")
    assert event.detail["reason"] == "DNA kinship confirmed"
