"""A programme manager plans an operation: opens the planning page, picks the
planned operation, asks what five more psychologists would change, runs it
and sees both charts (residents over time, waits) with the what-if beside
the baseline."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from ..planning.history import build_history
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-planning"


def test_a_manager_runs_a_what_if_for_a_planned_operation_and_sees_both_charts(page):
    history = build_history(women=2, children=3)
    page.goto(page.base_url + "/planning/")
    log_in(page, history.manager)
    page.wait_for_url(re.compile(r"/planning/$"))
    page.get_by_role("link", name="Next-1").click()
    page.wait_for_url(re.compile(r"/planning/operations/"))
    assert page.get_by_label("Psychologist (staff)", exact=True).input_value() == "3"
    page.get_by_label("What if: Psychologist (staff)").fill("8")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "scenario.png"), full_page=True)
    page.get_by_label("Runs").fill("3")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url(re.compile(r"/planning/runs/"))
    occupancy = page.locator("svg#occupancy-chart")
    waits = page.locator("svg#waits-chart")
    occupancy.wait_for()
    assert waits.is_visible() and occupancy.is_visible()
    assert waits.locator('rect[data-series="What if"]').count() >= 1
    assert occupancy.locator('polyline[data-series="What if"]').count() == 1
    assert page.locator("#plan-figures th", has_text="What if").count() == 1
    page.screenshot(path=str(SHOTS / "run.png"), full_page=True)
    assert not page.console_errors  # type: ignore[attr-defined]
