"""The briefing PDF and its XLSX tables: statements, protected figures, access, audit."""

from __future__ import annotations

import io
import re
import zlib
from datetime import datetime

import pytest
from django.utils import timezone, translation
from fontTools.ttLib import TTFont
from openpyxl import load_workbook

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.core.contrast import AA_TEXT, contrast_ratio
from zhusan.core.models import DatasetMarker
from zhusan.operations.models import ManifestEntry
from zhusan.reporting import briefing
from zhusan.reporting.indicators import CATALOGUE, ReportFilters, catalogue, compute

from ..factories import UnitFactory, make_person, make_staff
from ..registry.helpers import login

# ----------------------------------------------------------------------------
# A text layer for the uncompressed PDF. fpdf2 writes text in an embedded
# TrueType subset as two-byte glyph codes; each font carries a ToUnicode map,
# so the text is read back the way a PDF reader would copy it.

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


# Exact counts: these tests check what is counted and suppressed, not the noise
# (tests/reporting/test_differencing.py checks that).
pytestmark = pytest.mark.usefixtures("exact_counts")


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    k = 0
    while k < len(raw):
        byte = raw[k : k + 1]
        if byte != b"\\":
            out += byte
            k += 1
            continue
        following = raw[k + 1 : k + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[k + 1 : k + 4])
        if octal:
            out.append(int(octal.group(), 8))
            k += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            k += 2
    return bytes(out)


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\n(.*?)\nendobj", data, re.S)}


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(int(dst, 16) + offset)
    return mapping


def pdf_strings(data: bytes, *, strict: bool = True) -> list[str]:
    """Every string shown on the pages, in drawing order.

    Not ``strict``: a glyph missing from the ToUnicode map (fpdf2 leaves some
    shaped ligatures out) reads as U+FFFD instead of failing."""
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", data):
        unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
        assert unicode_ref, "every font of the briefing carries a ToUnicode map"
        fonts[name] = _cmap(objects[int(unicode_ref.group(1))])
    strings: list[str] = []
    cmap: dict[int, str] = {}
    for match in re.finditer(
        rb"/(F\d+) [\d.]+ Tf|(\((?:\\.|[^\\)])*\)) Tj|\[((?:\((?:\\.|[^\\)])*\)|[^\]])*)\] TJ", data, re.S
    ):
        if match.group(1):
            cmap = fonts[match.group(1)]
            continue
        # One string (Tj), or an array of strings and kerning numbers (TJ).
        literals = re.findall(rb"\(((?:\\.|[^\\)])*)\)", match.group(2) or match.group(3), re.S)
        codes = b"".join(_unescape(literal) for literal in literals)
        glyphs = [int.from_bytes(codes[k : k + 2], "big") for k in range(0, len(codes), 2)]
        strings.append("".join(cmap[g] if strict else cmap.get(g, "\ufffd") for g in glyphs))
    return strings


def pdf_text(data: bytes) -> str:
    """The shown text as one line (wrapped lines joined by spaces)."""
    return re.sub(r"\s+", " ", " ".join(pdf_strings(data)))


# ----------------------------------------------------------------------------


@pytest.fixture
def analyst(programme):
    return make_staff(Role.ANALYST, programme["west"], username="dana")


@pytest.fixture
def analyst_client(client, analyst):
    return login(client, analyst)


