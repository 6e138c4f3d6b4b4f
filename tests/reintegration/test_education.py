"""Education: enrolment with its dates checked, a change of school, reviews."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from zhusan.reintegration import services
from zhusan.reintegration.models import EducationReview, Enrolment

from . import world


def _input(**overrides):
    values = {
        "level": "school", "school": "School of Aktau", "school_language": "ru", "grade": 3,
        "started_on": world.today(), "support_contact": "Aigerim Sadykova, +7 701 000 0000",
    }  # fmt: skip
    return services.EnrolmentInput(**{**values, **overrides})


def test_a_school_start_date_before_the_childs_birth_is_refused(ri_act, ri_child):
    before_birth = date(ri_child.birth_year - 1, 9, 1)
    with pytest.raises(ValidationError) as err:
        services.enrolment_create(actor=ri_act, person=ri_child, data=_input(started_on=before_birth))
    assert err.value.message_dict["started_on"] == ["The school start date is before the child's birth."]
    assert not Enrolment.objects.exists()


def test_a_school_enrolment_needs_a_grade_and_a_support_contact(ri_act, ri_child):
    with pytest.raises(ValidationError) as err:
        services.enrolment_create(actor=ri_act, person=ri_child, data=_input(grade=None, support_contact=" "))
    assert {"grade", "support_contact"} <= set(err.value.message_dict)


def test_a_kindergarten_enrolment_has_no_grade(ri_act, ri_child):
    enrolment = services.enrolment_create(
        actor=ri_act, person=ri_child, data=_input(level="kindergarten", school="Kindergarten Balapan")
    )
    assert enrolment.grade is None


def test_a_change_of_school_ends_the_current_enrolment(ri_act, ri_child):
    first = services.enrolment_create(
        actor=ri_act, person=ri_child, data=_input(started_on=world.today() - timedelta(days=200))
    )
    second = services.enrolment_create(actor=ri_act, person=ri_child, data=_input(school="School of Zhanaozen"))
    first.refresh_from_db()
    assert (first.ended_on, first.end_reason) == (world.today(), "school_change")
    assert second.is_open


def test_an_attendance_review_cannot_come_before_the_enrolment(ri_act, ri_child):
    enrolment = world.enrol(ri_act, ri_child)
    with pytest.raises(ValidationError):
        services.education_review_record(
            actor=ri_act, enrolment=enrolment, reviewed_on=world.today() - timedelta(days=3), attendance="regular",
            progress="on_track",
        )  # fmt: skip
    services.education_review_record(
        actor=ri_act, enrolment=enrolment, reviewed_on=world.today(), attendance="regular", progress="catching_up"
    )
    assert EducationReview.objects.count() == 1
