"""The briefing report: headline figures and charts for a period, as a PDF
fit to hand to a UN body or a donor, and the same tables as one XLSX workbook.

Every figure comes from ``indicators.compute`` (so it has been through
disclosure control) over one read of the records. Charts are drawn with
fpdf2 rectangles and text from the same published values as the dashboard's
SVG charts: nothing is rasterised, and a suppressed value is written, never
drawn.

The PDF is written uncompressed: it stays small (the fonts are subset) and
anyone can check with a text editor that the statements are in it.

Text is set in DejaVu Sans (Debian package ``fonts-dejavu-core``) so that
Cyrillic, Kazakh and Arabic letters print. In a right-to-left language (the
briefing follows the language of the page that asked for it) the text is
shaped by HarfBuzz (``uharfbuzz``, through zhusan.core.shaping, shared with the
operations manifest): Arabic letters take their joined forms and runs are
laid out right to left, and paragraphs are aligned right. Without the font
files ``FontMissingError`` is raised and the view answers 503 with the
package to install.

Every colour text is printed in meets WCAG 2 AA contrast (4.5:1) on the
background it is printed on (``TEXT_ON_BACKGROUND``, checked by the tests):
the tables are dark ink on white, their heading row on a pale fill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from zhusan.core import fonts
from zhusan.core.contrast import RGB, WHITE
from zhusan.core.shaping import enable_shaping
from zhusan.core.tabular_out import add_sheet, new_workbook, workbook_bytes
from zhusan.registry import extensions
from zhusan.registry.models import MAIN_PATH, Sex, Stage
from zhusan.registry.selectors import AGE_BANDS

from .charts import PALETTE, ArrivalSeries, StageTimes, arrival_series, axis_top, stage_times
from .exports import SUPPRESSED, append_table, filter_scope, table_rows
from .indicators import (
    DIMENSIONS,
    IndicatorResult,
    ReportFilters,
    arrival_period,
    catalogue,
    compute,
    statistical_rows,
)

# The font lookup is shared with the operations manifest (zhusan.core.fonts);
# the names stay importable from here.
FONT_PACKAGE = fonts.FONT_PACKAGE
FONT_REGULAR = fonts.FONT_REGULAR
FONT_BOLD = fonts.FONT_BOLD
FONT = fonts.FONT
FontMissingError = fonts.FontMissingError

# The breakdown printed for each indicator; an indicator added to the
# catalogue later is printed as its overall figure until it is listed here.
BRIEFING_BY: dict[str, tuple[str, ...]] = {
    "persons": ("age_band", "sex"),
    "returnees": ("operation", "arrival_group"),  # the form of the public tables per operation
    "orphans": ("sex",),
    "unaccompanied_children": ("sex",),
    "children_share_of_returnees": ("sex",),
    "days_identification_to_arrival": ("age_group",),
    # "arrivals" is broken down by month or quarter (as its span requires) and operation.
    "time_in_stage": ("lifecycle_stage",),
}

BAR: RGB = (47, 111, 143)
FEMALE: RGB = (164, 72, 122)
MALE: RGB = (47, 111, 143)
MUTED: RGB = (102, 102, 102)
INK: RGB = (34, 34, 34)
WARNING: RGB = (140, 60, 0)
HATCH: RGB = (215, 215, 215)
HEADING_FILL: RGB = (230, 236, 240)
# Each colour text is printed in, with the background it is printed on.
TEXT_ON_BACKGROUND: dict[str, tuple[RGB, RGB]] = {
    "table text": (INK, WHITE),
    "table heading": (INK, HEADING_FILL),
    "definitions, footer, suppressed values": (MUTED, WHITE),
    "synthetic-data statement": (WARNING, WHITE),
    "pyramid: women and girls": (FEMALE, WHITE),
    "pyramid: men and boys": (MALE, WHITE),
}


def missing_fonts() -> list[Path]:
    return fonts.missing_fonts((FONT_REGULAR, FONT_BOLD))


def suppressed_mark() -> str:
    """What the dashboard prints for a suppressed figure."""
    return _("suppressed")


# ----------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class Briefing:
    filters: ReportFilters
    produced_on: date
    rule: str
    synthetic: bool
    results: tuple[IndicatorResult, ...]  # one per indicator of the catalogue
    stages: IndicatorResult  # persons by current stage, for the pipeline charts
    headline: tuple[IndicatorResult, ...]  # each indicator's overall figure
    # Sentences apps contribute (registry.extensions.briefing_sentences), from published figures only.
    sentences: tuple[str, ...] = ()

    @property
    def source_statement(self) -> str:
        return _("Computed from the Zhusan registry records on %(date)s. Aggregates only: no person is shown.") % {
            "date": self.produced_on.isoformat()
        }

    @property
    def synthetic_statement(self) -> str:
        return _("SYNTHETIC DATA: every person counted here is invented (demo dataset).")

    @property
    def rule_statement(self) -> str:
        rounding = {r.table.rounding_base for r in self.results if r.table.rounding_base}
        text = self.rule + " "
        if rounding:
            text += _("Shown counts are rounded to the nearest multiple of %(base)s.") % {"base": min(rounding)} + " "
        else:
            text += _("No rounding is applied.") + " "
        return text + _("Disclosure threshold: %(threshold)d.") % {"threshold": self.results[0].table.threshold}

    @property
    def period(self) -> str:
        start, end = self.filters.start, self.filters.end
        if start and end:
            text = _("Identified from %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
        elif start:
            text = _("Identified from %(start)s") % {"start": start.isoformat()}
        elif end:
            text = _("Identified until %(end)s") % {"end": end.isoformat()}
        else:
            text = _("All records to date")
        return text

    @property
    def scope(self) -> str:
        region = self.filters.region or _("all regions")
        sex = str(Sex(self.filters.sex).label) if self.filters.sex in Sex.values else _("all")
        text = _("Region: %(region)s. Sex: %(sex)s.") % {"region": region, "sex": sex}
        return text + filter_scope(self.filters)

    def pipeline(self) -> tuple[list[str], list[int | None]]:
        return self._stages(list(MAIN_PATH))

    def left_main_path(self) -> tuple[list[str], list[int | None]]:
        return self._stages([s for s in Stage if s not in MAIN_PATH])

    def _stages(self, stages: Sequence[Stage]) -> tuple[list[str], list[int | None]]:
        table = self.stages.table
        return [str(s.label) for s in stages], [table.cells[table.rows.index(s.value)][0] for s in stages]

    def result(self, code: str) -> IndicatorResult:
        return self.results[list(catalogue()).index(code)]

    def arrivals(self) -> ArrivalSeries:
        return arrival_series(self.result("arrivals"))

    def stage_times(self) -> StageTimes:
        return stage_times(self.result("time_in_stage"))

    def pyramid(self) -> tuple[list[str], list[int | None], list[int | None]]:
        table = self.results[list(catalogue()).index("persons")].table
        bands = list(AGE_BANDS)
        return bands, [table.cell(b, Sex.FEMALE) for b in bands], [table.cell(b, Sex.MALE) for b in bands]


def collect(
    filters: ReportFilters,
    *,
    rule: str,
    synthetic: bool,
    threshold: int,
    rounding_base: int | None = None,
    today: date | None = None,
) -> Briefing:
    """Every figure of the briefing, from one read of the records."""
    rows = statistical_rows(filters)

    def figure(code: str, by: tuple[str, ...] = ()) -> IndicatorResult:
        return compute(code, by=by, filters=filters, rows=rows, threshold=threshold, rounding_base=rounding_base)

    breakdowns = {**BRIEFING_BY, "arrivals": (arrival_period(rows), "operation")}

    def published(code: str) -> str:
        return _figure_text(figure(code))

    return Briefing(
        sentences=tuple(extensions.contributed_briefing_sentences(published)),
        filters=filters,
        produced_on=today or timezone.localdate(),
        rule=rule,
        synthetic=synthetic,
        results=tuple(figure(code, breakdowns.get(code, ())) for code in catalogue()),
        stages=figure("persons", ("stage",)),
        headline=tuple(figure(code) for code in catalogue() if catalogue()[code].headline),
    )


def _figure_text(result: IndicatorResult) -> str:
    """An indicator's overall published value as a sentence states it (no unit)."""
    value: int | float | None = result.table.grand_total
    if result.indicator.measure != "count":
        value = result.values[0] if result.values else None
    if value is None:
        return suppressed_mark()
    return f"{value:g}" if isinstance(value, float) else str(value)


