from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from zhusan.operations.models import ManifestEntry
from zhusan.registry.models import Person, TimelineEntry
from zhusan.reporting.indicators import (
    CATALOGUE,
    DisaggregationError,
    ReportFilters,
    arrival_period,
    compute,
    count_table,
    period_range,
    statistical_rows,
)

# Exact counts: these tests check what is counted and suppressed, not the noise
# (tests/reporting/test_differencing.py checks that).
pytestmark = pytest.mark.usefixtures("exact_counts")

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
    assert result.quartiles is not None and result.quartiles[1] is None


def test_a_duration_publishes_its_interquartile_range_beside_the_median(programme):
    result = compute("days_identification_to_arrival", by=["sex"])
    assert result.quartiles is not None and len(result.quartiles) == 3
    for median, spread in zip(result.values, result.quartiles, strict=True):
        assert (median is None) == (spread is None)
        if spread is not None:
            assert spread[0] <= median <= spread[1]
    assert "quartiles" in compute("days_identification_to_arrival").as_dict()


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


# ----------------------------------------------------------------------------
# Arrivals by operation over time


def test_arrivals_are_counted_per_month_and_operation_with_empty_months_kept(journeys):
    raw = count_table("arrivals", by=["arrival_month", "operation"])
    assert raw.rows == ("2019-03", "2019-04", "2019-05")
    # Persons who never arrived make the category "none" (no operation), empty here.
    assert raw.columns == ("Zhusan-1", "Zhusan-2", "none")
    assert raw.cells == ((6, 0, 0), (0, 0, 0), (2, 7, 0))


def test_two_arrivals_of_an_operation_in_a_month_are_suppressed_never_zero(journeys):
    table = compute("arrivals", by=["arrival_month", "operation"]).table
    assert table.cell("2019-05", "Zhusan-1") is None
    # Secondary suppression: May's total less the seven of Zhusan-2 would give the two
    # away, and Zhusan-1's total less March's six too.
    assert table.cell("2019-05", "Zhusan-2") == 7
    assert table.row_total("2019-05") is None
    assert table.cell("2019-03", "Zhusan-1") is None and table.row_total("2019-03") is None
    assert table.column_totals == (8, 7, 0)
    assert table.cell("2019-04", "Zhusan-1") == 0


def test_arrivals_come_from_the_manifest_not_the_timeline(journeys):
    person = ManifestEntry.objects.filter(movement__operation=journeys["zhusan_2"]).first().person
    ManifestEntry.objects.filter(person=person).update(arrived_at=timezone.make_aware(datetime(2019, 7, 2, 12)))
    raw = count_table("arrivals", by=["arrival_month", "operation"])
    assert raw.rows[-1] == "2019-07"
    assert raw.cells[-1] == (0, 1, 0)
    assert raw.cells[2] == (2, 6, 0)


def test_arrivals_are_counted_per_quarter_when_they_span_more_than_two_years(journeys):
    person = ManifestEntry.objects.filter(movement__operation=journeys["zhusan_2"]).first().person
    ManifestEntry.objects.filter(person=person).update(arrived_at=timezone.make_aware(datetime(2021, 8, 2, 12)))
    rows = statistical_rows(ReportFilters())
    assert arrival_period(rows) == "arrival_quarter"
    raw = count_table("arrivals", by=["arrival_quarter", "operation"], rows=rows)
    assert raw.rows[0] == "2019-Q1" and raw.rows[-1] == "2021-Q3" and len(raw.rows) == 11
    assert raw.cells[0] == (6, 0, 0) and raw.cells[1] == (2, 6, 0) and raw.cells[-1] == (0, 1, 0)
    assert arrival_period(statistical_rows(ReportFilters(region="Aral"))) == "arrival_month"


def test_the_month_axis_runs_across_years():
    assert period_range("month", ["2019-11", "2020-02"]) == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert period_range("quarter", ["2020-Q4", "2020-Q2"]) == ["2020-Q2", "2020-Q3", "2020-Q4"]
    assert period_range("month", []) == []


# ----------------------------------------------------------------------------
# Time spent in each stage


def _stage(result, code):
    k = result.table.rows.index(code)
    return result.table.cells[k], result.values[k], result.quartiles[k]


def test_time_in_stage_gives_the_median_and_quartiles_of_those_who_left(journeys):
    result = compute("time_in_stage", threshold=1)  # no suppression: the exact figures
    assert result.by == ("lifecycle_stage",)
    assert result.table.columns == ("left", "still_in")
    assert _stage(result, "identified") == ((15, 3), 60.0, (35.0, 60.0))
    assert _stage(result, "verified") == ((15, 0), 18.0, (18.0, 24.0))
    assert _stage(result, "in_rehabilitation") == ((9, 6), 30.0, (30.0, 30.0))
    assert _stage(result, "reintegrating") == ((0, 9), None, None)
    assert _stage(result, "remained_abroad") == ((3, 0), 120.0, (120.0, 120.0))
    aral = compute("time_in_stage", filters=ReportFilters(region="Aral"))
    assert _stage(aral, "identified") == ((6, 0), 25.0, (12.5, 37.5))


def test_a_median_of_three_stays_is_suppressed_with_its_count(journeys):
    result = compute("time_in_stage")
    # Three went back to 'identified' after 120 days abroad: they count as still identified.
    assert _stage(result, "remained_abroad") == ((None, 0), None, None)
    assert result.table.cell("identified", "still_in") is None
    # The fifteen who left 'identified' are hidden with them (the row total shows 18).
    assert _stage(result, "identified") == ((None, None), None, None)
    assert _stage(result, "verified") == ((15, 0), 18.0, (18.0, 24.0))
    assert result.as_dict()["quartiles"][result.table.rows.index("remained_abroad")] is None
    # With a threshold of ten, the nine who left rehabilitation are hidden too.
    strict = compute("time_in_stage", threshold=10)
    assert _stage(strict, "in_rehabilitation")[1:] == (None, None)
    assert strict.table.cell("in_rehabilitation", "left") is None


def test_a_stay_the_timeline_does_not_close_consistently_is_not_counted(journeys):
    person = Person.objects.filter(managing_unit=journeys["aral"]).first()
    TimelineEntry.objects.filter(person=person, to_stage="cleared").update(from_stage="identified")
    result = compute("time_in_stage", filters=ReportFilters(region="Aral"))
    assert result.table.cell("verified", "left") == 5  # one stay of six lost
    assert count_table("persons", filters=ReportFilters(region="Aral")).grand_total == 6


def test_time_in_stage_is_given_per_stage_only(journeys):
    with pytest.raises(DisaggregationError, match="per lifecycle stage only"):
        compute("time_in_stage", by=["sex"])


def test_the_operation_filter_counts_only_persons_on_that_operations_manifests(journeys):
    assert compute("persons", filters=ReportFilters(operation="Zhusan-1")).table.grand_total == 8
    assert compute("persons", filters=ReportFilters(operation="Zhusan-2")).table.grand_total == 7
    assert compute("persons", filters=ReportFilters(operation="Zhusan-9")).table.grand_total == 0


def test_the_programme_filter_counts_only_persons_managed_by_that_organisation(programme, journeys):
    aral_services = journeys["aral"].organisation
    everyone = compute("persons").table.grand_total
    only_aral = compute("persons", filters=ReportFilters(programme=str(aral_services.uuid))).table.grand_total
    assert only_aral == 18 and everyone == only_aral + 27
