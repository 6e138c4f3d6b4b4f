"""A person's trajectory on one instrument as server-rendered inline SVG, in
the style of ``zhusan.reporting.charts``: no JavaScript, presentation
attributes only, a title and a description, and the same figures in a table
beside it (the template). In a right-to-left language time runs leftwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhusan.reporting.charts import BAR, GRID, INK, MUTED

from .catalogue import Instrument, cutoffs

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 24, 40
CUTOFF = "#d55e00"
INSET = 28


def trajectory_chart(
    inst: Instrument, points: Sequence[tuple[date, int]], *, title: str, rtl: bool = False
) -> SafeString:
    """``points``: (date, total) oldest first. Cut-off lines are dashed."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    top = inst.total_max

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    def x_of(k: int) -> float:
        # Points stand off the axis so their labels never meet the tick labels.
        inner = plot_w - 2 * INSET
        step = inner / max(len(points) - 1, 1)
        x = LEFT + INSET + (k * step if len(points) > 1 else inner / 2)
        return WIDTH - x if rtl else x

    direction = ' direction="rtl"' if rtl else ' direction="ltr"'
    axis_x = WIDTH - LEFT if rtl else LEFT
    label_anchor = "start" if rtl else "end"
    label_x = axis_x + 6 if rtl else axis_x - 6
    body: list[str] = []
    for tick in range(5):
        value = round(top * tick / 4)
        y = y_of(value)
        gx0, gx1 = (RIGHT, WIDTH - LEFT) if rtl else (LEFT, WIDTH - RIGHT)
        body.append(f'<line x1="{gx0}" x2="{gx1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{label_x}" y="{y + 4:.1f}" text-anchor="{label_anchor}" font-size="11" fill="{INK}">{value}</text>'
        )
    x0, x1 = (RIGHT, WIDTH - LEFT) if rtl else (LEFT, WIDTH - RIGHT)
    for limit in cutoffs(inst.code):
        y = y_of(limit)
        body.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{CUTOFF}" stroke-dasharray="6 4"/>')
        text = escape(_("cut-off %(n)s") % {"n": limit})
        tx, anchor = (x0 + 4, "start") if not rtl else (x1 - 4, "start")
        body.append(
            f'<text x="{tx}" y="{y - 3:.1f}" text-anchor="{anchor}"{direction} font-size="11" fill="{CUTOFF}">{text}</text>'
        )
    coords = [(x_of(k), y_of(total)) for k, (_day, total) in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    for (x, y), (day, total) in zip(coords, points, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BAR}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" fill="{INK}">{total}</text>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f"{escape(date_format(day, 'SHORT_DATE_FORMAT'))}</text>"
        )
    if not points:
        body.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="13" fill="{MUTED}">'
            f"{escape(_('No administrations yet'))}</text>"
        )
    desc = _("%(i)s totals from %(low)s to %(high)s over %(n)s administrations; cut-offs at %(c)s.") % {
        "i": inst.name,
        "low": 0,
        "high": inst.total_max,
        "n": len(points),
        "c": ", ".join(str(c) for c in cutoffs(inst.code)) or "—",
    }
    if points:
        desc += " " + "; ".join(f"{day.isoformat()}: {total}" for day, total in points)
    return mark_safe(  # noqa: S308 - every interpolated text is escaped or a number
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )
