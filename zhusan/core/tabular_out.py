"""The one writer of CSV and XLSX files: every cell is made formula-safe.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return) as a formula: a name typed as
``=HYPERLINK("http://…")`` or ``+cmd|' /C calc'!A0`` would run on the analyst's
machine when an export is opened. Every CSV and XLSX the application writes
goes through this module, which prefixes such text with ``'`` so it reads as
text. Only text is touched: pass a number as a number (``int``, ``float``,
``Decimal``) and it is written as it is, a negative match weight included.

Reading lives in :mod:`zhusan.engine.tabular`; this is the writing side.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Sequence[object]


def safe_cell(value: object) -> object:
    """``value``, with ``'`` put before text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell` (for streaming)."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> SafeCsvWriter:
    return SafeCsvWriter(out)


def write_csv(rows: Iterable[Iterable[object]], out: TextIO | None = None) -> str:
    """Write ``rows`` as CSV to ``out`` (or a new buffer) and return what a buffer holds."""
    buffer = out if out is not None else io.StringIO()
    csv_writer(buffer).writerows(rows)
    return buffer.getvalue() if isinstance(buffer, io.StringIO) else ""


def csv_bytes(rows: Iterable[Iterable[object]], *, bom: bool = True) -> bytes:
    """The CSV as UTF-8; with a byte-order mark spreadsheets read Cyrillic and Arabic as UTF-8."""
    return write_csv(rows).encode("utf-8-sig" if bom else "utf-8")


# --- XLSX -----------------------------------------------------------------------


def new_workbook() -> Workbook:
    """An empty workbook (no sheets): add them with :func:`add_sheet`."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    return book


def add_sheet(book: Workbook, title: str, rows: Iterable[Iterable[object]] = ()) -> Worksheet:
    """A new sheet titled ``title`` (cut to Excel's 31 characters), holding ``rows``."""
    sheet: Worksheet = book.create_sheet(title=title[:31])
    append_rows(sheet, rows)
    return sheet


def append_row(sheet: Worksheet, row: Iterable[object]) -> None:
    sheet.append(safe_row(row))


def append_rows(sheet: Worksheet, rows: Iterable[Iterable[object]]) -> None:
    for row in rows:
        append_row(sheet, row)


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(rows: Iterable[Iterable[object]], *, title: str = "Sheet", bold_header: bool = True) -> bytes:
    """One sheet holding ``rows``; the first row in bold and frozen as a header."""
    from openpyxl.styles import Font

    book = new_workbook()
    sheet = add_sheet(book, title, rows)
    if bold_header and sheet.max_row >= 1:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    return workbook_bytes(book)
