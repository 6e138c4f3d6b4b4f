"""Staged manifest imports: good files merged, bad files refused whole,
duplicates flagged, formulas kept as text, type and size checked; staging
and merging are tasks with progress, decided for all rows at once and page
by page, failed visibly and run again after a dead worker."""

from __future__ import annotations

import io
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from zhusan.operations import imports
from zhusan.operations.imports import ImportRefusedError
from zhusan.operations.models import ImportStatus, ManifestEntry, RowDecision, StagedImport, StagedRow
from zhusan.registry.models import Person

from ..factories import make_person
from ..registry.helpers import login
from .helpers import act

pytestmark = pytest.mark.django_db

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "family_name,given_name,sex,birth_year,travel_group\n"


def csv_file(body: str, name: str = "alhol.csv", content_type: str = CSV_TYPE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode("utf-8"), content_type=content_type)


def xlsx_file(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["family_name", "given_name", "sex", "birth_year", "travel_group"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roj.xlsx", out.getvalue(), content_type=XLSX_TYPE)


def stage(consul, movement, upload):
    return imports.import_stage(actor=act(consul), movement=movement, upload=upload, lawful_basis="public_interest")


def test_a_good_csv_is_staged_reviewed_and_merged_in_one_go(consul, movement):
    existing = make_person(consul, given="Dana", family="Serikova", birth_year=1992)
    staged = stage(
        consul,
        movement,
        csv_file("Serikova,Dana,F,1992,A\nСерикова,Айша,female,2017,A\nTokhtarov,Ali,M,2015,B\n"),
    )
    rows = list(staged.rows.all())
    assert [r.row_number for r in rows] == [2, 3, 4]
    assert rows[0].decision == RowDecision.EXISTING and rows[0].matched_person == existing
    assert rows[1].decision == RowDecision.NEW
    staged = imports.import_merge(actor=act(consul), staged=staged)
    assert ManifestEntry.objects.filter(movement=movement).count() == 3
    assert Person.objects.count() == 3
    assert set(ManifestEntry.objects.values_list("travel_group", flat=True)) == {"A", "B"}
    assert Person.objects.filter(names__family="Серикова", names__script="cyrillic").exists()
    staged.refresh_from_db()
    assert staged.status == "merged"


def test_a_file_with_row_errors_is_refused_whole_and_nothing_is_staged(consul, movement):
    staged = stage(consul, movement, csv_file("Serikova,Dana,F,1992,A\n,,F,1990,A\nTokhtarov,Ali,X,20x5,B\n"))
    messages = staged.errors
    assert staged.status == ImportStatus.REFUSED
    assert "Row 3, column family_name: A name is required." in messages
    assert "Row 4, column sex: Use female, male or unknown." in messages
    assert any(m.startswith("Row 4, column birth_year") for m in messages)
    assert staged.upload == b""  # the refused file is not kept
    assert StagedRow.objects.count() == 0
    assert Person.objects.count() == 0


def test_duplicate_rows_in_the_file_are_flagged_and_skipped(consul, movement):
    staged = stage(consul, movement, csv_file("Serikova,Dana,F,1992,A\nSERIKOVA,dana,F,1992,A\n"))
    first, second = staged.rows.all()
    assert first.duplicate_of_row is None
    assert (second.duplicate_of_row, second.decision) == (2, RowDecision.SKIP)
    imports.import_merge(actor=act(consul), staged=staged)
    assert ManifestEntry.objects.count() == 1


def test_a_fuzzy_match_is_suggested_but_not_chosen(consul, movement):
    similar = make_person(consul, given="Aigerim", family="Zhusupova", birth_year=1990)
    staged = stage(consul, movement, csv_file("Zhussupova,Aigerim,F,1991,A\n"))
    row = staged.rows.get()
    assert [s["uuid"] for s in row.suggestions] == [str(similar.uuid)]
    assert row.decision == RowDecision.NEW
    imports.import_row_decide(actor=act(consul), row=row, decision="existing", person=similar)
    imports.import_merge(actor=act(consul), staged=staged)
    assert Person.objects.count() == 1


def test_a_formula_cell_is_stored_as_text_and_never_evaluated(consul, movement):
    staged = stage(consul, movement, xlsx_file([["Serikova", "Dana", "F", 1992, "=cmd|' /C calc'!A0"]]))
    row = staged.rows.get()
    assert row.data["travel_group"] == "=cmd|' /C calc'!A0"
    assert row.data["birth_year"] == "1992"


def test_an_oversized_file_is_refused(consul, movement):
    big = SimpleUploadedFile("big.csv", b"a" * (imports.MAX_BYTES + 1), content_type=CSV_TYPE)
    with pytest.raises(ImportRefusedError, match="larger than 5 MB"):
        stage(consul, movement, big)
    assert StagedImport.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("list.exe", b"MZ", "application/octet-stream", "Only .csv and .xlsx"),
        ("list.xlsx", b"family_name\n", XLSX_TYPE, "contents do not match"),
        ("list.csv", b"PK\x03\x04", CSV_TYPE, "contents do not match"),
        ("list.csv", b"a,b\n", "image/png", "does not match its name"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(consul, movement, name, content, content_type, message):
    with pytest.raises(ImportRefusedError, match=message):
        stage(consul, movement, SimpleUploadedFile(name, content, content_type=content_type))
    assert StagedImport.objects.count() == 0


def test_a_merge_that_fails_on_one_row_writes_nothing(consul, movement):
    person = make_person(consul, given="Dana", family="Serikova", birth_year=1992)
    staged = stage(consul, movement, csv_file("Serikova,Dana,F,1992,A\nTokhtarov,Ali,M,2015,B\n"))
    from zhusan.operations import services

    services.manifest_add(actor=act(consul), movement=movement, person=person)  # already there
    staged = imports.import_merge(actor=act(consul), staged=staged)
    assert Person.objects.count() == 1
    assert ManifestEntry.objects.count() == 1
    assert staged.status == "staged"  # back to review, with the reason
    assert any(e.startswith("Row 2") for e in staged.errors)


def test_a_teacher_cannot_import(teacher, movement):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        stage(teacher, movement, csv_file("Serikova,Dana,F,1992,A\n"))


def test_a_camp_list_with_russian_headers_and_sex_words_is_staged_and_merged(consul, movement):
    """The one reader (zhusan.engine.tabular), as `zhusan link` reads it:
    semicolons, Russian headers, "жен"/"муж." in the sex column."""
    body = "Фамилия;Имя;Пол;Год рождения;Группа\nСерикова;Айша;жен;2017;A\nТохтаров;Али;муж.;2015;A\nОмарова;Дана;әйел;1990;B\n"
    upload = SimpleUploadedFile("camp.csv", body.encode("utf-8"), content_type=CSV_TYPE)
    staged = stage(consul, movement, upload)
    rows = list(staged.rows.order_by("row_number"))
    assert [r.data["sex"] for r in rows] == ["female", "male", "female"]
    assert rows[0].data["family_name"] == "Серикова" and rows[0].data["travel_group"] == "A"
    imports.import_merge(actor=act(consul), staged=staged)
    assert sorted(Person.objects.values_list("sex", flat=True)) == ["female", "female", "male"]


def test_a_camp_workbook_with_an_arabic_sex_word_is_staged(consul, movement):
    staged = stage(consul, movement, xlsx_file([["Omarova", "Dana", "أنثى", 1990.0, "B"]]))
    row = staged.rows.get()
    assert (row.data["sex"], row.data["birth_year"]) == ("female", "1990")


# --- Jobs that survive failure ----------------------------------------------------------


def _rows(n: int, start: int = 0) -> str:
    return "".join(f"Family{letters(i)},Given{letters(i)},F,1990,A\n" for i in range(start, start + n))


def letters(i: int) -> str:
    """A name part per number, in letters only (names refuse digits)."""
    out = ""
    for _ in range(3):
        i, d = divmod(i, 26)
        out += chr(ord("a") + d)
    return out


def test_staging_is_a_task_that_notes_its_progress_and_keeps_no_file(consul, movement):
    staged = stage(consul, movement, csv_file(_rows(3)))
    assert staged.status == ImportStatus.STAGED and staged.progress == 100 and "3 rows staged" in staged.message
    assert staged.task_id and staged.worker and staged.upload == b""


def test_a_programme_manager_stages_and_merges_through_the_pages(client, manager, movement):
    login(client, manager)
    response = client.post(
        reverse("operations:import_upload", args=[movement.uuid]),
        {"file": csv_file(_rows(2)), "lawful_basis": "public_interest"},
    )
    staged = StagedImport.objects.get()
    client.post(response.url, {"merge": "1"})
    staged.refresh_from_db()
    assert staged.status == ImportStatus.MERGED and ManifestEntry.objects.filter(movement=movement).count() == 2


def test_the_review_page_shows_one_page_of_rows_and_decides_for_all_in_one_action(client, consul, movement):
    for i in range(3):
        make_person(consul, given=f"Given{letters(i)}", family=f"Family{letters(i)}", birth_year=1990)
    staged = stage(consul, movement, csv_file(_rows(120)))
    login(client, consul)
    page = client.get(staged.get_absolute_url()).content.decode()
    assert page.count('<select id="row-') == 50 and "Page 1 of 3" in page
    client.post(staged.get_absolute_url(), {"register_new": "1"})
    assert not staged.rows.exclude(decision=RowDecision.NEW).exists()
    client.post(staged.get_absolute_url(), {"accept_suggestions": "1"})
    suggested = [r for r in staged.rows.all() if r.suggestions]
    assert len(suggested) >= 3 and staged.rows.filter(decision=RowDecision.EXISTING).count() == len(suggested)
    assert all(r.matched_person.uuid.hex == r.suggestions[0]["uuid"].replace("-", "") for r in suggested)
    client.post(staged.get_absolute_url(), {"register_new": "1"})
    # An override on page 3 touches that page's rows only.
    row = staged.rows.get(row_number=121)
    client.post(f"{staged.get_absolute_url()}?page=3", {f"row-{row.row_number}": "skip", "save": "1"})
    row.refresh_from_db()
    assert row.decision == RowDecision.SKIP and staged.rows.filter(decision=RowDecision.SKIP).count() == 1
    client.post(staged.get_absolute_url(), {"merge": "1"})
    staged.refresh_from_db()
    assert staged.status == ImportStatus.MERGED
    assert ManifestEntry.objects.filter(movement=movement).count() == 119 and Person.objects.count() == 3 + 119


def _killed(staged: StagedImport, status: str) -> None:
    StagedImport.objects.filter(pk=staged.pk).update(
        status=status, task_id="gone", worker=f"{socket.gethostname()}:{2**22 + 54321}", heartbeat_at=timezone.now()
    )


def test_a_staging_whose_worker_died_is_failed_and_runs_again_from_the_start(client, consul, movement):
    staged = stage(consul, movement, csv_file(_rows(2)))
    StagedImport.objects.filter(pk=staged.pk).update(upload=(HEADER + _rows(4)).encode())
    _killed(staged, ImportStatus.STAGING)
    login(client, consul)
    page = client.get(staged.get_absolute_url()).content.decode()
    staged.refresh_from_db()
    assert staged.status == ImportStatus.FAILED and "worker process" in staged.message and "Run again" in page
    client.post(staged.get_absolute_url(), {"run_again": "1"})
    staged.refresh_from_db()
    assert staged.status == ImportStatus.STAGED and staged.rows.count() == 4  # replaced, never doubled


def test_a_merge_whose_worker_died_is_failed_and_merges_when_run_again(client, consul, movement):
    staged = stage(consul, movement, csv_file(_rows(2)))
    _killed(staged, ImportStatus.MERGING)
    login(client, consul)
    client.get(staged.get_absolute_url())
    staged.refresh_from_db()
    assert staged.status == ImportStatus.FAILED and "Nothing was written" in staged.message
    client.post(staged.get_absolute_url(), {"run_again": "1"})
    staged.refresh_from_db()
    assert staged.status == ImportStatus.MERGED and ManifestEntry.objects.filter(movement=movement).count() == 2


def test_a_page_refreshes_itself_while_a_task_runs(client, consul, movement):
    staged = stage(consul, movement, csv_file(_rows(1)))
    StagedImport.objects.filter(pk=staged.pk).update(status=ImportStatus.MERGING, heartbeat_at=timezone.now())
    login(client, consul)
    page = client.get(staged.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page


def test_a_task_of_an_earlier_run_stages_nothing(consul, movement):
    staged = stage(consul, movement, csv_file(_rows(2)))
    StagedImport.objects.filter(pk=staged.pk).update(
        status=ImportStatus.STAGING, task_id="new-run", upload=(HEADER + _rows(5)).encode()
    )
    imports.stage_rows(str(staged.uuid), "old-run", act(consul))
    assert staged.rows.count() == 2
