import pytest

from zhusan.engine.dates import DateLevel, PartialDate, StatedAge, compare_dates, parse_date


def d(text):
    return parse_date(text)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1990-03-14", "14.03.1990", DateLevel.EXACT),
        ("1990-03-14", "1990-03-02", DateLevel.SAME_MONTH),
        ("1990-03-14", "03/1990", DateLevel.SAME_MONTH),
        ("1990-03-14", "1990-11-14", DateLevel.SAME_YEAR),
        ("1990-03-14", "1991-01-02", DateLevel.WITHIN_ONE_YEAR),
        ("1990", "1989-12-31", DateLevel.WITHIN_ONE_YEAR),
        ("1990-03-14", "1992-03-14", DateLevel.WITHIN_TWO_YEARS),
        ("1990-12-31", "1992-01-01", DateLevel.WITHIN_TWO_YEARS),
        ("1990-03-14", "1993-03-14", DateLevel.DIFFERENT),
    ],
)
def test_date_levels(a, b, level):
    assert compare_dates(d(a), d(b)) == level


def test_a_year_only_date_is_never_padded_to_the_first_of_january():
    assert d("1990") == PartialDate(1990)
    assert compare_dates(d("1990"), d("1990-01-01")) == DateLevel.SAME_YEAR
    assert compare_dates(d("1990"), d("1990")) == DateLevel.SAME_YEAR
    assert d("1990").bounds()[1].isoformat() == "1990-12-31"


def test_a_stated_age_is_consistent_with_a_birth_date_inside_its_interval():
    age = StatedAge(29, PartialDate(2019, 3, 10))
    assert compare_dates(age, d("1989-03-11")) == DateLevel.AGE_CONSISTENT
    assert compare_dates(age, d("1990")) == DateLevel.AGE_CONSISTENT
    assert compare_dates(age, d("1989-03-09")) == DateLevel.WITHIN_ONE_YEAR


def test_a_stated_age_a_year_or_two_off_is_told_by_how_far_off():
    age = StatedAge(29, PartialDate(2019, 3, 10))  # born 11 March 1989 to 10 March 1990
    assert compare_dates(age, d("1988-03-12")) == DateLevel.WITHIN_ONE_YEAR
    assert compare_dates(age, d("1987-03-12")) == DateLevel.WITHIN_TWO_YEARS
    assert compare_dates(age, d("1986-03-09")) == DateLevel.DIFFERENT
    assert compare_dates(age, d("1980")) == DateLevel.DIFFERENT


def test_a_missing_date_is_its_own_level():
    assert compare_dates(None, d("1990")) == DateLevel.MISSING


@pytest.mark.parametrize("bad", ["1990-13", "31.02.1990", "next spring"])
def test_nonsense_dates_are_refused_with_a_clear_message(bad):
    with pytest.raises(ValueError, match="not|month|day"):
        parse_date(bad)
