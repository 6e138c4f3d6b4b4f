"""The pages: drafting, submitting, approving and rejecting a plan, and
recording a conference, as a browser would (forms, redirects, refusals)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.rehabilitation.care.models import CarePlan, CaseConference, ConferenceCase, PlanGoal, PlanStatus

from ...api.conftest import token_client
from ...registry.helpers import login
from .conftest import draft_with_goal, in_days, submitted, today

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"rehabilitation_care:{name}", args=args)


def test_a_psychologist_drafts_a_plan_adds_a_goal_and_submits_it(client, psychologist, resident):
    login(client, psychologist)
    response = client.post(url("plan_create", resident.uuid), {"summary": "First month"})
    plan = CarePlan.objects.get(person=resident)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    response = client.post(
        url("plan_goal_add", plan.uuid),
        {"domain": "mental_health", "text": "Weekly counselling", "owner": psychologist.pk, "due_on": in_days(20)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(url("plan_submit", plan.uuid), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_goal_form_without_an_owner_shows_the_error_and_writes_nothing(client, psychologist, resident):
    plan = draft_with_goal(psychologist, resident)
    login(client, psychologist)
    response = client.post(
        url("plan_goal_add", plan.uuid), {"domain": "health", "text": "Dental", "due_on": in_days(3)}
    )
    assert response.status_code == 200
    assert "A plan goal needs an owner" in response.content.decode()
    assert PlanGoal.objects.count() == 1


def test_the_approver_sees_the_decision_forms_and_approves(client, psychologist, care_manager, resident):
    plan = submitted(psychologist, resident)
    login(client, care_manager)
    page = client.get(url("plan_detail", plan.uuid))
    assert 'id="approve-plan"' in page.content.decode()
    response = client.post(
        url("plan_approve", plan.uuid), {"version": plan.version, "comment": "Yes", "next_review_on": in_days(30)}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    tab = client.get(url("person_plan", resident.uuid)).content.decode()
    assert "Approved (active)" in tab


def test_the_author_is_refused_the_approval_in_the_page_and_the_api(client, care_manager, resident):
    plan = submitted(care_manager, resident)
    login(client, care_manager)
    assert 'id="approve-plan"' not in client.get(url("plan_detail", plan.uuid)).content.decode()
    data = {"version": plan.version, "next_review_on": in_days(30)}
    assert client.post(url("plan_approve", plan.uuid), data).status_code == 403
    api = token_client(care_manager).post(
        f"/api/v1/rehabilitation/care/plans/{plan.uuid}/approve/",
        {**data, "next_review_on": str(in_days(30))},
        format="json",
    )
    assert api.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_psychologist_cannot_approve_in_the_page_or_the_api(client, psychologist, care_manager, resident):
    plan = submitted(care_manager, resident)
    login(client, psychologist)
    assert client.post(url("plan_approve", plan.uuid), {"version": plan.version}).status_code == 403
    api = token_client(psychologist).post(
        f"/api/v1/rehabilitation/care/plans/{plan.uuid}/reject/",
        {"version": plan.version, "reason": "No"},
        format="json",
    )
    assert api.status_code == 403


def test_rejecting_without_a_reason_answers_400_in_the_api_and_writes_nothing(psychologist, care_manager, resident):
    plan = submitted(psychologist, resident)
    api = token_client(care_manager).post(
        f"/api/v1/rehabilitation/care/plans/{plan.uuid}/reject/", {"version": plan.version, "reason": ""}, format="json"
    )
    assert api.status_code == 400 and "reason" in api.json()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_api_drafts_a_plan_and_refuses_a_goal_without_an_owner(psychologist, resident):
    client = token_client(psychologist)
    created = client.post(
        f"/api/v1/rehabilitation/care/persons/{resident.uuid}/plans/", {"summary": "S"}, format="json"
    )
    assert created.status_code == 201
    plan = created.json()["uuid"]
    bad = client.post(
        f"/api/v1/rehabilitation/care/plans/{plan}/goals/",
        {"domain": "health", "text": "Dental", "due_on": str(in_days(5))},
        format="json",
    )
    assert bad.status_code == 400 and "owner" in bad.json()
    good = client.post(
        f"/api/v1/rehabilitation/care/plans/{plan}/goals/",
        {"domain": "health", "text": "Dental", "owner": str(psychologist.uuid), "due_on": str(in_days(5))},
        format="json",
    )
    assert good.status_code == 201
    submitted_plan = client.post(f"/api/v1/rehabilitation/care/plans/{plan}/submit/", {"version": 1}, format="json")
    assert submitted_plan.status_code == 200 and submitted_plan.json()["status"] == "submitted"


def test_a_conference_is_recorded_in_the_pages_and_its_action_becomes_a_goal(
    client, care_manager, psychologist, resident
):
    login(client, care_manager)
    response = client.post(
        url("conference_create"),
        {
            "title": "Review of new arrivals",
            "held_on": today(),
            "chair": care_manager.pk,
            "next_review_on": in_days(30),
            "attendees": "Dana Serikbayeva | Akniet centre | psychologist\nMarat Aliyev | Akimat | social services",
        },
    )
    conference = CaseConference.objects.get()
    assert response.status_code == 302 and conference.attendees.count() == 2
    response = client.post(
        url("conference_case_add", conference.uuid),
        {"case_number": resident.case_number, "decisions": "Start a course", "dissents": "Marat Aliyev: wait a month"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = ConferenceCase.objects.get()
    response = client.post(
        url("conference_action_add", case.uuid),
        {
            f"a{case.pk}-domain": "livelihood",
            f"a{case.pk}-text": "Sewing course",
            f"a{case.pk}-owner": psychologist.pk,
            f"a{case.pk}-due_on": in_days(10),
        },
    )
    assert response.status_code == 302
    goal = PlanGoal.objects.get()
    assert goal.conference_case == case and goal.owner == psychologist
    page = client.get(url("conference_detail", conference.uuid)).content.decode()
    assert "Sewing course" in page and "wait a month" in page


def test_a_case_number_outside_the_caseload_is_an_error_on_the_field(client, care_manager, outsider):
    login(client, care_manager)
    client.post(url("conference_create"), {"title": "T", "held_on": today(), "chair": care_manager.pk})
    conference = CaseConference.objects.get()
    response = client.post(url("conference_case_add", conference.uuid), {"case_number": "XX-0", "decisions": "D"})
    assert response.status_code == 200
    assert "No person in your caseload has this case number." in response.content.decode()
    assert not ConferenceCase.objects.exists()
    # Someone else, who sees no case discussed, does not find it.
    assert login(client, outsider).get(url("conference_detail", conference.uuid)).status_code == 404
