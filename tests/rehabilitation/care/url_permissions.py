"""Who may open each care URL on an object in their scope (the probe:
``tests/access/test_every_url.py``).

A plan, a needs assessment and a conference's cases are read by the roles
that read the person's care (documents, health, psychosocial or religious
counselling) and their history: not a teacher, not a security liaison
(care and security are kept apart), not the roles without case access. They
are written by those of these roles that write some part of the case (not
the programme manager, who reads and approves). Plans are approved or
rejected by a holder of ``APPROVE_CARE`` who is not the author (the probe's
plan is the registrar's)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import Domain, Level

R = Role
READ = frozenset(
    {
        R.PROGRAMME_MANAGER,
        R.CASE_MANAGER,
        R.CONSULAR_OFFICER,
        R.PSYCHOLOGIST,
        R.THEOLOGIAN,
        R.SOCIAL_WORKER,
        R.DOCTOR,
        R.LAWYER,
    }
)
WRITE = READ - {R.PROGRAMME_MANAGER}
APPROVE = frozenset({R.PROGRAMME_MANAGER, R.CASE_MANAGER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "rehabilitation_care:person_plan": READ,
    "rehabilitation_care:needs_add": WRITE,
    "rehabilitation_care:plan_create": WRITE,
    "rehabilitation_care:needs_edit": WRITE,
    "rehabilitation_care:plans_waiting": APPROVE,
    "rehabilitation_care:plan_detail": READ,
    "rehabilitation_care:plan_goal_add": WRITE,
    "rehabilitation_care:plan_submit": WRITE,
    "rehabilitation_care:plan_approve": APPROVE,
    "rehabilitation_care:plan_reject": APPROVE,
    "rehabilitation_care:plan_revise": WRITE,
    "rehabilitation_care:plan_review_add": WRITE,
    "rehabilitation_care:goal_status": WRITE,
    "rehabilitation_care:conference_list": READ,
    "rehabilitation_care:conference_create": WRITE,
    "rehabilitation_care:conference_detail": READ,
    "rehabilitation_care:conference_case_add": WRITE,
    "rehabilitation_care:conference_action_add": WRITE,
    "rehabilitation_care:conference_minute_add": WRITE,
    "api-person-care": READ,
    "api-care-person": READ,
    "api-care-needs-create": WRITE,
    "api-care-plan-create": WRITE,
    "api-care-needs-detail": READ,
    "api-care-plans-waiting": APPROVE,
    "api-care-plan-detail": READ,
    "api-care-plan-goals": WRITE,
    "api-care-plan-submit": WRITE,
    "api-care-plan-approve": APPROVE,
    "api-care-plan-reject": APPROVE,
    "api-care-plan-revise": WRITE,
    "api-care-plan-reviews": WRITE,
    "api-care-goal-status": WRITE,
    "api-care-conferences": READ,
    "api-care-conference-detail": READ,
    "api-care-conference-cases": WRITE,
    "api-care-conference-actions": WRITE,
    "api-care-conference-minutes": WRITE,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """The registrar's needs assessment of the child ``world["inside"]``, their
    plan for her submitted for approval (one goal, theirs), and a conference
    they chaired that discussed her."""
    actor = Actor.system("probe", user=world["registrar"])
    child = world["inside"]
    today = timezone.localdate()
    needs = services.needs_assessment_create(
        actor=actor,
        person=child,
        assessed_on=today,
        needs={Domain.EDUCATION: services.NeedInput(Level.MEDIUM, "Missed three school years")},
    )
    plan = services.plan_create(actor=actor, person=child, summary="School and documents")
    goal = services.goal_add(
        actor=actor, plan=plan, domain=Domain.CIVIL_DOCUMENTS, text="Birth certificate", owner=actor.user,
        due_on=today,
    )  # fmt: skip
    plan = services.plan_submit(actor=actor, plan=plan, expected_version=plan.version)
    conference = services.conference_create(actor=actor, held_on=today, title="Probe conference", chair=actor.user)
    case = services.conference_case_add(
        actor=actor, conference=conference, case=services.CaseInput(person=child, decisions="Enrol at school")
    )
    return {
        "person_uuid": str(child.uuid),
        "needs_uuid": str(needs.uuid),
        "plan_uuid": str(plan.uuid),
        "goal_uuid": str(goal.uuid),
        "conference_uuid": str(conference.uuid),
        "case_uuid": str(case.uuid),
    }