def _headline_value(result: IndicatorResult) -> str:
    if result.indicator.measure == "count":
        value: int | float | None = result.table.grand_total
    else:
        value = result.values[0] if result.values else None
    if value is None:
        return suppressed_mark()
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{shown} {result.indicator.unit}"


def printed_rows(result: IndicatorResult) -> list[list[str]]:
    """``exports.table_rows`` with the dashboard's word for a suppressed figure."""
    mark = suppressed_mark()
    return [
        [str(v) if k == 0 else (mark if v == SUPPRESSED else str(v)) for k, v in enumerate(line)]
        for line in table_rows(result)
    ]


# ----------------------------------------------------------------------------
# PDF


class BriefingPDF(FPDF):
    footer_text = ""
    # Where lines of text start: "R" in a right-to-left language.
    start = "L"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def to_pdf(briefing: Briefing) -> bytes:
    missing = missing_fonts()
    if missing:
        raise FontMissingError(missing)
    pdf = BriefingPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(False)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    if get_language_bidi():
        # Joined Arabic letter forms and right-to-left runs (the bidi algorithm
        # orders mixed text such as dates and codes inside a line).
        enable_shaping(pdf)
        pdf.start = "R"
    title = _("Zhusan programme briefing")
    pdf.set_title(title)
    pdf.set_author("Zhusan")
    pdf.set_creation_date(timezone.now())
    pdf.footer_text = f"{title} · {briefing.produced_on.isoformat()}" + (
        f" · {_('SYNTHETIC DATA')}" if briefing.synthetic else ""
    )
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()

    pdf.set_font(FONT, "B", 18)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 9, title, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, briefing.period, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, briefing.scope, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        5,
        _("Produced on %(date)s.") % {"date": briefing.produced_on.isoformat()},
        align=pdf.start,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    if briefing.synthetic:
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(*WARNING)
        pdf.multi_cell(
            0, 5, briefing.synthetic_statement, border=1, padding=2, align=pdf.start, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(*INK)
        pdf.ln(2)
    _paragraph(pdf, _("Data source"), briefing.source_statement)
    _paragraph(
        pdf,
        _("Disclosure control"),
        briefing.rule_statement + " " + _("Suppressed figures are printed “%(mark)s”.") % {"mark": suppressed_mark()},
    )

    _heading(pdf, _("Headline figures"))
    _table(
        pdf, [[_("Indicator"), _("Value")]] + [[str(r.indicator.name), _headline_value(r)] for r in briefing.headline]
    )

    if briefing.sentences:
        _paragraph(pdf, _("Outcomes"), " ".join(briefing.sentences))

    _heading(pdf, _("Pipeline: identified to closed"))
    _bar_chart(pdf, _("Persons by current stage"), *briefing.pipeline())
    _bar_chart(pdf, _("Persons who left the main path"), *briefing.left_main_path())
    _heading(pdf, _("Age and sex"))
    _pyramid(pdf, *briefing.pyramid())
    _heading(pdf, _("Arrivals by operation over time"))
    _stacked_columns(pdf, briefing.arrivals(), x_label=str(DIMENSIONS[briefing.result("arrivals").by[0]].name))
    _heading(pdf, _("Time spent in each stage"))
    _paragraph(
        pdf,
        "",
        _(
            "Median days in each stage for the persons who left it (bar), with the interquartile range (line), "
            "and the persons still in it (table)."
        ),
    )
    _duration_bars(pdf, briefing.stage_times())

    pdf.add_page()
    _heading(pdf, _("Tables"))
    for result in briefing.results:
        indicator = result.indicator
        by = " × ".join(str(DIMENSIONS[d].name) for d in result.by)
        _ensure_space(pdf, 30)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(
            0, 5, f"{indicator.name}" + (f" — {by}" if by else ""), align=pdf.start, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 4, str(indicator.definition), align=pdf.start, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.ln(1)
        _table(pdf, printed_rows(result))
    return bytes(pdf.output())


def _heading(pdf: BriefingPDF, text: str) -> None:
    _ensure_space(pdf, 20)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, text, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf: BriefingPDF, heading: str, text: str) -> None:
    if heading:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 5, heading, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, text, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _ensure_space(pdf: FPDF, height: float) -> None:
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _table(pdf: BriefingPDF, lines: list[list[str]]) -> None:
    columns = len(lines[0])
    widths = (3,) + (2,) * (columns - 1) if columns > 2 else (3, 2)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*INK)
    with pdf.table(
        col_widths=widths,
        text_align=("RIGHT" if pdf.start == "R" else "LEFT",) + ("RIGHT",) * (columns - 1),
        headings_style=FontFace(emphasis="BOLD", color=INK, fill_color=HEADING_FILL),
        line_height=4.5,
        padding=1,
    ) as table:
        for line in lines:
            row = table.row()
            for value in line:
                row.cell(value)
    pdf.ln(4)


