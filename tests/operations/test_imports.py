"""Staged manifest imports: good files merged, bad files refused whole,
duplicates flagged, formulas kept as text, type and size checked."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhusan.operations import imports
from zhusan.operations.imports import ImportRefusedError
from zhusan.operations.models import ManifestEntry, RowDecision, StagedImport, StagedRow
from zhusan.registry.models import Person

from ..factories import make_person
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
    entries = imports.import_merge(actor=act(consul), staged=staged)
    assert len(entries) == 3
    assert Person.objects.count() == 3
    assert set(ManifestEntry.objects.values_list("travel_group", flat=True)) == {"A", "B"}
    assert Person.objects.filter(names__family="Серикова", names__script="cyrillic").exists()
    staged.refresh_from_db()
    assert staged.status == "merged"


def test_a_file_with_row_errors_is_refused_whole_and_nothing_is_written(consul, movement):
    with pytest.raises(ImportRefusedError) as exc:
        stage(consul, movement, csv_file("Serikova,Dana,F,1992,A\n,,F,1990,A\nTokhtarov,Ali,X,20x5,B\n"))
    messages = exc.value.messages
    assert "Row 3, column family_name: A name is required." in messages
    assert "Row 4, column sex: Use female, male or unknown." in messages
    assert any(m.startswith("Row 4, column birth_year") for m in messages)
    assert StagedImport.objects.count() == 0
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
    staged = stage(consul, movement, xlsx_file([["=cmd|' /C calc'!A0", "Dana", "F", 1992, "=1+1"]]))
    row = staged.rows.get()
    assert row.data["family_name"] == "=cmd|' /C calc'!A0"
    assert row.data["travel_group"] == "=1+1"
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
    with pytest.raises(ImportRefusedError, match="Row 2"):
        imports.import_merge(actor=act(consul), staged=staged)
    assert Person.objects.count() == 1
    assert ManifestEntry.objects.count() == 1
    staged.refresh_from_db()
    assert staged.status == "staged"


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
