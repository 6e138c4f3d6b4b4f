"""What a deployment publishes: returnees by operation, with men, women and
children, after disclosure control (``reporting.indicators.compute``, the one
published path), as an HXL table the tracker accepts.

It is the HXL export of ``returnees`` by operation × arrival group
(``reporting.exports``: notes, published totals and the disclosure marker
above the header) with two columns in front that name no person: the
operation's country (``#country+code``) and the year of its first movement
(``#date+year``). The preview page shows exactly these rows and a
publication writes exactly them.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from zhusan.core.tabular_out import write_csv
from zhusan.operations.models import Operation
from zhusan.reporting import exports
from zhusan.reporting.indicators import NO_OPERATION, compute
from zhusan.reporting.views import is_synthetic, rule_text

INDICATOR = "returnees"
BY = ("operation", "arrival_group")
FILENAME = "zhusan-returnees-by-operation.hxl.csv"


def _operations() -> dict[str, tuple[str, str]]:
    """Operation code → (country, year of its first movement or "")."""
    out: dict[str, tuple[str, str]] = {}
    rows = Operation.objects.annotate(
        first=Min(Coalesce("movements__arrival_on", "movements__departure_on"))
    ).values_list("code", "country", "first")
    for code, country, first in rows:
        out[code] = (country, str(first.year) if first else "")
    return out


def home_country(known: dict[str, tuple[str, str]]) -> str:
    """The deployment's country: ``ZHUSAN_PUBLISH_COUNTRY``, else that of most of its operations."""
    configured = str(getattr(settings, "ZHUSAN_PUBLISH_COUNTRY", "") or "")
    if configured:
        return configured.upper()
    counted = Counter(country for country, _year in known.values() if country)
    return counted.most_common(1)[0][0] if counted else ""


def aggregate_lines() -> list[list[object]]:
    """Every line of the published file: notes, marker, header, hashtags, data."""
    result = compute(INDICATOR, by=BY)
    lines = exports.hxl_lines(result, synthetic=is_synthetic(), rule=rule_text(result.table.threshold))
    tag_row = next(k for k, line in enumerate(lines) if line and str(line[0]).startswith("#"))
    known = _operations()
    home = home_country(known)
    out: list[list[object]] = [list(line) for line in lines[: tag_row - 1]]
    out.append([_("Country"), _("Year"), *lines[tag_row - 1]])
    out.append(["#country+code", "#date+year", *lines[tag_row]])
    for code, line in zip(result.table.rows, lines[tag_row + 1 :], strict=True):
        country, year = known.get(code, (home, "")) if code != NO_OPERATION else (home, "")
        out.append([country, year, *line])
    return out


def header_index(lines: list[list[object]]) -> int:
    """The index of the header row (the hashtag row follows it)."""
    return next(k for k, line in enumerate(lines) if line and str(line[0]).startswith("#")) - 1


def aggregate_file(lines: list[list[object]]) -> str:
    return write_csv(lines)
