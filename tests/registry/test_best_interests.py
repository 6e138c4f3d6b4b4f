"""Best-interests assessments: recorded for children only, with the child's
views where age allows, audited, and found again by the apps that gate a
decision on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.registry import services
from zhusan.registry.models import BestInterestsAssessment
from zhusan.registry.selectors import best_interests_for

from ..factories import make_person


def actor(user):
    return Actor.system("tests", user=user)


def record(user, person, **overrides):
    values = {
        "purpose": "placement",
        "assessed_on": timezone.localdate(),
        "recommendation": "Live with her grandmother in Aktau.",
        "childs_views": "She wants to live with her grandmother.",
    }
    values.update(overrides)
    return services.best_interests_record(actor=actor(user), person=person, **values)


def test_an_assessment_of_a_child_is_recorded_and_audited_without_the_views_in_clear(alice):
    child = make_person(alice, birth_year=timezone.localdate().year - 9)
    assessment = record(alice, child)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="best_interests")
    assert event.object_ref == str(assessment.uuid)
    assert "grandmother" not in str(event.changes)
    assert best_interests_for(child, ("placement",)) == assessment
    assert best_interests_for(child, ("closure",)) is None
    assert best_interests_for(child, ("placement",), since=timezone.localdate() + timedelta(days=1)) is None


def test_an_adult_has_no_best_interests_assessment(alice):
    adult = make_person(alice, birth_year=1990)
    with pytest.raises(ValidationError) as err:
        record(alice, adult)
    assert "person" in err.value.message_dict
    assert not BestInterestsAssessment.objects.exists()


def test_a_child_old_enough_is_heard_or_the_reason_is_written_down(alice):
    child = make_person(alice, birth_year=timezone.localdate().year - 10)
    with pytest.raises(ValidationError) as err:
        record(alice, child, childs_views="")
    assert "childs_views" in err.value.message_dict
    assert record(alice, child, childs_views="", views_not_sought_reason="Asleep in hospital; seen again next week.")


def test_a_toddler_needs_no_views(alice):
    toddler = make_person(alice, birth_year=timezone.localdate().year - 2)
    assert record(alice, toddler, childs_views="")


def test_a_future_date_or_an_empty_recommendation_is_refused_and_nothing_is_written(alice):
    child = make_person(alice, birth_year=timezone.localdate().year - 9)
    with pytest.raises(ValidationError) as err:
        record(alice, child, assessed_on=timezone.localdate() + timedelta(days=3), recommendation=" ")
    assert set(err.value.message_dict) == {"assessed_on", "recommendation"}
    assert not BestInterestsAssessment.objects.exists()
