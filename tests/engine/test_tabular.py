"""The one CSV/XLSX reader and the shared value normalisers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from zhusan.engine.io import read_person_file
from zhusan.engine.persons import person_columns
from zhusan.engine.tabular import (
    TableError,
    cell_text,
    header_key,
    normalise_sex,
    read_table,
    recognise_headers,
)

CAMP_LIST = "Фамилия;Имя;Год рождения;Пол\nЖүсіпова;Айша;1990;жен\nИванов;Юсуф;1985;муж.\nСарсенова;Дана;2001;әйел\n"


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("F", "female"), ("female", "female"), ("жен", "female"), ("Жен.", "female"), ("женский", "female"),
        ("Ж", "female"), ("әйел", "female"), ("أنثى", "female"), ("انثى", "female"),
        ("m", "male"), ("Male", "male"), ("муж", "male"), ("мужской", "male"), ("М.", "male"), ("ер", "male"),
        ("ذكر", "male"),
        ("ayol", "female"), ("Аёл", "female"), ("зан", "female"), ("аял", "female"), ("qiz", "female"),
        ("erkak", "male"), ("Эркак", "male"), ("мард", "male"), ("эркек", "male"),
        ("u", "unknown"), ("Unknown", "unknown"), ("неизвестно", "unknown"), ("белгісіз", "unknown"),
        ("noma’lum", "unknown"), ("nomaʻlum", "unknown"),
        ("", None), ("yes", None), ("2", None),
    ],
)  # fmt: skip
def test_sex_is_read_in_english_russian_kazakh_uzbek_kyrgyz_tajik_and_arabic(value: str, sex: str | None) -> None:
    assert normalise_sex(value) == sex


def test_a_csv_delimiter_is_sniffed_and_a_byte_order_mark_dropped() -> None:
    table = read_table(("\ufeff" + CAMP_LIST).encode(), "csv")
    assert table.header == ["Фамилия", "Имя", "Год рождения", "Пол"]
    assert table.rows[0] == ["Жүсіпова", "Айша", "1990", "жен"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"a,b\n\x00\x01", "binary"), ("имя\nАйша\n".encode("cp1251"), "encoding"), (b"\n\n", "empty")],
)
def test_an_unreadable_csv_says_why(data: bytes, kind: str) -> None:
    with pytest.raises(TableError) as exc:
        read_table(data, "csv")
    assert exc.value.kind == kind


def test_xlsx_keeps_formulas_as_text_and_whole_numbers_without_a_decimal_point() -> None:
    table = read_table(_xlsx([["family", "year", "calc"], ["Ivanov", 1985.0, "=1+1"], [None, None, None]]), "xlsx")
    assert table.header == ["family", "year", "calc"]
    assert table.rows == [["Ivanov", "1985", "=1+1"]]


def test_a_damaged_workbook_is_refused() -> None:
    with pytest.raises(TableError) as exc:
        read_table(b"PK\x03\x04 not really a zip", "xlsx")
    assert exc.value.kind == "xlsx"


def test_cell_text() -> None:
    import datetime as dt

    assert cell_text(None) == "" and cell_text(2016.0) == "2016" and cell_text(2.5) == "2.5"
    assert cell_text(dt.datetime(1990, 3, 14)) == "1990-03-14" and cell_text(dt.date(1990, 3, 14)) == "1990-03-14"


def test_headers_are_recognised_in_any_spelling_and_each_serves_one_key() -> None:
    assert header_key("Date of birth") == header_key("date_of_birth") == "dateofbirth"
    found = recognise_headers(["Фамилия", "Имя", "Пол", "Год рождения", "Фамилия"])
    assert found == {"family": "Фамилия", "given": "Имя", "sex": "Пол", "birth_year": "Год рождения"}


def test_a_camp_list_with_russian_sex_words_links(tmp_path: Path) -> None:
    path = tmp_path / "camp.csv"
    path.write_text(CAMP_LIST, encoding="utf-8")
    people = read_person_file(path)
    assert people.mapping["birth"] == "Год рождения" and people.mapping["sex"] == "Пол"
    assert [r["sex"] for r in people.records] == ["female", "male", "female"]
    assert person_columns(people.records)["sex"] == ["f", "m", "f"]


def test_a_camp_workbook_with_russian_sex_words_links(tmp_path: Path) -> None:
    path = tmp_path / "camp.xlsx"
    path.write_bytes(_xlsx([["Фамилия", "Имя", "Год рождения", "Пол"], ["Жүсіпова", "Айша", 1990, "жен"]]))
    people = read_person_file(path)
    assert people.records == [{"family": "Жүсіпова", "given": "Айша", "birth": "1990", "sex": "female", "id": "1"}]
    assert people.numbered and "--map id=COLUMN" in people.id_notice()


def test_uzbek_and_tajik_registry_headers_are_recognised_with_any_uzbek_apostrophe() -> None:
    assert header_key("Tugʻilgan sana") == header_key("Tug‘ilgan sana") == header_key("Tug'ilgan sana")
    uzbek = recognise_headers(["Familiya", "Ismi", "Otasining ismi", "Tugʻilgan sana", "Jinsi", "Tugʻilgan joyi"])
    assert uzbek == {"family": "Familiya", "given": "Ismi", "patronymic": "Otasining ismi",
                     "birth": "Tugʻilgan sana", "sex": "Jinsi", "place": "Tugʻilgan joyi"}  # fmt: skip
    tajik = recognise_headers(["Насаб", "Ном", "Номи падар", "Санаи таваллуд", "Ҷинс", "Ҷои таваллуд"])
    assert tajik == {"family": "Насаб", "given": "Ном", "patronymic": "Номи падар", "birth": "Санаи таваллуд",
                     "sex": "Ҷинс", "place": "Ҷои таваллуд"}  # fmt: skip


def test_a_tajik_registry_export_is_read_without_a_map(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("ID,Насаб,Ном,Номи падар,Санаи таваллуд,Ҷинс\nR1,Раҳмонзода,Зарина,Каримовна,03.05.1990,зан\n")
    people = read_person_file(path)
    assert people.records[0]["family"] == "Раҳмонзода" and people.records[0]["patronymic"] == "Каримовна"
    assert person_columns(people.records)["sex"] == ["f"]
    assert person_columns(people.records)["father"] == ["Карим"]
