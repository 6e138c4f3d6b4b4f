"""The rehabilitation API: the same rules, fields and refusals as the pages."""

from __future__ import annotations

import pytest

from zhusan.registry.models import Stage
from zhusan.rehabilitation.models import Admission, KeyWorker

from ..api.conftest import token_client
from .conftest import admit, days_ago

pytestmark = pytest.mark.django_db

BASE = "/api/v1/rehabilitation"


def test_it_admits_a_mother_and_her_toddler(case_manager, centre, family_room, mother, toddler):
    api = token_client(case_manager)
    response = api.post(
        f"{BASE}/centres/{centre.uuid}/admissions/",
        {
            "admitted_on": days_ago(1).isoformat(),
            "residents": [
                {"person": str(mother.uuid), "room": str(family_room.uuid), "prefers_female_professional": True},
                {"person": str(toddler.uuid), "room": str(family_room.uuid)},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert {a["case_number"] for a in response.json()} == {mother.case_number, toddler.case_number}
    mother.refresh_from_db()
    assert mother.stage == Stage.IN_REHABILITATION


def test_a_full_room_is_a_400_with_the_field_and_nothing_written(case_manager, registrar, centre, single_room, mother):
    admit(case_manager, centre, (mother, single_room))
    from .conftest import returnee

    other = returnee(registrar, given="Saule")
    response = token_client(case_manager).post(
        f"{BASE}/centres/{centre.uuid}/admissions/",
        {
            "admitted_on": days_ago(1).isoformat(),
            "residents": [{"person": str(other.uuid), "room": str(single_room.uuid)}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "is full" in response.json()["room"][0]
    assert Admission.objects.count() == 1


def test_discharge_before_admission_is_a_400(case_manager, centre, womens_room, mother):
    [admission] = admit(case_manager, centre, (mother, womens_room))
    response = token_client(case_manager).post(
        f"{BASE}/admissions/{admission.uuid}/discharge/",
        {"discharged_on": days_ago(30).isoformat(), "destination": "relatives", "summary": "x", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "before the admission" in response.json()["discharged_on"][0]


def test_the_occupancy_hides_who_sleeps_where_from_a_psychologist(
    case_manager, bob_in_home, centre, womens_room, mother
):
    admit(case_manager, centre, (mother, womens_room))
    own = token_client(case_manager).get(f"{BASE}/centres/{centre.uuid}/occupancy/").json()
    theirs = token_client(bob_in_home).get(f"{BASE}/centres/{centre.uuid}/occupancy/").json()
    room = next(r for r in own["rooms"] if r["room"]["name"] == "Women's room")
    assert room["residents"][0]["case_number"] == mother.case_number
    room = next(r for r in theirs["rooms"] if r["room"]["name"] == "Women's room")
    assert room["residents"] == [{"person": None, "case_number": None, "admitted_on": None}]
    assert theirs["occupied"] == 1


def test_the_person_resource_gives_the_room_only_to_readers_of_location(
    case_manager, bob_in_home, centre, womens_room, mother
):
    admit(case_manager, centre, (mother, womens_room))
    url = f"/api/v1/persons/{mother.uuid}/rehabilitation/"
    assert token_client(case_manager).get(url).json()["admissions"][0]["room_name"] == "Women's room"
    body = token_client(bob_in_home).get(url).json()
    assert body["admissions"][0]["room_name"] is None
    assert body["admissions"][0]["length_of_stay_days"] == 10


def test_a_key_worker_over_the_limit_needs_approval(
    social_worker, case_manager, registrar, centre, womens_room, female_psychologist
):
    from .conftest import returnee

    centre.caseload_limits = {"psychologist": 1}
    centre.save()
    first, second = returnee(registrar, given="Saule"), returnee(registrar, given="Gulnara")
    admit(case_manager, centre, (first, womens_room))
    admit(case_manager, centre, (second, womens_room))
    body = {"user": str(female_psychologist.uuid), "discipline": "psychologist", "started_on": days_ago(1).isoformat()}
    assert (
        token_client(social_worker).post(f"{BASE}/persons/{first.uuid}/key-workers/", body, format="json").status_code
        == 201
    )
    refused = token_client(social_worker).post(f"{BASE}/persons/{second.uuid}/key-workers/", body, format="json")
    assert refused.status_code == 400 and "limit 1" in refused.json()["user"][0]
    body["reason"] = "Only Russian-speaking psychologist this week."
    assert (
        token_client(case_manager).post(f"{BASE}/persons/{second.uuid}/key-workers/", body, format="json").status_code
        == 201
    )
    assert KeyWorker.objects.filter(over_limit=True).count() == 1
    load = token_client(case_manager).get(f"{BASE}/centres/{centre.uuid}/caseloads/?discipline=psychologist").json()
    dana = next(x for x in load if x["user"] == str(female_psychologist.uuid))
    assert dana["count"] == 2 and dana["over_limit"] is True


def test_the_schema_stays_valid(client, case_manager):
    response = token_client(case_manager).get("/api/schema/")
    assert response.status_code == 200
