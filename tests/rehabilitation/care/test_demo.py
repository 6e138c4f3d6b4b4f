"""The demo writer on a hand-made centre: each resident gets a needs
assessment and a plan; the plans are approved except the last admitted,
which wait; a discharged resident's plan has its discharge review; the
conferences' actions are goals; the same seed writes the same."""

from __future__ import annotations

import pytest

from zhusan.accounts.permissions import Role
from zhusan.rehabilitation import services as rehabilitation
from zhusan.rehabilitation.care.models import (
    CarePlan,
    CaseConference,
    NeedsAssessment,
    PlanGoal,
    PlanReview,
    PlanStatus,
)
from zhusan.rehabilitation.models import Destination

from ..conftest import act, admit, days_ago, returnee
from .conftest import make_staff

pytestmark = pytest.mark.django_db


def test_the_care_writer_plans_for_every_resident(
    registrar, case_manager, programme_manager, social_worker, centre, family_room, womens_room, mother, toddler, home
):
    from zhusan.demo.care import CareWriter

    psychologist = make_staff(Role.PSYCHOLOGIST, home, username="demo-psychologist")
    women = [returnee(registrar, given=name) for name in ("Dana", "Saule", "Zhanna")]
    admit(case_manager, centre, (mother, family_room), (toddler, family_room), on=days_ago(60))
    for k, woman in enumerate(women):
        admit(case_manager, centre, (woman, womens_room), on=days_ago(50 - 5 * k))
    [leaving] = list(women[0].admissions.all())
    rehabilitation.admission_discharge(
        actor=act(case_manager), admission=leaving, discharged_on=days_ago(20), destination=Destination.RELATIVES,
        summary="To her parents in Aktobe", expected_version=leaving.version,
    )  # fmt: skip
    users = {
        Role.PSYCHOLOGIST: psychologist,
        Role.CASE_MANAGER: case_manager,
        Role.PROGRAMME_MANAGER: programme_manager,
        Role.SOCIAL_WORKER: social_worker,
        Role.CONSULAR_OFFICER: registrar,
    }
    CareWriter(plan=None, created={}, users=users, units={}, seed=7).run()  # type: ignore[arg-type]

    residents = 2 + len(women)
    assert NeedsAssessment.objects.count() == residents
    assert CarePlan.objects.count() == residents
    assert CarePlan.objects.filter(status=PlanStatus.SUBMITTED).count() == 3
    approved = CarePlan.objects.filter(status=PlanStatus.APPROVED)
    assert approved.count() == residents - 3
    assert all(p.author != p.decided_by for p in approved)
    assert PlanReview.objects.filter(plan__person=women[0]).exists()
    assert CaseConference.objects.exists()
    assert PlanGoal.objects.filter(conference_case__isnull=False).exists()
    assert not PlanGoal.objects.filter(owner__isnull=True).exists()
