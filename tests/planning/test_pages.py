"""The planning pages: the list of planned operations (its query count),
the scenario page, a run with its what-if (queued as a task, run at once in
tests) and its two charts; refusals for bad input and for other roles."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.planning.models import PlanRun, PlanRunStatus

from ..factories import make_staff
from ..registry.helpers import login
from .history import build_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return build_history(women=4, children=6)


@pytest.fixture
def manager_client(client, history):
    return login(client, history.manager)


def scenario_data(history, **changes):
    data = {
        "centre": str(history.centre.uuid),
        "start": "",
        "extra_women": "0",
        "extra_men": "0",
        "extra_children": "0",
        "hours_per_day": "6",
        "working_days": ["0", "1", "2", "3", "4"],
        "runs": "3",
        "staff_psychologist": "1",
        "staff_theologian": "1",
        "staff_social_worker": "1",
        "staff_doctor": "0",
        "staff_teacher": "0",
        "staff_nanny": "0",
        "staff_lawyer": "0",
        "beds": "40",
        "flights": "",
        "every": "",
    }
    data.update(changes)
    return data


def test_the_home_page_lists_the_planned_operations_in_a_bounded_number_of_queries(
    manager_client, history, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = manager_client.get(reverse("planning:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Next-1" in body
    assert reverse("planning:scenario", args=[history.planned.uuid]) in body
    row = re.search(r"Next-1.*?</tr>", body, re.S)
    assert row and "<td>1</td>" in row.group(0) and "<td>6</td>" in row.group(0)


def test_the_scenario_page_is_prefilled_from_the_roster_and_the_manifests(manager_client, history):
    response = manager_client.get(reverse("planning:scenario", args=[history.planned.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="staff_psychologist" value="3"' in body
    assert 'name="beds" value="40"' in body
    assert "6 persons on the manifests" in body


def test_a_run_with_a_what_if_shows_both_charts_and_the_figures_side_by_side(manager_client, history):
    url = reverse("planning:scenario", args=[history.planned.uuid])
    response = manager_client.post(url, scenario_data(history, what_if_staff_psychologist="6"))
    assert response.status_code == 302
    run = PlanRun.objects.get()
    assert run.status == PlanRunStatus.DONE, run.message
    assert run.scenario["staff"]["psychologist"] == 1 and run.what_if["staff"]["psychologist"] == 6
    page = manager_client.get(response["Location"]).content.decode()
    assert 'id="occupancy-chart"' in page and 'id="waits-chart"' in page
    assert page.count('data-series="What if"') >= 2
    assert "Last resident leaves" in page
    assert AuditEvent.objects.filter(object_type=ObjectType.PLAN_RUN, action="create").count() == 1
    status = manager_client.get(response["Location"] + "?status=json").json()
    assert status["finished"] and status["progress"] == 100


def test_negative_staff_and_a_scenario_with_no_one_are_refused_with_a_clear_message(manager_client, history):
    url = reverse("planning:scenario", args=[history.planned.uuid])
    response = manager_client.post(url, scenario_data(history, what_if_staff_psychologist="-2"))
    assert response.status_code == 400
    assert "Staff cannot be negative." in response.content.decode()
    history.planned.movements.get().entries.all().delete()
    response = manager_client.post(url, scenario_data(history))
    assert response.status_code == 400
    assert "No one arrives" in response.content.decode()
    assert not PlanRun.objects.exists()


def test_expected_persons_not_yet_on_a_manifest_are_simulated_too(manager_client, history):
    url = reverse("planning:scenario", args=[history.planned.uuid])
    manager_client.post(url, scenario_data(history, extra_women="20", extra_children="40"))
    run = PlanRun.objects.get()
    assert run.result["baseline"]["arrivals"] == 66


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PSYCHOLOGIST, Role.ANALYST])
def test_other_roles_are_refused(client, history, role):
    login(client, make_staff(role, history.unit, username="other"))
    assert client.get(reverse("planning:home")).status_code == 403
    assert client.get(reverse("planning:scenario", args=[history.planned.uuid])).status_code == 403


def test_the_permission_probe_objects_are_a_planned_operation_and_a_finished_run(client, history):
    from ..factories import make_person
    from . import url_permissions

    registrar = make_staff(Role.CONSULAR_OFFICER, history.unit, username="probe")
    world = {"registrar": registrar, "inside_adult": make_person(registrar, given="Probe", birth_year=1990)}
    refs = url_permissions.objects(world)
    assert PlanRun.objects.get(uuid=refs["run_uuid"]).status == PlanRunStatus.DONE
    login(client, registrar)
    for name, kwarg in (("planning:scenario", "operation_uuid"), ("planning:run", "run_uuid")):
        assert client.get(reverse(name, kwargs={kwarg: refs[kwarg]})).status_code == 200
