"""What the tracker reads: the curated public figures, and published HXL
aggregates of deployments, refused unless they passed disclosure control.

An aggregate is accepted only when
- it is an HXL table (libhxl finds its hashtag row);
- it carries the disclosure marker row the reporting export writes
  (``zhusan.reporting.exports.disclosure_marker``) with a threshold at least
  the tracker's own (``ZHUSAN_DISCLOSURE_THRESHOLD``, default 5);
- no column is person-level (names, dates of birth, identifiers, case
  numbers, contacts, addresses), by its header or its hashtag;
- every count is suppressed (``x``), zero, or at least the threshold.
Anything else raises :class:`RefusedSourceError` with the reason; nothing is built.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import hxl  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from zhusan.reporting.exports import DISCLOSURE_MARKER, SUPPRESSED

CURATED = Path(__file__).resolve().parent / "data" / "public_figures.csv"
FETCH_TIMEOUT = 30
MAX_BYTES = 5_000_000

# A count: a number, SUPPRESSED ("x") when the source suppressed it, None when unknown.
Count = int | Literal["x"] | None
COUNTS = ("total", "men", "women", "children", "orphans", "remaining")

# Hashtags whose values are counts of people (HXL core schema).
COUNT_HASHTAGS = {"#reached", "#affected", "#targeted", "#inneed", "#population", "#severity"}
# Person-level columns, refused by hashtag, by attribute, or by header text.
PERSON_HASHTAGS = {"#contact", "#beneficiary", "#respondee", "#person"}
PERSON_ATTRIBUTES = {
    "id",
    "case",
    "caseid",
    "birth",
    "dob",
    "passport",
    "phone",
    "email",
    "surname",
    "given",
    "person",
    "iin",
    "address",
}
NAME_HASHTAGS = {"#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#country", "#org", "#loc", "#sector", "#region"}
PERSON_HEADER = re.compile(
    r"\b(names?|surname|given name|family name|first name|last name|date of birth|birth date|dob|passport|iin|"
    r"national id|personal id|id number|identifier|case (number|no|id|ref|reference)|"
    r"phone|e-?mail|address|uuid)\b",
    re.IGNORECASE,
)


class RefusedSourceError(ValueError):
    """A source the tracker does not accept, with the reason (for the command line)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str = ""
    url: str = ""
    date: str = ""


@dataclass(frozen=True)
class Figure:
    """One line of the tracker: an operation, a total, a cumulative or a 'remaining' figure."""

    country: str
    label: str
    source: Source
    date: str = ""
    year: int | None = None
    kind: str = "operation"  # operation | subtotal | total | cumulative | remaining | unknown
    qualifier: str = ""  # "at least", "about", "more than"
    part_of: str = ""  # the label of the total this line is included in
    note: str = ""
    counts: dict[str, Count] = field(default_factory=dict)
    origin: str = "curated"  # curated | deployment
    noise: int = 0  # how far a published count may be from the true one

    def count(self, name: str) -> Count:
        return self.counts.get(name)

    @property
    def top_level(self) -> bool:
        return not self.part_of


