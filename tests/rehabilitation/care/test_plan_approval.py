"""A plan is drafted, submitted, then approved by someone else who may
approve care, or rejected with a reason, revised and resubmitted. Only an
approved plan is active, one per person."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import CarePlan, Domain, PlanGoal, PlanStatus

from .conftest import act, approved, draft_with_goal, in_days, submitted

pytestmark = pytest.mark.django_db


def test_a_case_manager_approves_a_psychologists_plan_and_it_is_active(psychologist, care_manager, resident):
    plan = submitted(psychologist, resident)
    plan = services.plan_approve(
        actor=act(care_manager), plan=plan, expected_version=plan.version, comment="Good", next_review_on=in_days(30)
    )
    assert plan.status == PlanStatus.APPROVED and plan.is_active
    assert plan.decided_by == care_manager and plan.approval_comment == "Good"
    assert AuditEvent.objects.filter(object_type=ObjectType.CARE_PLAN, object_ref=str(plan.uuid)).count() >= 3


def test_the_author_cannot_approve_their_own_plan(care_manager, resident):
    plan = submitted(care_manager, resident)
    with pytest.raises(PermissionDenied):
        services.plan_approve(
            actor=act(care_manager), plan=plan, expected_version=plan.version, next_review_on=in_days(9)
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_ref=str(plan.uuid)).exists()


def test_a_role_without_the_right_to_approve_care_is_refused(psychologist, doctor, resident):
    plan = submitted(psychologist, resident)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=act(doctor), plan=plan, expected_version=plan.version, next_review_on=in_days(9))
    with pytest.raises(PermissionDenied):
        services.plan_reject(actor=act(doctor), plan=plan, expected_version=plan.version, reason="No")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_draft_cannot_be_approved_before_it_is_submitted(psychologist, care_manager, resident):
    plan = draft_with_goal(psychologist, resident)
    with pytest.raises(ValidationError) as err:
        services.plan_approve(
            actor=act(care_manager), plan=plan, expected_version=plan.version, next_review_on=in_days(9)
        )
    assert "status" in err.value.message_dict


def test_a_plan_without_goals_cannot_be_submitted(psychologist, resident):
    plan = services.plan_create(actor=act(psychologist), person=resident)
    with pytest.raises(ValidationError) as err:
        services.plan_submit(actor=act(psychologist), plan=plan, expected_version=plan.version)
    assert "goals" in err.value.message_dict


def test_a_rejection_needs_a_reason_and_the_plan_is_revised_and_resubmitted(psychologist, care_manager, resident):
    plan = submitted(psychologist, resident)
    with pytest.raises(ValidationError) as err:
        services.plan_reject(actor=act(care_manager), plan=plan, expected_version=plan.version, reason="  ")
    assert "reason" in err.value.message_dict
    plan = services.plan_reject(
        actor=act(care_manager), plan=plan, expected_version=plan.version, reason="Add a family goal"
    )
    assert plan.status == PlanStatus.REJECTED and plan.rejection_reason == "Add a family goal"
    with pytest.raises(ValidationError):
        services.plan_submit(actor=act(psychologist), plan=plan, expected_version=plan.version)
    plan = services.plan_revise(actor=act(psychologist), plan=plan, expected_version=plan.version)
    assert plan.status == PlanStatus.DRAFT and plan.revision == 2
    services.goal_add(
        actor=act(psychologist), plan=plan, domain=Domain.FAMILY, text="Contact with her parents",
        owner=psychologist, due_on=in_days(20),
    )  # fmt: skip
    plan = services.plan_submit(actor=act(psychologist), plan=plan, expected_version=plan.version)
    plan = services.plan_approve(
        actor=act(care_manager), plan=plan, expected_version=plan.version, next_review_on=in_days(30)
    )
    assert plan.status == PlanStatus.APPROVED and plan.rejection_reason == ""


def test_approving_a_new_plan_closes_the_active_one(psychologist, care_manager, programme_manager, resident):
    first = approved(psychologist, care_manager, resident)
    second = submitted(psychologist, resident)
    services.plan_approve(
        actor=act(programme_manager), plan=second, expected_version=second.version, next_review_on=in_days(30)
    )
    first.refresh_from_db()
    assert first.status == PlanStatus.CLOSED
    assert CarePlan.objects.filter(person=resident, status=PlanStatus.APPROVED).count() == 1


def test_a_second_draft_is_refused_while_one_is_open(psychologist, resident):
    draft_with_goal(psychologist, resident)
    with pytest.raises(ValidationError) as err:
        services.plan_create(actor=act(psychologist), person=resident)
    assert "person" in err.value.message_dict


def test_a_goal_without_an_owner_is_refused_and_nothing_is_written(psychologist, resident):
    plan = services.plan_create(actor=act(psychologist), person=resident)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.goal_add(
            actor=act(psychologist), plan=plan, domain=Domain.HEALTH, text="Dental care", owner=None, due_on=in_days(5)
        )
    assert "owner" in err.value.message_dict
    assert not PlanGoal.objects.exists() and AuditEvent.objects.count() == before


def test_a_goal_owner_must_work_on_the_persons_case(psychologist, outsider, resident):
    plan = services.plan_create(actor=act(psychologist), person=resident)
    with pytest.raises(ValidationError) as err:
        services.goal_add(
            actor=act(psychologist),
            plan=plan,
            domain=Domain.HEALTH,
            text="Dental care",
            owner=outsider,
            due_on=in_days(5),
        )
    assert "owner" in err.value.message_dict


def test_goals_are_not_added_to_a_submitted_plan(psychologist, resident):
    plan = submitted(psychologist, resident)
    with pytest.raises(ValidationError):
        services.goal_add(
            actor=act(psychologist),
            plan=plan,
            domain=Domain.HEALTH,
            text="X-ray",
            owner=psychologist,
            due_on=in_days(5),
        )


def test_a_teacher_and_a_security_liaison_draft_no_plan(teacher, liaison, child, resident):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=act(teacher), person=child)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=act(liaison), person=resident)


def test_a_review_moves_the_next_review_date(psychologist, care_manager, resident):
    from .conftest import today

    plan = approved(psychologist, care_manager, resident)
    with pytest.raises(ValidationError) as err:
        services.plan_review_add(
            actor=act(psychologist), plan=plan, reviewed_on=today(), summary="", next_review_on=today()
        )
    assert {"summary", "next_review_on"} <= set(err.value.message_dict)
    services.plan_review_add(
        actor=act(psychologist), plan=plan, reviewed_on=today(), summary="Settling in", next_review_on=in_days(60)
    )
    plan.refresh_from_db()
    assert plan.next_review_on == in_days(60)


def test_a_stale_version_writes_nothing(psychologist, care_manager, resident):
    from zhusan.core.concurrency import StaleVersionError

    plan = submitted(psychologist, resident)
    with pytest.raises(StaleVersionError):
        services.plan_approve(
            actor=act(care_manager), plan=plan, expected_version=plan.version - 1, next_review_on=in_days(9)
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
