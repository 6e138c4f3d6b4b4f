"""The pages: the person's Instruments tab (psychosocial readers only), the
administration form with radio buttons, the alert page and its
acknowledgement, the open alerts and overdue lists, and My work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from zhusan.instruments import services
from zhusan.instruments.models import Administration, SafetyAlert

from ..registry.helpers import login
from .conftest import TODAY, act, phq9, record

pytestmark = pytest.mark.django_db


def _form(answers: dict[str, int], occasion: str = "baseline") -> dict[str, object]:
    data: dict[str, object] = {"occasion": occasion, "administered_on": TODAY.isoformat(), "instrument": "phq9"}
    data.update({f"item_{k}": v for k, v in answers.items()})
    return data


def test_the_psychologist_sees_the_tab_with_a_chart_its_table_and_the_cut_off_lines(bob, woman):
    record(bob, woman, "phq9", phq9(3, 3, 2, 2, 2, 2, 1, 1, 0), on=TODAY - timedelta(days=30))
    record(bob, woman, "phq9", phq9(1, 1, 1, 1, 0, 0, 0, 0, 0), occasion="before_discharge")
    page = login(Client(), bob).get(reverse("instruments:person_instruments", args=[woman.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<title>PHQ-9 over time</title>" in html and "<desc>" in html
    assert html.count('stroke-dasharray="6 4"') == 4  # PHQ-9's four cut-offs
    assert "16 of 27" in html and "4 of 27" in html


def test_the_chart_mirrors_in_arabic(bob, woman):
    from zhusan.instruments.catalogue import PHQ9
    from zhusan.instruments.charts import trajectory_chart

    points = [(TODAY - timedelta(days=30), 16), (TODAY, 4)]
    ltr, rtl = trajectory_chart(PHQ9, points, title="t"), trajectory_chart(PHQ9, points, title="t", rtl=True)
    assert 'cx="76.0"' in ltr and 'cx="564.0"' in rtl  # the first (oldest) point at the reading start


@pytest.mark.parametrize("who", ["alice", "theologian", "doctor"])
def test_readers_of_other_compartments_are_refused_the_tab(request, who, bob, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    user = request.getfixturevalue(who)
    client = login(Client(), user)
    page = client.get(reverse("instruments:person_instruments", args=[woman.uuid]))
    assert page.status_code in {403, 404}
    assert "Thoughts that you would be better off dead" not in page.content.decode()
    admin = Administration.objects.get()
    assert client.get(admin.get_absolute_url()).status_code == 404
    assert client.get(reverse("instruments:administration_new", args=[woman.uuid])).status_code in {403, 404}


def test_the_form_lists_every_item_with_radio_buttons(bob, woman):
    page = login(Client(), bob).get(reverse("instruments:administration_new", args=[woman.uuid]) + "?instrument=pcl5")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('type="radio"') == 20 * 5
    assert "Repeated, disturbing dreams of the stressful experience?" in html


def test_a_form_with_a_missing_answer_says_which_and_writes_nothing(bob, woman):
    answers = phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)
    del answers["5"]
    page = login(Client(), bob).post(reverse("instruments:administration_new", args=[woman.uuid]), _form(answers))
    assert page.status_code == 400
    assert "Item 5 is not answered." in page.content.decode()
    assert not Administration.objects.exists()


def test_entering_a_phq9_with_item_9_leads_to_the_alert_then_its_acknowledgement(bob, woman):
    client = login(Client(), bob)
    page = client.post(
        reverse("instruments:administration_new", args=[woman.uuid]), _form(phq9(2, 2, 1, 1, 1, 1, 1, 1, 1))
    )
    alert = SafetyAlert.objects.get()
    assert page.status_code == 302 and page.url == alert.get_absolute_url()
    home = client.get(reverse("mywork:home")).content.decode()
    assert "Safety alerts to acknowledge" in home and woman.case_number in home
    refused = client.post(alert.get_absolute_url(), {"action_taken": "", "version": 1})
    assert refused.status_code == 400
    done = client.post(alert.get_absolute_url(), {"action_taken": "Safety plan agreed.", "version": 1})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open
    assert woman.case_number not in client.get(reverse("instruments:alert_list")).content.decode()


def test_a_recipient_who_does_not_read_psychosocial_sees_the_alert_but_not_the_answers(bob, alice, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 3))
    alert = SafetyAlert.objects.get()
    alert.recipients.add(alice)  # e.g. a supervisor named by the rehabilitation app
    client = login(Client(), alice)
    page = client.get(alert.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nearly every day" not in html and "better off dead or of hurting" not in html
    assert "the answers are not shown" in html
    assert client.get(reverse("instruments:alert_list")).status_code == 200


def test_the_overdue_list_shows_what_is_past_due(alice, bob, woman):
    services.schedule_admission(actor=act(alice), person=woman, admitted_on=TODAY - timedelta(days=20))
    html = login(Client(), bob).get(reverse("instruments:overdue_list")).content.decode()
    assert html.count(woman.case_number) == 3
    assert login(Client(), alice).get(reverse("instruments:overdue_list")).status_code == 403


def test_the_overdue_and_alert_lists_make_a_bounded_number_of_queries(alice, bob, django_assert_max_num_queries):
    from ..factories import letters, make_person

    for i in range(12):
        person = make_person(alice, given=f"Aliya{letters(i)}", birth_year=TODAY.year - 30)
        services.schedule_admission(actor=act(alice), person=person, admitted_on=TODAY - timedelta(days=20))
        record(bob, person, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), occasion="other")
    client = login(Client(), bob)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("instruments:overdue_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("instruments:alert_list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("mywork:home")).status_code == 200


def test_the_instruments_tab_makes_a_bounded_number_of_queries(alice, bob, woman, django_assert_max_num_queries):
    services.schedule_admission(actor=act(alice), person=woman, admitted_on=TODAY - timedelta(days=40))
    for days in (35, 20, 5):
        for code, n in (("phq9", 9), ("gad7", 7), ("pcl5", 20)):
            record(bob, woman, code, {str(k): 1 for k in range(1, n + 1)}, on=TODAY - timedelta(days=days))
    client = login(Client(), bob)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("instruments:person_instruments", args=[woman.uuid]))
    assert page.status_code == 200 and page.content.decode().count("<svg") == 3
