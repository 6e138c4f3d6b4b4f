"""Closure: requested by the worker, approved by another supervisor holding
APPROVE_CARE; a child's closure rests on a best-interests assessment; the
stage moves through the lifecycle; reopening brings it back; a closed case
stays in the person list of authorised roles."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.registry.models import BestInterestsAssessment, Stage, TimelineEntry
from zhusan.registry.selectors import PersonFilters, persons_for_user
from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.models import CaseClosure, ClosureStatus

from ...factories import make_staff
from .helpers import act, returnee

pytestmark = pytest.mark.django_db


def _child_assessment(**overrides):
    values = {
        "assessed_on": timezone.localdate(),
        "recommendation": "She lives with her grandmother and goes to school: no further support is needed.",
        "childs_views": "She wants to stay with her grandmother.",
    }
    return services.BestInterestsInput(**(values | overrides))


def test_a_closure_without_approval_never_closes(alice):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    person.refresh_from_db()
    assert closure.status == ClosureStatus.REQUESTED and person.stage == Stage.REINTEGRATING


def test_the_requester_cannot_approve_their_own_closure(alice):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    with pytest.raises(ValidationError):
        services.closure_decide(actor=act(alice), closure=closure, approve=True, expected_version=closure.version)
    person.refresh_from_db()
    assert person.stage == Stage.REINTEGRATING


def test_a_user_without_approve_care_cannot_approve(alice, social_worker):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    with pytest.raises(PermissionDenied):
        services.closure_decide(actor=act(social_worker), closure=closure, approve=True, expected_version=1)
    assert CaseClosure.objects.get().status == ClosureStatus.REQUESTED


def test_a_supervisors_approval_closes_the_case_through_the_lifecycle(alice, supervisor):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="moved_abroad")
    services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=closure.version)
    person.refresh_from_db()
    closure.refresh_from_db()
    assert person.stage == Stage.CLOSED
    assert closure.status == ClosureStatus.APPROVED and closure.decided_by == supervisor
    entry = TimelineEntry.objects.filter(person=person).order_by("-at", "-pk").first()
    assert (entry.from_stage, entry.to_stage) == (Stage.REINTEGRATING, Stage.CLOSED)
    assert "supervisor" in entry.reason


def test_a_refusal_needs_a_reason_and_leaves_the_case_open(alice, supervisor):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="lost_contact")
    with pytest.raises(ValidationError):
        services.closure_decide(actor=act(supervisor), closure=closure, approve=False, expected_version=1)
    services.closure_decide(
        actor=act(supervisor), closure=closure, approve=False, note="Try the school first", expected_version=1
    )
    person.refresh_from_db()
    assert person.stage == Stage.REINTEGRATING and CaseClosure.objects.get().status == ClosureStatus.REJECTED


def test_a_childs_closure_without_a_best_interests_assessment_is_refused(alice):
    child = returnee(alice, birth_year=timezone.localdate().year - 12)
    with pytest.raises(ValidationError) as exc:
        services.closure_request(actor=act(alice), person=child, reason="goals_achieved")
    assert "best-interests" in exc.value.messages[0]
    assert not CaseClosure.objects.exists()


def test_a_childs_closure_records_its_best_interests_assessment_in_the_same_transaction(alice, supervisor):
    child = returnee(alice, birth_year=timezone.localdate().year - 12)
    closure = services.closure_request(
        actor=act(alice), person=child, reason="goals_achieved", best_interests=_child_assessment()
    )
    assessment = BestInterestsAssessment.objects.get(person=child)
    assert closure.best_interests == assessment and assessment.purpose == "closure"
    services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=1)
    child.refresh_from_db()
    assert child.stage == Stage.CLOSED


def test_a_bad_best_interests_assessment_writes_nothing(alice):
    child = returnee(alice, birth_year=timezone.localdate().year - 12)
    with pytest.raises(ValidationError):
        services.closure_request(
            actor=act(alice), person=child, reason="goals_achieved",
            best_interests=_child_assessment(childs_views=""),
        )  # fmt: skip
    assert not CaseClosure.objects.exists() and not BestInterestsAssessment.objects.exists()


def test_other_needs_an_explanation(alice):
    with pytest.raises(ValidationError) as exc:
        services.closure_request(actor=act(alice), person=returnee(alice), reason="other")
    assert "explanation" in exc.value.message_dict


def test_reopening_brings_the_case_back_to_reintegrating_with_a_reason(alice, supervisor):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=1)
    person.refresh_from_db()
    with pytest.raises(ValidationError):
        services.case_reopen(actor=act(alice), person=person, reason="")
    services.case_reopen(actor=act(alice), person=person, reason="The son was bullied at school")
    person.refresh_from_db()
    closure.refresh_from_db()
    assert person.stage == Stage.REINTEGRATING
    assert closure.status == ClosureStatus.REOPENED and closure.reopen_reason == "The son was bullied at school"


def test_an_open_case_cannot_be_reopened(alice):
    with pytest.raises(ValidationError):
        services.case_reopen(actor=act(alice), person=returnee(alice), reason="why")


def test_a_closed_case_stays_in_the_person_list_of_authorised_roles(alice, supervisor, centre_unit):
    person = returnee(alice, given="Zarina")
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=1)
    consul = make_staff(Role.CONSULAR_OFFICER, centre_unit, username="consul")
    for user in (alice, supervisor, consul):
        found = persons_for_user(act(user), PersonFilters(q="Zarina"))
        assert person in found, user.username
        assert person in persons_for_user(act(user), PersonFilters(stage=Stage.CLOSED))


def test_a_closure_request_needs_the_right_to_change_stages(alice, bob):
    with pytest.raises(PermissionDenied):
        services.closure_request(actor=act(bob), person=returnee(alice), reason="goals_achieved")


def test_approval_is_refused_for_a_case_whose_stage_cannot_close(alice, supervisor):
    person = returnee(alice)
    closure = services.closure_request(actor=act(alice), person=person, reason="goals_achieved")
    # Meanwhile the person died: deceased → closed is not a transition of the lifecycle.
    from zhusan.registry import services as registry

    registry.stage_change(
        actor=act(alice), person=person, to_stage=Stage.DECEASED, reason="test", expected_version=person.version
    )
    with pytest.raises(ValidationError):
        services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=1)
    assert CaseClosure.objects.get().status == ClosureStatus.REQUESTED


def test_the_date_fields_are_recorded(alice, supervisor):
    closure = services.closure_request(actor=act(alice), person=returnee(alice), reason="transferred")
    assert closure.requested_on == timezone.localdate()
    assert isinstance(closure.requested_on, date)
