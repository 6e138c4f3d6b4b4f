"""Key workers: one per discipline; the resident's choice of a female
professional honoured unless a supervisor overrides with a reason; the
caseload limit passed only by someone who approves care, with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.rehabilitation import selectors, services
from zhusan.rehabilitation.models import KeyWorker

from .conftest import act, admit, days_ago, returnee

pytestmark = pytest.mark.django_db


def assign(actor_user, person, user, discipline="psychologist", reason=""):
    return services.key_worker_assign(
        actor=act(actor_user), person=person, user=user, discipline=discipline, started_on=days_ago(5), reason=reason
    )


def test_assigning_a_new_key_worker_ends_the_current_one(
    case_manager, centre, womens_room, mother, female_psychologist, lead_psychologist
):
    admit(case_manager, centre, (mother, womens_room))
    first = assign(case_manager, mother, female_psychologist)
    assign(case_manager, mother, lead_psychologist)
    first.refresh_from_db()
    assert first.ended_on == days_ago(5)
    assert selectors.key_workers(mother, "psychologist") == [lead_psychologist]


def test_it_refuses_a_staff_member_of_another_discipline(
    case_manager, centre, womens_room, mother, female_psychologist
):
    admit(case_manager, centre, (mother, womens_room))
    with pytest.raises(ValidationError) as exc:
        assign(case_manager, mother, female_psychologist, discipline="theologian")
    assert "not a theologian" in exc.value.message_dict["user"][0]


def test_it_refuses_a_person_who_is_not_resident(case_manager, mother, female_psychologist):
    with pytest.raises(ValidationError) as exc:
        assign(case_manager, mother, female_psychologist)
    assert "admit the person first" in exc.value.message_dict["person"][0]


def test_a_male_professional_is_refused_to_a_resident_who_chose_a_woman(
    social_worker, centre, womens_room, mother, male_psychologist
):
    admit(social_worker, centre, (mother, womens_room), prefers_female=True)
    with pytest.raises(ValidationError) as exc:
        assign(social_worker, mother, male_psychologist, reason="Only one free")
    assert "chose a female professional" in exc.value.message_dict["user"][0]
    assert not KeyWorker.objects.exists()


def test_the_supervisor_overrides_the_choice_with_a_reason(
    case_manager, centre, womens_room, mother, male_psychologist, lead_psychologist
):
    from zhusan.accounts.models import RoleGrant
    from zhusan.accounts.permissions import Role, Scope

    RoleGrant.objects.create(
        user=lead_psychologist,
        role=Role.SOCIAL_WORKER,
        organisation=centre.unit.organisation,
        unit=centre.unit,
        scope=Scope.UNIT,
    )
    admit(case_manager, centre, (mother, womens_room), prefers_female=True)
    with pytest.raises(ValidationError) as exc:
        assign(lead_psychologist, mother, male_psychologist)
    assert "reason" in exc.value.message_dict
    kw = assign(lead_psychologist, mother, male_psychologist, reason="She asked for him after the first session.")
    assert kw.against_preference is True


def test_the_caseload_limit_is_passed_only_with_approval_and_a_reason(
    case_manager, social_worker, registrar, centre, womens_room, female_psychologist
):
    centre.caseload_limits = {"psychologist": 2}
    centre.save()
    residents = [returnee(registrar, given=name) for name in ("Saule", "Gulnara", "Madina")]
    for person in residents:
        admit(case_manager, centre, (person, womens_room))
    assign(social_worker, residents[0], female_psychologist)
    assign(social_worker, residents[1], female_psychologist)
    with pytest.raises(ValidationError) as exc:
        assign(social_worker, residents[2], female_psychologist)
    assert "limit 2" in exc.value.message_dict["user"][0]
    with pytest.raises(ValidationError) as exc:
        assign(case_manager, residents[2], female_psychologist)
    assert "caseload limit" in exc.value.message_dict["reason"][0]
    kw = assign(case_manager, residents[2], female_psychologist, reason="Her colleague is on leave this week.")
    assert kw.over_limit is True
    event = AuditEvent.objects.filter(object_type=ObjectType.KEY_WORKER, object_ref=str(kw.uuid)).get()
    assert event.changes["reason"]["new"] == "Her colleague is on leave this week."
    assert event.detail["limit"] == 2
