"""Who may open each tracker URL (the probe: ``tests/access/test_every_url.py``).

Publishing sends the deployment's aggregates out of the system: it takes both
``VIEW_AGGREGATES`` and ``MANAGE_OPERATIONS`` (the programme manager)."""

from __future__ import annotations

from typing import Any

from zhusan.accounts.permissions import POLICIES, Capability, Role

PUBLISHERS = frozenset(
    r
    for r, p in POLICIES.items()
    if Capability.VIEW_AGGREGATES in p.capabilities and Capability.MANAGE_OPERATIONS in p.capabilities
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "tracker:home": PUBLISHERS,
    "tracker:preview_file": PUBLISHERS,
    "tracker:publications": PUBLISHERS,
    "tracker:target": PUBLISHERS,
    "tracker:publish_now": PUBLISHERS,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    from zhusan.audit.services import Actor
    from zhusan.tracker import services

    from ..factories import make_staff

    manager = make_staff(Role.PROGRAMME_MANAGER, world["home"], username="tracker_publisher")
    # An endpoint nobody listens on: publishing to it fails at once and is recorded, nothing is written.
    target = services.target_create(
        actor=Actor.system("probe", manager), name="Probe", kind="endpoint", url="http://127.0.0.1:9/"
    )
    return {"target_uuid": str(target.uuid)}
