from __future__ import annotations

from datetime import date

import pytest

from zhusan.reporting.indicators import CATALOGUE, DisaggregationError, ReportFilters, compute

WEST = ReportFilters(region="Mangystau")


def test_persons_count_subjects_only_never_relatives(programme):
    result = compute("persons", by=["sex"])
    assert result.table.rows == ("female", "male", "unknown")
    assert [line[0] for line in result.table.cells] == [20, 7, 0]
    assert result.table.grand_total == 27


def test_persons_by_age_band_hide_the_two_toddlers_and_the_next_smallest_band(programme):
    result = compute("persons", by=["age_band"], filters=WEST)
    assert result.table.rows == ("0-4", "5-11", "12-17", "18-59", "60+", "unknown")
    assert [line[0] for line in result.table.cells] == [None, None, 0, 12, 0, 0]
    assert result.table.grand_total == 21


def test_persons_by_stage_and_sex_is_a_protected_two_way_table(programme):
    result = compute("persons", by=["stage", "sex"], filters=WEST)
    assert result.table.columns == ("female", "male", "unknown")
    assert result.table.cell("identified", "female") is None  # the two orphans
    assert result.table.row_total("identified") is None
    # Its complement: the only other woman's count in that column.
    assert result.table.cell("in_rehabilitation", "female") is None
    assert result.table.cell("in_rehabilitation", "male") == 7
    assert result.table.column_totals == (14, 7, 0)


def test_the_region_filter_counts_only_persons_managed_in_that_region(programme):
    assert compute("persons", filters=ReportFilters(region="Turkistan")).table.grand_total == 6
    assert compute("persons", filters=WEST).table.grand_total == 21


def test_the_sex_filter_and_the_period_of_identification_apply(programme):
    assert compute("persons", filters=ReportFilters(sex="male")).table.grand_total == 7
    period = ReportFilters(start=date(2019, 2, 1), end=date(2019, 12, 31))
    assert compute("persons", filters=period).table.grand_total == 7  # the boys, identified in March 2019


def test_returnees_are_those_with_a_recorded_arrival(programme):
    result = compute("returnees", by=["age_group"])
    assert [line[0] for line in result.table.cells] == [7, 12, 0]
    assert result.table.grand_total == 19


def test_two_orphans_are_a_suppressed_figure(programme):
    result = compute("orphans")
    assert result.table.grand_total is None
    assert compute("unaccompanied_children").table.grand_total is None


def test_orphans_are_shown_when_the_threshold_allows(programme):
    assert compute("orphans", threshold=2).table.grand_total == 2
    assert compute("unaccompanied_children", threshold=2).table.grand_total == 2


def test_the_share_of_children_among_returnees_is_a_rate_per_row(programme):
    result = compute("children_share_of_returnees", by=["sex"])
    assert result.values == (0.0, 100.0, None)
    overall = compute("children_share_of_returnees")
    assert overall.values == (round(100 * 7 / 19, 1),)


def test_a_rate_is_suppressed_when_its_count_is(programme):
    result = compute("children_share_of_returnees", by=["sex"], threshold=10)
    assert result.values[1] is None  # 7 boys < 10
    assert result.table.row_totals[1] is None


def test_days_from_identification_to_arrival_is_a_median_per_group(programme):
    result = compute("days_identification_to_arrival", by=["sex"])
    assert result.values == (126.0, 69.0, None)
    assert compute("days_identification_to_arrival").values == (126.0,)


def test_a_median_over_a_suppressed_count_is_suppressed(programme):
    result = compute("days_identification_to_arrival", by=["sex"], threshold=10)
    assert result.table.cells[1][0] is None
    assert result.values[1] is None


def test_it_refuses_a_disaggregation_the_indicator_does_not_allow(programme):
    with pytest.raises(DisaggregationError, match="orphans can be broken down by at most two of: sex"):
        compute("orphans", by=["age_group"])
    with pytest.raises(DisaggregationError, match="one dimension at most"):
        compute("children_share_of_returnees", by=["sex", "region"])


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_indicator_is_declared_completely_and_computes(programme, code):
    indicator = CATALOGUE[code]
    assert indicator.name and indicator.definition and indicator.numerator and indicator.disaggregations
    for dimension in indicator.disaggregations:
        result = compute(code, by=[dimension])
        assert len(result.table.rows) >= 1
        assert result.as_dict()["indicator"]["code"] == code
