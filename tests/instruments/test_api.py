"""The API: the same compartment rule, validation and services as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.instruments.models import Administration, SafetyAlert

from ..api.conftest import token_client
from .conftest import TODAY, phq9, record

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return f"/api/v1/persons/{person.uuid}/instruments/"


def test_a_psychologist_records_an_administration_and_reads_it_back(bob, woman):
    client = token_client(bob)
    body = {
        "instrument": "gad7",
        "occasion": "baseline",
        "administered_on": TODAY.isoformat(),
        "answers": {str(k): 2 for k in range(1, 8)},
    }
    response = client.post(_url(woman), body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["total"], response.json()["band"]) == (14, "Moderate")
    listed = client.get(_url(woman)).json()
    assert listed["administrations"][0]["answers"]["1"] == 2


def test_out_of_range_answers_are_a_400_with_the_item_and_nothing_written(bob, woman):
    body = {"instrument": "phq9", "occasion": "baseline", "administered_on": TODAY.isoformat(), "answers": {"1": 5}}
    response = token_client(bob).post(_url(woman), body, format="json")
    assert response.status_code == 400
    assert "item_1" in response.json() and "item_9" in response.json()
    assert not Administration.objects.exists()


def test_an_instrument_outside_the_age_range_is_a_400(bob, toddler):
    body = {
        "instrument": "cries8",
        "occasion": "baseline",
        "administered_on": TODAY.isoformat(),
        "answers": {str(k): 0 for k in range(1, 9)},
    }
    response = token_client(bob).post(_url(toddler), body, format="json")
    assert response.status_code == 400 and "instrument" in response.json()


@pytest.mark.parametrize("who", ["alice", "theologian", "doctor"])
def test_other_compartments_get_no_instrument_data(request, who, bob, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    client = token_client(request.getfixturevalue(who))
    assert client.get(_url(woman)).status_code in {403, 404}
    admin = Administration.objects.get()
    assert client.get(f"/api/v1/instruments/administrations/{admin.uuid}/").status_code == 404
    assert client.get(f"/api/v1/instruments/alerts/{SafetyAlert.objects.get().uuid}/").status_code == 404


def test_an_alert_is_acknowledged_through_the_api_with_its_version(bob, alice, woman):
    record(bob, woman, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    alert = SafetyAlert.objects.get()
    client = token_client(bob)
    assert [a["uuid"] for a in client.get("/api/v1/instruments/alerts/").json()] == [str(alert.uuid)]
    url = f"/api/v1/instruments/alerts/{alert.uuid}/acknowledge/"
    assert client.post(url, {"action_taken": "", "version": 1}, format="json").status_code == 400
    assert client.post(url, {"action_taken": "Called the family doctor."}, format="json").status_code == 428
    done = client.post(url, {"action_taken": "Called the family doctor.", "version": 1}, format="json")
    assert done.status_code == 200 and done.json()["is_open"] is False
    # A recipient who does not read psychosocial records sees no answers and no action.
    alert.recipients.add(alice)
    seen = token_client(alice).get(f"/api/v1/instruments/alerts/{alert.uuid}/").json()
    assert seen["administration"] is None and seen["action_taken"] is None


def test_the_catalogue_carries_no_sdq_or_cries8_item_wording(bob):
    data = {i["code"]: i for i in token_client(bob).get(reverse("api-instruments-catalogue")).json()}
    assert data["phq9"]["items"][8]["text"].startswith("Thoughts that you would be better off dead")
    assert all(item["text"] is None for item in data["cries8"]["items"])
    assert [i["key"] for i in data["sdq"]["items"]] == ["emotional", "conduct", "hyperactivity", "peer", "prosocial"]


def test_an_instrument_is_scheduled_through_the_api_and_the_age_rule_applies(bob, woman, toddler):
    body = {"instrument": "pcl5", "occasion": "other", "due_on": TODAY.isoformat()}
    client = token_client(bob)
    created = client.post(f"/api/v1/persons/{woman.uuid}/instruments/schedule/", body, format="json")
    assert created.status_code == 201 and created.json()["instrument"] == "pcl5"
    refused = client.post(f"/api/v1/persons/{toddler.uuid}/instruments/schedule/", body, format="json")
    assert refused.status_code == 400 and "instrument" in refused.json()
    overdue = client.get("/api/v1/instruments/overdue/").json()
    assert overdue == []
