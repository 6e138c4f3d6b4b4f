"""The arrivals and time-in-stage charts: well-formed SVG, suppression drawn as such, mirrored in RTL."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from zhusan.reporting import charts
from zhusan.reporting.indicators import compute

# Exact counts: these tests check what is counted and suppressed, not the noise
# (tests/reporting/test_differencing.py checks that).
pytestmark = pytest.mark.usefixtures("exact_counts")

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output


def _rects_titled(root: ET.Element, text: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if (t := r.find(f"{SVG}title")) is not None and text in (t.text or "")]


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_the_arrivals_chart_is_well_formed_with_title_description_axes_and_legend(journeys):
    result = compute("arrivals", by=("arrival_month", "operation"))
    root = _parse(charts.arrivals_chart(result))
    assert root.find(f"{SVG}title").text == "Arrivals by operation over time"
    assert "one colour per operation" in root.find(f"{SVG}desc").text
    texts = _texts(root)
    assert {"2019-03", "2019-04", "2019-05"} <= set(texts)  # the empty April is on the axis
    assert "Month of arrival" in texts and "Persons arrived" in texts
    assert {"Zhusan-1", "Zhusan-2", "Suppressed (disclosure control)"} <= set(texts)
    assert "No operation recorded" not in texts  # a series known to be empty is left out
    assert [t for t in texts if t in {"0", "2", "4", "6", "8"}] == ["0", "2", "4", "6", "8"]  # whole persons


def test_two_arrivals_are_a_hatched_suppressed_mark_never_a_bar_or_a_zero(journeys):
    result = compute("arrivals", by=("arrival_month", "operation"))
    root = _parse(charts.arrivals_chart(result))
    may = _rects_titled(root, "2019-05 · Zhusan-1")
    assert len(may) == 1
    assert may[0].get("fill") == "url(#arrivals-hatch)" and may[0].get("data-suppressed") == "true"
    assert "suppressed" in may[0].find(f"{SVG}title").text
    assert root.find(f".//{SVG}pattern[@id='arrivals-hatch']") is not None
    # The seven of Zhusan-2 are drawn; nothing is drawn or written as Zhusan-1's count in May.
    assert [r.find(f"{SVG}title").text for r in _rects_titled(root, "2019-05 · Zhusan-2")] == ["2019-05 · Zhusan-2: 7"]
    assert not _rects_titled(root, "Zhusan-1: 2") and not _rects_titled(root, "Zhusan-1: 0")


def test_without_suppression_the_two_are_drawn(journeys):
    result = compute("arrivals", by=("arrival_month", "operation"), threshold=1)
    root = _parse(charts.arrivals_chart(result))
    assert _rects_titled(root, "2019-05 · Zhusan-1: 2")
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("data-suppressed")]


def _bar_x(root: ET.Element, text: str) -> float:
    return float(_rects_titled(root, text)[0].get("x"))


def test_the_arrivals_chart_runs_from_right_to_left_in_rtl(journeys):
    result = compute("arrivals", by=("arrival_month", "operation"), threshold=1)
    ltr, rtl = _parse(charts.arrivals_chart(result)), _parse(charts.arrivals_chart(result, rtl=True))
    assert _bar_x(ltr, "2019-03 · Zhusan-1") < _bar_x(ltr, "2019-05 · Zhusan-1")
    assert _bar_x(rtl, "2019-03 · Zhusan-1") > _bar_x(rtl, "2019-05 · Zhusan-1")
    # Mirror images of each other about the middle of the chart.
    width = charts.WIDTH
    for text in ("2019-03 · Zhusan-1", "2019-05 · Zhusan-2"):
        rect = _rects_titled(ltr, text)[0]
        mirrored = width - float(rect.get("x")) - float(rect.get("width"))
        assert abs(_bar_x(rtl, text) - mirrored) < 0.2


def test_the_stage_chart_draws_medians_with_quartile_whiskers(journeys):
    result = compute("time_in_stage", threshold=1)
    root = _parse(charts.stage_time_chart(result))
    assert root.find(f"{SVG}title").text == "Time spent in each stage"
    assert root.find(f"{SVG}desc").text
    texts = _texts(root)
    assert "60 (35–60)" in texts and "30 (30–30)" in texts and "120 (120–120)" in texts
    assert "Reintegrating" not in texts  # nobody has left it yet
    assert "Days in the stage" in texts and "Median" in texts
    whiskers = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1.5"]
    assert len(whiskers) == 3 * 6  # six stages left: a line and two caps each


def test_a_suppressed_median_is_written_and_hatched_not_drawn(journeys):
    root = _parse(charts.stage_time_chart(compute("time_in_stage")))
    abroad = _rects_titled(root, "Remained abroad")
    assert len(abroad) == 1 and abroad[0].get("data-suppressed") == "true"
    assert "120" not in " ".join(_texts(root))


def test_the_stage_chart_is_mirrored_in_rtl(journeys):
    result = compute("time_in_stage", threshold=1)
    ltr, rtl = _parse(charts.stage_time_chart(result)), _parse(charts.stage_time_chart(result, rtl=True))
    bar, bar_rtl = _rects_titled(ltr, "Verified")[0], _rects_titled(rtl, "Verified")[0]
    assert float(bar.get("x")) == charts.LABEL_WIDTH
    assert abs(float(bar_rtl.get("x")) + float(bar_rtl.get("width")) - (charts.WIDTH - charts.LABEL_WIDTH)) < 0.2
    label = next(t for t in rtl.iter(f"{SVG}text") if t.text == "Verified")
    assert label.get("direction") == "rtl" and float(label.get("x")) > charts.WIDTH / 2


def test_axis_ends_have_whole_number_steps():
    assert charts.axis_top(7) == 8
    assert charts.axis_top(0) == 4
    assert charts.axis_top(30) == 40
    assert charts.axis_top(121) == 200
