"""The printable manifest: only what travel needs.

Case number, the name as registered (an Arabic name shaped and right to left,
zhusan.core.shaping), its Latin form for border staff (the passport spelling
where the registry has one, else the ICAO transliteration of the engine),
sex, birth (as precisely as known, never padded), travel group and the
travel document where the reader may see documents. Nothing about
vulnerabilities, stages, health or security is printed.

Every cell is measured and wrapped to its column (``layout_rows``), so a long
name or document number takes more lines instead of running into the next
column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from fpdf import FPDF

from zhusan.core.fonts import FONT, FONT_BOLD, FONT_REGULAR, FontMissingError, missing_fonts
from zhusan.core.shaping import is_rtl, shape_for, wrap
from zhusan.engine.translit import icao
from zhusan.registry.models import DocumentStatus, DocumentType, NameKind, Person, Script

from .models import ManifestEntry, Movement

TRAVEL_DOCUMENTS = (DocumentType.LAISSEZ_PASSER, DocumentType.PASSPORT)
# A4 landscape: 277 mm between the margins, all of it given to the columns.
COLUMNS = [
    (8, gettext_lazy("#")),
    (26, gettext_lazy("Case")),
    (66, gettext_lazy("Name")),
    (60, gettext_lazy("Latin (ICAO)")),
    (16, gettext_lazy("Sex")),
    (24, gettext_lazy("Born")),
    (30, gettext_lazy("Group")),
    (47, gettext_lazy("Travel document")),
]
FONT_SIZE = 8
LINE_HEIGHT = 4.0
PADDING = 1.0


@dataclass(frozen=True)
class Cell:
    lines: list[str]
    rtl: bool


def registered_name(person: Person) -> str:
    """The primary name as registered, in its own script."""
    name = person.primary_name
    return name.full if name else person.case_number


def travel_name(person: Person) -> str:
    """The Latin form for border staff: the registered Latin spelling, else ICAO of the primary name."""
    names = list(person.names.all())
    latin = [n for n in names if n.script == Script.LATIN and n.kind != NameKind.KUNYA]
    chosen = next((n for n in latin if n.is_primary), latin[0] if latin else None)
    if chosen is not None:
        return chosen.full
    primary = person.primary_name
    return icao(primary.full) if primary else person.case_number


def travel_document(person: Person) -> str:
    for doc in person.documents.all():
        if doc.doc_type in TRAVEL_DOCUMENTS and doc.status == DocumentStatus.ISSUED:
            return f"{doc.get_doc_type_display()} {doc.number}".strip()
    return "—"


def row_values(count: int, entry: ManifestEntry, *, show_documents: bool) -> list[str]:
    person = entry.person
    return [
        str(count),
        person.case_number,
        registered_name(person),
        travel_name(person),
        person.get_sex_display(),
        person.birth.display(),
        entry.travel_group,
        travel_document(person) if show_documents else "—",
    ]


def layout_rows(pdf: FPDF, rows: Sequence[Sequence[str]]) -> list[list[Cell]]:
    """Each value wrapped to the inner width of its column at the current font."""
    return [
        [
            Cell(wrap(pdf, value, width - 2 * PADDING), is_rtl(value))
            for (width, _title), value in zip(COLUMNS, row, strict=True)
        ]
        for row in rows
    ]


def _height(cells: list[Cell]) -> float:
    return max(len(cell.lines) for cell in cells) * LINE_HEIGHT + 2 * PADDING


def _draw_row(pdf: FPDF, cells: list[Cell], *, header: list[Cell] | None = None) -> None:
    """One row of cells; on a new page the column headings are drawn again first."""
    height = _height(cells)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
        if header is not None:
            pdf.set_font(FONT, "B", FONT_SIZE)
            _draw_row(pdf, header)
            pdf.set_font(FONT, "", FONT_SIZE)
    x, y = pdf.l_margin, pdf.get_y()
    for (width, _title), cell in zip(COLUMNS, cells, strict=True):
        pdf.rect(x, y, width, height)
        for k, line in enumerate(cell.lines):
            pdf.set_xy(x + PADDING, y + PADDING + k * LINE_HEIGHT)
            shape_for(pdf, line)
            pdf.cell(width - 2 * PADDING, LINE_HEIGHT, line, align="R" if cell.rtl else "L")
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def printed_at() -> str:
    """Now, in the language's date and time format, with the time zone."""
    now = timezone.localtime()
    return f"{date_format(now, 'SHORT_DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"


def _paragraph(pdf: FPDF, height: float, text: str) -> None:
    shape_for(pdf, text)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def manifest_pdf(
    movement: Movement, entries: Iterable[ManifestEntry], *, show_documents: bool, synthetic: bool
) -> bytes:
    missing = missing_fonts()
    if missing:
        raise FontMissingError(missing)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_compression(False)  # small files anyway; text stays searchable
    pdf.set_margins(10, 10, 10)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.c_margin = 0  # the cells' padding is PADDING, measured by layout_rows
    pdf.set_title(f"{movement.operation.code} — {movement.label}")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    heading = f"{_('Manifest')}: {movement.operation.code} — {movement.label}"
    _paragraph(pdf, 8, heading)
    pdf.set_font(FONT, "", 9)
    route = f"{movement.origin or '—'} → {movement.destination}"
    dates = " / ".join(date_format(d) if d else "—" for d in (movement.departure_on, movement.arrival_on))
    _paragraph(pdf, 5, f"{route} · {dates}")
    _paragraph(pdf, 5, _("Printed %(when)s") % {"when": printed_at()})
    if synthetic:
        pdf.set_font(FONT, "B", 9)
        _paragraph(pdf, 5, _("SYNTHETIC DEMO DATA — every person is invented"))
    pdf.ln(2)
    pdf.set_font(FONT, "B", FONT_SIZE)
    header = layout_rows(pdf, [[str(title) for _width, title in COLUMNS]])[0]
    _draw_row(pdf, header)
    pdf.set_font(FONT, "", FONT_SIZE)
    rows = [row_values(k, entry, show_documents=show_documents) for k, entry in enumerate(entries, start=1)]
    for cells in layout_rows(pdf, rows):
        _draw_row(pdf, cells, header=header)
    pdf.ln(2)
    count = len(rows)
    summary = ngettext("%(n)s person on this manifest.", "%(n)s persons on this manifest.", count) % {"n": count}
    _paragraph(pdf, 5, summary)
    return bytes(pdf.output())
