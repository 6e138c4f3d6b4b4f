"""Charts as server-rendered inline SVG: no JavaScript, no external files,
nothing fetched from the network. Colours are SVG presentation attributes
(allowed by the strict CSP, unlike style attributes).

In a right-to-left language the layout is mirrored: labels sit on the right,
bars grow leftwards and text anchors are swapped, so the chart reads the way
the page does.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR = "#2f6f8f"
FEMALE = "#a4487a"
MALE = "#2f6f8f"
MUTED = "#767676"
WIDTH = 640
ROW = 26
LABEL_WIDTH = 180


def _value_text(value: int | float | None) -> str:
    if value is None:
        return _("suppressed")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated text below is escaped
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
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
