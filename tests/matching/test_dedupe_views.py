"""Deduplicating an uploaded list from the UI: clusters as a table or as
formula-safe CSV, for reviewers only, audited, nothing kept."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.matching import views

from ..factories import make_staff
from ..registry.helpers import login
from .test_dedupe_command import CAMP_LIST

pytestmark = pytest.mark.django_db


def _upload(text: str | bytes, name: str = "camp.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_reviewer_uploads_a_list_and_sees_its_clusters(client: Client, alice) -> None:
    login(client, alice)
    assert client.get(reverse("matching:dedupe")).status_code == 200
    response = client.post(reverse("matching:dedupe"), {"upload": _upload(CAMP_LIST), "action": "show"})
    assert response.status_code == 200
    rows = response.context["rows"]
    clusters: dict[int, set[str]] = {}
    for r in rows:
        clusters.setdefault(r["cluster"], set()).add(r["id"])
    assert sorted(map(sorted, clusters.values())) == [["C1", "C4"], ["C2", "C5"]]
    page = response.content.decode()
    assert "camp.csv: 2 persons listed more than once (4 of 6 rows)." in page
    assert "Жусупова" in page and "same date of birth" in page
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="linkage")
    assert event.detail["kind"] == "dedupe" and event.detail["clusters"] == 2 and event.detail["records"] == 6


def test_the_clusters_download_as_formula_safe_csv_and_the_export_is_audited(client: Client, alice) -> None:
    login(client, alice)
    text = CAMP_LIST.replace("C1,Zhusupova", "C1,=HYPERLINK(1)").replace("C4,Жусупова", "C4,=HYPERLINK(1)")
    response = client.post(reverse("matching:dedupe"), {"upload": _upload(text), "action": "download"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["id"] for r in rows} == {"C1", "C2", "C4", "C5"}
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="linkage", detail__output="csv").exists()


def test_a_role_without_linkage_is_refused_and_nothing_is_read(client: Client, centre_unit) -> None:
    login(client, make_staff(Role.TEACHER, centre_unit))
    assert client.get(reverse("matching:dedupe")).status_code == 403
    response = client.post(reverse("matching:dedupe"), {"upload": _upload(CAMP_LIST), "action": "download"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(object_type="linkage").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_upload(b"%PDF-1.4", "list.pdf"), "use a .csv or .xlsx file"),
        (_upload(b"Colour,Size\nred,3\n"), "no name column"),
        (_upload("Surname;Given\nИванов;Юсуф\n".encode("cp1251")), "not UTF-8"),
    ],
)
def test_a_malformed_file_is_refused_on_the_form(client: Client, alice, upload, message: str) -> None:
    login(client, alice)
    response = client.post(reverse("matching:dedupe"), {"upload": upload, "action": "show"})
    assert response.status_code == 200 and "rows" not in response.context
    assert message in " ".join(response.context["form"].errors["upload"])
    assert not AuditEvent.objects.filter(object_type="linkage").exists()


def test_a_list_longer_than_the_limit_is_refused_with_the_limit(
    client: Client, alice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "DEDUPE_MAX_ROWS", 5)
    login(client, alice)
    response = client.post(reverse("matching:dedupe"), {"upload": _upload(CAMP_LIST), "action": "show"})
    errors = " ".join(response.context["form"].errors["upload"])
    assert "camp.csv has 6 rows; at most 5 rows can be deduplicated here" in errors


def test_the_page_runs_a_bounded_number_of_queries(client: Client, alice, django_assert_max_num_queries) -> None:
    login(client, alice)
    with django_assert_max_num_queries(12):
        client.post(reverse("matching:dedupe"), {"upload": _upload(CAMP_LIST), "action": "show"})
