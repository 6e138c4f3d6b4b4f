"""Operations pages: access per role, board, manifest, bulk advance, entry
checklist, import upload/review/merge and reconciliation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhusan.operations import services
from zhusan.operations.models import ManifestEntry, StagedImport, StagedRow
from zhusan.registry.models import Person

from ..factories import make_person
from ..registry.helpers import login
from .helpers import act, approve_and_depart

pytestmark = pytest.mark.django_db


def test_a_teacher_cannot_see_operations(client, teacher, movement):
    login(client, teacher)
    assert client.get(reverse("operations:operation_list")).status_code == 403
    assert client.get(reverse("operations:movement_detail", args=[movement.uuid])).status_code == 403


@pytest.mark.parametrize("persona", ["consul", "manager", "liaison"])
def test_operations_roles_see_the_list(client, request, persona, operation):
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse("operations:operation_list"))
    assert response.status_code == 200
    assert "Zhusan-2" in response.content.decode()


def test_a_case_manager_sees_operations_but_only_their_own_persons_on_the_manifest(client, alice, consul, movement):
    services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul, given="Hidden"))
    login(client, alice)
    response = client.get(reverse("operations:movement_detail", args=[movement.uuid]))
    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()


def test_the_movement_board_counts_and_the_bulk_advance_moves_entries(client, consul, movement):
    entries = [
        services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul, given=n))
        for n in ("Dana", "Aisha")
    ]
    login(client, consul)
    response = client.post(
        reverse("operations:manifest_bulk_advance", args=[movement.uuid]),
        {"to_status": "verified", "entries": [f"{e.uuid}:{e.version}" for e in entries]},
        follow=True,
    )
    assert "2 entries moved" in response.content.decode()
    assert set(ManifestEntry.objects.values_list("status", flat=True)) == {"verified"}
    response = client.post(
        reverse("operations:manifest_bulk_advance", args=[movement.uuid]),
        {"to_status": "cleared", "entries": [f"{e.uuid}:2" for e in entries]},
        follow=True,
    )
    assert "checklist is incomplete" in response.content.decode()
    assert set(ManifestEntry.objects.values_list("status", flat=True)) == {"verified"}
    board = client.get(reverse("operations:movement_detail", args=[movement.uuid])).content.decode()
    assert 'data-status="verified">2<' in board


def test_the_entry_page_shows_the_checklist_and_ticks_an_item(client, consul, movement):
    entry = services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    login(client, consul)
    url = reverse("operations:entry_detail", args=[entry.uuid])
    page = client.get(url).content.decode()
    assert "Travel document issued" in page and "Security clearance" in page
    assert "Record outcome" not in page  # only the security liaison
    client.post(reverse("operations:entry_item", args=[entry.uuid]), {"kind": "medical_fitness", "satisfied": "on"})
    assert entry.clearance_items.get(kind="medical_fitness").satisfied


def test_a_bad_file_is_refused_on_the_page_with_its_row_errors(client, consul, movement):
    login(client, consul)
    upload = SimpleUploadedFile(
        "a.csv", b"family_name,given_name,sex,birth_year\nA,B,Q,1990\n", content_type="text/csv"
    )
    response = client.post(
        reverse("operations:import_upload", args=[movement.uuid]),
        {"file": upload, "lawful_basis": "public_interest"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Row 2, column sex" in response.content.decode()  # on the import's page, once its task has read it
    assert StagedImport.objects.get().status == "refused" and not StagedRow.objects.exists()


def test_a_good_file_is_reviewed_and_merged_through_the_pages(client, consul, movement):
    login(client, consul)
    upload = SimpleUploadedFile(
        "a.csv",
        b"family_name,given_name,sex,birth_year\nSerikova,Dana,F,1990\nSerikova,Dana,F,1990\n",
        content_type="text/csv",
    )
    response = client.post(
        reverse("operations:import_upload", args=[movement.uuid]), {"file": upload, "lawful_basis": "public_interest"}
    )
    staged = StagedImport.objects.get()
    assert response.url == staged.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Same as row 2" in page
    client.post(response.url, {"row-2": "new", "row-3": "skip", "merge": "1"})
    assert Person.objects.count() == 1
    assert ManifestEntry.objects.count() == 1


def test_the_reconciliation_page_flags_who_did_not_board(client, consul, movement):
    services.manifest_add(actor=act(consul), movement=movement, person=make_person(consul))
    approve_and_depart(consul, movement)
    login(client, consul)
    page = client.get(reverse("operations:reconciliation", args=[movement.uuid])).content.decode()
    assert "expected, did not board" in page
