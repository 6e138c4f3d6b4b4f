"""Operation and movement status from the pages and the API: the allowed
moves, the version check, the audit trail, and the roles that may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.operations import services
from zhusan.operations.models import ClearanceKind, Movement, Operation

from ..api.conftest import token_client
from ..factories import make_person
from ..registry.helpers import login
from .helpers import act

pytestmark = pytest.mark.django_db
BASE = "/api/v1/operations"


def _updates(object_type: str) -> int:
    return AuditEvent.objects.filter(action=Action.UPDATE, object_type=object_type).count()


def _denials(object_type: str) -> int:
    return AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type=object_type).count()


def _operation_form(operation: Operation, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": operation.name,
        "status": operation.status,
        "country": operation.country,
        "lead": str(operation.lead.uuid) if operation.lead else "",
        "clearance_kinds": list(operation.clearance_kinds),
        "version": operation.version,
    }
    data.update(changes)
    return data


# --- The pages --------------------------------------------------------------------


def test_the_operation_page_changes_the_status_and_the_change_is_audited(client, consul, operation):
    login(client, consul)
    page = client.get(reverse("operations:operation_detail", args=[operation.uuid])).content.decode()
    assert 'id="operation-update-form"' in page
    response = client.post(
        reverse("operations:operation_update", args=[operation.uuid]),
        _operation_form(operation, status="approved", name="Zhusan 2 (spring)"),
    )
    assert response.status_code == 302
    operation.refresh_from_db()
    assert (operation.status, operation.name, operation.version) == ("approved", "Zhusan 2 (spring)", 2)
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="operation").get()
    assert event.changes["status"] == {"old": "planned", "new": "approved"}
    assert event.via == "ui"


def test_a_move_the_lifecycle_does_not_allow_is_refused_on_the_page_and_nothing_is_written(client, consul, operation):
    login(client, consul)
    response = client.post(
        reverse("operations:operation_update", args=[operation.uuid]), _operation_form(operation, status="completed")
    )
    assert response.status_code == 400
    assert "An operation that is Planned cannot become Completed." in response.content.decode()
    operation.refresh_from_db()
    assert (operation.status, operation.version) == ("planned", 1)
    assert _updates("operation") == 0


def test_a_stale_version_is_refused_on_the_operation_page(client, consul, operation):
    services.operation_update(actor=act(consul), operation=operation, expected_version=1, name="Renamed")
    login(client, consul)
    response = client.post(
        reverse("operations:operation_update", args=[operation.uuid]),
        _operation_form(operation, status="approved", version=1),
    )
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    operation.refresh_from_db()
    assert operation.status == "planned"


def test_a_role_that_may_not_manage_operations_gets_403_and_the_refusal_is_audited(client, liaison, operation):
    login(client, liaison)
    page = client.get(reverse("operations:operation_detail", args=[operation.uuid])).content.decode()
    assert 'id="operation-update-form"' not in page
    response = client.post(
        reverse("operations:operation_update", args=[operation.uuid]), _operation_form(operation, status="approved")
    )
    assert response.status_code == 403
    assert _denials("operation") == 1
    operation.refresh_from_db()
    assert operation.status == "planned"


def test_the_movement_page_moves_the_movement_along_its_lifecycle(client, consul, operation, movement):
    services.operation_update(actor=act(consul), operation=operation, expected_version=1, status="approved")
    login(client, consul)
    url = reverse("operations:movement_detail", args=[movement.uuid])
    page = client.get(url).content.decode()
    form = page.split('id="movement-status-form"', 1)[1].split("</form>", 1)[0]
    assert 'value="under_way"' in form and 'value="arrived"' not in form  # only the allowed moves
    response = client.post(
        reverse("operations:movement_status", args=[movement.uuid]), {"status": "under_way", "version": 1}
    )
    assert response.status_code == 302
    movement.refresh_from_db()
    assert (movement.status, movement.version) == ("under_way", 2)
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="movement").get()
    assert event.changes == {"status": {"old": "planned", "new": "under_way"}}


def test_a_bad_movement_transition_is_refused_on_the_page_and_nothing_is_written(client, consul, movement):
    login(client, consul)
    response = client.post(
        reverse("operations:movement_status", args=[movement.uuid]), {"status": "arrived", "version": 1}
    )
    assert response.status_code == 400
    assert "A movement that is Planned cannot become Arrived." in response.content.decode()
    response = client.post(
        reverse("operations:movement_status", args=[movement.uuid]), {"status": "under_way", "version": 1}
    )
    assert response.status_code == 400
    assert "The operation must be approved before a movement leaves." in response.content.decode()
    movement.refresh_from_db()
    assert (movement.status, movement.version) == ("planned", 1)
    assert _updates("movement") == 0


def test_a_role_that_may_not_manage_operations_cannot_move_a_movement(client, liaison, movement):
    login(client, liaison)
    assert (
        'id="movement-status-form"'
        not in client.get(reverse("operations:movement_detail", args=[movement.uuid])).content.decode()
    )
    response = client.post(
        reverse("operations:movement_status", args=[movement.uuid]), {"status": "cancelled", "version": 1}
    )
    assert response.status_code == 403
    assert _denials("movement") == 1
    movement.refresh_from_db()
    assert movement.status == "planned"


def test_an_operation_completes_only_when_its_movements_are_done(consul, operation, movement):
    services.operation_update(actor=act(consul), operation=operation, expected_version=1, status="approved")
    services.operation_update(actor=act(consul), operation=operation, expected_version=2, status="under_way")
    with pytest.raises(Exception, match="still planned or under way"):
        services.operation_update(actor=act(consul), operation=operation, expected_version=3, status="completed")
    services.movement_set_status(actor=act(consul), movement=movement, status="under_way", expected_version=1)
    services.movement_set_status(actor=act(consul), movement=movement, status="arrived", expected_version=2)
    services.operation_update(actor=act(consul), operation=operation, expected_version=3, status="completed")
    operation.refresh_from_db()
    assert operation.status == "completed"


def test_dropping_a_required_item_is_carried_to_the_open_checklists(consul, operation, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    kinds = [k for k in operation.clearance_kinds if k != ClearanceKind.MEDICAL_FITNESS]
    services.operation_update(actor=act(consul), operation=operation, expected_version=1, clearance_kinds=kinds)
    item = entry.clearance_items.get(kind=ClearanceKind.MEDICAL_FITNESS)
    assert item.required is False
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="clearance_item", object_ref=item.uuid).get()
    assert event.changes == {"required": {"old": True, "new": False}}


# --- The API ----------------------------------------------------------------------


def test_the_api_patches_an_operation_with_its_version(consul, operation):
    api = token_client(consul)
    url = f"{BASE}/{operation.uuid}/"
    read = api.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    assert api.patch(url, {"status": "approved"}, format="json").status_code == 428
    ok = api.patch(url, {"status": "approved"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200, ok.json()
    assert (ok.json()["status"], ok.json()["version"], ok["ETag"]) == ("approved", 2, '"2"')
    stale = api.patch(url, {"name": "Other", "version": 1}, format="json")
    assert stale.status_code == 409
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="operation", via="api").count() == 1


def test_the_api_refuses_a_bad_operation_transition_and_writes_nothing(consul, operation):
    response = token_client(consul).patch(
        f"{BASE}/{operation.uuid}/", {"status": "completed", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "cannot become Completed" in str(response.json()["status"])
    operation.refresh_from_db()
    assert (operation.status, operation.version) == ("planned", 1)
    assert _updates("operation") == 0


def test_the_api_refuses_an_unknown_clearance_item(consul, operation):
    response = token_client(consul).patch(
        f"{BASE}/{operation.uuid}/", {"clearance_kinds": ["telepathy"], "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "clearance_kinds" in response.json()


def test_the_api_moves_a_movement_and_checks_the_version(consul, operation, movement):
    services.operation_update(actor=act(consul), operation=operation, expected_version=1, status="approved")
    api = token_client(consul)
    url = f"{BASE}/movements/{movement.uuid}/status/"
    assert api.post(url, {"status": "under_way"}, format="json").status_code == 428
    bad = api.post(url, {"status": "arrived", "version": 1}, format="json")
    assert bad.status_code == 400 and "cannot become Arrived" in str(bad.json())
    ok = api.post(url, {"status": "under_way", "version": 1}, format="json")
    assert ok.status_code == 200, ok.json()
    assert (ok.json()["status"], ok.json()["version"]) == ("under_way", 2)
    assert api.post(url, {"status": "arrived", "version": 1}, format="json").status_code == 409
    assert Movement.objects.get().status == "under_way"


def test_the_api_refuses_roles_that_may_not_manage_operations_and_audits_it(liaison, operation, movement):
    api = token_client(liaison)
    patch = api.patch(f"{BASE}/{operation.uuid}/", {"status": "approved", "version": 1}, format="json")
    assert patch.status_code == 403
    post = api.post(f"{BASE}/movements/{movement.uuid}/status/", {"status": "cancelled", "version": 1}, format="json")
    assert post.status_code == 403
    assert (_denials("operation"), _denials("movement")) == (1, 1)
    assert Operation.objects.get().status == "planned" and Movement.objects.get().status == "planned"
