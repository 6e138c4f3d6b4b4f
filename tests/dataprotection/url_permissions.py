"""Who may open each data-protection URL (the probe: ``tests/access/test_every_url.py``).

Every data-protection page is the data-protection officer's (the capability
``MANAGE_DATA_PROTECTION``)."""

from __future__ import annotations

from typing import Any

from zhusan.accounts.permissions import POLICIES, Capability, Role


def _can(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if capability in p.capabilities)


OFFICER = _can(Capability.MANAGE_DATA_PROTECTION)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dataprotection:home": OFFICER,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    return {}
