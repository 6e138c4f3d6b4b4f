"""Uncertain birth dates: a date known to the day, the month, the year, or
estimated from an age someone stated on a known day.

A partial date is kept as what is known (never padded to 1 January); for
queries it is also kept as the interval of days it could be, and ages are
derived from that interval when asked for, never stored.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class BirthPrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from a stated age")
    UNKNOWN = "unknown", _("Unknown")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class BirthDate:
    precision: BirthPrecision
    year: int | None = None
    month: int | None = None
    day: int | None = None
    stated_age: int | None = None
    stated_on: date | None = None

    def bounds(self) -> tuple[date | None, date | None]:
        """The earliest and latest day the person could have been born."""
        p = self.precision
        if p == BirthPrecision.EXACT and self.year and self.month and self.day:
            d = date(self.year, self.month, self.day)
            return d, d
        if p == BirthPrecision.MONTH and self.year and self.month:
            last = calendar.monthrange(self.year, self.month)[1]
            return date(self.year, self.month, 1), date(self.year, self.month, last)
        if p == BirthPrecision.YEAR and self.year:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if p == BirthPrecision.ESTIMATED and self.stated_age is not None and self.stated_on:
            # Aged N on day D: born after D minus N+1 years, on or before D minus N years.
            latest = _add_years(self.stated_on, -self.stated_age)
            earliest = _add_years(self.stated_on, -(self.stated_age + 1)) + timedelta(days=1)
            return earliest, latest
        return None, None

    def display(self) -> str:
        p = self.precision
        if p == BirthPrecision.EXACT and self.year and self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if p == BirthPrecision.MONTH and self.year and self.month:
            return f"{self.year:04d}-{self.month:02d}"
        if p == BirthPrecision.YEAR and self.year:
            return f"{self.year:04d}"
        if p == BirthPrecision.ESTIMATED and self.stated_age is not None and self.stated_on:
            # A plural form per number: "4 года", "5 лет" (Kazakh has one form).
            text = ngettext("aged %(age)s on %(day)s", "aged %(age)s on %(day)s", self.stated_age)
            return text % {"age": self.stated_age, "day": self.stated_on}
        return str(_("unknown"))


def age_range(low: date | None, high: date | None, on: date) -> tuple[int, int] | None:
    """Youngest and oldest age the person can be on ``on``."""
    if low is None or high is None:
        return None
    return completed_years(high, on), completed_years(low, on)


def completed_years(born: date, on: date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)


def midpoint(low: date, high: date) -> date:
    return low + (high - low) / 2


def best_age(low: date | None, high: date | None, on: date) -> int | None:
    """One age for display and age bands: the age at the middle of the interval."""
    if low is None or high is None:
        return None
    return completed_years(midpoint(low, high), on)


def birth_window_for_age(min_age: int, max_age: int | None, on: date) -> tuple[date | None, date]:
    """Days of birth (by interval midpoint) that make someone aged min..max on ``on``."""
    latest = _add_years(on, -min_age)
    earliest = None if max_age is None else _add_years(on, -(max_age + 1)) + timedelta(days=1)
    return earliest, latest