def _value_text(value: int | None) -> str:
    return suppressed_mark() if value is None else str(value)


def _bar_chart(pdf: BriefingPDF, title: str, labels: Sequence[str], values: Sequence[int | None]) -> None:
    """Horizontal bars as the dashboard draws them; a suppressed value is written, not drawn."""
    row_h, label_w = 6.0, 58.0
    plot_w = pdf.epw - label_w - 24
    _ensure_space(pdf, 8 + row_h * len(labels))
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(0, 5, title, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    top = max((v for v in values if v is not None), default=0) or 1
    x0 = pdf.l_margin
    y = y_start = pdf.get_y() + 1
    pdf.set_font(FONT, "", 8)
    for label, value in zip(labels, values, strict=True):
        pdf.set_text_color(*INK)
        pdf.set_xy(x0, y)
        pdf.cell(label_w - 2, row_h, label)
        length = 0.0 if value is None else plot_w * value / top
        if length:
            pdf.set_fill_color(*BAR)
            pdf.rect(x0 + label_w, y + 1, length, row_h - 2, style="F")
        pdf.set_text_color(*(MUTED if value is None else INK))
        pdf.set_xy(x0 + label_w + length + 1.5, y)
        pdf.cell(22, row_h, _value_text(value))
        y += row_h
    pdf.set_draw_color(*MUTED)
    pdf.line(x0 + label_w, y_start, x0 + label_w, y)
    pdf.set_text_color(*INK)
    pdf.set_y(y + 4)


def _pyramid(pdf: FPDF, bands: Sequence[str], female: Sequence[int | None], male: Sequence[int | None]) -> None:
    """Age–sex pyramid: oldest band on top, women on the left."""
    row_h, band_w = 6.0, 18.0
    _ensure_space(pdf, 12 + row_h * len(bands))
    centre = pdf.l_margin + pdf.epw / 2
    half = pdf.epw / 2 - band_w / 2 - 22
    top = max((v for v in list(female) + list(male) if v is not None), default=0) or 1
    y = pdf.get_y()
    pdf.set_font(FONT, "B", 9)
    for side, text, colour in ((-1, _("Women and girls"), FEMALE), (1, _("Men and boys"), MALE)):
        pdf.set_text_color(*colour)
        x = centre - band_w / 2 - half if side < 0 else centre + band_w / 2
        pdf.set_xy(x, y)
        pdf.cell(half, 5, text, align="R" if side < 0 else "L")
    y += 7
    pdf.set_font(FONT, "", 8)
    for band, f_value, m_value in list(zip(bands, female, male, strict=True))[::-1]:
        pdf.set_text_color(*INK)
        pdf.set_xy(centre - band_w / 2, y)
        pdf.cell(band_w, row_h, band, align="C")
        for side, value, colour in ((-1, f_value, FEMALE), (1, m_value, MALE)):
            length = 0.0 if value is None else half * value / top
            inner = centre + side * band_w / 2
            if length:
                pdf.set_fill_color(*colour)
                x = inner if side > 0 else inner - length
                pdf.rect(x, y + 1, length, row_h - 2, style="F")
            pdf.set_text_color(*(MUTED if value is None else INK))
            if side > 0:
                pdf.set_xy(inner + length + 1.5, y)
                pdf.cell(20, row_h, _value_text(value))
            else:
                pdf.set_xy(inner - length - 21.5, y)
                pdf.cell(20, row_h, _value_text(value), align="R")
        y += row_h
    pdf.set_text_color(*INK)
    pdf.set_y(y + 4)


def _stacked_columns(pdf: BriefingPDF, data: ArrivalSeries, *, x_label: str) -> None:
    """Arrivals per period stacked by operation, as on the dashboard.

    A suppressed cell is grey: the part of the column its published total leaves
    unexplained, or a fixed-height cap when the total is suppressed too."""
    plot_h, axis_w, cap = 45.0, 12.0, 2.0
    plot_w = pdf.epw - axis_w
    _ensure_space(pdf, plot_h + 28)
    x0, top_y = pdf.l_margin + axis_w, pdf.get_y() + 2
    base = top_y + plot_h
    heights = [max(sum(v for v in line if v), total or 0) for line, total in zip(data.cells, data.totals, strict=True)]
    top = axis_top(max(heights, default=0))
    scale = plot_h / top
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*MUTED)
    for k in range(5):
        value = top * k / 4
        y = base - value * scale
        pdf.set_text_color(*INK)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(axis_w - 1.5, 4, f"{value:g}", align="R")
        pdf.set_draw_color(215, 215, 215)
        pdf.line(x0, y, x0 + plot_w, y)
    pdf.set_draw_color(*MUTED)
    pdf.line(x0, top_y, x0, base)
    slot = plot_w / max(len(data.periods), 1)
    bar_w = min(12.0, slot * 0.7)
    every = max(1, -(-len(data.periods) * 14 // int(plot_w)))
    for i, (period, line, total) in enumerate(zip(data.periods, data.cells, data.totals, strict=True)):
        left = x0 + slot * (i + 0.5) - bar_w / 2
        y = base
        for j, count in enumerate(line):
            if count:
                pdf.set_fill_color(*_rgb(PALETTE[j % len(PALETTE)]))
                pdf.rect(left, y - count * scale, bar_w, count * scale, style="F")
                y -= count * scale
        if None in line or total is None:
            rest = (total - sum(v for v in line if v)) if total is not None else 0
            h = rest * scale if rest > 0 else cap
            pdf.set_fill_color(*HATCH)
            pdf.rect(left, y - h, bar_w, h, style="DF")
        if i % every == 0:
            pdf.set_text_color(*INK)
            pdf.set_xy(left + bar_w / 2 - 8, base + 0.5)
            pdf.cell(16, 4, period, align="C")
    pdf.set_xy(x0, base + 5)
    pdf.cell(plot_w, 4, x_label, align="C")
    pdf.set_y(base + 10)
    legend = [(name, _rgb(PALETTE[j % len(PALETTE)])) for j, name in enumerate(data.series)]
    _legend(pdf, [*legend, (_("Suppressed (disclosure control)"), HATCH)])


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _legend(pdf: BriefingPDF, items: Sequence[tuple[str, tuple[int, int, int]]]) -> None:
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*INK)
    x, y = pdf.l_margin, pdf.get_y()
    for label, colour in items:
        width = 6 + pdf.get_string_width(label) + 4
        if x + width > pdf.l_margin + pdf.epw:
            x, y = pdf.l_margin, y + 5
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(*MUTED)
        pdf.rect(x, y + 0.5, 3, 3, style="DF")
        pdf.set_xy(x + 4, y)
        pdf.cell(width - 4, 4, label)
        x += width
    pdf.set_y(y + 8)


def _duration_bars(pdf: BriefingPDF, data: StageTimes) -> None:
    """Median days per stage (bar) with the interquartile range (line with caps)."""
    row_h, label_w = 6.0, 40.0
    plot_w = pdf.epw - label_w - 32
    _ensure_space(pdf, 8 + row_h * len(data.labels))
    shown = [q[1] for q in data.quartiles if q] + [m for m in data.medians if m is not None]
    top = axis_top(max(shown, default=0))
    x0 = pdf.l_margin
    y = y_start = pdf.get_y() + 1
    pdf.set_font(FONT, "", 8)
    for label, median, spread in zip(data.labels, data.medians, data.quartiles, strict=True):
        pdf.set_text_color(*INK)
        pdf.set_xy(x0, y)
        pdf.cell(label_w - 2, row_h, label)
        end = 0.0
        if median is None:
            text = suppressed_mark()
            pdf.set_text_color(*MUTED)
        else:
            end = plot_w * median / top
            if end:
                pdf.set_fill_color(*BAR)
                pdf.rect(x0 + label_w, y + 1, end, row_h - 2, style="F")
            text = f"{median:g}"
            if spread is not None:
                lo, hi = (x0 + label_w + plot_w * q / top for q in spread)
                mid = y + row_h / 2
                pdf.set_draw_color(*INK)
                pdf.line(lo, mid, hi, mid)
                pdf.line(lo, mid - 1.5, lo, mid + 1.5)
                pdf.line(hi, mid - 1.5, hi, mid + 1.5)
                text += f" ({spread[0]:g}–{spread[1]:g})"
                end = max(end, hi - x0 - label_w)
        pdf.set_xy(x0 + label_w + end + 1.5, y)
        pdf.cell(30, row_h, text)
        y += row_h
    pdf.set_draw_color(*MUTED)
    pdf.line(x0 + label_w, y_start, x0 + label_w, y)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(x0 + label_w, y + 0.5)
    pdf.cell(plot_w, 4, _("Days in the stage (0 to %(top)s)") % {"top": f"{top:g}"})
    pdf.set_y(y + 8)


# ----------------------------------------------------------------------------
# XLSX


def notes(briefing: Briefing) -> list[str]:
    out = [
        _("Zhusan programme briefing"),
        briefing.period + ". " + briefing.scope,
        _("Produced on %(date)s.") % {"date": briefing.produced_on.isoformat()},
        briefing.source_statement,
        _("Disclosure control: %(rule)s Suppressed values are written %(mark)s.")
        % {"rule": briefing.rule_statement, "mark": SUPPRESSED},
    ]
    if briefing.synthetic:
        out.insert(1, briefing.synthetic_statement)
    return out


def to_xlsx(briefing: Briefing) -> bytes:
    """A "Notes" sheet, then one sheet per indicator with its published table."""
    from openpyxl.styles import Font

    book = new_workbook()
    sheet = add_sheet(book, "Notes", [[note] for note in notes(briefing)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
    for result in briefing.results:
        sheet = add_sheet(
            book, result.indicator.code, [[str(result.indicator.name)], [str(result.indicator.definition)]]
        )
        sheet["A1"].font = Font(bold=True)
        append_table(sheet, result)
    return workbook_bytes(book)
