"""/api/v1/operations/: capability checks, scope, stale versions, clearance, reconciliation."""

from __future__ import annotations

import pytest

from zhusan.operations import services
from zhusan.operations.models import ManifestEntry

from ..api.conftest import token_client
from ..factories import make_person
from .helpers import act

pytestmark = pytest.mark.django_db
BASE = "/api/v1/operations"


def test_a_teacher_gets_403_and_a_consul_lists_operations(teacher, consul, operation):
    assert token_client(teacher).get(f"{BASE}/").status_code == 403
    response = token_client(consul).get(f"{BASE}/")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["Zhusan-2"]


def test_an_entry_is_added_and_advanced_and_a_stale_version_answers_409(consul, movement):
    person = make_person(consul)
    api = token_client(consul)
    created = api.post(f"{BASE}/movements/{movement.uuid}/entries/", {"person": str(person.uuid)}, format="json")
    assert created.status_code == 201, created.json()
    entry_uuid = created.json()["uuid"]
    url = f"{BASE}/entries/{entry_uuid}/advance/"
    ok = api.post(url, {"to_status": "verified", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "verified"
    stale = api.post(url, {"to_status": "cleared", "version": 1}, format="json")
    assert stale.status_code == 409
    gated = api.post(url, {"to_status": "cleared", "version": 2}, format="json")
    assert gated.status_code == 400
    assert "checklist is incomplete" in str(gated.json())
    assert ManifestEntry.objects.get().status == "verified"


def test_only_the_liaison_records_security_clearance_through_the_api(consul, liaison, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    url = f"{BASE}/entries/{entry.uuid}/clearance/"
    body = {"kind": "security_clearance", "outcome": "cleared"}
    assert token_client(consul).post(url, body, format="json").status_code == 403
    response = token_client(liaison).post(url, body, format="json")
    assert response.status_code == 200
    items = {i["kind"]: i for i in response.json()["clearance_items"]}
    assert items["security_clearance"]["satisfied"] is True


def test_reconciliation_through_the_api(consul, movement):
    services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    response = token_client(consul).get(f"{BASE}/movements/{movement.uuid}/reconciliation/")
    assert response.status_code == 200
    assert response.json()["expected"] == {"total": 1, "by_sex": {"female": 1}, "by_age_group": {"18-59": 1}}


def test_an_entry_outside_the_readers_scope_is_404(alice, consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    assert token_client(alice).get(f"{BASE}/entries/{entry.uuid}/").status_code == 404
