"""Care's panels on "My work": plans waiting for my approval, my goals due or
overdue, plan reviews overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from zhusan.rehabilitation.care import selectors
from zhusan.rehabilitation.care.models import CarePlan, PlanGoal

from ...registry.helpers import login
from .conftest import approved, submitted, today

pytestmark = pytest.mark.django_db


def test_an_approver_sees_the_plans_waiting_except_their_own(client, psychologist, care_manager, resident, child):
    waiting = submitted(psychologist, resident)
    submitted(care_manager, child)  # their own: another supervisor decides it
    assert list(selectors.plans_waiting_for(care_manager)) == [waiting]
    page = login(client, care_manager).get(reverse("mywork:home")).content.decode()
    assert "Plans waiting for my approval" in page and waiting.get_absolute_url() in page
    assert (
        "Plans waiting for my approval" not in login(client, psychologist).get(reverse("mywork:home")).content.decode()
    )


def test_goals_due_and_reviews_overdue_reach_their_owner(client, psychologist, care_manager, resident):
    plan = approved(psychologist, care_manager, resident)
    PlanGoal.objects.filter(plan=plan).update(due_on=today() - timedelta(days=2))
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=today() - timedelta(days=1))
    page = login(client, psychologist).get(reverse("mywork:home")).content.decode()
    assert "My plan goals due or overdue" in page and "Weekly counselling sessions" in page
    assert "Plan reviews overdue" in page
    assert list(selectors.reviews_overdue_for(psychologist)) == [plan]


def test_achieved_goals_and_plans_reviewed_in_time_wait_for_no_one(psychologist, care_manager, resident):
    plan = approved(psychologist, care_manager, resident)
    PlanGoal.objects.filter(plan=plan).update(due_on=today() - timedelta(days=2), status="achieved")
    assert not selectors.goals_due_for(psychologist).exists()
    assert not selectors.reviews_overdue_for(psychologist).exists()
