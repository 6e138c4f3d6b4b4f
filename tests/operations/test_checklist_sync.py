"""The checklist is derived by an audited write, never on a GET."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhusan.audit.models import Action, AuditEvent
from zhusan.operations import services
from zhusan.operations.models import ClearanceItem, ClearanceKind

from ..factories import make_person
from ..registry.helpers import login
from .helpers import act, give_consent

pytestmark = pytest.mark.django_db
READS = (Action.VIEW, Action.LIST, Action.SEARCH)


def _writes() -> tuple[list[tuple[object, ...]], int]:
    items = list(ClearanceItem.objects.order_by("pk").values_list("pk", "satisfied", "derived", "required", "at"))
    return items, AuditEvent.objects.exclude(action__in=READS).count()


def test_a_get_of_the_entry_page_writes_nothing_even_when_the_registry_has_news(client, consul, movement):
    person = make_person(consul)
    entry = services.manifest_add(actor=act(consul), movement=movement, person=person)
    give_consent(consul, person)  # the consent item is now out of date
    login(client, consul)
    before = _writes()
    page = client.get(reverse("operations:entry_detail", args=[entry.uuid])).content.decode()
    assert _writes() == before
    assert 'id="checklist-pending"' in page and "Update from the registry" in page
    assert not entry.clearance_items.get(kind=ClearanceKind.CONSENT).satisfied

    response = client.post(reverse("operations:entry_sync", args=[entry.uuid]))
    assert response.status_code == 302
    consent = entry.clearance_items.get(kind=ClearanceKind.CONSENT)
    assert consent.satisfied and consent.derived
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="clearance_item", object_ref=consent.uuid).get()
    assert event.changes["satisfied"] == {"old": False, "new": True}
    assert event.detail["derived"] is True and event.via == "ui"
    page = client.get(reverse("operations:entry_detail", args=[entry.uuid])).content.decode()
    assert 'id="checklist-pending"' not in page


def test_items_appear_after_adding_an_entry_through_the_page_and_each_is_audited(client, consul, movement):
    person = make_person(consul)
    login(client, consul)
    client.post(reverse("operations:manifest_add", args=[movement.uuid]), {"person": str(person.uuid)})
    entry = person.manifest_entries.get()
    kinds = set(entry.clearance_items.values_list("kind", flat=True))
    assert kinds == set(ClearanceKind.values)
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="clearance_item")
    assert created.count() == len(kinds)
    assert {e.person_ref for e in created} == {str(person.uuid)}
    page = client.get(reverse("operations:entry_detail", args=[entry.uuid])).content.decode()
    assert "Travel document issued" in page and 'id="checklist-pending"' not in page


def test_an_entry_without_items_gets_them_on_the_first_post_not_on_a_get(client, consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    entry.clearance_items.all().delete()  # as rows written before the checklist existed
    login(client, consul)
    before = _writes()
    page = client.get(reverse("operations:entry_detail", args=[entry.uuid])).content.decode()
    assert _writes() == before and 'id="checklist-pending"' in page
    client.post(reverse("operations:entry_item", args=[entry.uuid]), {"kind": "medical_fitness", "satisfied": "on"})
    assert entry.clearance_items.count() == len(ClearanceKind.values)
    assert entry.clearance_items.get(kind="medical_fitness").satisfied


def test_a_role_without_manage_operations_cannot_sync_and_is_audited(client, liaison, consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    login(client, liaison)
    assert client.post(reverse("operations:entry_sync", args=[entry.uuid])).status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="clearance_item").count() == 1
