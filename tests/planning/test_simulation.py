"""The simulation's arithmetic on cases small enough to work out by hand,
its seeding, its what-if language and its refusals (no Django)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from zhusan.planning.simulation import (
    Arrival,
    Flight,
    Norms,
    Scenario,
    ScenarioError,
    apply_what_if,
    regroup,
    run_once,
    simulate,
)

MONDAY = date(2027, 3, 1)
EVERY_DAY = frozenset(range(7))
NOTHING = Norms(stay_days={}, seen={}, per_week={}, first_delay={}, minutes={}, conference_minutes=0)


def adults(n: int) -> tuple[Arrival, ...]:
    return (Arrival("18+", "female"),) * n


def test_with_one_bed_the_second_arrival_waits_for_the_first_to_leave():
    scenario = Scenario(
        start=MONDAY,
        flights=(Flight(0, adults(2)),),
        staff={},
        beds=1,
        norms=replace(NOTHING, stay_days={"18+": [10]}),
        working_days=EVERY_DAY,
    )
    result = run_once(scenario, seed=1)
    assert result.bed_waits == [0, 10]
    assert result.stays == [10, 10]
    assert result.last_departure == 20
    assert result.occupancy == [1] * 20 + [0]


def test_one_psychologist_seeing_one_resident_a_day_makes_the_third_wait_two_days():
    norms = replace(
        NOTHING,
        stay_days={"18+": [5]},
        seen={"psychologist": {"18+": 1.0}},
        first_delay={"psychologist": [0]},
        minutes={"psychologist": 60},
    )
    scenario = Scenario(
        start=MONDAY,
        flights=(Flight(0, adults(3)),),
        staff={"psychologist": 1},
        beds=10,
        norms=norms,
        hours_per_day=1,
        working_days=EVERY_DAY,
    )
    result = run_once(scenario, seed=1)
    assert result.waits["psychologist"] == [0, 1, 2]
    # Three hours of sessions in five working hours (days 0 to 4, one hour each).
    assert result.utilisation["psychologist"] == pytest.approx(0.6)


def test_no_sessions_at_the_weekend():
    norms = replace(
        NOTHING,
        stay_days={"18+": [3]},
        seen={"psychologist": {"18+": 1.0}},
        first_delay={"psychologist": [0]},
        minutes={"psychologist": 60},
    )
    saturday = date(2027, 3, 6)
    scenario = Scenario(start=saturday, flights=(Flight(0, adults(1)),), staff={"psychologist": 1}, beds=1, norms=norms)
    assert run_once(scenario, seed=1).waits["psychologist"] == [2]  # Monday


def test_a_stay_lasts_until_the_baseline_is_done():
    norms = replace(
        NOTHING,
        stay_days={"18+": [1]},
        seen={"psychologist": {"18+": 1.0}},
        first_delay={"psychologist": [0]},
        minutes={"psychologist": 60},
    )
    scenario = Scenario(
        start=MONDAY,
        flights=(Flight(0, adults(3)),),
        staff={"psychologist": 1},
        beds=3,
        norms=norms,
        hours_per_day=1,
        working_days=EVERY_DAY,
    )
    result = run_once(scenario, seed=1)
    # The third resident's session is on day 2, 09:00–10:00: the stay ends then.
    assert max(result.stays) == pytest.approx(2 + 10 / 24)


def test_the_same_seed_gives_the_same_figures_and_runs_spread():
    norms = replace(
        NOTHING,
        stay_days={"18+": [20, 30, 40]},
        seen={"psychologist": {"18+": 1.0}},
        first_delay={"psychologist": [0, 1, 2]},
    )
    scenario = Scenario(start=MONDAY, flights=(Flight(0, adults(20)),), staff={"psychologist": 2}, beds=20, norms=norms)
    first = simulate(scenario, runs=8, seed=3).as_dict()
    assert first == simulate(scenario, runs=8, seed=3).as_dict()
    spread = first["last_departure"]
    assert spread["p10"] <= spread["median"] <= spread["p90"]
    assert first["runs"] == 8 and first["arrivals"] == 20


def _busy() -> Scenario:
    norms = replace(
        NOTHING,
        stay_days={"18+": [30]},
        seen={"psychologist": {"18+": 1.0}, "theologian": {"18+": 1.0}},
        per_week={"psychologist": {"18+": 2.0}},
        first_delay={"psychologist": [1], "theologian": [1]},
        minutes={"psychologist": 60, "theologian": 60},
    )
    flights = tuple(Flight(7 * k, adults(40)) for k in range(3))
    return Scenario(start=MONDAY, flights=flights, staff={"psychologist": 2, "theologian": 4}, beds=200, norms=norms)


def test_more_psychologists_shorten_the_wait_for_the_first_psychologist_session():
    baseline = simulate(_busy(), runs=3)
    more = simulate(apply_what_if(_busy(), "+5 psychologists"), runs=3)
    assert more.waits["psychologist"].median < baseline.waits["psychologist"].median
    assert more.utilisation["psychologist"].median < baseline.utilisation["psychologist"].median
    # The theologians' waits do not depend on the psychologists.
    assert more.waits["theologian"].median == baseline.waits["theologian"].median


def test_the_what_if_language():
    scenario = _busy()
    changed = apply_what_if(scenario, "+5 psychologists, -1 theologian; +10 beds")
    assert changed.staff["psychologist"] == 7 and changed.staff["theologian"] == 3 and changed.beds == 210
    two = apply_what_if(scenario, "two flights instead of three")
    assert [len(f.arrivals) for f in two.flights] == [60, 60]
    assert [f.day for f in two.flights] == [0, 14]
    assert apply_what_if(scenario, "3 social workers").staff["social_worker"] == 3


def test_regrouping_keeps_everyone():
    flights = (Flight(0, adults(5)), Flight(10, adults(4)))
    three = regroup(flights, 3, every=3)
    assert [f.day for f in three] == [0, 3, 6]
    assert sum(len(f.arrivals) for f in three) == 9


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("-3 psychologists", "staff_psychologist"),
        ("+5 astronauts", "what_if"),
        ("more please", "what_if"),
        ("-500 beds", "beds"),
        ("+1 flights", "what_if"),
    ],
)
def test_a_change_that_makes_no_sense_is_refused_with_its_field(change, field):
    with pytest.raises(ScenarioError) as caught:
        apply_what_if(_busy(), change)
    assert field in caught.value.errors


def test_negative_staff_and_no_arrivals_are_refused():
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(_busy(), staff={"psychologist": -1}), runs=1)
    assert caught.value.errors == {"staff_psychologist": "Staff cannot be negative."}
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(_busy(), flights=()), runs=1)
    assert "No one arrives" in caught.value.errors["flights"]
