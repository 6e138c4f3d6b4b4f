"""Follow-up plans are generated from the template, from the discharge, else
the arrival, else today; visits tick off the contact due; the date rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.models import (
    ContactStatus,
    FollowUpContact,
    FollowUpPlan,
    FollowUpTemplate,
    FollowUpVisit,
    StartBasis,
)

from .helpers import act, returnee

pytestmark = pytest.mark.django_db


def test_the_default_template_gives_monthly_to_six_quarterly_to_two_years_yearly_to_five():
    template = FollowUpTemplate.objects.get(is_default=True)
    dues = services.schedule(template, date(2019, 6, 15))
    assert dues[:6] == [date(2019, m, 15) for m in range(7, 13)]
    assert dues[6:12] == [
        date(2020, 3, 15), date(2020, 6, 15), date(2020, 9, 15), date(2020, 12, 15), date(2021, 3, 15),
        date(2021, 6, 15),
    ]  # fmt: skip
    assert dues[12:] == [date(2022, 6, 15), date(2023, 6, 15), date(2024, 6, 15)]


def test_a_month_end_start_keeps_to_the_last_day_of_shorter_months():
    assert services.add_months(date(2019, 1, 31), 1) == date(2019, 2, 28)
    assert services.add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)


def test_a_plan_starts_at_the_arrival_without_a_discharge(alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    plan = services.plan_create(actor=act(alice), person=person)
    assert (plan.start_on, plan.start_basis, plan.worker) == (date(2019, 5, 9), StartBasis.ARRIVAL, alice)
    assert list(plan.contacts.values_list("due_on", flat=True)[:2]) == [date(2019, 6, 9), date(2019, 7, 9)]
    assert plan.contacts.count() == 15
    assert AuditEvent.objects.filter(object_type=ObjectType.FOLLOW_UP_PLAN, object_ref=str(plan.uuid)).exists()


def test_a_plan_starts_today_for_a_person_with_neither_discharge_nor_arrival(alice):
    from ...factories import make_person

    person = make_person(alice)
    plan = services.plan_create(actor=act(alice), person=person)
    assert (plan.start_on, plan.start_basis) == (timezone.localdate(), StartBasis.TODAY)


def test_a_second_plan_is_refused_and_regenerating_needs_a_reason(alice):
    person = returnee(alice)
    plan = services.plan_create(actor=act(alice), person=person)
    with pytest.raises(ValidationError):
        services.plan_create(actor=act(alice), person=person)
    with pytest.raises(ValidationError) as exc:
        services.plan_regenerate(actor=act(alice), plan=plan, expected_version=plan.version, reason=" ")
    assert "reason" in exc.value.message_dict
    assert FollowUpPlan.objects.filter(person=person).count() == 1


def test_regenerating_keeps_what_was_done_and_schedules_nothing_before_it(alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    plan = services.plan_create(actor=act(alice), person=person)
    services.visit_log(
        actor=act(alice), person=person, kind="home_visit", visited_on=date(2019, 6, 10), outcome="seen_well"
    )
    new = services.plan_regenerate(
        actor=act(alice), plan=plan, expected_version=plan.version, reason="The family moved to Almaty",
        start_on=date(2019, 6, 1),
    )  # fmt: skip
    plan.refresh_from_db()
    assert not plan.active and new.active
    assert plan.contacts.filter(status=ContactStatus.DONE).count() == 1
    assert not plan.contacts.filter(status=ContactStatus.OPEN).exists()
    assert new.contacts.order_by("due_on").first().due_on == date(2019, 7, 1)


def test_a_visit_ticks_off_the_contact_due_and_the_next_one_becomes_due(alice):
    person = returnee(alice, arrived=timezone.localdate() - timedelta(days=20))
    plan = services.plan_create(actor=act(alice), person=person)
    first, second = plan.contacts.order_by("due_on")[:2]
    visit = services.visit_log(
        actor=act(alice), person=person, kind="home_visit", visited_on=timezone.localdate(), outcome="seen_well",
        next_step="Enrol the boy in the football club", notes="The family is settled",
    )  # fmt: skip
    first.refresh_from_db()
    assert visit.contact == first and first.status == ContactStatus.DONE and first.on_time
    assert services.active_plan(person).contacts.filter(status=ContactStatus.OPEN).order_by("due_on")[0] == second


def test_not_reached_is_logged_but_leaves_the_contact_due(alice):
    person = returnee(alice, arrived=timezone.localdate() - timedelta(days=40))
    plan = services.plan_create(actor=act(alice), person=person)
    services.visit_log(
        actor=act(alice), person=person, kind="phone_call", visited_on=timezone.localdate(), outcome="not_reached"
    )
    assert FollowUpVisit.objects.filter(person=person).count() == 1
    assert not plan.contacts.filter(status=ContactStatus.DONE).exists()


def test_a_follow_up_dated_before_arrival_is_refused_and_nothing_is_written(alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    services.plan_create(actor=act(alice), person=person)
    with pytest.raises(ValidationError) as exc:
        services.visit_log(
            actor=act(alice), person=person, kind="home_visit", visited_on=date(2019, 5, 1), outcome="seen_well"
        )
    assert "before the person's arrival" in exc.value.message_dict["visited_on"][0]
    assert not FollowUpVisit.objects.exists()
    assert not FollowUpContact.objects.filter(status=ContactStatus.DONE).exists()


def test_a_visit_in_the_future_is_refused(alice):
    person = returnee(alice)
    with pytest.raises(ValidationError) as exc:
        services.visit_log(
            actor=act(alice), person=person, kind="home_visit",
            visited_on=timezone.localdate() + timedelta(days=1), outcome="seen_well",
        )  # fmt: skip
    assert "visited_on" in exc.value.message_dict


def test_a_late_visit_is_not_on_time(alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    plan = services.plan_create(actor=act(alice), person=person)
    services.visit_log(
        actor=act(alice), person=person, kind="office_visit", visited_on=date(2019, 8, 1), outcome="concerns",
        contact=plan.contacts.order_by("due_on").first(),
    )  # fmt: skip
    assert plan.contacts.get(sequence=1).on_time is False


def test_rescheduling_a_contact_needs_a_reason(alice):
    person = returnee(alice)
    plan = services.plan_create(actor=act(alice), person=person)
    contact = plan.contacts.order_by("due_on").first()
    with pytest.raises(ValidationError):
        services.contact_reschedule(
            actor=act(alice), contact=contact, due_on=date(2019, 7, 1), reason="", expected_version=contact.version
        )
    services.contact_reschedule(
        actor=act(alice), contact=contact, due_on=date(2019, 7, 1), reason="Family away", expected_version=1
    )
    contact.refresh_from_db()
    assert contact.due_on == date(2019, 7, 1) and contact.note == "Family away"


def test_a_psychologist_cannot_log_a_follow_up_visit(alice, bob):
    from django.core.exceptions import PermissionDenied

    person = returnee(alice)
    with pytest.raises(PermissionDenied):
        services.visit_log(
            actor=act(bob), person=person, kind="home_visit", visited_on=date(2019, 6, 1), outcome="seen_well"
        )


def test_a_plan_from_the_discharge_schedules_the_repeated_instruments(alice, monkeypatch):
    from zhusan.instruments.models import ScheduledAdministration

    person = returnee(alice, arrived=date(2019, 5, 9))
    monkeypatch.setattr(services, "discharge_on", lambda p: date(2019, 6, 10))
    plan = services.plan_create(actor=act(alice), person=person)
    assert (plan.start_on, plan.start_basis) == (date(2019, 6, 10), StartBasis.DISCHARGE)
    due = set(ScheduledAdministration.objects.filter(person=person).values_list("due_on", flat=True))
    assert {date(2019, 9, 10), date(2019, 12, 10), date(2020, 6, 10)} <= due
