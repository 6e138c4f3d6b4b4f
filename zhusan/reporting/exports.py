"""Aggregate tables as CSV, XLSX and HXL-tagged CSV.

Only ``IndicatorResult`` objects are exported, so every figure has been
through disclosure control. A suppressed value is written ``x``. Every file
is written by :mod:`zhusan.core.tabular_out`, which neutralises text cells
against formula injection (a spreadsheet would run ``=HYPERLINK(...)`` typed
into a region name). Each file carries its notes:
the indicator's definition, the filters, the disclosure rule and, for a demo
installation, that the data is synthetic. In an HXL file the notes and the
totals sit above the header row, where HXL tools do not read them as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.models import Organisation
from zhusan.core.tabular_out import add_sheet, append_row, append_rows, new_workbook, workbook_bytes, write_csv
from zhusan.core.tabular_out import safe_cell as safe_text  # noqa: F401  (kept for callers of exports.safe_text)

from .indicators import DIMENSIONS, IndicatorResult, ReportFilters

SUPPRESSED = "x"

# The machine-readable proof, in every HXL file, that its figures passed
# disclosure control (read by the public tracker, zhusan/tracker/sources.py).
# One row above the header row, never translated, whose first cell does not
# start with "#" (so HXL tools do not take it for the hashtag row):
#   zhusan:disclosure | method=... | threshold=5 | noise=2 | rounding=0 | suppressed=x
DISCLOSURE_MARKER = "zhusan:disclosure"
DISCLOSURE_METHOD = "suppression+secondary+cellkey"

# HXL attributes for categories (custom ones are documented in docs/reporting.md).
HXL_CATEGORY = {
    "female": "+f",
    "male": "+m",
    "unknown": "+unknown",
    "children": "+children",
    "adults": "+adults",
    # arrival_group: standard HXL attributes combined, not invented ones.
    "men": "+m+adults",
    "women": "+f+adults",
    "0-4": "+age0_4",
    "5-11": "+age5_11",
    "12-17": "+age12_17",
    "18-59": "+age18_59",
    "60+": "+age60plus",
}
HXL_ROW_LABEL = {"region": "#adm1+name", "stage": "#status+stage"}


def _shown(value: int | float | None) -> int | float | str:
    return SUPPRESSED if value is None else value


def filter_scope(filters: ReportFilters) -> str:
    """The programme and operation filters, as a sentence to append ("" if none)."""
    out = ""
    if filters.programme:
        name = Organisation.objects.filter(uuid=filters.programme).values_list("name", flat=True).first()
        out += " " + _("Programme: %(name)s.") % {"name": name or filters.programme}
    if filters.operation:
        out += " " + _("Operation: %(code)s.") % {"code": filters.operation}
    return out


def notes(result: IndicatorResult, *, synthetic: bool, rule: str, today: date | None = None) -> list[str]:
    indicator = result.indicator
    filters = result.filters
    out = [
        f"{indicator.name}: {indicator.definition}",
        _("Filters: period %(start)s to %(end)s; region %(region)s; sex %(sex)s.")
        % {
            "start": filters.start or "…",
            "end": filters.end or "…",
            "region": filters.region or _("all"),
            "sex": filters.sex or _("all"),
        }
        + filter_scope(filters),
        _("Disclosure control: %(rule)s Suppressed values are written %(mark)s.") % {"rule": rule, "mark": SUPPRESSED},
        _("Produced by Zhusan on %(date)s from the records.") % {"date": (today or timezone.localdate()).isoformat()},
    ]
    if synthetic:
        out.insert(0, _("SYNTHETIC DATA: every person counted here is invented (demo dataset)."))
    return out


def _value_heading(result: IndicatorResult) -> str | None:
    measure = result.indicator.measure
    if measure == "rate":
        return _("Rate (%)")
    if measure in ("duration", "stage_duration"):
        return _("Median days")
    return None


def table_rows(result: IndicatorResult) -> list[list[object]]:
    """Header and body: one line per row category, then the totals line."""
    table = result.table
    row_heading = str(DIMENSIONS[result.by[0]].name) if result.by else ""
    header: list[object] = [row_heading, *result.column_labels()]
    if len(table.columns) > 1:
        header.append(_("Total"))
    extra = _value_heading(result)
    if extra:
        header.append(extra)
    if result.quartiles is not None:
        header += [_("Lower quartile (days)"), _("Upper quartile (days)")]
    lines: list[list[object]] = [header]
    for k, label in enumerate(result.row_labels()):
        line: list[object] = [label, *(_shown(v) for v in table.cells[k])]
        if len(table.columns) > 1:
            line.append(_shown(table.row_totals[k]))
        if extra:
            line.append(_shown(result.values[k] if result.values else None))
        if result.quartiles is not None:
            quartiles = result.quartiles[k]
            line += [_shown(None), _shown(None)] if quartiles is None else list(quartiles)
        lines.append(line)
    if result.by:
        total: list[object] = [_("Total"), *(_shown(v) for v in table.column_totals)]
        if len(table.columns) > 1:
            total.append(_shown(table.grand_total))
        if extra:
            total.append("")
        if result.quartiles is not None:
            total += ["", ""]
        lines.append(total)
    return lines


def hxl_tags(result: IndicatorResult) -> list[str]:
    """The hashtag row matching ``table_rows``' header."""
    indicator = result.indicator
    base = indicator.hxl_tag
    tags = [HXL_ROW_LABEL.get(result.by[0], f"#meta+{result.by[0]}") if result.by else "#meta+scope"]
    if len(result.by) > 1:
        tags += [base + HXL_CATEGORY.get(code, f"+{code}") for code in result.table.columns]
        tags.append(base + "+total")
    elif indicator.measure == "rate":
        tags += [base + "+num", base + "+other"]
    elif indicator.measure == "stage_duration":
        tags += [base + "+left", base + "+current", base + "+total"]
    else:
        tags.append(base + "+total")
    if indicator.measure == "rate":
        tags.append("#indicator+value+pct")
    elif indicator.measure in ("duration", "stage_duration"):
        tags.append("#indicator+value+median+days")
    if result.quartiles is not None:
        tags += ["#indicator+value+q1+days", "#indicator+value+q3+days"]
    if result.by and result.by[0] in {"sex", "age_band", "age_group"}:
        # The row dimension is a category the value columns cannot carry as an attribute.
        tags[0] = f"#meta+{result.by[0]}"
    return tags


