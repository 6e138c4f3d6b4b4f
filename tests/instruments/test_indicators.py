"""The improvement indicators: the share of persons with a baseline and a
before-discharge administration whose total fell by the instrument's
threshold (PHQ-9: 5 points), through the reporting catalogue."""

from __future__ import annotations

import pytest

from zhusan.reporting.indicators import catalogue, compute

from ..factories import letters, make_person
from .conftest import TODAY, phq9, record

pytestmark = pytest.mark.django_db


def test_the_catalogue_has_one_improvement_indicator_per_instrument_with_a_threshold():
    codes = {code for code in catalogue() if code.startswith("improvement_")}
    assert codes == {"improvement_phq9", "improvement_gad7", "improvement_pcl5", "improvement_cries8"}


def test_the_phq9_improvement_counts_drops_of_5_points_or_more(alice, bob, settings):
    settings.ZHUSAN_DISCLOSURE_NOISE = ["1"]
    # Baseline 15 for each; before discharge 10 (drop 5), 9, 11 (drop 4), 15; one without a second administration.
    for i, after in enumerate([10, 9, 11, 15, None]):
        woman = make_person(alice, given=f"Saule{letters(i)}", birth_year=TODAY.year - 30)
        record(bob, woman, "phq9", phq9(3, 3, 3, 3, 3, 0, 0, 0, 0), occasion="baseline")
        if after is not None:
            answers = phq9(*([3] * (after // 3) + [after % 3] + [0] * 9)[:8], 0)
            assert sum(answers.values()) == after
            record(bob, woman, "phq9", answers, occasion="before_discharge")
    result = compute("improvement_phq9", threshold=1)
    assert result.values == (50.0,)
