"""Recording an administration: scores derived, answers encrypted, the age
rule on the day, nothing written on bad input, the schedule fulfilled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from zhusan.audit.models import AuditEvent
from zhusan.instruments import services
from zhusan.instruments.models import Administration, SafetyAlert, ScheduledAdministration

from .conftest import TODAY, act, phq9, record

pytestmark = pytest.mark.django_db


def test_a_phq9_is_scored_and_banded_and_its_answers_are_encrypted_at_rest(bob, woman):
    admin = record(bob, woman, "phq9", phq9(1, 2, 1, 3, 0, 1, 2, 0, 0))
    assert (admin.total, admin.band) == (10, "Moderate")
    assert admin.answers["4"] == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_json FROM instruments_administration WHERE id = %s", [admin.pk])
        stored = cursor.fetchone()[0]
    assert '"4": 3' not in stored and "4" in admin.answers_json
    event = AuditEvent.objects.get(object_ref=str(admin.uuid), action="create")
    assert event.changes["answers"]["encrypted"] is True
    assert event.changes["total"]["encrypted"] is True


def test_a_cries8_for_a_5_year_old_is_refused_with_a_clear_message(bob, toddler):
    with pytest.raises(ValidationError) as err:
        record(bob, toddler, "cries8", {str(k): 0 for k in range(1, 9)})
    assert "CRIES-8 is for people aged 8 to 18" in err.value.message_dict["instrument"][0]
    assert not Administration.objects.exists()


def test_a_phq9_for_a_12_year_old_is_refused_and_a_cries8_accepted(bob, boy):
    with pytest.raises(ValidationError) as err:
        record(bob, boy, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert "PHQ-9 is for people aged 18 or over" in err.value.message_dict["instrument"][0]
    admin = record(bob, boy, "cries8", {str(k): 3 for k in range(1, 9)})
    assert admin.total == 24


def test_the_age_rule_reads_the_age_on_the_day_of_the_administration(bob, alice):
    from ..factories import make_person

    # Eighteen now: a PHQ-9 dated two years ago was given to a 16-year-old.
    young = make_person(alice, given="Madina", birth_year=TODAY.year - 18)
    with pytest.raises(ValidationError):
        record(bob, young, "phq9", phq9(*[0] * 9), on=TODAY - timedelta(days=730))


def test_missing_or_out_of_range_answers_write_nothing(bob, woman):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        record(bob, woman, "gad7", {"1": 0, "2": 4, "3": 1})
    assert {"item_2", "item_4", "item_5", "item_6", "item_7"} <= set(err.value.message_dict)
    assert not Administration.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_date_in_the_future_is_refused(bob, woman):
    with pytest.raises(ValidationError) as err:
        record(bob, woman, "gad7", {str(k): 0 for k in range(1, 8)}, on=TODAY + timedelta(days=1))
    assert "administered_on" in err.value.message_dict


def test_a_case_manager_who_does_not_write_psychosocial_records_cannot_record_one(alice, woman):
    with pytest.raises(PermissionDenied):
        record(alice, woman, "gad7", {str(k): 0 for k in range(1, 8)})
    assert not Administration.objects.exists()


def test_scores_are_derived_never_typed(bob, woman):
    admin = record(bob, woman, "gad7", {str(k): 1 for k in range(1, 8)})
    assert admin.total == 7
    assert not Administration._meta.get_field("total").editable


def test_schedule_admission_gives_a_baseline_of_every_instrument_fitting_the_age(alice, woman, boy, toddler):
    admitted = TODAY - timedelta(days=3)
    rows = services.schedule_admission(actor=act(alice), person=woman, admitted_on=admitted)
    assert sorted(r.instrument for r in rows) == ["gad7", "pcl5", "phq9"]
    assert {r.due_on for r in rows} == {admitted + timedelta(days=7)}
    assert sorted(
        r.instrument for r in services.schedule_admission(actor=act(alice), person=boy, admitted_on=admitted)
    ) == ["cries8", "sdq"]
    assert [
        r.instrument for r in services.schedule_admission(actor=act(alice), person=toddler, admitted_on=admitted)
    ] == ["sdq"]
    # Called again (a re-admission the same week): no duplicates.
    services.schedule_admission(actor=act(alice), person=woman, admitted_on=admitted)
    assert ScheduledAdministration.objects.filter(person=woman).count() == 3


def test_schedule_follow_up_is_due_at_3_6_and_12_months(alice, woman):
    discharged = TODAY.replace(day=1)
    rows = services.schedule_follow_up(actor=act(alice), person=woman, discharged_on=discharged)
    phq = sorted((r.due_on, r.occasion) for r in rows if r.instrument == "phq9")
    assert [o for _d, o in phq] == ["month_3", "month_6", "month_12"]
    assert phq[0][0] == services.add_months(discharged, 3)
    assert phq[2][0].year == discharged.year + 1


def test_an_administration_fulfils_the_open_schedule_of_its_occasion(alice, bob, woman):
    services.schedule_before_discharge(actor=act(alice), person=woman, due_on=TODAY + timedelta(days=3))
    admin = record(bob, woman, "phq9", phq9(*[0] * 9), occasion="before_discharge")
    row = ScheduledAdministration.objects.get(person=woman, instrument="phq9")
    assert row.administration == admin
    assert ScheduledAdministration.objects.filter(person=woman, administration__isnull=True).count() == 2
    assert not SafetyAlert.objects.exists()
