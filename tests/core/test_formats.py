"""One date format per language (zhusan/formats/), and a time always with its zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone, translation
from django.utils.formats import date_format

DAY = date(2019, 5, 7)
MOMENT = datetime(2019, 5, 7, 14, 30, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.mark.parametrize(
    ("language", "shown"),
    [("ru", "07.05.2019"), ("kk", "07.05.2019"), ("ar", "2019-05-07")],
)
def test_a_date_is_written_one_way_per_language(language: str, shown: str) -> None:
    with translation.override(language):
        assert date_format(DAY) == shown
        assert date_format(DAY, "SHORT_DATE_FORMAT") == shown


@pytest.mark.parametrize("language", ["en", "ru", "kk", "ar"])
def test_a_time_is_written_with_its_time_zone(language: str) -> None:
    with translation.override(language), timezone.override("Asia/Almaty"):
        local = timezone.localtime(MOMENT)
        zone = local.tzname()  # "+06": Almaty's offset in 2019
        assert zone == "+06"
        assert date_format(local, "SHORT_DATETIME_FORMAT").endswith(" +06")
        assert date_format(local, "DATETIME_FORMAT").endswith(" +06")


def test_kazakh_and_arabic_no_longer_show_american_dates() -> None:
    for language in ("kk", "ar"):
        with translation.override(language):
            assert "05/07/2019" not in date_format(DAY, "SHORT_DATE_FORMAT")


@pytest.mark.parametrize("language", ["en", "ru", "kk", "ar"])
def test_a_date_input_shows_and_reads_iso_dates_in_every_language(language: str) -> None:
    class Form(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override(language):
        assert 'value="2019-05-07"' in str(Form(initial={"day": DAY})["day"])
        form = Form(data={"day": "2019-05-07"})
        assert form.is_valid() and form.cleaned_data["day"] == DAY


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_russian_and_kazakh_users_may_type_day_month_year(language: str) -> None:
    class Form(forms.Form):
        day = forms.DateField()

    with translation.override(language):
        form = Form(data={"day": "07.05.2019"})
        assert form.is_valid() and form.cleaned_data["day"] == DAY
