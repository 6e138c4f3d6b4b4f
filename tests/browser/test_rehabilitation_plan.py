"""A psychologist at the Akniet centre drafts a resident's individual plan
with a goal and submits it; the case manager finds it on "My work",
approves it, and the plan shows as the resident's active plan."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.registry.models import CaseAssignment
from zhusan.rehabilitation.care.models import CarePlan, PlanStatus

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-rehabilitation-plan"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_psychologist_drafts_and_submits_a_plan_and_the_case_manager_approves_it(page):
    unit = UnitFactory(organisation=OrganisationFactory(name="Akniet programme"), name="Akniet centre")
    registrar = make_staff(Role.CONSULAR_OFFICER, unit, username="registrar")
    psychologist = make_staff(Role.PSYCHOLOGIST, unit, username="dana")
    psychologist.first_name, psychologist.last_name = "Dana", "Serikbayeva"
    psychologist.save()
    case_manager = make_staff(Role.CASE_MANAGER, unit, username="marat")
    resident = make_person(registrar, given="Aigerim", family="Serikova", birth_year=1994)
    CaseAssignment.objects.create(person=resident, user=case_manager)
    base = page.base_url
    due = (timezone.localdate() + timedelta(days=21)).isoformat()
    review = (timezone.localdate() + timedelta(days=30)).isoformat()

    # The psychologist opens the resident's Plan tab and drafts a plan.
    page.goto(f"{base}/rehabilitation/care/persons/{resident.uuid}/")
    log_in(page, psychologist)
    page.wait_for_url(re.compile(r"/rehabilitation/care/persons/"))
    page.get_by_role("link", name="Draft a new plan").click()
    page.fill("textarea[name=summary]", "First month at the centre: sleep, counselling, family contact.")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/rehabilitation/care/plans/[0-9a-f-]{36}/"))
    page.select_option("select[name=domain]", "mental_health")
    page.fill("input[name=text]", "Weekly counselling sessions")
    page.select_option("select[name=owner]", str(psychologist.pk))
    page.fill("input[name=due_on]", due)
    shot(page, "1-goal-form")
    page.get_by_role("button", name="Add the goal").click()
    page.wait_for_selector("table.goals >> text=Weekly counselling sessions")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_selector("#plan-status[data-status=submitted]")
    shot(page, "2-submitted")
    plan = CarePlan.objects.get(person=resident)
    assert plan.status == PlanStatus.SUBMITTED and plan.author == psychologist

    # The case manager finds it on My work and approves it.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    log_in(page, case_manager)
    page.wait_for_url(re.compile(r"/my-work/|/$"))
    page.goto(f"{base}/")
    shot(page, "3-my-work")
    panel = page.locator("section, div.panel, .panel").filter(has_text="Plans waiting for my approval").last
    panel.get_by_role("link", name=resident.case_number).click()
    page.wait_for_url(re.compile(rf"/rehabilitation/care/plans/{plan.uuid}/"))
    page.fill("textarea[name=comment]", "Agreed; add family contact at the first review.")
    page.fill("input[name=next_review_on]", review)
    page.get_by_role("button", name="Approve the plan").click()
    page.wait_for_selector("#plan-status[data-status=approved]")
    shot(page, "4-approved")

    page.goto(f"{base}/rehabilitation/care/persons/{resident.uuid}/")
    assert page.locator(".plan-status[data-status=approved]").first.inner_text() == "Approved (active)"
    shot(page, "5-person-tab")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.decided_by == case_manager
    assert not [e for e in page.console_errors if not e.startswith("404")]
