"""The demo's follow-up: plans from 2019 to today, visits mostly on time with
a few overdue, incidents, security follow-up, closures matching the story's
stages, and a contact due next month for the demo case manager (checked by
``tests/demo/test_demo_command.py``, one load of the demo for every app)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.registry.models import Person, Stage
from zhusan.reintegration.followup import selectors
from zhusan.reintegration.followup.models import (
    CaseClosure,
    ClosureStatus,
    ContactStatus,
    FollowUpContact,
    FollowUpPlan,
    Incident,
    SecurityContact,
)


def check_the_demo_follows_up_returnees_for_years(loader: Any) -> None:
    followed = Person.objects.filter(follow_up_plans__isnull=False).distinct()
    assert 10 <= followed.count() <= 70
    stages = dict(followed.values_list("pk", "stage"))
    for planned, person in loader.created.items():
        if person.pk in stages:  # the story's stage, never changed by the follow-up
            assert stages[person.pk] == planned.stage in (Stage.REINTEGRATING, Stage.CLOSED)
    assert FollowUpPlan.objects.order_by("start_on").first().start_on.year == 2019
    done = FollowUpContact.objects.filter(status=ContactStatus.DONE)
    assert done.filter(on_time=True).count() > 0.8 * done.count()
    overdue = FollowUpContact.objects.filter(
        status=ContactStatus.OPEN, plan__active=True, due_on__lt=timezone.localdate()
    )
    assert 0 < overdue.count() < 0.1 * done.count()
    closed = followed.filter(stage=Stage.CLOSED)
    assert CaseClosure.objects.filter(status=ClosureStatus.APPROVED, person__in=closed).count() == closed.count() > 0
    assert Incident.objects.exists() and SecurityContact.objects.exists()
    manager = loader.users[Role.CASE_MANAGER]
    due = selectors.due_for_worker(manager)
    soon = timezone.localdate() + timedelta(days=31)
    assert due.filter(due_on__gt=timezone.localdate(), due_on__lte=soon).exists()
