"""Who may open each follow-up URL on an object in their scope (the probe:
``tests/access/test_every_url.py``).

The plan, contacts, visits and closures are contact-and-location data: read
by programme and case managers, consular officers, social workers and the
security liaison; their forms open for those who write it (case managers,
consular officers, social workers). Incidents are psychosocial (the
psychologist); security follow-up is justice and security (the liaison)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import TRANSITIONS, Stage
from zhusan.reintegration.followup import services

from ...factories import make_staff

R = Role
READERS = frozenset({R.PROGRAMME_MANAGER, R.CASE_MANAGER, R.CONSULAR_OFFICER, R.SOCIAL_WORKER, R.SECURITY_LIAISON})
WRITERS = frozenset({R.CASE_MANAGER, R.CONSULAR_OFFICER, R.SOCIAL_WORKER})
PSYCHOLOGIST = frozenset({R.PSYCHOLOGIST})
LIAISON = frozenset({R.SECURITY_LIAISON})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "reintegration_followup:overdue": READERS,
    "reintegration_followup:person_follow_up": READERS,
    "reintegration_followup:plan_edit": WRITERS,
    "reintegration_followup:visit_add": WRITERS,
    "reintegration_followup:person_incidents": PSYCHOLOGIST,
    "reintegration_followup:person_security": LIAISON,
    # Closing and reopening also need the right to change stages (all three writers hold it).
    "reintegration_followup:closure_request": WRITERS,
    "reintegration_followup:case_reopen": WRITERS,
    "reintegration_followup:contact_detail": READERS,
    "reintegration_followup:contact_reschedule": WRITERS,  # POST only: a GET answers 405
    "reintegration_followup:incident_detail": PSYCHOLOGIST,
    "reintegration_followup:closure_detail": READERS,
    "api-follow-up-overdue": READERS,
    "api-follow-up-due": READERS,
    "api-follow-up-person": READERS,
    "api-follow-up-plan": WRITERS,  # POST only
    "api-follow-up-visits": READERS,
    "api-follow-up-incidents": PSYCHOLOGIST,
    "api-follow-up-security-contacts": LIAISON,
    "api-follow-up-closures": READERS,
    "api-follow-up-reopen": WRITERS,  # POST only
    "api-follow-up-reschedule": WRITERS,  # POST only
    "api-follow-up-incident-actions": PSYCHOLOGIST,  # POST only
    "api-follow-up-closure-decision": frozenset({R.PROGRAMME_MANAGER, R.CASE_MANAGER}),  # POST only
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A plan's first contact, an incident and a closure request of the child
    ``world["inside"]``. A closure needs a stage the lifecycle closes from:
    a child still "identified" is first recorded as withdrawn, one in a centre
    as reintegrating."""
    child = world["inside"]
    registrar = Actor.system("probe", user=world["registrar"])
    plan = services.plan_create(actor=registrar, person=child)
    psychologist = make_staff(Role.PSYCHOLOGIST, world["home"], username="followup-probe-psychologist")
    incident = services.incident_record(
        actor=Actor.system("probe", user=psychologist),
        person=child,
        kind="bullying",
        occurred_on=timezone.localdate(),
        description="Called names at school",
    )
    child.refresh_from_db()
    # Other apps' objects may have moved the child on (admitted to a centre):
    # walk the lifecycle to a stage that closes.
    while Stage.CLOSED not in TRANSITIONS[Stage(child.stage)]:
        allowed = TRANSITIONS[Stage(child.stage)]
        step = Stage.REINTEGRATING if Stage.REINTEGRATING in allowed else Stage.WITHDRAWN
        registry.stage_change(
            actor=registrar, person=child, to_stage=step, reason="probe", expected_version=child.version
        )
        child.refresh_from_db()
    closure = services.closure_request(
        actor=registrar,
        person=child,
        reason="declined_services",
        best_interests=services.BestInterestsInput(
            assessed_on=timezone.localdate(), recommendation="Stays with her aunt", childs_views="She agrees"
        ),
    )
    return {
        "contact_uuid": str(plan.contacts.order_by("due_on").first().uuid),  # type: ignore[union-attr]
        "incident_uuid": str(incident.uuid),
        "closure_uuid": str(closure.uuid),
    }
