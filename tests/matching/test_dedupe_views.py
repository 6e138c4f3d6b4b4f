"""Deduplicating an uploaded list from the UI: clusters as a table or as
formula-safe CSV, for reviewers only, audited, nothing kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

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
    with django_assert_max_num_queries(13):  # PostgreSQL takes the audit chain's advisory lock: one more
        client.post(reverse("matching:dedupe"), {"upload": _upload(CAMP_LIST), "action": "show"})


# --- A linkage job's records that need review -------------------------------------------

REGISTRY_NAMESAKES = """ID,Фамилия,Имя,Дата рождения,Пол
R1,Жусупова,Айша,14.03.1990,ж
R2,Иванова,Мариям,1992,ж
R3,Иванова,Мариям,1992,ж
"""
LIST_TO_REVIEW = """Ref,Surname,First name,DOB,Sex
L1,Zhusupova,Aisha,1990-03-14,F
L2,Ivanova,Mariyam,1992,F
"""


def _pairs_file_with_review(left: list[dict[str, object]], right: list[dict[str, object]]) -> str:
    """The pairs file as ``link_to_csv`` writes it once it reviews (the
    wiring asked of zhusan.matching.jobs): its columns, plus ``decision``,
    ``candidate`` and ``review_reason`` from zhusan.engine.link.review_plan."""
    from zhusan.core.tabular_out import csv_writer
    from zhusan.engine.engines import LABELS, link_records
    from zhusan.engine.link import REVIEW_FLOOR, review, review_plan
    from zhusan.engine.persons import person_columns
    from zhusan.matching.jobs import SHOWN

    pairs = link_records(left, right, all_pairs=True, threshold=REVIEW_FLOOR)
    lcols, rcols = person_columns(left), person_columns(right)
    decisions = review(
        pairs.left, pairs.right, pairs.probability, pairs.weight, pairs.evidence,
        left_given=lcols["given"], right_given=rcols["given"],
    )  # fmt: skip
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["left_row", "left_id", "right_row", "right_id", "match_probability", "match_weight"]
        + [f"left_{k}" for k in SHOWN]
        + [f"right_{k}" for k in SHOWN]
        + [f"evidence: {label}" for label in LABELS]
        + ["decision", "candidate", "review_reason"]
    )
    for k, decision, rank, reasons in review_plan(decisions):
        i, j = int(pairs.left[k]), int(pairs.right[k])
        writer.writerow(
            [i + 2, left[i].get("id") or "", j + 2, right[j].get("id") or ""]
            + [f"{pairs.probability[k]:.4f}", f"{pairs.weight[k]:.2f}"]
            + [str(lcols[c][i] or "") for c in SHOWN]
            + [str(rcols[c][j] or "") for c in SHOWN]
            + [f"{e.level} ({e.weight:+.2f})" for e in pairs.evidence[k]]
            + [decision, rank, reasons]
        )
    return out.getvalue()


def _finished_job(client: Client, result: str | None = None):
    from zhusan.matching.models import LinkageJob, LinkageMode

    client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.TWO_FILES,
            "left": _upload(LIST_TO_REVIEW, "list.csv"),
            "right": _upload(REGISTRY_NAMESAKES, "reg.csv"),
        },
    )
    job = LinkageJob.objects.get()
    if result is not None:
        job.result = result
        job.save(update_fields=["result"])
    return job


def test_a_linkage_jobs_namesakes_are_shown_for_review_with_their_candidates(client: Client, alice) -> None:
    from zhusan.engine.io import read_person_file

    login(client, alice)
    with TemporaryDirectory() as tmp:
        left_path, right_path = Path(tmp) / "list.csv", Path(tmp) / "reg.csv"
        left_path.write_text(LIST_TO_REVIEW, encoding="utf-8")
        right_path.write_text(REGISTRY_NAMESAKES, encoding="utf-8")
        left, right = read_person_file(left_path).records, read_person_file(right_path).records
    job = _finished_job(client, _pairs_file_with_review(left, right))
    response = client.get(reverse("matching:linkage_review", args=[job.uuid]))
    assert response.status_code == 200
    records = response.context["records"]
    assert [r["id"] for r in records] == ["L2"]  # Aisha is linked; Mariyam has two namesakes
    assert sorted(c["id"] for c in records[0]["candidates"]) == ["R2", "R3"]
    page = response.content.decode()
    assert "several candidates match on their own; none is clearly the one" in page
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="linkage_job", object_ref=str(job.uuid)).exists()


def test_a_linkage_job_itself_writes_its_namesakes_for_review_and_links_the_rest(client: Client, alice) -> None:
    login(client, alice)
    job = _finished_job(client)
    response = client.get(reverse("matching:linkage_review", args=[job.uuid]))
    assert response.status_code == 200 and response.context["total"] == 1
    assert [r["id"] for r in response.context["records"]] == ["L2"]


def test_the_review_is_its_creators_alone_and_refused_to_a_role_without_linkage(
    client: Client, alice, centre_unit
) -> None:
    login(client, alice)
    job = _finished_job(client)
    login(client, make_staff(Role.CASE_MANAGER, centre_unit, username="another-reviewer"))
    assert client.get(reverse("matching:linkage_review", args=[job.uuid])).status_code == 404
    login(client, make_staff(Role.TEACHER, centre_unit, username="a-teacher"))
    assert client.get(reverse("matching:linkage_review", args=[job.uuid])).status_code == 403


def test_the_review_page_runs_a_bounded_number_of_queries(client: Client, alice, django_assert_max_num_queries) -> None:
    login(client, alice)
    job = _finished_job(client)
    with django_assert_max_num_queries(15):
        client.get(reverse("matching:linkage_review", args=[job.uuid]))
