"""Placement and guardianship: the best-interests gate, family-based care as
the default, the home visit before a placement, reviews on schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry.models import AssentChoice, BestInterestsAssessment, LocationStay
from zhusan.reintegration import selectors, services
from zhusan.reintegration.models import GuardianshipOrder, Placement, PlacementKind, PlacementReview

from ..factories import make_person
from . import world


def _data(carer, **overrides):
    values = {
        "kind": PlacementKind.RELATIVES,
        "carer": carer,
        "carer_relation": "grandparent",
        "started_on": world.today(),
        "next_review_on": world.today() + timedelta(days=90),
        "childs_assent": AssentChoice.AGREES,
    }
    return services.PlacementInput(**{**values, **overrides})


def _visit(act, child, carer, outcome="suitable"):
    services.home_visit_record(actor=act, person=child, carer=carer, visited_on=world.today(), outcome=outcome)


def test_a_childs_placement_without_a_best_interests_assessment_is_refused_and_nothing_is_written(
    ri_act, ri_child, ri_granny
):
    _visit(ri_act, ri_child, ri_granny)
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=ri_child, data=_data(ri_granny))
    assert "best_interests" in err.value.message_dict
    assert not Placement.objects.exists()


def test_the_placement_records_its_best_interests_assessment_in_the_same_transaction(ri_act, ri_child, ri_granny):
    _visit(ri_act, ri_child, ri_granny)
    placement = services.placement_create(
        actor=ri_act, person=ri_child, data=_data(ri_granny), best_interests=world.bia()
    )
    assert placement.best_interests.purpose == "placement"
    assert placement.best_interests.person == ri_child


def test_a_bad_best_interests_assessment_refuses_the_placement_and_writes_neither(ri_act, ri_child, ri_granny):
    _visit(ri_act, ri_child, ri_granny)
    without_views = services.BestInterestsInput(assessed_on=world.today(), recommendation="Grandmother.")
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=ri_child, data=_data(ri_granny), best_interests=without_views)
    assert "bi_childs_views" in err.value.message_dict
    assert not Placement.objects.exists()
    assert not BestInterestsAssessment.objects.exists()


def test_an_assessment_recorded_shortly_before_counts_for_the_placement(ri_act, ri_child, ri_granny):
    from zhusan.registry import services as registry

    registry.best_interests_record(
        actor=ri_act, person=ri_child, purpose="placement", assessed_on=world.today() - timedelta(days=10),
        recommendation="Grandmother.", childs_views="Wants to live with her grandmother.",
    )  # fmt: skip
    _visit(ri_act, ri_child, ri_granny)
    placement = services.placement_create(actor=ri_act, person=ri_child, data=_data(ri_granny))
    assert placement.best_interests.assessed_on == world.today() - timedelta(days=10)


def test_a_change_of_placement_needs_its_own_assessment_and_ends_the_current_placement(
    ri_act, ri_consul, ri_child, ri_granny
):
    first = world.place(ri_act, ri_child, ri_granny)
    aunt = world.grandmother_of(Actor.system("tests", user=ri_consul), ri_child, given="Saule")
    _visit(ri_act, ri_child, aunt)
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=ri_child, data=_data(aunt))
    assert "best_interests" in err.value.message_dict
    second = services.placement_create(actor=ri_act, person=ri_child, data=_data(aunt), best_interests=world.bia())
    first.refresh_from_db()
    assert first.ended_on == world.today() and first.end_reason == "change"
    assert second.best_interests.purpose == "change_of_placement"


def test_separating_a_child_from_the_carer_needs_a_best_interests_assessment(ri_act, ri_child, ri_granny):
    placement = world.place(ri_act, ri_child, ri_granny)
    with pytest.raises(ValidationError) as err:
        services.placement_end(
            actor=ri_act, placement=placement, ended_on=world.today(), reason="separation",
            expected_version=placement.version,
        )  # fmt: skip
    assert "best_interests" in err.value.message_dict
    placement.refresh_from_db()
    assert placement.is_open
    services.placement_end(
        actor=ri_act, placement=placement, ended_on=world.today(), reason="separation",
        expected_version=placement.version, best_interests=world.bia(),
    )  # fmt: skip
    placement.refresh_from_db()
    assert placement.ended_on == world.today()
    assert placement.end_best_interests.purpose == "separation"


def test_family_based_care_is_the_default_an_institution_needs_a_justification_and_a_decision(ri_act, ri_child):
    data = _data(None, kind=PlacementKind.INSTITUTION, carer_relation="", institution_name="Children's home")
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=ri_child, data=data, best_interests=world.bia())
    assert {"institution_justification", "case_conference_reference"} <= set(err.value.message_dict)
    assert not Placement.objects.exists() and not BestInterestsAssessment.objects.exists()
    justified = _data(
        None, kind=PlacementKind.INSTITUTION, carer_relation="", institution_name="Children's home",
        institution_justification="No relative able to care was found; temporary, with tracing continuing.",
        case_conference_reference="CC-MNG-ABC",
    )  # fmt: skip
    placement = services.placement_create(actor=ri_act, person=ri_child, data=justified, best_interests=world.bia())
    assert not placement.family_based


def test_a_family_placement_needs_a_suitable_home_visit_first(ri_act, ri_child, ri_granny):
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=ri_child, data=_data(ri_granny), best_interests=world.bia())
    assert "carer" in err.value.message_dict
    _visit(ri_act, ri_child, ri_granny, outcome="not_suitable")
    with pytest.raises(ValidationError):
        services.placement_create(actor=ri_act, person=ri_child, data=_data(ri_granny), best_interests=world.bia())
    assert not Placement.objects.exists()


def test_an_adult_is_not_placed(ri_act, ri_consul, ri_granny):
    adult = make_person(ri_consul, given="Dana", birth_year=1990)
    with pytest.raises(ValidationError) as err:
        services.placement_create(actor=ri_act, person=adult, data=_data(ri_granny), best_interests=world.bia())
    assert "person" in err.value.message_dict


def test_the_guardianship_order_and_the_address_are_recorded_with_the_placement(ri_act, ri_child, ri_granny):
    _visit(ri_act, ri_child, ri_granny)
    order = services.GuardianshipInput(
        authority="Aktau guardianship authority", reference="GO-ABC", issued_on=world.today(),
        next_review_on=world.today() + timedelta(days=365),
    )  # fmt: skip
    placement = services.placement_create(
        actor=ri_act, person=ri_child, data=_data(ri_granny, address="Aktau, microdistrict Nursat, building B"),
        best_interests=world.bia(), guardianship=order,
    )  # fmt: skip
    assert GuardianshipOrder.objects.get(person=ri_child).guardian == ri_granny
    assert LocationStay.objects.get(pk=placement.stay_id).address.startswith("Aktau")


def test_the_childs_views_never_reach_the_audit_trail_in_clear(ri_act, ri_child, ri_granny):
    world.place(ri_act, ri_child, ri_granny)
    event = AuditEvent.objects.filter(action=Action.CREATE, object_type="placement").get()
    assert "grandmother and go to school" not in str(event.changes)


def test_a_psychologist_may_not_place_a_child(ri_home, ri_child, ri_granny, ri_act):
    from zhusan.accounts.permissions import Role

    from ..factories import make_staff

    _visit(ri_act, ri_child, ri_granny)
    psychologist = make_staff(Role.PSYCHOLOGIST, ri_home, username="ri-psy")
    with pytest.raises(PermissionDenied):
        services.placement_create(
            actor=Actor.system("tests", user=psychologist), person=ri_child, data=_data(ri_granny),
            best_interests=world.bia(),
        )  # fmt: skip
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, actor_username="ri-psy").exists()


def test_a_review_sets_the_next_one_and_overdue_placements_are_listed(ri_act, ri_child, ri_granny):
    placement = world.place(ri_act, ri_child, ri_granny, on=world.today() - timedelta(days=100), review_in_days=30)
    assert list(selectors.placements_due(ri_act, overdue_only=True)) == [placement]
    services.placement_review_record(
        actor=ri_act, placement=placement, reviewed_on=world.today(), outcome="continue",
        next_review_on=world.today() + timedelta(days=180), expected_version=placement.version,
    )  # fmt: skip
    assert PlacementReview.objects.filter(placement=placement).exists()
    assert not selectors.placements_due(ri_act).exists()


def test_a_placement_due_within_two_weeks_is_listed_but_not_as_overdue(ri_act, ri_child, ri_granny):
    placement = world.place(ri_act, ri_child, ri_granny, on=world.today() - timedelta(days=80), review_in_days=90)
    assert list(selectors.placements_due(ri_act)) == [placement]
    assert not selectors.placements_due(ri_act, overdue_only=True).exists()


def test_placements_of_children_outside_the_scope_are_not_listed(ri_act, ri_child, ri_granny, ri_outsider):
    world.place(ri_act, ri_child, ri_granny, on=world.today() - timedelta(days=100), review_in_days=30)
    assert not selectors.placements_due(Actor.system("tests", user=ri_outsider)).exists()