def _int_or_none(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text else None


def load_curated(path: Path = CURATED) -> list[Figure]:
    """The curated public figures (data/public_figures.csv), each with its source."""
    figures = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            figures.append(
                Figure(
                    country=row["country"].strip(),
                    label=row["operation"].strip(),
                    date=row["date"].strip(),
                    year=_int_or_none(row["year"]),
                    kind=row["kind"].strip(),
                    qualifier=row["qualifier"].strip(),
                    part_of=row.get("part_of", "").strip(),
                    note=row["note"].strip(),
                    counts={name: _int_or_none(row[name]) for name in COUNTS},
                    source=Source(
                        title=row["source_title"].strip(),
                        publisher=row["source_publisher"].strip(),
                        url=row["source_url"].strip(),
                        date=row["source_date"].strip(),
                    ),
                )
            )
    return figures


# ----------------------------------------------------------------------------
# Deployment aggregates


def split_spec(spec: str) -> tuple[str, str]:
    """``KZ=path`` names the country of a file without a #country column."""
    match = re.match(r"^([A-Z]{2})=(.+)$", spec)
    return (match.group(1), match.group(2)) if match else ("", spec)


def fetch(location: str) -> bytes:
    """The bytes of a file path or an http(s) URL (other schemes are refused)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", location, re.IGNORECASE):
        if not location.lower().startswith(("http://", "https://")):
            raise RefusedSourceError(location, _("only files and http(s) addresses are read."))
        request = urllib.request.Request(location, headers={"User-Agent": "zhusan-tracker"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                content = bytes(response.read(MAX_BYTES + 1))
        except OSError as error:
            raise RefusedSourceError(location, _("could not be fetched (%(error)s).") % {"error": error}) from error
    else:
        try:
            content = Path(location).read_bytes()
        except OSError as error:
            raise RefusedSourceError(
                location, _("could not be read (%(error)s).") % {"error": error.strerror}
            ) from error
    if len(content) > MAX_BYTES:
        raise RefusedSourceError(location, _("is larger than an aggregate table can be."))
    return content


def _marker(lines: Sequence[Sequence[str]]) -> dict[str, str] | None:
    for line in lines:
        if line and line[0].strip() == DISCLOSURE_MARKER:
            pairs = (cell.split("=", 1) for cell in line[1:] if "=" in cell)
            return {key.strip(): value.strip() for key, value in pairs}
    return None


def _person_level(header: str, column: hxl.model.Column) -> bool:
    tag = (column.tag or "").lower()
    attributes = {a.lower() for a in column.attributes}
    if tag in PERSON_HASHTAGS or attributes & PERSON_ATTRIBUTES:
        return True
    if "name" in attributes and tag not in NAME_HASHTAGS and tag != "#meta":
        return True
    if tag == "#meta" and "name" in attributes:
        return True
    if tag == "#date" and attributes & {"birth", "dob"}:
        return True
    return bool(header and PERSON_HEADER.search(header))


def _count(value: str, *, source: str, where: str, threshold: int) -> Count:
    text = (value or "").strip()
    if text == "":
        return None
    if text == SUPPRESSED:
        return "x"
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise RefusedSourceError(
            source, _("%(where)s holds %(value)r, which is not a count.") % {"where": where, "value": text}
        ) from None
    if number != int(number) or number < 0:
        raise RefusedSourceError(
            source, _("%(where)s holds %(value)r, which is not a count.") % {"where": where, "value": text}
        )
    if 0 < number < threshold:
        raise RefusedSourceError(
            source,
            _(
                "%(where)s shows %(value)d, below the disclosure threshold of %(threshold)d and not suppressed: "
                "the file did not pass disclosure control."
            )
            % {"where": where, "value": int(number), "threshold": threshold},
        )
    return int(number)


def _find(columns: Sequence[hxl.model.Column], pattern: str, *, without: Sequence[str] = ()) -> int | None:
    wanted = hxl.model.TagPattern.parse(pattern)
    for index, column in enumerate(columns):
        if wanted.match(column) and not any(a in column.attributes for a in without):
            return index
    return None


def read_aggregate(spec: str, *, min_threshold: int) -> list[Figure]:
    """The figures of one published aggregate, or :class:`RefusedSourceError` with the reason."""
    country_given, location = split_spec(spec)
    content = fetch(location)
    text = content.decode("utf-8-sig", errors="replace")
    lines = list(csv.reader(io.StringIO(text)))
    try:
        dataset = hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True)).cache()
        columns = list(dataset.columns)
        rows = [list(row.values) for row in dataset]
    except hxl.HXLException as error:
        raise RefusedSourceError(location, _("is not an HXL table (%(error)s).") % {"error": error}) from error
    if not any(column.tag for column in columns):
        raise RefusedSourceError(location, _("is not an HXL table (no hashtag row)."))

    for column in columns:
        header = column.header or ""
        if _person_level(header, column):
            raise RefusedSourceError(
                location,
                _(
                    "the column %(header)s %(tag)s is person-level (names, dates of birth, identifiers, case "
                    "numbers or contacts): only aggregates are accepted."
                )
                % {"header": repr(header), "tag": column.display_tag},
            )

    marker = _marker(lines)
    if marker is None:
        raise RefusedSourceError(
            location,
            _(
                "carries no disclosure-control marker (the row %(marker)s that Zhusan's HXL export writes): "
                "only aggregates that passed disclosure control at their source are accepted."
            )
            % {"marker": DISCLOSURE_MARKER},
        )
    try:
        threshold = int(marker.get("threshold", ""))
        noise = int(marker.get("noise", "0") or 0)
    except ValueError:
        raise RefusedSourceError(location, _("its disclosure marker names no threshold.")) from None
    if threshold < min_threshold:
        raise RefusedSourceError(
            location,
            _("was protected with a threshold of %(theirs)d, below the tracker's %(ours)d.")
            % {"theirs": threshold, "ours": min_threshold},
        )

    count_columns = [k for k, c in enumerate(columns) if (c.tag or "").lower() in COUNT_HASHTAGS]
    if not count_columns:
        raise RefusedSourceError(location, _("has no column of counts (#reached or #affected)."))
    for number, row in enumerate(rows, start=1):
        for k in count_columns:
            value = row[k] if k < len(row) else ""
            where = _("row %(row)d, column %(tag)s") % {"row": number, "tag": columns[k].display_tag}
            _count(str(value or ""), source=location, where=where, threshold=threshold)

    at = {
        "country": _find(columns, "#country+code"),
        "operation": _find(columns, "#meta+operation"),
        "year": _find(columns, "#date+year"),
        "total": _find(columns, "#reached+total"),
        "men": _find(columns, "#reached+m+adults"),
        "women": _find(columns, "#reached+f+adults"),
        "children": _find(columns, "#reached+children", without=("adults",)),
    }
    if at["total"] is None:
        raise RefusedSourceError(location, _("has no #reached+total column: it is not a table of people returned."))
    if at["country"] is None and not country_given:
        raise RefusedSourceError(
            location,
            _("names no country: add a #country+code column, or give the source as CC=%(loc)s.") % {"loc": location},
        )

    def cell(row: list[str], key: str) -> str:
        index = at[key]
        return str(row[index] or "").strip() if index is not None and index < len(row) else ""

    source = Source(
        title=_("Published aggregate of a Zhusan deployment (%(location)s)") % {"location": location},
        url=location if location.lower().startswith(("http://", "https://")) else "",
    )
    figures = []
    for row in rows:
        counts: dict[str, Count] = {}
        for key in ("total", "men", "women", "children"):
            counts[key] = _count(cell(row, key), source=location, where="", threshold=threshold)
        year_text = cell(row, "year")
        figures.append(
            Figure(
                country=(cell(row, "country") or country_given).upper(),
                label=cell(row, "operation") or _("All operations"),
                year=int(year_text) if year_text.isdigit() else None,
                counts=counts,
                source=source,
                origin="deployment",
                noise=noise,
            )
        )
    return figures


def read_all(specs: Sequence[str], *, min_threshold: int, curated: Path | None = CURATED) -> list[Figure]:
    """Every source, all read before anything is built: the first refusal stops it all."""
    figures = load_curated(curated) if curated is not None else []
    for spec in specs:
        figures += read_aggregate(spec, min_threshold=min_threshold)
    return figures