def to_csv(result: IndicatorResult, *, synthetic: bool, rule: str, hxl: bool = False) -> str:
    """The table, then its notes; for HXL see ``hxl_lines``."""
    if hxl:
        return write_csv(hxl_lines(result, synthetic=synthetic, rule=rule))
    lines: list[list[object]] = list(table_rows(result))
    lines.append([])
    lines += [[note] for note in notes(result, synthetic=synthetic, rule=rule)]
    return write_csv(lines)


def disclosure_marker(result: IndicatorResult) -> list[object]:
    """The marker row: the rule and threshold the figures below were protected with."""
    table = result.table
    return [
        DISCLOSURE_MARKER,
        f"method={DISCLOSURE_METHOD}",
        f"threshold={table.threshold}",
        f"noise={table.noise}",
        f"rounding={table.rounding_base or 0}",
        f"suppressed={SUPPRESSED}",
    ]


def hxl_lines(result: IndicatorResult, *, synthetic: bool, rule: str) -> list[list[object]]:
    """An HXL table whose every row after the hashtag row is one category.

    HXL tools read the rows below the hashtag row as data and ignore the rows
    above the header: the notes and the published totals go there, so a tool
    that sums a column counts each person once and no note becomes a category.
    The totals are still published exactly as in the CSV (under disclosure
    control a total is not always the sum of the shown cells). The last row
    above the header is the disclosure marker (``disclosure_marker``).
    """
    rows = table_rows(result)
    header, body = rows[0], rows[1:]
    above: list[list[object]] = [[note] for note in notes(result, synthetic=synthetic, rule=rule)]
    if result.by:
        *body, total = body
        shown = "; ".join(
            f"{label}: {value}" for label, value in zip(header[1:], total[1:], strict=True) if value != ""
        )
        above.append([_("Published totals (not repeated as a data row): %(totals)s.") % {"totals": shown}])
    above.append(disclosure_marker(result))
    return [*above, header, list(hxl_tags(result)), *body]


def append_table(sheet: Any, result: IndicatorResult) -> None:
    """A published table below what the sheet holds, header in bold (exports and briefing)."""
    from openpyxl.styles import Font

    append_row(sheet, [])
    header_row = sheet.max_row + 1
    append_rows(sheet, table_rows(result))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28


def to_xlsx(results: Sequence[IndicatorResult], *, synthetic: bool, rule: str) -> bytes:
    """One sheet per indicator table; the notes above each table."""
    book = new_workbook()
    for index, result in enumerate(results, start=1):
        sheet = add_sheet(book, f"{index} {result.indicator.code}")
        append_rows(sheet, [[note] for note in notes(result, synthetic=synthetic, rule=rule)])
        append_table(sheet, result)
    return workbook_bytes(book)
