"""Overdue follow-ups per worker and per region (page, API, query counts),
the "Follow-ups due" panel of My work, the pages' forms and the API's bad
input, and the indicators: follow-ups done on time, closures by reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhusan.accounts.models import Unit
from zhusan.registry.models import Stage
from zhusan.reintegration.followup import services
from zhusan.reintegration.followup.models import ContactStatus, FollowUpContact, FollowUpVisit
from zhusan.reporting.indicators import ReportFilters, count_table, statistical_rows

from ...api.conftest import token_client
from ...factories import letters
from ...registry.helpers import login
from .helpers import act, returnee

pytestmark = pytest.mark.django_db


def _followed(user, n: int, *, arrived: date) -> list:
    persons = []
    for i in range(n):
        person = returnee(user, arrived=arrived, given=f"Aigerim{letters(i)}")
        services.plan_create(actor=act(user), person=person)
        persons.append(person)
    return persons


def test_the_overdue_page_counts_per_worker_and_region_in_a_bounded_number_of_queries(
    client, alice, centre_unit, django_assert_max_num_queries
):
    Unit.objects.filter(pk=centre_unit.pk).update(region="Mangystau")
    _followed(alice, 3, arrived=timezone.localdate() - timedelta(days=75))  # two contacts overdue each
    login(client, alice)
    url = reverse("reintegration_followup:overdue")
    client.get(url)
    with django_assert_max_num_queries(25):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "alice</a>: 6" in body and "Mangystau</a>: 6" in body
    _followed(alice, 6, arrived=timezone.localdate() - timedelta(days=75))
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert "alice</a>: 18" in page.content.decode()


def test_the_overdue_list_leaves_out_another_workers_caseload(client, alice, charlie):
    _followed(alice, 1, arrived=timezone.localdate() - timedelta(days=75))
    login(client, charlie)
    assert "No follow-up is overdue" in client.get(reverse("reintegration_followup:overdue")).content.decode()
    assert token_client(charlie).get(reverse("api-follow-up-overdue")).json() == []
    assert len(token_client(alice).get(reverse("api-follow-up-overdue")).json()) == 2


def test_my_work_shows_the_follow_up_due_next_month(client, alice):
    person = returnee(alice, arrived=timezone.localdate() - timedelta(days=10))
    services.plan_create(actor=act(alice), person=person)
    login(client, alice)
    body = client.get(reverse("mywork:home")).content.decode()
    assert "Follow-ups due" in body and person.case_number in body
    contact = FollowUpContact.objects.order_by("due_on").first()
    assert reverse("reintegration_followup:contact_detail", args=[contact.uuid]) in body


def test_logging_a_visit_from_the_contact_page_ticks_it_off(client, alice):
    person = returnee(alice, arrived=timezone.localdate() - timedelta(days=10))
    plan = services.plan_create(actor=act(alice), person=person)
    contact = plan.contacts.order_by("due_on").first()
    login(client, alice)
    url = reverse("reintegration_followup:contact_detail", args=[contact.uuid])
    answer = client.post(url, {"kind": "home_visit", "visited_on": timezone.localdate(), "outcome": "seen_well"})
    assert answer.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DONE


def test_a_visit_form_dated_before_arrival_shows_the_error_and_writes_nothing(client, alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    login(client, alice)
    url = reverse("reintegration_followup:visit_add", args=[person.uuid])
    page = client.post(url, {"kind": "home_visit", "visited_on": "2019-05-01", "outcome": "seen_well"})
    assert "before the person&#x27;s arrival" in page.content.decode()
    assert not FollowUpVisit.objects.exists()


def test_the_api_refuses_a_visit_before_arrival_with_a_400(alice):
    person = returnee(alice, arrived=date(2019, 5, 9))
    api = token_client(alice)
    url = reverse("api-follow-up-visits", args=[person.uuid])
    answer = api.post(url, {"kind": "home_visit", "visited_on": "2019-05-01", "outcome": "seen_well"}, format="json")
    assert answer.status_code == 400 and "visited_on" in answer.json()
    assert not FollowUpVisit.objects.exists()
    ok = api.post(url, {"kind": "phone_call", "visited_on": "2019-06-01", "outcome": "seen_well"}, format="json")
    assert ok.status_code == 201


def test_the_api_closure_needs_another_supervisor(alice, supervisor):
    person = returnee(alice)
    request = token_client(alice).post(
        reverse("api-follow-up-closures", args=[person.uuid]), {"reason": "goals_achieved"}, format="json"
    )
    assert request.status_code == 201
    decision = reverse("api-follow-up-closure-decision", args=[request.json()["uuid"]])
    own = token_client(alice).post(decision, {"approve": True, "version": 1}, format="json")
    assert own.status_code == 400
    person.refresh_from_db()
    assert person.stage == Stage.REINTEGRATING
    approved = token_client(supervisor).post(decision, {"approve": True, "version": 1}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    person.refresh_from_db()
    assert person.stage == Stage.CLOSED


def test_the_follow_up_tab_lists_plan_visits_and_closures_in_a_bounded_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    person = returnee(alice, arrived=date(2019, 5, 9))
    services.plan_create(actor=act(alice), person=person)
    for month in range(6, 12):
        services.visit_log(
            actor=act(alice), person=person, kind="home_visit", visited_on=date(2019, month, 10), outcome="seen_well"
        )
    login(client, alice)
    url = reverse("reintegration_followup:person_follow_up", args=[person.uuid])
    client.get(url)
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count("Home visit") == 6


@pytest.fixture
def exact(settings):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]


def test_follow_ups_on_time_and_closures_by_reason(exact, alice, supervisor):
    people = _followed(alice, 3, arrived=date(2019, 5, 9))
    on_time, late, closed = people
    for contact in services.active_plan(on_time).contacts.filter(due_on__lte=timezone.localdate()):
        services.visit_log(
            actor=act(alice), person=on_time, kind="phone_call", visited_on=contact.due_on, outcome="seen_well",
            contact=contact,
        )  # fmt: skip
    services.visit_log(
        actor=act(alice), person=late, kind="phone_call", visited_on=date(2019, 9, 1), outcome="seen_well"
    )
    closure = services.closure_request(actor=act(alice), person=closed, reason="moved_abroad")
    services.closure_decide(actor=act(supervisor), closure=closure, approve=True, expected_version=1)
    rows = statistical_rows(ReportFilters())
    timely = count_table("follow_ups_on_time", rows=rows)
    # The closed case's contacts were cancelled with its closure: it has none due.
    assert timely.grand_total == 2
    assert sum(1 for r in rows if r["followup_settled"] and not r["followup_late"]) == 1
    by_reason = count_table("closures_by_reason", by=["closure_reason"], rows=rows)
    assert by_reason.cells[by_reason.rows.index("moved_abroad")] == (1,) and by_reason.grand_total == 1
