"""Charts as server-rendered inline SVG: no JavaScript, no external files,
nothing fetched from the network. Colours are SVG presentation attributes
(allowed by the strict CSP, unlike style attributes).

In a right-to-left language the layout is mirrored: labels sit on the right,
bars grow leftwards and text anchors are swapped, so the chart reads the way
the page does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .indicators import DIMENSIONS, IndicatorResult

BAR = "#2f6f8f"
FEMALE = "#a4487a"
MALE = "#2f6f8f"
MUTED = "#767676"
INK = "#222"
GRID = "#d0d0d0"
# Okabe–Ito: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#999933")
WIDTH = 640
ROW = 26
LABEL_WIDTH = 180


def _value_text(value: int | float | None) -> str:
    if value is None:
        return _("suppressed")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(height: float, title: str, body: list[str], *, desc: str = "") -> SafeString:
    described = f"<desc>{escape(desc)}</desc>" if desc else ""
    return mark_safe(  # noqa: S308 - every interpolated text below is escaped
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{described}'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[int | float | None], *, title: str, rtl: bool = False
) -> SafeString:
    """Horizontal bars, one per label; a suppressed value is written, not drawn."""
    shown = [v for v in values if v is not None]
    top = max(shown, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 70
    body: list[str] = []
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + k * ROW
        length = 0 if value is None else round(plot * value / top)
        if rtl:
            label_x, label_anchor = WIDTH - 4, "start"
            bar_x = WIDTH - LABEL_WIDTH - length
            value_x, value_anchor = WIDTH - LABEL_WIDTH - length - 6, "start"
        else:
            label_x, label_anchor = 4, "start"
            bar_x = LABEL_WIDTH
            value_x, value_anchor = LABEL_WIDTH + length + 6, "start"
        # In RTL the svg inherits direction="rtl", where "start" is the right edge.
        direction = ' direction="rtl"' if rtl else ' direction="ltr"'
        body.append(
            f'<text x="{label_x}" y="{y + 15}" text-anchor="{label_anchor}"{direction} font-size="13">{escape(label)}</text>'
        )
        if value is not None and length:
            body.append(f'<rect x="{bar_x}" y="{y}" width="{length}" height="{ROW - 8}" fill="{BAR}"/>')
        fill = MUTED if value is None else "#222"
        body.append(
            f'<text x="{value_x}" y="{y + 15}" text-anchor="{value_anchor}"{direction} font-size="12" '
            f'fill="{fill}">{escape(_value_text(value))}</text>'
        )
    return _svg(16 + ROW * len(labels), title, body)


def pyramid(
    bands: Sequence[str],
    female: Sequence[int | None],
    male: Sequence[int | None],
    *,
    title: str,
    rtl: bool = False,
) -> SafeString:
    """Age–sex pyramid: oldest band on top, women on the reading-start side."""
    shown = [v for v in list(female) + list(male) if v is not None]
    top = max(shown, default=0) or 1
    centre = WIDTH // 2
    half = centre - 90
    body: list[str] = []
    rows = list(zip(bands, female, male, strict=True))[::-1]
    # Women on the side where reading starts (left in LTR, right in RTL).
    women_side, men_side = (1, -1) if rtl else (-1, 1)
    heading_y = 14
    for side, text, colour in ((women_side, _("Women and girls"), FEMALE), (men_side, _("Men and boys"), MALE)):
        x = centre + side * (half // 2 + 40)
        body.append(
            f'<text x="{x}" y="{heading_y}" text-anchor="middle" font-size="13" fill="{colour}">{escape(text)}</text>'
        )
    for k, (band, f_value, m_value) in enumerate(rows):
        y = 24 + k * ROW
        body.append(f'<text x="{centre}" y="{y + 15}" text-anchor="middle" font-size="12">{escape(band)}</text>')
        for side, value, colour in ((women_side, f_value, FEMALE), (men_side, m_value, MALE)):
            length = 0 if value is None else round(half * value / top)
            inner = centre + side * 30
            x = inner if side > 0 else inner - length
            if length:
                body.append(f'<rect x="{x}" y="{y}" width="{length}" height="{ROW - 8}" fill="{colour}"/>')
            end = inner + side * (length + 6)
            anchor = "start" if side > 0 else "end"
            fill = MUTED if value is None else "#222"
            body.append(
                f'<text x="{end}" y="{y + 15}" text-anchor="{anchor}" direction="ltr" font-size="12" fill="{fill}">'
                f"{escape(_value_text(value))}</text>"
            )
    return _svg(32 + ROW * len(rows), title, body)


# ----------------------------------------------------------------------------
# Shared by the time series and the durations


def _hatch(ident: str) -> str:
    """The fill of a suppressed figure: grey diagonal hatching, never a length that means a number."""
    return (
        f'<defs><pattern id="{ident}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/></pattern></defs>'
    )


def _dir(rtl: bool) -> str:
    """Explicit text direction: with "start", text in RTL hangs left of x, in LTR right of it."""
    return ' direction="rtl"' if rtl else ' direction="ltr"'


def axis_top(value: float, ticks: int = 4) -> float:
    """An axis end at or above ``value`` whose ``ticks`` steps are round whole numbers."""
    return ticks * max(1.0, nice_top(value / ticks))


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1
    power: float = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:g}"


def _legend(
    items: Sequence[tuple[str, str]], *, y: int, rtl: bool, ident: str, suppressed_label: str | None
) -> tuple[list[str], int]:
    """Swatches and labels in rows from the reading-start side; returns the parts and the height used."""
    entries = [(label, fill) for label, fill in items]
    if suppressed_label:
        entries.append((suppressed_label, f"url(#{ident}-hatch)"))
    body: list[str] = []
    x, row_y = 8, y
    for label, fill in entries:
        width = 24 + 7 * len(label)
        if x + width > WIDTH - 8 and x > 8:
            x, row_y = 8, row_y + 20
        swatch_x = WIDTH - x - 12 if rtl else x
        text_x = swatch_x - 6 if rtl else swatch_x + 18
        body.append(f'<rect x="{swatch_x}" y="{row_y}" width="12" height="12" fill="{fill}" stroke="{MUTED}"/>')
        body.append(
            f'<text x="{text_x}" y="{row_y + 11}" text-anchor="start"{_dir(rtl)} font-size="12">{escape(label)}</text>'
        )
        x += width
    return body, row_y + 20 - y


# ----------------------------------------------------------------------------
# Arrivals over time: stacked columns


def stacked_columns(
    periods: Sequence[str],
    series: Sequence[str],
    cells: Sequence[Sequence[int | None]],
    totals: Sequence[int | None],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    ident: str,
    rtl: bool = False,
) -> SafeString:
    """One column per period, one stacked colour per series (``cells[period][series]``).

    A suppressed cell is never drawn as a length of its own. When the period's
    total is published, the part of the column it leaves unexplained is hatched
    (it tells no more than the total less the shown cells); when the total is
    suppressed too, a hatched marker of fixed height tops the column instead.
    In a right-to-left language time runs from right to left, the count axis
    stands on the right and the legend starts on the right."""
    axis_w, top_pad, plot_h = 48, 12, 200
    plot_w = WIDTH - axis_w - 16
    marker_h = 8
    heights: list[float] = []
    for line, total in zip(cells, totals, strict=True):
        known = sum(v for v in line if v)
        heights.append(max(known, total or 0))
    top = axis_top(max(heights, default=0))
    scale = plot_h / top
    base_y = top_pad + plot_h
    body: list[str] = [_hatch(ident)]

    def x_of(offset: float) -> float:
        """Distance ``offset`` from the reading-start edge of the plot, in svg x."""
        return WIDTH - axis_w - offset if rtl else axis_w + offset

    # Count axis, gridlines and ticks.
    axis_x = x_of(0)
    for k in range(5):
        value = top * k / 4
        y = base_y - value * scale
        body.append(f'<line x1="{x_of(0)}" y1="{y:.1f}" x2="{x_of(plot_w)}" y2="{y:.1f}" stroke="{GRID}"/>')
        tick_x, anchor = (axis_x + 6, "start") if rtl else (axis_x - 6, "end")
        body.append(
            f'<text x="{tick_x}" y="{y + 4:.1f}" text-anchor="{anchor}" direction="ltr" font-size="11">'
            f"{_number(value)}</text>"
        )
    body.append(f'<line x1="{axis_x}" y1="{top_pad}" x2="{axis_x}" y2="{base_y}" stroke="{MUTED}"/>')
    body.append(f'<line x1="{x_of(0)}" y1="{base_y}" x2="{x_of(plot_w)}" y2="{base_y}" stroke="{MUTED}"/>')
    title_x = WIDTH - 10 if rtl else 12
    body.append(
        f'<text x="{title_x}" y="{top_pad + plot_h / 2:.1f}" text-anchor="middle"{_dir(rtl)} font-size="12" '
        f'transform="rotate(-90 {title_x} {top_pad + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )

    slot = plot_w / max(len(periods), 1)
    bar_w = min(48.0, max(2.0, slot * 0.7))
    every = max(1, math.ceil(len(periods) * 56 / plot_w))
    suppressed_word = _("suppressed")
    for i, (period, line, total) in enumerate(zip(periods, cells, totals, strict=True)):
        centre = x_of(slot * (i + 0.5))
        left = centre - bar_w / 2
        y = float(base_y)
        for j, (name, count) in enumerate(zip(series, line, strict=True)):
            if not count:
                continue
            h = count * scale
            y -= h
            body.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(f"{period} · {name}: {count}")}</title></rect>'
            )
        hidden = [name for name, value in zip(series, line, strict=True) if value is None]
        if hidden or total is None:
            what = f"{period} · {', '.join(hidden) or _('total')}: {suppressed_word}"
            rest = (total - sum(v for v in line if v)) if total is not None else 0
            h = rest * scale if rest > 0 else marker_h
            y -= h
            body.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="url(#{ident}-hatch)" '
                f'stroke="{MUTED}" data-suppressed="true"><title>{escape(what)}</title></rect>'
            )
        if total is not None and total and bar_w >= 14:
            body.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle" direction="ltr" font-size="10">'
                f"{total}</text>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{centre:.1f}" y="{base_y + 15}" text-anchor="middle" direction="ltr" font-size="11">'
                f"{escape(period)}</text>"
            )
    body.append(
        f'<text x="{x_of(plot_w / 2):.1f}" y="{base_y + 34}" text-anchor="middle"{_dir(rtl)} font-size="12">'
        f"{escape(x_label)}</text>"
    )
    legend, legend_h = _legend(
        [(name, PALETTE[j % len(PALETTE)]) for j, name in enumerate(series)],
        y=base_y + 46,
        rtl=rtl,
        ident=ident,
        suppressed_label=_("Suppressed (disclosure control)"),
    )
    body += legend
    return _svg(base_y + 46 + legend_h + 4, title, body, desc=desc)


# ----------------------------------------------------------------------------
# Time in each stage: median bars with interquartile whiskers


def duration_bars(
    labels: Sequence[str],
    medians: Sequence[float | None],
    quartiles: Sequence[tuple[float, float] | None],
    *,
    title: str,
    desc: str,
    x_label: str,
    ident: str,
    rtl: bool = False,
) -> SafeString:
    """Horizontal bars of the median, a whisker from the lower to the upper quartile.

    A suppressed median is written "suppressed" beside a hatched stub of fixed
    width, never drawn as a length."""
    label_w, top_pad, row = LABEL_WIDTH, 8, 30
    plot_w = WIDTH - label_w - 150
    shown = [q[1] for q in quartiles if q is not None] + [m for m in medians if m is not None]
    top = axis_top(max(shown, default=0))
    scale = plot_w / top
    body: list[str] = [_hatch(ident)]

    def x_of(offset: float) -> float:
        return WIDTH - label_w - offset if rtl else label_w + offset

    bottom = top_pad + row * len(labels)
    for k in range(5):
        value = top * k / 4
        x = x_of(value * scale)
        body.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" direction="ltr" font-size="11">'
            f"{_number(value)}</text>"
        )
    body.append(
        f'<text x="{x_of(plot_w / 2):.1f}" y="{bottom + 33}" text-anchor="middle"{_dir(rtl)} font-size="12">'
        f"{escape(x_label)}</text>"
    )
    direction = ' direction="rtl"' if rtl else ' direction="ltr"'
    for i, (label, median, spread) in enumerate(zip(labels, medians, quartiles, strict=True)):
        y = top_pad + i * row
        label_x = WIDTH - 4 if rtl else 4
        body.append(
            f'<text x="{label_x}" y="{y + 19}" text-anchor="start"{direction} font-size="13">{escape(label)}</text>'
        )
        if median is None:
            stub = 10
            x = x_of(stub) if rtl else x_of(0)
            body.append(
                f'<rect x="{x:.1f}" y="{y + 6}" width="{stub}" height="{row - 12}" fill="url(#{ident}-hatch)" '
                f'stroke="{MUTED}" data-suppressed="true"><title>{escape(f"{label}: {_value_text(None)}")}</title>'
                "</rect>"
            )
            text = _value_text(None)
            end: float = stub
            fill = MUTED
        else:
            length = median * scale
            x = x_of(length) if rtl else x_of(0)
            body.append(
                f'<rect x="{x:.1f}" y="{y + 6}" width="{length:.1f}" height="{row - 12}" fill="{BAR}">'
                f"<title>{escape(f'{label}: {_number(median)}')}</title></rect>"
            )
            text, end, fill = _number(median), length, INK
            if spread is not None:
                lo, hi = x_of(spread[0] * scale), x_of(spread[1] * scale)
                mid = y + row / 2
                body.append(
                    f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="{INK}" stroke-width="1.5"/>'
                )
                for cap in (lo, hi):
                    body.append(
                        f'<line x1="{cap:.1f}" y1="{mid - 6}" x2="{cap:.1f}" y2="{mid + 6}" stroke="{INK}" '
                        'stroke-width="1.5"/>'
                    )
                text += f" ({_number(spread[0])}–{_number(spread[1])})"
                end = max(end, spread[1] * scale)
        value_x = x_of(end + 6)
        anchor = "end" if rtl else "start"
        body.append(
            f'<text x="{value_x:.1f}" y="{y + 19}" text-anchor="{anchor}" direction="ltr" font-size="12" '
            f'fill="{fill}">{escape(text)}</text>'
        )
    legend, legend_h = _legend(
        [(_("Median"), BAR)],
        y=bottom + 44,
        rtl=rtl,
        ident=ident,
        suppressed_label=_("Suppressed (disclosure control)"),
    )
    # The whisker's own legend entry: a line with caps, after the swatches.
    whisker_y = bottom + 44 + legend_h + 6
    wx = WIDTH - 20 if rtl else 8
    sign = -1 if rtl else 1
    body += legend
    body.append(f'<line x1="{wx}" y1="{whisker_y}" x2="{wx + sign * 12}" y2="{whisker_y}" stroke="{INK}"/>')
    body.append(f'<line x1="{wx}" y1="{whisker_y - 5}" x2="{wx}" y2="{whisker_y + 5}" stroke="{INK}"/>')
    body.append(
        f'<line x1="{wx + sign * 12}" y1="{whisker_y - 5}" x2="{wx + sign * 12}" y2="{whisker_y + 5}" stroke="{INK}"/>'
    )
    body.append(
        f'<text x="{wx + sign * 18}" y="{whisker_y + 4}" text-anchor="start"{_dir(rtl)} font-size="12">'
        f"{escape(_('Interquartile range (middle half of the stays)'))}</text>"
    )
    return _svg(whisker_y + 14, title, body, desc=desc)


# ----------------------------------------------------------------------------
# From published results to what the charts draw (the dashboard and the briefing)


@dataclass(frozen=True)
class ArrivalSeries:
    periods: list[str]
    series: list[str]
    cells: list[list[int | None]]  # [period][series]
    totals: list[int | None]


def arrival_series(result: IndicatorResult) -> ArrivalSeries:
    """Periods × operations of a published arrivals table; an operation known to have no one is left out."""
    table = result.table
    keep = [j for j, total in enumerate(table.column_totals) if total != 0]
    operation = DIMENSIONS[result.by[1]]
    return ArrivalSeries(
        periods=list(table.rows),
        series=[operation.label(table.columns[j]) for j in keep],
        cells=[[line[j] for j in keep] for line in table.cells],
        totals=list(table.row_totals),
    )


@dataclass(frozen=True)
class StageTimes:
    labels: list[str]
    medians: list[float | None]
    quartiles: list[tuple[float, float] | None]


def stage_times(result: IndicatorResult) -> StageTimes:
    """The stages someone left (or may have: a suppressed count), with their published medians."""
    labels = result.row_labels()
    values = result.values or ()
    quartiles = result.quartiles or ()
    keep = [k for k, line in enumerate(result.table.cells) if line[0] != 0]
    return StageTimes(
        labels=[labels[k] for k in keep],
        medians=[values[k] for k in keep],
        quartiles=[quartiles[k] for k in keep],
    )


def arrivals_chart(result: IndicatorResult, *, rtl: bool = False) -> SafeString:
    data = arrival_series(result)
    per_quarter = result.by[0] == "arrival_quarter"
    return stacked_columns(
        data.periods,
        data.series,
        data.cells,
        data.totals,
        title=str(result.indicator.name),
        desc=_(
            "Stacked columns: persons arrived per %(period)s, one colour per operation. Hatched parts are "
            "suppressed figures; the table below gives every published value."
        )
        % {"period": _("quarter") if per_quarter else _("month")},
        x_label=str(DIMENSIONS[result.by[0]].name),
        y_label=_("Persons arrived"),
        ident="arrivals",
        rtl=rtl,
    )


def stage_time_chart(result: IndicatorResult, *, rtl: bool = False) -> SafeString:
    data = stage_times(result)
    return duration_bars(
        data.labels,
        data.medians,
        data.quartiles,
        title=str(result.indicator.name),
        desc=_(
            "Horizontal bars: median days spent in each lifecycle stage by the persons who left it; whiskers "
            "from the lower to the upper quartile. Suppressed medians are hatched; the table below gives every "
            "published value."
        ),
        x_label=_("Days in the stage"),
        ident="stage-time",
        rtl=rtl,
    )
