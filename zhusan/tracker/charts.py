"""Horizontal bar charts for the static site, drawn at build time as SVG
(like ``zhusan.reporting.charts``, with a label column wide enough for the
names of operations). Mirrored in right-to-left languages; a value that is
unknown or suppressed is written, not drawn."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zhusan.reporting.charts import BAR, INK, MUTED

WIDTH = 720
ROW = 26
LABEL_WIDTH = 300


def bars(
    labels: Sequence[str],
    values: Sequence[int | None],
    texts: Sequence[str],
    *,
    title: str,
    desc: str = "",
    rtl: bool = False,
) -> SafeString:
    """One bar per label; ``texts`` is the value as written beside each bar."""
    top = max((v for v in values if v is not None), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 130  # room for the longest value text ("at least 42,000")
    body: list[str] = []
    direction = ' direction="rtl"' if rtl else ' direction="ltr"'
    for k, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = 8 + k * ROW
        length = 0 if value is None else round(plot * value / top)
        if rtl:
            label_x, bar_x, value_x = WIDTH - 4, WIDTH - LABEL_WIDTH - length, WIDTH - LABEL_WIDTH - length - 6
        else:
            label_x, bar_x, value_x = 4, LABEL_WIDTH, LABEL_WIDTH + length + 6
        body.append(
            f'<text x="{label_x}" y="{y + 15}" text-anchor="start"{direction} font-size="13" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        if length:
            body.append(
                f'<rect x="{bar_x}" y="{y}" width="{length}" height="{ROW - 8}" fill="{BAR}">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        fill = INK if value is not None else MUTED
        body.append(
            f'<text x="{value_x}" y="{y + 15}" text-anchor="start"{direction} font-size="12" fill="{fill}">'
            f"{escape(text)}</text>"
        )
    height = 16 + ROW * len(labels)
    described = f"<desc>{escape(desc)}</desc>" if desc else ""
    return mark_safe(  # noqa: S308 - every interpolated text is escaped
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{described}'
        + "".join(body)
        + "</svg>"
    )
