"""Who may open each data-protection URL (the probe: ``tests/access/test_every_url.py``).

Every data-protection page is the data-protection officer's (the capability
``MANAGE_DATA_PROTECTION``)."""

from __future__ import annotations

from typing import Any

from zhusan.accounts.permissions import POLICIES, Capability, Role
from zhusan.audit.services import Actor


def _can(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if capability in p.capabilities)


OFFICER = _can(Capability.MANAGE_DATA_PROTECTION)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dataprotection:home": OFFICER,
    "dataprotection:rules": OFFICER,
    "dataprotection:holds": OFFICER,
    "dataprotection:hold_lift": OFFICER,
    "dataprotection:batches": OFFICER,
    "dataprotection:batch": OFFICER,
    "dataprotection:batch_approve": OFFICER,
    "dataprotection:item_exclude": OFFICER,
    "dataprotection:certificates": OFFICER,
    "dataprotection:certificate": OFFICER,
    "dataprotection:certificate_json": OFFICER,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A hold, a waiting batch with an item, and a certificate (of an erasure
    of a person made for the purpose), all through the retention services."""
    from zhusan.dataprotection import services as retention

    from ..factories import make_person, make_staff

    officer = make_staff(Role.DATA_PROTECTION_OFFICER, world["home"], username="probe-dpo")
    actor = Actor.system("probe", user=officer)
    hold = retention.hold_place(actor=actor, person=world["inside_adult"], reason="Trial pending")
    gone = make_person(world["registrar"], given="Probe", family="Erased")
    done = retention.request_erasure(actor=actor, person=gone, reason="Asked", source_ref="PROBE-1")
    retention.batch_approve(actor=actor, batch=done.batch, expected_version=done.batch.version)
    done.refresh_from_db()
    waiting = retention.request_erasure(actor=actor, person=world["inside"], reason="Asked", source_ref="PROBE-2")
    assert done.certificate is not None
    return {
        "hold_uuid": str(hold.uuid),
        "batch_uuid": str(waiting.batch.uuid),
        "item_uuid": str(waiting.uuid),
        "certificate_uuid": str(done.certificate.uuid),
    }
