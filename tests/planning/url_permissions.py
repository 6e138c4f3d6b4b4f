"""Who may open each planning URL (the probe: ``tests/access/test_every_url.py``)."""

from __future__ import annotations

from typing import Any

from zhusan.accounts.permissions import POLICIES, Capability, Role

PLANNERS = frozenset(r for r, p in POLICIES.items() if Capability.MANAGE_OPERATIONS in p.capabilities)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "planning:home": PLANNERS,
    "planning:scenario": PLANNERS,
    "planning:run": PLANNERS,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A planned operation with a woman of its own on its manifest (the world's
    adult is on another app's manifest already), and a run of it (simulated
    at once: tests run the queue's tasks immediately)."""
    from zhusan.audit.services import Actor
    from zhusan.operations import services as operations
    from zhusan.planning import planner, services

    from ..factories import make_person

    actor = Actor.system("tests", user=world["registrar"])
    operation = operations.operation_create(actor=actor, code="Plan-probe", name="Probe", country="KZ")
    movement = operations.movement_create(actor=actor, operation=operation, label="Flight 1", destination="Aktau")
    woman = make_person(world["registrar"], given="Planna", birth_year=1990)
    operations.manifest_add(actor=actor, movement=movement, person=woman)
    spec = planner.default_spec(operation)
    spec["runs"] = 2
    run = services.plan_run_request(actor=actor, operation=operation, scenario=spec)
    return {"operation_uuid": str(operation.uuid), "run_uuid": str(run.uuid)}
