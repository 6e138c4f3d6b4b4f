"""Norms learned from the deployment's own stays and sessions, the arrival
plan of an operation (age groups only), and the back-test on a synthetic
history: the simulation reproduces the recorded stays and waits."""

from __future__ import annotations

import pytest

from zhusan.planning import planner, selectors
from zhusan.planning.selectors import DEFAULT_STAY_DAYS

from .history import ROSTER, STAYS, build_history

pytestmark = pytest.mark.django_db


def test_lengths_of_stay_and_session_norms_are_learned_from_the_records():
    history = build_history()
    norms = selectors.learned_norms(history.centre)
    assert sorted(set(norms.stay_days["18+"])) == sorted(STAYS)
    assert len(norms.stay_days["0-6"]) == 20
    assert norms.sources["stay:0-6"] == "records"
    # Everyone sees a psychologist, only the women a theologian.
    assert norms.seen["psychologist"] == {"0-6": 1.0, "7-13": 0.0, "14-17": 0.0, "18+": 1.0}
    assert norms.seen["theologian"]["18+"] == 1.0 and norms.seen["theologian"]["0-6"] == 0.0
    assert set(norms.first_delay["psychologist"]) == {1.0}
    assert set(norms.first_delay["theologian"]) == {2.0}
    # Weekly after the first session: 3 or 4 more in the 27 to 31 days that follow.
    assert 0.8 <= norms.per_week["psychologist"]["18+"] <= 1.0
    assert norms.minutes["psychologist"] == 60
    # Sessions were held on Tuesdays and Wednesdays only; everyone who arrived was admitted.
    assert selectors.learned_working_days(history.centre) == [1, 2]
    assert norms.admitted == {"0-6": 1.0, "7-13": 1.0, "14-17": 1.0, "18+": 1.0}
    assert norms.sources["admitted:18+"] == "records" and norms.sources["admitted:7-13"] == "default"
    # No doctor's sessions recorded: the documented default, and said so.
    assert norms.sources["sessions:doctor"] == "default"


def test_without_records_the_norms_are_the_documented_defaults(db):
    norms = selectors.learned_norms(None)
    assert norms.stay_days["18+"] == [DEFAULT_STAY_DAYS]
    assert norms.seen["theologian"]["0-6"] == 0.0
    assert set(norms.sources.values()) == {"default"}


def test_the_arrival_plan_and_the_centre_are_read_as_aggregates():
    history = build_history(women=3, children=3)
    plan = selectors.arrival_plan(history.planned)
    assert plan.persons == 6
    assert plan.counts() == {"0-6": 4, "7-13": 0, "14-17": 0, "18+": 2}
    assert plan.start.isoformat() == "2027-04-05"
    assert all(not hasattr(a, "person") for f in plan.flights for a in f.arrivals)
    cap = selectors.capacity(selectors.centre_for(history.planned), plan.persons)
    assert cap.beds == 40 and cap.source == "roster"
    assert {d: n for d, n in cap.staff.items() if n} == ROSTER


def test_the_back_test_reproduces_the_recorded_stays_and_waits_within_tolerance():
    history = build_history()
    result = planner.back_test(history.past, runs=5)
    assert result.recorded.persons == 30 and result.recorded.admitted == 30
    assert result.recorded.stay_median == 30
    assert result.recorded.waits == {"psychologist": 1.0, "theologian": 2.0}
    assert result.recorded.occupancy[:28] == (30,) * 28 and result.recorded.occupancy[-1] == 0
    assert result.stay_ok, result.rows()
    assert result.waits_ok == {"psychologist": True, "theologian": True}, result.rows()
    assert result.passed


def test_the_back_test_fails_when_the_centre_had_far_too_few_staff():
    history = build_history()
    # The records say everyone was seen the day after arrival; one psychologist
    # giving one hour a day could not have done that, and the back-test says so.
    history.centre.staff.filter(discipline="psychologist").exclude(
        pk=history.centre.staff.filter(discipline="psychologist").first().pk
    ).update(active=False)
    spec = planner.default_spec(history.past)
    spec["hours_per_day"] = 1
    scenario = planner.build_scenario(history.past, spec, arrived_only=True)
    from zhusan.planning.simulation import simulate

    summary = simulate(scenario, runs=3)
    recorded = selectors.recorded_outcomes(history.past, history.centre)
    assert summary.waits["psychologist"].median - recorded.waits["psychologist"] > planner.WAIT_TOLERANCE_DAYS


def test_zhusan_plan_prints_the_figures_with_a_what_if_and_the_back_test_with_its_chart(tmp_path):
    import io

    from django.core.management import call_command

    build_history()
    out = io.StringIO()
    call_command("plan", "Next-1", "--runs", "2", "--what-if", "+5 psychologists", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "6 arrivals from 2027-04-05, 2 seeded runs" in text
    assert "+5 psychologists" in text and "Days to first psychologist" in text and "Last resident leaves" in text
    out = io.StringIO()
    svg = tmp_path / "back-test.svg"
    call_command("plan", "Past-1", "--back-test", "--runs", "3", "--svg", str(svg), stdout=out, stderr=io.StringIO())
    assert "PASSED" in out.getvalue()
    assert svg.read_text().startswith("<svg") and "Recorded" in svg.read_text()
