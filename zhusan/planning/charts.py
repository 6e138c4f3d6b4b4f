"""The plan's two charts as server-drawn inline SVG (no script, nothing
fetched): residents in the centre over time, and the days to the first
psychologist and theologian sessions; the baseline and the what-if side by
side, each with the band from the 10th to the 90th percentile of the runs.

In a right-to-left language time runs from right to left and labels swap
sides, as in ``zhusan.reporting.charts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhusan.reporting.charts import GRID, INK, MUTED, WIDTH, axis_top

BASELINE = "#0072b2"
WHAT_IF = "#d55e00"


def _svg(height: float, title: str, desc: str, body: list[str], ident: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated text is escaped
        f'<svg class="chart" id="{ident}" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _dir(rtl: bool) -> str:
    return ' direction="rtl"' if rtl else ' direction="ltr"'


def _value(point: Mapping[str, Any], key: str) -> float:
    value = point.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _legend(items: Sequence[tuple[str, str, bool]], *, y: float, rtl: bool) -> list[str]:
    body: list[str] = []
    x = 8
    for label, colour, dashed in items:
        line_x = WIDTH - x - 22 if rtl else x
        text_x = line_x - 6 if rtl else line_x + 28
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        body.append(
            f'<line x1="{line_x}" y1="{y}" x2="{line_x + 22}" y2="{y}" stroke="{colour}" stroke-width="3"{dash}/>'
        )
        body.append(
            f'<text x="{text_x}" y="{y + 4}" text-anchor="start"{_dir(rtl)} font-size="12">{escape(label)}</text>'
        )
        x += 40 + 7 * len(label)
    return body


def occupancy_chart(
    start: date,
    series: Sequence[tuple[str, Sequence[Mapping[str, Any]], int, bool]],
    *,
    rtl: bool = False,
) -> SafeString:
    """Residents at noon each day: per series (label, daily spreads, beds, dashed) the
    median as a line and the 10th–90th percentile of the runs as a band; the beds as a thin line."""
    axis_w, top_pad, plot_h = 52, 12, 220
    plot_w = WIDTH - axis_w - 16
    days = max((len(points) for _l, points, _b, _d in series), default=1) or 1
    top = axis_top(max([_value(p, "p90") for _l, points, _b, _d in series for p in points] + [1.0]))
    beds_top = max((beds for _l, _p, beds, _d in series), default=0)
    if beds_top <= top * 1.5:
        top = axis_top(max(top, float(beds_top)))
    base_y = top_pad + plot_h

    def x_of(day: float) -> float:
        offset = plot_w * day / max(days - 1, 1)
        return WIDTH - axis_w - offset if rtl else axis_w + offset

    def y_of(value: float) -> float:
        return base_y - plot_h * min(value, top) / top

    body: list[str] = []
    axis_x = x_of(0)
    for k in range(5):
        value = top * k / 4
        y = y_of(value)
        body.append(f'<line x1="{x_of(0):.1f}" y1="{y:.1f}" x2="{x_of(days - 1):.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        tick_x, anchor = (axis_x + 6, "start") if rtl else (axis_x - 6, "end")
        body.append(
            f'<text x="{tick_x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" direction="ltr" font-size="11">'
            f"{value:g}</text>"
        )
    every = max(7, 7 * round(days / 7 / 6))
    for day in range(0, days, every):
        label = (start + timedelta(days=day)).strftime("%d.%m")
        body.append(
            f'<text x="{x_of(day):.1f}" y="{base_y + 15}" text-anchor="middle" direction="ltr" font-size="11">'
            f"{escape(label)}</text>"
        )
    body.append(
        f'<text x="{x_of((days - 1) / 2):.1f}" y="{base_y + 32}" text-anchor="middle"{_dir(rtl)} font-size="12">'
        f"{escape(_('Day (first arrival on %(day)s)') % {'day': start.isoformat()})}</text>"
    )
    for label, points, beds, dashed in series:
        colour = WHAT_IF if dashed else BASELINE
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        if not points:
            continue
        upper = [f"{x_of(d):.1f},{y_of(_value(p, 'p90')):.1f}" for d, p in enumerate(points)]
        lower = [f"{x_of(d):.1f},{y_of(_value(p, 'p10')):.1f}" for d, p in enumerate(points)][::-1]
        body.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{colour}" fill-opacity="0.18" stroke="none">'
            f"<title>{escape(label)}: {escape(_('10th to 90th percentile of the runs'))}</title></polygon>"
        )
        line = " ".join(f"{x_of(d):.1f},{y_of(_value(p, 'median')):.1f}" for d, p in enumerate(points))
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"{dash} '
            f'data-series="{escape(label)}"><title>{escape(label)}</title></polyline>'
        )
        if beds and beds <= top:
            body.append(
                f'<line x1="{x_of(0):.1f}" y1="{y_of(beds):.1f}" x2="{x_of(days - 1):.1f}" y2="{y_of(beds):.1f}" '
                f'stroke="{colour}" stroke-width="1" stroke-dasharray="2 3"><title>'
                f"{escape(label)}: {escape(_('%(n)d beds') % {'n': beds})}</title></line>"
            )
    body.append(f'<line x1="{axis_x:.1f}" y1="{top_pad}" x2="{axis_x:.1f}" y2="{base_y}" stroke="{MUTED}"/>')
    title_x = WIDTH - 10 if rtl else 12
    body.append(
        f'<text x="{title_x}" y="{top_pad + plot_h / 2:.1f}" text-anchor="middle"{_dir(rtl)} font-size="12" '
        f'transform="rotate(-90 {title_x} {top_pad + plot_h / 2:.1f})">{escape(_("Residents"))}</text>'
    )
    body += _legend([(label, WHAT_IF if d else BASELINE, d) for label, _p, _b, d in series], y=base_y + 50, rtl=rtl)
    title = _("Residents in the centre over time")
    desc = _(
        "Lines: the median number of residents at noon each day over the runs; shaded: from the 10th to the "
        "90th percentile of the runs; dotted: the beds. The table below gives the figures."
    )
    return _svg(base_y + 64, title, desc, body, "occupancy-chart")


def waits_chart(
    disciplines: Sequence[tuple[str, str]],
    series: Sequence[tuple[str, Mapping[str, Mapping[str, Any]], bool]],
    *,
    rtl: bool = False,
) -> SafeString:
    """Days from arrival to the first session per discipline (label pairs ``(code, label)``):
    one bar per series, the median, with a whisker from the 10th to the 90th percentile of the runs."""
    label_w, top_pad, bar_h, gap = 170, 8, 18, 14
    plot_w = WIDTH - label_w - 130
    values = [_value(waits[code], "p90") for _l, waits, _d in series for code, _name in disciplines if code in waits]
    top = axis_top(max(values + [1.0]))
    scale = plot_w / top
    group_h = bar_h * max(len(series), 1) + gap
    bottom = top_pad + group_h * len(disciplines)

    def x_of(value: float) -> float:
        return WIDTH - label_w - value * scale if rtl else label_w + value * scale

    body: list[str] = []
    for k in range(5):
        value = top * k / 4
        x = x_of(value)
        body.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" direction="ltr" font-size="11">{value:g}</text>'
        )
    body.append(
        f'<text x="{x_of(top / 2):.1f}" y="{bottom + 32}" text-anchor="middle"{_dir(rtl)} font-size="12">'
        f"{escape(_('Days from arrival to the first session'))}</text>"
    )
    for i, (code, name) in enumerate(disciplines):
        y0 = top_pad + i * group_h
        label_x = WIDTH - 4 if rtl else 4
        body.append(
            f'<text x="{label_x}" y="{y0 + bar_h + 4}" text-anchor="start"{_dir(rtl)} font-size="13">'
            f"{escape(name)}</text>"
        )
        for j, (label, waits, dashed) in enumerate(series):
            y = y0 + j * bar_h
            colour = WHAT_IF if dashed else BASELINE
            spread = waits.get(code)
            if not spread or spread.get("median") is None:
                body.append(
                    f'<text x="{x_of(0) + (-6 if rtl else 6):.1f}" y="{y + 13}" text-anchor="start"{_dir(rtl)} '
                    f'font-size="11" fill="{MUTED}">{escape(label)}: {escape(_("no one seen"))}</text>'
                )
                continue
            median, lo, hi = _value(spread, "median"), _value(spread, "p10"), _value(spread, "p90")
            x = x_of(median) if rtl else x_of(0)
            text = f"{label}: {median:g} ({lo:g}–{hi:g})"
            body.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{max(median * scale, 1):.1f}" height="{bar_h - 4}" '
                f'fill="{colour}" data-series="{escape(label)}"><title>{escape(f"{name} · {text}")}</title></rect>'
            )
            mid = y + bar_h / 2
            body.append(
                f'<line x1="{x_of(lo):.1f}" y1="{mid}" x2="{x_of(hi):.1f}" y2="{mid}" stroke="{INK}" stroke-width="1.5"/>'
            )
            for cap in (x_of(lo), x_of(hi)):
                body.append(
                    f'<line x1="{cap:.1f}" y1="{mid - 5}" x2="{cap:.1f}" y2="{mid + 5}" stroke="{INK}" stroke-width="1.5"/>'
                )
            end = max(median, hi) * scale + 6
            value_x = WIDTH - label_w - end if rtl else label_w + end
            anchor = "end" if rtl else "start"
            body.append(
                f'<text x="{value_x:.1f}" y="{y + 13}" text-anchor="{anchor}" direction="ltr" font-size="11">'
                f"{median:g} ({lo:g}–{hi:g})</text>"
            )
    body += _legend([(label, WHAT_IF if d else BASELINE, False) for label, _w, d in series], y=bottom + 50, rtl=rtl)
    title = _("Waiting for the first session")
    desc = _(
        "Bars: the median over the runs of the median days from arrival to the first session with each "
        "discipline; whiskers from the 10th to the 90th percentile of the runs."
    )
    return _svg(bottom + 64, title, desc, body, "waits-chart")


def back_test_svg(result: Any) -> str:
    """A standalone SVG document of a back-test (``planner.BackTest``): the
    recorded residents over time against the simulated band, and the recorded
    median waits against the simulated ones."""
    recorded = result.recorded
    simulated = result.simulated.as_dict()
    exact = [{"median": v, "p10": v, "p90": v} for v in recorded.occupancy]
    start = recorded.start or result.simulated.start
    occupancy = occupancy_chart(
        start, [(_("Recorded"), exact, 0, False), (_("Simulated"), simulated["occupancy"], 0, True)]
    )
    codes = [d for d in ("psychologist", "theologian") if d in recorded.waits and d in simulated["waits"]]
    waits = waits_chart(
        [(d, d.capitalize()) for d in codes],
        [
            (
                _("Recorded"),
                {d: {"median": recorded.waits[d], "p10": recorded.waits[d], "p90": recorded.waits[d]} for d in codes},
                False,
            ),
            (_("Simulated"), simulated["waits"], True),
        ],
    )
    # Two charts stacked in one document, each at its own size.
    first_h = float(str(occupancy).split('viewBox="0 0 ')[1].split('"')[0].split()[1])
    second_h = float(str(waits).split('viewBox="0 0 ')[1].split('"')[0].split()[1])

    def placed(chart: SafeString, y: float, height: float) -> str:
        return str(chart).replace('width="100%"', f'x="0" y="{y:g}" width="{WIDTH}" height="{height:g}"', 1)

    title = _("Back-test of %(op)s: recorded and simulated") % {"op": result.operation}
    total = first_h + second_h + 40
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{total:g}" viewBox="0 0 {WIDTH} {total:g}">'
        f'<rect width="100%" height="100%" fill="#fff"/><text x="8" y="16" font-size="14">{escape(title)}</text>'
        f"{placed(occupancy, 24, first_h)}{placed(waits, first_h + 32, second_h)}</svg>"
    )
