from __future__ import annotations

import pytest

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.reporting.indicators import catalogue

from ..api.conftest import token_client
from ..factories import make_staff

# Exact counts: these tests check what is counted and suppressed, not the noise
# (tests/reporting/test_differencing.py checks that).
pytestmark = pytest.mark.usefixtures("exact_counts")


def analyst_api(programme):
    return token_client(make_staff(Role.ANALYST, programme["west"], username="dana"))


def test_the_catalogue_lists_every_indicator_with_the_rule(programme):
    response = analyst_api(programme).get("/api/v1/indicators/")
    assert response.status_code == 200
    data = response.json()
    assert [i["code"] for i in data["indicators"]] == list(catalogue())
    assert data["threshold"] == 5 and "suppressed" in data["disclosure_rule"]
    assert data["synthetic"] is False


def test_an_indicator_is_served_under_the_same_disclosure_control(programme):
    response = analyst_api(programme).get("/api/v1/indicators/persons/?by=age_band&region=Mangystau")
    assert response.status_code == 200
    table = response.json()["table"]
    assert [line[0] for line in table["cells"]] == [None, None, 0, 12, 0, 0]
    assert table["grand_total"] == 21
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_ref="persons", via="api").exists()


def test_a_two_way_breakdown_is_served(programme):
    data = analyst_api(programme).get("/api/v1/indicators/returnees/?by=sex,age_band").json()
    assert data["table"]["rows"] == ["female", "male", "unknown"]
    assert data["table"]["columns"][:2] == ["0-4", "5-11"]
    assert data["table"]["grand_total"] == 19


def test_it_refuses_a_disaggregation_the_indicator_does_not_allow(programme):
    response = analyst_api(programme).get("/api/v1/indicators/orphans/?by=age_group")
    assert response.status_code == 400
    assert "orphans can be broken down by at most two of" in str(response.json())


def test_an_unknown_indicator_is_404(programme):
    assert analyst_api(programme).get("/api/v1/indicators/nonsense/").status_code == 404


def test_a_case_manager_may_not_read_indicators(programme):
    response = token_client(programme["staff"]).get("/api/v1/indicators/persons/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="report").exists()


def test_an_anonymous_caller_is_refused(client, programme):
    assert client.get("/api/v1/indicators/").status_code in (401, 403)


def test_the_api_filters_by_operation_and_programme(programme, journeys):
    api = analyst_api(programme)
    on_zhusan_2 = api.get("/api/v1/indicators/persons/?operation=Zhusan-2").json()
    assert on_zhusan_2["filters"]["operation"] == "Zhusan-2" and on_zhusan_2["table"]["grand_total"] == 7
    aral = str(journeys["aral"].organisation.uuid)
    by_programme = api.get(f"/api/v1/indicators/persons/?programme={aral}").json()
    assert by_programme["filters"]["programme"] == aral and by_programme["table"]["grand_total"] == 18
    assert api.get("/api/v1/indicators/persons/?programme=not-a-uuid").status_code == 400
