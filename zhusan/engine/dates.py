"""Comparing birth dates that are often partial or stated as an age.

A date is kept at the precision it was given: a year-only date is never
padded to 1 January (which would make two year-only dates look "exact" and
a true 14 March look wrong). An age stated at a known date ("about 30 in
March 2019") is an interval of possible birth dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogues (makemessages looks
    for this name) and return it unchanged. The engine runs without Django
    settings (benchmarks, Spark workers), so Django's own gettext_noop, which
    reads them, is not used; the UI translates the text where it shows it."""
    return message


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day without a month is not a date")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            dt.date(self.year, self.month or 1, self.day)  # raises on 31 February

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def bounds(self) -> tuple[dt.date, dt.date]:
        """The earliest and latest day this date can be."""
        if self.day:
            d = dt.date(self.year, self.month or 1, self.day)
            return d, d
        if self.month:
            first = dt.date(self.year, self.month, 1)
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


@dataclass(frozen=True)
class StatedAge:
    """An age in whole years stated at a known date (an interview, a list)."""

    years: int
    at: PartialDate

    def birth_bounds(self) -> tuple[dt.date, dt.date]:
        lo_at, hi_at = self.at.bounds()
        # Aged N on day D: born after D minus N+1 years, on or before D minus N years.
        earliest = _years_before(lo_at, self.years + 1) + dt.timedelta(days=1)
        latest = _years_before(hi_at, self.years)
        return earliest, latest


def _years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(?:(\d{1,2})[./])?(\d{1,2})[./](\d{4})$")


def parse_date(text: str | None) -> PartialDate | None:
    """Parse 1990, 1990-05, 1990-05-12, 12.05.1990, 05/1990, 12/05/1990
    (day first). Returns None for empty input; raises ValueError on nonsense."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    if m := _ISO.match(text):
        y, mo, d = m.groups()
        return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)
    if m := _DMY.match(text):
        d, mo, y = m.groups()
        return PartialDate(int(y), int(mo), int(d) if d else None)
    if re.fullmatch(r"\d{8}", text):  # FEBRL style 19900512
        return PartialDate(int(text[:4]), int(text[4:6]), int(text[6:]))
    raise ValueError(f"{text!r} is not a date (expected e.g. 1990, 1990-05 or 1990-05-12)")


class DateLevel(IntEnum):
    """Agreement levels, strongest first. Values index the model's levels."""

    EXACT = 0
    SAME_MONTH = 1
    SAME_YEAR = 2
    WITHIN_ONE_YEAR = 3
    WITHIN_TWO_YEARS = 4
    AGE_CONSISTENT = 5
    DIFFERENT = 6
    MISSING = -1


DATE_LEVEL_TEXT = {
    DateLevel.EXACT: gettext_noop("same date of birth"),
    DateLevel.SAME_MONTH: gettext_noop("same month and year of birth"),
    DateLevel.SAME_YEAR: gettext_noop("same year of birth"),
    DateLevel.WITHIN_ONE_YEAR: gettext_noop("birth years within one year"),
    DateLevel.WITHIN_TWO_YEARS: gettext_noop("birth years within two years"),
    DateLevel.AGE_CONSISTENT: gettext_noop("stated age consistent with the date of birth"),
    DateLevel.DIFFERENT: gettext_noop("dates of birth differ"),
    DateLevel.MISSING: gettext_noop("a date of birth is missing"),
}

Birth = PartialDate | StatedAge | None


def compare_dates(a: Birth, b: Birth) -> DateLevel:
    """How two birth records agree. Levels only claim what both sides say:
    a year-only date against a full date agrees at best on the year. Years
    one apart (an age counted at another time of the year, a year guessed)
    are told from years two apart, which the same person shows far less
    often than a sister or a namesake does."""
    if a is None or b is None:
        return DateLevel.MISSING
    if isinstance(a, StatedAge) or isinstance(b, StatedAge):
        return _compare_with_age(a, b)
    if a.year == b.year:
        if a.month and b.month and a.month == b.month:
            if a.day and b.day:
                return DateLevel.EXACT if a.day == b.day else DateLevel.SAME_MONTH
            return DateLevel.SAME_MONTH
        return DateLevel.SAME_YEAR
    years = abs(a.year - b.year)
    if years == 1:
        return DateLevel.WITHIN_ONE_YEAR
    return DateLevel.WITHIN_TWO_YEARS if years == 2 else DateLevel.DIFFERENT


def _compare_with_age(a: PartialDate | StatedAge, b: PartialDate | StatedAge) -> DateLevel:
    lo_a, hi_a = a.birth_bounds() if isinstance(a, StatedAge) else a.bounds()
    lo_b, hi_b = b.birth_bounds() if isinstance(b, StatedAge) else b.bounds()
    if lo_a <= hi_b and lo_b <= hi_a:
        return DateLevel.AGE_CONSISTENT
    gap = max((lo_a - hi_b).days, (lo_b - hi_a).days)
    if gap <= 366:
        return DateLevel.WITHIN_ONE_YEAR
    return DateLevel.WITHIN_TWO_YEARS if gap <= 2 * 366 else DateLevel.DIFFERENT


def describe(level: DateLevel) -> str:
    return DATE_LEVEL_TEXT[level]


def birth_value(
    precision: str,
    year: int | None,
    month: int | None = None,
    day: int | None = None,
    stated_age: int | None = None,
    stated_on: dt.date | None = None,
) -> PartialDate | StatedAge | None:
    """The one converter from a stored birth (a precision, as the registry's
    ``BirthPrecision`` values: ``exact``, ``month``, ``year``, ``estimated``,
    ``unknown``, and its fields) to the engine's value, at the precision
    recorded: a year stays a year, an age stated on a day stays an interval.
    A field the precision needs but lacks gives the next coarser level the
    fields support (an exact date without its day is its month); ``unknown``
    or an impossible date is None."""
    try:
        if precision == "estimated":
            if stated_age is not None and stated_on is not None:
                return StatedAge(stated_age, PartialDate(stated_on.year, stated_on.month, stated_on.day))
            return None
        if precision not in ("exact", "month", "year") or not year:
            return None
        if precision == "exact" and month and day:
            return PartialDate(year, month, day)
        if precision in ("exact", "month") and month:
            return PartialDate(year, month)
        return PartialDate(year)
    except ValueError:
        return None
