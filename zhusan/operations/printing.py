"""The printable manifest: only what travel needs.

Case number, the name as written for travel (a Latin form where the registry
has one), sex, birth (as precisely as known, never padded), travel group and
the travel document where the reader may see documents. Nothing about
vulnerabilities, stages, health or security is printed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from zhusan.core.fonts import FONT, FONT_BOLD, FONT_REGULAR, FontMissingError, missing_fonts
from zhusan.registry.models import DocumentStatus, DocumentType, Person, Script

from .models import ManifestEntry, Movement

TRAVEL_DOCUMENTS = (DocumentType.LAISSEZ_PASSER, DocumentType.PASSPORT)
COLUMNS = [(8, "#"), (26, "Case"), (62, "Name"), (14, "Sex"), (24, "Born"), (22, "Group"), (34, "Travel document")]


def travel_name(person: Person) -> str:
    names = list(person.names.all())
    latin = [n for n in names if n.script == Script.LATIN and n.kind != "kunya"]
    chosen = next((n for n in latin if n.is_primary), latin[0] if latin else person.primary_name)
    return chosen.full if chosen else person.case_number


def travel_document(person: Person) -> str:
    for doc in person.documents.all():
        if doc.doc_type in TRAVEL_DOCUMENTS and doc.status == DocumentStatus.ISSUED:
            return f"{doc.get_doc_type_display()} {doc.number}".strip()
    return "—"


def manifest_pdf(
    movement: Movement, entries: Iterable[ManifestEntry], *, show_documents: bool, synthetic: bool
) -> bytes:
    missing = missing_fonts()
    if missing:
        raise FontMissingError(missing)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(False)  # small files anyway; text stays searchable
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.set_title(f"{movement.operation.code} — {movement.label}")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, f"{_('Manifest')}: {movement.operation.code} — {movement.label}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    route = f"{movement.origin or '—'} → {movement.destination}"
    dates = f"{movement.departure_on or '—'} / {movement.arrival_on or '—'}"
    pdf.cell(0, 5, f"{route} · {dates}", new_x="LMARGIN", new_y="NEXT")
    printed = _("Printed %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    pdf.cell(0, 5, printed, new_x="LMARGIN", new_y="NEXT")
    if synthetic:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 5, _("SYNTHETIC DEMO DATA — every person is invented"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 8)
    for width, title in COLUMNS:
        pdf.cell(width, 6, _(title), border=1)
    pdf.ln()
    pdf.set_font(FONT, "", 8)
    count = 0
    for count, entry in enumerate(entries, start=1):
        person = entry.person
        row = [
            str(count),
            person.case_number,
            travel_name(person)[:40],
            person.get_sex_display(),
            person.birth.display(),
            entry.travel_group[:14],
            travel_document(person)[:24] if show_documents else "—",
        ]
        for (width, _title), value in zip(COLUMNS, row, strict=True):
            pdf.cell(width, 6, value, border=1)
        pdf.ln()
    pdf.ln(2)
    pdf.cell(0, 5, _("%(n)s persons on this manifest.") % {"n": count}, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
