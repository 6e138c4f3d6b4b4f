"""A discrete-event simulation of the residential pathway (SimPy), with no
Django in it: the planning app's selectors turn the deployment's records
into the ``Scenario`` and ``Norms`` read here, and tests build them by hand.

One simulated resident: arrives on a flight's day, waits for a bed, is
admitted; after a short administrative delay (learned) asks for a baseline
session with each discipline that sees residents of their age group (staff
of that discipline are a SimPy resource working in working hours on working
days); after the baselines a case conference (a social worker's time);
then sessions at the programme's norm (per resident-week) until the stay
(learned, by age group) has passed; leaves once the stay is over *and* the
baselines and the conference are done. Time is in days from the first
arrival's day (day 0, 00:00).

Every run is seeded; ``simulate`` repeats a scenario and summarises each
figure as the median and the 10th–90th percentile of the runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from random import Random
from typing import Any

import simpy

# Age groups at arrival: the centre's own thresholds (a child under 7 stays
# with the mother; a theologian sees residents from 14).
AGE_GROUPS: tuple[str, ...] = ("0-6", "7-13", "14-17", "18+")
DISCIPLINES: tuple[str, ...] = (
    "psychologist",
    "theologian",
    "social_worker",
    "doctor",
    "teacher",
    "nanny",
    "lawyer",
)
CONFERENCE_DISCIPLINE = "social_worker"


def age_group(age: int | None) -> str:
    """The group of an age in completed years; an unknown age counts as an adult."""
    if age is None or age >= 18:
        return "18+"
    if age >= 14:
        return "14-17"
    if age >= 7:
        return "7-13"
    return "0-6"


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; ``errors`` maps a field to a clear message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Arrival:
    """One person on a flight: age group and sex only (no name, no identifier)."""

    group: str
    sex: str = ""


@dataclass(frozen=True)
class Flight:
    day: int  # days after day 0
    arrivals: tuple[Arrival, ...]


@dataclass(frozen=True)
class Norms:
    """What the programme does, learned from records or defaulted.

    ``stay_days[group]``: recorded lengths of stay (a run draws from them).
    ``seen[discipline][group]``: share of residents of the group a discipline sees at all.
    ``per_week[discipline][group]``: sessions per resident-week after the baseline.
    ``first_delay[discipline]``: recorded days from admission to the first session
    (the delay that is not waiting for staff); a run draws from them.
    ``minutes[discipline]``: length of a session."""

    stay_days: Mapping[str, Sequence[float]]
    seen: Mapping[str, Mapping[str, float]]
    per_week: Mapping[str, Mapping[str, float]]
    first_delay: Mapping[str, Sequence[float]]
    minutes: Mapping[str, float]
    conference_minutes: float = 30.0
    sources: Mapping[str, str] = field(default_factory=dict)
    # Share of the arrivals of each age group admitted to the centre (the
    # others go to relatives or custody); a group not named: everyone.
    admitted: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    start: date  # the calendar day of day 0
    flights: tuple[Flight, ...]
    staff: Mapping[str, int]
    beds: int
    norms: Norms
    hours_per_day: float = 6.0  # hours of sessions a member of staff gives per working day
    day_starts_at: float = 9.0  # hour the working day opens
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0

    @property
    def arrivals(self) -> int:
        return sum(len(f.arrivals) for f in self.flights)

    def check(self) -> None:
        """Refuse what cannot be simulated (``ScenarioError``)."""
        errors: dict[str, str] = {}
        for discipline, count in self.staff.items():
            if discipline not in DISCIPLINES:
                errors[f"staff_{discipline}"] = f"Unknown discipline {discipline!r}."
            elif count < 0:
                errors[f"staff_{discipline}"] = "Staff cannot be negative."
        if self.beds < 1:
            errors["beds"] = "The centre needs at least one bed."
        if not self.flights or self.arrivals == 0:
            errors["flights"] = "No one arrives: the operation has no one on its manifests to simulate."
        if any(f.day < 0 for f in self.flights):
            errors["flights"] = "A flight cannot arrive before day 0."
        if not 0 < self.hours_per_day <= 24:
            errors["hours_per_day"] = "Hours of sessions per day must be between 0 and 24."
        if not self.working_days:
            errors["working_days"] = "At least one working day a week is needed."
        if errors:
            raise ScenarioError(errors)


# --- one run -------------------------------------------------------------------


@dataclass
class RunResult:
    occupancy: list[int]  # residents at noon of each day, from day 0
    bed_waits: list[float]  # days, per person
    waits: dict[str, list[int | None]]  # whole days from arrival to the first session, per person seen
    stays: list[float]  # days from admission to departure
    utilisation: dict[str, float]  # busy share of the staff's working hours, first arrival to last departure
    last_departure: float  # day


@dataclass
class _Resident:
    arrival: Arrival
    arrived: float
    admitted: float = math.nan
    left: float = math.nan


class _Run:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.s = scenario
        self.n = scenario.norms
        self.rng = Random(seed)  # noqa: S311 - a simulation, not a secret
        self.env = simpy.Environment()
        self.beds = simpy.Resource(self.env, capacity=scenario.beds)
        self.staff = {d: simpy.Resource(self.env, capacity=count) for d, count in scenario.staff.items() if count > 0}
        self.busy: dict[str, float] = dict.fromkeys(self.staff, 0.0)
        self.residents: list[_Resident] = []
        self.waits: dict[str, list[int | None]] = {d: [] for d in DISCIPLINES}
        self.open = scenario.day_starts_at / 24
        self.length = scenario.hours_per_day / 24
        self.first_weekday = scenario.start.weekday()

    # Working time ------------------------------------------------------------

    def slot(self, t: float, duration: float) -> float:
        """The earliest start at or after ``t`` where ``duration`` fits in a working day."""
        day = math.floor(t)
        for _ in range(10_000):
            if (self.first_weekday + day) % 7 in self.s.working_days:
                opens = day + self.open
                start = max(t, opens)
                if start + duration <= opens + self.length + 1e-9:
                    return start
            day += 1
            t = float(day)
        raise RuntimeError("no working slot found")  # pragma: no cover - working_days is never empty

    def session(self, discipline: str, minutes: float) -> Generator[simpy.Event, Any, float]:
        """One session with a member of ``discipline`` (waits for one to be free in working hours)."""
        duration = min(minutes / 1440, self.length)
        with self.staff[discipline].request() as request:
            yield request
            start = self.slot(self.env.now, duration)
            yield self.env.timeout(start - self.env.now)
            yield self.env.timeout(duration)
            self.busy[discipline] += duration
        return start

    # A resident ----------------------------------------------------------------

    def draw(self, values: Sequence[float], default: float) -> float:
        return float(self.rng.choice(values)) if values else default

    def resident(self, arrival: Arrival) -> Generator[simpy.Event, Any, None]:
        env, n = self.env, self.n
        group = arrival.group
        if self.rng.random() >= n.admitted.get(group, 1.0):
            return  # placed elsewhere on arrival: never in the centre
        person = _Resident(arrival, arrived=env.now)
        self.residents.append(person)
        with self.beds.request() as bed:
            yield bed
            person.admitted = env.now
            stay = self.draw(n.stay_days.get(group, ()), 30.0)
            planned_end = env.now + stay
            state = {"leaving": False}
            baselines: list[simpy.Event] = []
            for discipline in DISCIPLINES:
                share = n.seen.get(discipline, {}).get(group, 0.0)
                if share <= 0 or self.rng.random() >= share:
                    continue
                if discipline not in self.staff:
                    self.waits[discipline].append(None)  # never seen: no one of that discipline
                    continue
                done = env.event()
                baselines.append(done)
                env.process(self.track(discipline, person, done, planned_end, state))
            if baselines:
                yield env.all_of(baselines)
            if n.conference_minutes > 0 and CONFERENCE_DISCIPLINE in self.staff:
                yield env.process(self.session(CONFERENCE_DISCIPLINE, n.conference_minutes))
            if planned_end > env.now:
                yield env.timeout(planned_end - env.now)
            state["leaving"] = True
            person.left = env.now

    def track(
        self, discipline: str, person: _Resident, done: simpy.Event, planned_end: float, state: dict[str, bool]
    ) -> Generator[simpy.Event, Any, None]:
        env, n = self.env, self.n
        minutes = n.minutes.get(discipline, 60.0)
        delay = self.draw(n.first_delay.get(discipline, ()), 2.0)
        yield env.timeout(max(0.0, math.floor(person.admitted + delay) - env.now))
        started = yield env.process(self.session(discipline, minutes))
        self.waits[discipline].append(math.floor(started) - math.floor(person.arrived))
        done.succeed()
        rate = n.per_week.get(discipline, {}).get(person.arrival.group, 0.0)
        if rate <= 0:
            return
        gap = 7.0 / rate
        while True:
            yield env.timeout(gap * self.rng.uniform(0.75, 1.25))
            if state["leaving"] or env.now >= planned_end:
                return
            yield env.process(self.session(discipline, minutes))

    def flight(self, flight: Flight) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(flight.day)
        for arrival in flight.arrivals:
            self.env.process(self.resident(arrival))

    def run(self) -> RunResult:
        for flight in self.s.flights:
            self.env.process(self.flight(flight))
        self.env.run()
        last = max((r.left for r in self.residents), default=0.0)
        first = min((r.arrived for r in self.residents), default=0.0)
        days = math.ceil(last) + 1
        occupancy = [0] * days
        for r in self.residents:
            for day in range(math.floor(r.admitted), min(days, math.ceil(r.left) + 1)):
                if r.admitted <= day + 0.5 < r.left:
                    occupancy[day] += 1
        utilisation: dict[str, float] = {}
        for discipline, resource in self.staff.items():
            available = self.working_time(first, last) * resource.capacity
            utilisation[discipline] = self.busy[discipline] / available if available > 0 else 0.0
        return RunResult(
            occupancy=occupancy,
            bed_waits=[r.admitted - r.arrived for r in self.residents],
            waits={d: w for d, w in self.waits.items() if w},
            stays=[r.left - r.admitted for r in self.residents],
            utilisation=utilisation,
            last_departure=last,
        )

    def working_time(self, first: float, last: float) -> float:
        """Working time (days) of one member of staff between two instants."""
        total = 0.0
        for day in range(math.floor(first), math.ceil(last) + 1):
            if (self.first_weekday + day) % 7 not in self.s.working_days:
                continue
            opens = day + self.open
            total += max(0.0, min(opens + self.length, last) - max(opens, first))
        return total


def run_once(scenario: Scenario, seed: int) -> RunResult:
    scenario.check()
    return _Run(scenario, seed).run()


# --- repeated runs and their summary ------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (``q`` in 0..1)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass(frozen=True)
class Spread:
    median: float
    p10: float
    p90: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(percentile(values, 0.5), percentile(values, 0.1), percentile(values, 0.9))

    def as_dict(self) -> dict[str, float | None]:
        return {"median": _r(self.median), "p10": _r(self.p10), "p90": _r(self.p90)}


def _r(value: float) -> float | None:
    """Rounded for display; not a number (no data) is None, which JSON keeps."""
    return None if math.isnan(value) else round(value, 2)


def _median(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


@dataclass(frozen=True)
class Summary:
    runs: int
    arrivals: int
    start: date
    occupancy: list[Spread]  # per day
    peak_occupancy: Spread
    waits: dict[str, Spread]  # the run's median days to the first session, per discipline
    within_week: dict[str, Spread]  # share seen within 7 days of arrival
    never_seen: dict[str, int]  # persons a discipline should see but no one of it is on the staff (per run)
    bed_wait: Spread  # the run's mean days waiting for a bed
    stay: Spread  # the run's median length of stay
    utilisation: dict[str, Spread]
    last_departure: Spread  # day

    def last_departure_dates(self) -> dict[str, str]:
        return {
            k: (self.start + timedelta(days=math.ceil(v))).isoformat()
            for k, v in self.last_departure.as_dict().items()
            if v is not None
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "arrivals": self.arrivals,
            "start": self.start.isoformat(),
            "occupancy": [s.as_dict() for s in self.occupancy],
            "peak_occupancy": self.peak_occupancy.as_dict(),
            "waits": {d: s.as_dict() for d, s in self.waits.items()},
            "within_week": {d: s.as_dict() for d, s in self.within_week.items()},
            "never_seen": dict(self.never_seen),
            "bed_wait": self.bed_wait.as_dict(),
            "stay": self.stay.as_dict(),
            "utilisation": {d: s.as_dict() for d, s in self.utilisation.items()},
            "last_departure": self.last_departure.as_dict(),
            "last_departure_date": self.last_departure_dates(),
        }


def summarise(scenario: Scenario, results: Sequence[RunResult]) -> Summary:
    days = max(len(r.occupancy) for r in results)
    occupancy = [Spread.of([r.occupancy[d] if d < len(r.occupancy) else 0 for r in results]) for d in range(days)]
    disciplines = sorted({d for r in results for d in r.waits}, key=DISCIPLINES.index)
    waits: dict[str, Spread] = {}
    within: dict[str, Spread] = {}
    never: dict[str, int] = {}
    for d in disciplines:
        seen = [[w for w in r.waits.get(d, []) if w is not None] for r in results]
        if any(seen):
            waits[d] = Spread.of([_median(s) for s in seen if s])
            within[d] = Spread.of([sum(1 for w in s if w <= 7) / len(s) for s in seen if s])
        never[d] = round(_median([sum(1 for w in r.waits.get(d, []) if w is None) for r in results]))
    staff = sorted({d for r in results for d in r.utilisation}, key=DISCIPLINES.index)
    return Summary(
        runs=len(results),
        arrivals=scenario.arrivals,
        start=scenario.start,
        occupancy=occupancy,
        peak_occupancy=Spread.of([max(r.occupancy, default=0) for r in results]),
        waits=waits,
        within_week=within,
        never_seen={d: n for d, n in never.items() if n},
        bed_wait=Spread.of([sum(r.bed_waits) / len(r.bed_waits) for r in results]),
        stay=Spread.of([_median(r.stays) for r in results]),
        utilisation={d: Spread.of([r.utilisation.get(d, 0.0) for r in results]) for d in staff},
        last_departure=Spread.of([r.last_departure for r in results]),
    )


def simulate(
    scenario: Scenario, *, runs: int = 20, seed: int = 1, progress: Callable[[int, int], None] | None = None
) -> Summary:
    """``runs`` seeded runs (seeds ``seed``, ``seed + 1`` …) and their summary."""
    scenario.check()
    if not 1 <= runs <= 500:
        raise ScenarioError({"runs": "Between 1 and 500 runs."})
    results = []
    for k in range(runs):
        results.append(_Run(scenario, seed + k).run())
        if progress is not None:
            progress(k + 1, runs)
    return summarise(scenario, results)


# --- what-if changes -------------------------------------------------------------


def regroup(flights: Sequence[Flight], count: int, every: int | None = None) -> tuple[Flight, ...]:
    """The same persons, in the same order, on ``count`` flights from the first
    flight's day, ``every`` days apart (default: the original span shared out)."""
    if count < 1:
        raise ScenarioError({"flights": "At least one flight."})
    people = [a for f in sorted(flights, key=lambda f: f.day) for a in f.arrivals]
    if not people:
        raise ScenarioError({"flights": "No one arrives: the operation has no one on its manifests to simulate."})
    first = min(f.day for f in flights)
    span = max(f.day for f in flights) - first
    if every is None:
        every = round(span / (count - 1)) if count > 1 and span else 7
    size, extra = divmod(len(people), count)
    out: list[Flight] = []
    at = 0
    for k in range(count):
        n = size + (1 if k < extra else 0)
        if n:
            out.append(Flight(first + k * every, tuple(people[at : at + n])))
        at += n
    return tuple(out)


