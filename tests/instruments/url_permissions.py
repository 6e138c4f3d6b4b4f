"""Who may open each instruments URL on an object in their scope (the probe:
``tests/access/test_every_url.py``). Every record is psychosocial: only the
psychologist reads it. The catalogue (items, scales, cut-offs) is open to
every signed-in user."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.instruments import services

from ..factories import make_staff

PSYCHOLOGIST = frozenset({Role.PSYCHOLOGIST})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "instruments:person_instruments": PSYCHOLOGIST,
    "instruments:administration_new": PSYCHOLOGIST,
    "instruments:administration_detail": PSYCHOLOGIST,
    "instruments:alert_list": PSYCHOLOGIST,
    "instruments:alert_detail": PSYCHOLOGIST,
    "instruments:overdue_list": PSYCHOLOGIST,
    "api-person-instruments": PSYCHOLOGIST,
    "api-person-instrument-schedule": PSYCHOLOGIST,
    "api-instruments-administration-detail": PSYCHOLOGIST,
    "api-instruments-alert-list": PSYCHOLOGIST,
    "api-instruments-alert-detail": PSYCHOLOGIST,
    "api-instruments-alert-acknowledge": PSYCHOLOGIST,
    "api-instruments-overdue-list": PSYCHOLOGIST,
    "api-instruments-catalogue": frozenset(Role),
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A PHQ-9 of the adult woman with item 9 above 0 (an administration and its alert)."""
    psychologist = make_staff(Role.PSYCHOLOGIST, world["home"], username="instruments-probe-psychologist")
    admin = services.administration_record(
        actor=Actor.system("probe", user=psychologist),
        person=world["inside_adult"],
        instrument="phq9",
        occasion="baseline",
        administered_on=timezone.localdate(),
        answers={str(k): 1 for k in range(1, 10)},
    )
    return {"administration_uuid": str(admin.uuid), "alert_uuid": str(admin.safety_alert.uuid)}
