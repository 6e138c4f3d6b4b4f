"""Contrast ratios as WCAG 2 computes them."""

from __future__ import annotations

import pytest

from zhusan.core.contrast import WHITE, contrast_ratio, relative_luminance


def test_black_on_white_is_the_highest_contrast() -> None:
    assert contrast_ratio((0, 0, 0), WHITE) == pytest.approx(21.0)
    assert relative_luminance(WHITE) == pytest.approx(1.0)


def test_the_ratio_does_not_depend_on_which_colour_is_the_text() -> None:
    assert contrast_ratio((118, 118, 118), WHITE) == contrast_ratio(WHITE, (118, 118, 118))


def test_known_grey_values_match_the_wcag_examples() -> None:
    # #767676 is the lightest grey with 4.5:1 on white; #777777 falls just short.
    assert contrast_ratio((0x76, 0x76, 0x76), WHITE) >= 4.5
    assert contrast_ratio((0x77, 0x77, 0x77), WHITE) < 4.5