def test_the_briefing_pdf_states_the_period_source_rule_and_synthetic_data(analyst_client):
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    response = analyst_client.get("/reports/briefing.pdf?start=2019-01-01&end=2019-12-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    today = timezone.localdate().isoformat()
    assert "Zhusan programme briefing" in text
    assert "Identified from 2019-01-01 to 2019-12-31" in text
    assert f"Produced on {today}." in text
    assert f"Computed from the Zhusan registry records on {today}." in text
    assert "Counts from 1 to 4 are suppressed" in text
    assert "No rounding is applied." in text
    assert "SYNTHETIC DATA: every person counted here is invented (demo dataset)." in text
    assert "Aisha" not in text and "Nurlanova" not in text  # aggregates only
    # One table per indicator, under its name.
    for indicator in CATALOGUE.values():
        assert str(indicator.name) in text


def test_the_synthetic_statement_is_absent_for_live_data(analyst_client):
    text = pdf_text(analyst_client.get("/reports/briefing.pdf").content)
    assert "SYNTHETIC DATA" not in text
    assert "All records to date" in text


def test_no_suppressed_value_is_printed_in_the_briefing(analyst_client):
    # Two orphaned toddlers: below the threshold of 5, in the headline and in their table.
    strings = pdf_strings(analyst_client.get("/reports/briefing.pdf").content)
    text = " ".join(strings)
    headline = strings.index("Orphans")
    assert strings[headline + 1] == "suppressed"
    assert "2 persons" not in text
    orphans = compute("orphans", by=("sex",))
    assert orphans.table.grand_total is None  # the test looks at a suppressed table
    printed = [cell for line in briefing.printed_rows(orphans) for cell in line]
    assert printed == ["Sex", "persons", "Female", "suppressed", "Male", "0", "Unknown", "0", "Total", "suppressed"]
    start = strings.index("Orphans — Sex")
    assert strings[start : start + 40].count("suppressed") >= 2
    window = strings[start:]
    assert window[window.index("Sex") : window.index("Sex") + len(printed)] == printed


def test_the_charts_are_drawn_as_vectors_from_the_published_figures(analyst_client):
    pdf = analyst_client.get("/reports/briefing.pdf").content
    strings = pdf_strings(pdf)
    assert b"/Subtype /Image" not in pdf  # nothing rasterised
    bars = [float(w) for w in re.findall(rb"[\d.]+ [\d.]+ ([\d.]+) -[\d.]+ re f", pdf)]
    # Pipeline bars in proportion: 8 identified to 19 in rehabilitation (the longest bar).
    assert bars[0] / bars[1] == pytest.approx(8 / 19, abs=0.001)
    for heading in ("Persons by current stage", "Persons who left the main path", "Women and girls", "Men and boys"):
        assert heading in strings
    # The pipeline: 12 women + 7 boys in rehabilitation, 8 identified (2 orphans + 6 in the south).
    data = briefing.collect(ReportFilters(), rule="r", synthetic=False, threshold=5)
    labels, values = data.pipeline()
    assert dict(zip(labels, values, strict=True))["Identified"] == 8
    chart = strings.index("Persons by current stage")
    assert strings[chart + 1 : chart + 3] == ["Identified", "8"]


def test_cyrillic_text_prints_in_the_briefing(client, programme):
    unit = UnitFactory(organisation=programme["west"].organisation, name="Ақтау", region="Маңғыстау")
    for _ in range(5):
        make_person(programme["staff"], unit=unit, sex="female", birth_year=1990)
    analyst = make_staff(Role.ANALYST, programme["west"], username="dana")
    response = login(client, analyst).get("/reports/briefing.pdf?region=Маңғыстау")
    assert "Region: Маңғыстау." in pdf_text(response.content)


def test_rounding_is_stated_when_it_is_applied(programme):
    data = briefing.collect(ReportFilters(), rule="Rule.", synthetic=False, threshold=5, rounding_base=5)
    text = pdf_text(briefing.to_pdf(data))
    assert "Shown counts are rounded to the nearest multiple of 5." in text
    assert "No rounding is applied." not in text


def test_the_xlsx_holds_the_same_published_figures_as_the_dashboard(analyst_client):
    DatasetMarker.objects.create(is_synthetic=True, description="demo")
    dashboard = analyst_client.get("/reports/")
    response = analyst_client.get("/reports/briefing.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    # Excel names a sheet in at most 31 characters.
    assert book.sheetnames == ["Notes", *(code[:31] for code in catalogue())]
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any("Computed from the Zhusan registry records on" in n for n in notes)
    assert any("Counts from 1 to 4 are suppressed" in n for n in notes)
    assert any(n.startswith("SYNTHETIC DATA") for n in notes)

    def last_row(code: str) -> list[object]:
        rows = [r for r in book[code].iter_rows(values_only=True) if any(v is not None for v in r)]
        return list(rows[-1])

    for name, result in dashboard.context["headline"]:
        shown = "x" if result.table.grand_total is None else result.table.grand_total
        # Each sheet's last line is its totals line; its last cell the grand total.
        assert last_row(result.indicator.code)[-1] == shown, name
    persons = compute("persons", by=("age_band", "sex"))
    sheet = [list(r) for r in book["persons"].iter_rows(values_only=True)]
    body = sheet[sheet.index(["Age band", "Female", "Male", "Unknown", "Total"]) + 1 :]
    for line, cells in zip(body, persons.table.cells, strict=False):
        assert line[1:4] == ["x" if v is None else v for v in cells]
    assert last_row("orphans") == ["Total", "x"]
    # Returnees in the form of the public figures: by operation, men, women and children on arrival.
    assert any(row[0] == "Operation" for row in book["returnees"].iter_rows(values_only=True))


def test_a_case_manager_is_refused_both_briefings_and_the_refusals_audited(client, programme):
    case_manager = login(client, programme["staff"])
    for fmt in ("pdf", "xlsx"):
        assert case_manager.get(f"/reports/briefing.{fmt}").status_code == 403
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, object_type="report").count() == 2
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_each_briefing_download_is_audited_as_an_export(analyst_client):
    analyst_client.get("/reports/briefing.pdf?sex=female")
    analyst_client.get("/reports/briefing.xlsx")
    events = AuditEvent.objects.filter(action=Action.EXPORT, object_type="briefing").order_by("seq")
    assert [e.object_ref for e in events] == ["pdf", "xlsx"]
    assert events[0].actor_username == "dana"
    assert events[0].detail["filters"]["sex"] == "female"


def test_without_the_font_the_pdf_is_refused_with_the_package_to_install(analyst_client, monkeypatch, tmp_path):
    monkeypatch.setattr(briefing, "FONT_REGULAR", tmp_path / "DejaVuSans.ttf")
    response = analyst_client.get("/reports/briefing.pdf")
    assert response.status_code == 503
    body = response.content.decode()
    assert "fonts-dejavu-core" in body
    assert str(tmp_path / "DejaVuSans.ttf") in body
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    assert analyst_client.get("/reports/briefing.xlsx").status_code == 200  # the tables need no font


def test_an_inverted_period_is_refused_with_a_message_and_nothing_exported(analyst_client):
    response = analyst_client.get("/reports/briefing.pdf?start=2020-01-01&end=2019-01-01")
    assert response.status_code == 400
    assert "The start of the period must not be after its end." in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_an_unknown_briefing_format_is_not_found(analyst_client):
    assert analyst_client.get("/reports/briefing.docx").status_code == 404


def test_the_dashboard_links_to_both_briefings_with_its_filters(analyst_client):
    body = analyst_client.get("/reports/?sex=female").content.decode()
    assert 'href="/reports/briefing.pdf?sex=female"' in body
    assert 'href="/reports/briefing.xlsx?sex=female"' in body


# ----------------------------------------------------------------------------
# Arrivals over time and time in each stage


def test_the_briefing_has_arrivals_over_time_and_time_in_each_stage(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    pdf = login(client, analyst).get("/reports/briefing.pdf").content
    strings = pdf_strings(pdf)
    for heading in ("Arrivals by operation over time", "Time spent in each stage", "Month of arrival"):
        assert heading in strings
    assert {"2019-03", "2019-04", "2019-05", "Zhusan-1", "Zhusan-2", "Suppressed (disclosure control)"} <= set(strings)
    chart = strings.index("Verified", strings.index("Time spent in each stage"))
    assert strings[chart + 1] == "18 (18–24)"
    assert strings[strings.index("Remained abroad", chart) + 1] == "suppressed"
    headline = strings.index("Headline figures")
    assert "Time spent in each stage" not in strings[headline : strings.index("Pipeline: identified to closed")]


def test_the_briefing_xlsx_has_the_arrivals_and_stage_time_tables(client, journeys):
    analyst = make_staff(Role.ANALYST, journeys["west"], username="dana")
    book = load_workbook(io.BytesIO(login(client, analyst).get("/reports/briefing.xlsx").content))
    arrivals = [list(r) for r in book["arrivals"].iter_rows(values_only=True)]
    header = arrivals.index(["Month of arrival", "Zhusan-1", "Zhusan-2", "No operation recorded", "Total"])
    assert arrivals[header + 3] == ["2019-05", "x", 7, 0, "x"]
    stages = [list(r) for r in book["time_in_stage"].iter_rows(values_only=True)]
    assert ["Verified", 15, 0, 15, 18.0, 18.0, 24.0] in stages


def test_long_periods_are_briefed_per_quarter(journeys):
    ManifestEntry.objects.filter(movement__operation=journeys["zhusan_2"]).update(
        arrived_at=timezone.make_aware(datetime(2021, 12, 1, 12))
    )
    data = briefing.collect(ReportFilters(), rule="r", synthetic=False, threshold=5)
    assert data.result("arrivals").by == ("arrival_quarter", "operation")
    assert data.arrivals().periods[0] == "2019-Q1" and data.arrivals().periods[-1] == "2021-Q4"
    assert "Quarter of arrival" in pdf_strings(briefing.to_pdf(data))


# ----------------------------------------------------------------------------
# Arabic: shaped, right to left


def _embedded_glyph_names(data: bytes) -> set[str]:
    """Glyph names of every font subset embedded in the PDF (fpdf2 keeps them)."""
    names: set[str] = set()
    for number in re.findall(rb"/FontFile2 (\d+) 0 R", data):
        start = data.index(b"\n%s 0 obj" % number)
        stream = re.search(rb"stream\n(.*?)\nendstream", data[start:], re.S).group(1)
        names |= set(TTFont(io.BytesIO(zlib.decompress(stream))).getGlyphOrder())
    return names


def _arabic_briefing(**filters) -> bytes:
    with translation.override("ar"):
        data = briefing.collect(ReportFilters(**filters), rule="r", synthetic=False, threshold=5)
        return briefing.to_pdf(data)


TITLE_AR = "موجز برنامج جوسان"


def test_the_arabic_briefing_is_set_in_joined_letter_forms(programme):
    with translation.override("ar"):
        assert briefing._("Zhusan programme briefing") == TITLE_AR  # the title is translated
    glyphs = _embedded_glyph_names(_arabic_briefing())
    # Initial, medial and final forms (Arabic Presentation Forms-B, U+FE70–U+FEFF) are drawn:
    # meem initial (FEE3), beh initial (FE91), alef final (FE8E), jeem final (FE9E).
    assert {"uniFEE3", "uniFE91", "uniFE8E", "uniFE9E"} <= glyphs


def test_without_shaping_the_same_title_would_be_isolated_letters(programme, monkeypatch):
    monkeypatch.setattr(briefing, "get_language_bidi", lambda: False)
    glyphs = _embedded_glyph_names(_arabic_briefing())
    assert "uni0645" in glyphs and "uniFEE3" not in glyphs  # the test above can fail


def test_the_arabic_title_runs_right_to_left(programme):
    strings = pdf_strings(_arabic_briefing(), strict=False)
    # Shaped glyphs are placed one by one, in visual order (left to right on the page).
    drawn = "".join(strings)
    assert TITLE_AR[::-1].replace(" ", "") in drawn.replace(" ", "")
    assert TITLE_AR.replace(" ", "") not in drawn.replace(" ", "")


def test_an_english_briefing_is_not_shaped(analyst_client):
    pdf = analyst_client.get("/reports/briefing.pdf").content
    assert "Zhusan programme briefing" in pdf_strings(pdf)  # whole strings, not glyph by glyph


@pytest.mark.parametrize("use", list(briefing.TEXT_ON_BACKGROUND))
def test_every_text_colour_of_the_briefing_meets_wcag_aa_on_its_background(use):
    text, background = briefing.TEXT_ON_BACKGROUND[use]
    assert contrast_ratio(text, background) >= AA_TEXT, use


def test_the_tables_print_their_heading_row_on_the_checked_fill(analyst_client):
    pdf = analyst_client.get("/reports/briefing.pdf").content
    r, g, b = (f"{c / 255:.4f}".rstrip("0").rstrip(".") for c in briefing.HEADING_FILL)
    assert f"{r} {g} {b} rg".encode() in pdf
    ink = " ".join(f"{c / 255:.4f}".rstrip("0").rstrip(".") for c in briefing.INK)
    assert f"{ink} rg".encode() in pdf