_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NAMES = {
    "psychologist": "psychologist",
    "theologian": "theologian",
    "social worker": "social_worker",
    "social_worker": "social_worker",
    "doctor": "doctor",
    "teacher": "teacher",
    "nanny": "nanny",
    "nannie": "nanny",
    "lawyer": "lawyer",
}
_CHANGE = re.compile(r"^\s*([+-]?)\s*(\d+|[a-z]+)\s+([a-z _]+?)\s*(?:instead of\s+(\d+|[a-z]+))?\s*$")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in _WORDS:
        return _WORDS[text]
    raise ScenarioError({"what_if": f"Not a number: {text!r}."})


def apply_what_if(scenario: Scenario, text: str) -> Scenario:
    """Apply one change written as a planner says it: "+5 psychologists",
    "-2 theologians", "+40 beds", "60 beds", "two flights instead of three",
    "2 flights". Several changes are separated by commas or semicolons."""
    for part in re.split(r"[;,]", text.lower()):
        if not part.strip():
            continue
        match = _CHANGE.match(part)
        if not match:
            raise ScenarioError({"what_if": f"Cannot read {part.strip()!r}: write e.g. “+5 psychologists”."})
        sign, amount_text, what, _instead = match.groups()
        amount = _number(amount_text)
        what = what.strip()
        noun = what[:-1] if what.endswith("s") else what
        if noun.endswith("ie"):
            noun = noun[:-2] + "y"
        if noun == "bed":
            beds = scenario.beds + amount if sign == "+" else scenario.beds - amount if sign == "-" else amount
            scenario = replace(scenario, beds=beds)
        elif noun == "flight":
            if sign:
                raise ScenarioError({"what_if": "Say how many flights in all, e.g. “two flights instead of three”."})
            scenario = replace(scenario, flights=regroup(scenario.flights, amount))
        elif noun in _NAMES:
            discipline = _NAMES[noun]
            staff = dict(scenario.staff)
            now = staff.get(discipline, 0)
            staff[discipline] = now + amount if sign == "+" else now - amount if sign == "-" else amount
            scenario = replace(scenario, staff=staff)
        else:
            raise ScenarioError({"what_if": f"Unknown resource {what!r}: staff by discipline, beds or flights."})
    scenario.check()
    return scenario
