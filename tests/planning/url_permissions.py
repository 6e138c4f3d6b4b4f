"""Who may open each planning URL (the probe: ``tests/access/test_every_url.py``)."""

from __future__ import annotations

from typing import Any

from zhusan.accounts.permissions import POLICIES, Capability, Role

PLANNERS = frozenset(r for r, p in POLICIES.items() if Capability.MANAGE_OPERATIONS in p.capabilities)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "planning:home": PLANNERS,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    return {}
