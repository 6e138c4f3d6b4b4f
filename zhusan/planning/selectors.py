"""What the planner reads from the deployment's records: aggregates only.

The operations' arrival plans (per flight: how many persons of each age
group and sex), a centre's capacity (staff by discipline, beds), and the
programme's norms learned from its own stays and sessions (lengths of stay
by age group, who sees whom, sessions per resident-week, days to the first
session). No name, no identifier of a person leaves this module; the
planner's pages and the ``zhusan plan`` command see only counts and
durations.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhusan.operations.models import (
    EntryStatus,
    ManifestEntry,
    Movement,
    MovementStatus,
    Operation,
    OperationStatus,
)
from zhusan.registry.dates import best_age
from zhusan.rehabilitation.models import Admission, Centre, Room, StaffMember
from zhusan.rehabilitation.sessions.models import Session, SessionKind, SessionParticipant, SessionStatus

from .simulation import AGE_GROUPS, DISCIPLINES, Arrival, Flight, Norms, age_group

PLANNED_STATUSES = (OperationStatus.PLANNED, OperationStatus.APPROVED)

# Where the deployment has no records of its own. Kazakhstan's Akniet centre
# (domain.md §1 and §5): stays of about a month; 17 psychologists and 45
# theologians for 595 people; theologians see adults and teenagers.
DEFAULT_STAY_DAYS = 30.0
DEFAULT_FIRST_DELAY = 2.0
DEFAULT_MINUTES = 60.0
DEFAULT_SEEN: dict[str, dict[str, float]] = {
    "psychologist": dict.fromkeys(AGE_GROUPS, 1.0),
    "theologian": {"0-6": 0.0, "7-13": 0.0, "14-17": 1.0, "18+": 1.0},
    "doctor": dict.fromkeys(AGE_GROUPS, 1.0),
    "social_worker": dict.fromkeys(AGE_GROUPS, 1.0),
}
DEFAULT_PER_WEEK: dict[str, dict[str, float]] = {
    "psychologist": dict.fromkeys(AGE_GROUPS, 1.0),
    "theologian": {"0-6": 0.0, "7-13": 0.0, "14-17": 1.0, "18+": 1.0},
    "doctor": dict.fromkeys(AGE_GROUPS, 0.25),
    "social_worker": dict.fromkeys(AGE_GROUPS, 0.5),
}
# Staff per 595 arrivals (Kazakhstan 2019) for a deployment with no roster.
DEFAULT_STAFF_PER_595: dict[str, int] = {
    "psychologist": 17,
    "theologian": 45,
    "social_worker": 8,
    "doctor": 6,
}
# Extra children not yet on a manifest: the camps' share (77 % under 12, domain.md §5).
EXTRA_CHILD_GROUPS: tuple[tuple[str, float], ...] = (("0-6", 0.6), ("7-13", 0.3), ("14-17", 0.1))


def planned_operations() -> QuerySet[Operation]:
    """Operations still to come, with their flights and the persons on their manifests."""
    return (
        Operation.objects.filter(status__in=PLANNED_STATUSES)
        .annotate(
            flight_count=Count("movements", filter=~Q(movements__status=MovementStatus.CANCELLED), distinct=True),
            person_count=Count(
                "movements__entries",
                filter=~Q(movements__entries__status=EntryStatus.WITHDRAWN)
                & ~Q(movements__status=MovementStatus.CANCELLED),
                distinct=True,
            ),
        )
        .order_by("code")
    )


def other_operations() -> QuerySet[Operation]:
    """Completed or under-way operations (a back-test compares the plan with their records)."""
    return Operation.objects.exclude(status__in=(*PLANNED_STATUSES, OperationStatus.CANCELLED)).order_by("code")


@dataclass(frozen=True)
class ArrivalPlan:
    """An operation's flights with their persons as age group and sex only."""

    start: date
    flights: tuple[Flight, ...]
    undated: int  # flights with no date: placed a week apart

    @property
    def persons(self) -> int:
        return sum(len(f.arrivals) for f in self.flights)

    def counts(self) -> dict[str, int]:
        tally = Counter(a.group for f in self.flights for a in f.arrivals)
        return {g: tally.get(g, 0) for g in AGE_GROUPS}


def arrival_plan(operation: Operation, *, arrived_only: bool = False) -> ArrivalPlan:
    """The persons on the operation's manifests by flight day (age at arrival)."""
    movements = list(
        Movement.objects.filter(operation=operation).exclude(status=MovementStatus.CANCELLED).order_by("pk")
    )
    entries = ManifestEntry.objects.filter(movement__in=movements).exclude(status=EntryStatus.WITHDRAWN)
    if arrived_only:
        entries = entries.filter(status=EntryStatus.ARRIVED)
    rows = entries.values_list("movement_id", "person__birth_date_low", "person__birth_date_high", "person__sex")
    by_movement: dict[int, list[tuple[date | None, date | None, str]]] = defaultdict(list)
    for movement_id, low, high, sex in rows.order_by("travel_group", "pk"):
        by_movement[movement_id].append((low, high, sex))
    dated: list[date] = [d for m in movements if (d := m.arrival_on or m.departure_on) is not None]
    start = min(dated) if dated else timezone.localdate() + timedelta(days=30)
    undated = 0
    flights: list[Flight] = []
    for movement in sorted(movements, key=lambda m: (m.arrival_on or m.departure_on or date.max, m.pk)):
        when = movement.arrival_on or movement.departure_on
        if when is not None:
            day_of = when
        else:
            day_of = (max(dated) if dated else start) + timedelta(days=7 * (undated + (1 if dated else 0)))
            undated += 1
        people = by_movement.get(movement.pk, [])
        if not people:
            continue
        arrivals = tuple(Arrival(age_group(best_age(low, high, day_of)), sex) for low, high, sex in people)
        flights.append(Flight((day_of - start).days, arrivals))
    return ArrivalPlan(start=start, flights=tuple(flights), undated=undated)


def extra_arrivals(women: int, men: int, children: int) -> tuple[Arrival, ...]:
    """Persons expected but not yet on a manifest (the children shared out by age as in the camps)."""
    extra = [Arrival("18+", "female")] * women + [Arrival("18+", "male")] * men
    left = children
    for k, (group, share) in enumerate(EXTRA_CHILD_GROUPS):
        n = left if k == len(EXTRA_CHILD_GROUPS) - 1 else round(children * share)
        n = min(n, left)
        extra += [Arrival(group)] * n
        left -= n
    return tuple(extra)


def centres() -> QuerySet[Centre]:
    return Centre.objects.order_by("name")


def centre_for(operation: Operation) -> Centre | None:
    """The centre whose town the operation's flights are bound for, else the only (first) centre."""
    destinations = list(Movement.objects.filter(operation=operation).values_list("destination", flat=True))
    for centre in Centre.objects.order_by("name"):
        if any(centre.town and centre.town.lower() in d.lower() for d in destinations):
            return centre
    return Centre.objects.order_by("name").first()


@dataclass(frozen=True)
class Capacity:
    staff: dict[str, int]
    beds: int
    source: str  # "roster" or "default"


def capacity(centre: Centre | None, persons: int) -> Capacity:
    """The centre's active roster by discipline and its beds; without a centre,
    Kazakhstan's 2019 ratios scaled to ``persons`` and a bed each."""
    if centre is not None:
        counts = dict(
            StaffMember.objects.filter(centre=centre, active=True)
            .values("discipline")
            .annotate(n=Count("pk"))
            .values_list("discipline", "n")
        )
        beds = sum(Room.objects.filter(centre=centre).values_list("beds", flat=True))
        if counts or beds:
            return Capacity({d: int(counts.get(d, 0)) for d in DISCIPLINES}, int(beds), "roster")
    scaled = {d: math.ceil(persons * n / 595) for d, n in DEFAULT_STAFF_PER_595.items()}
    return Capacity({d: scaled.get(d, 0) for d in DISCIPLINES}, max(persons, 1), "default")


# --- norms learned from the records ------------------------------------------------


def learned_norms(centre: Centre | None = None, *, minimum: int = 5) -> Norms:
    """The programme's norms from the stays (discharged) at ``centre`` (every
    centre when None) and the individual and family sessions held during
    them. A figure with fewer than ``minimum`` stays behind it falls back to
    its documented default (``sources`` says which is which)."""
    admissions = Admission.objects.filter(discharged_on__isnull=False)
    if centre is not None:
        admissions = admissions.filter(centre=centre)
    stays = list(
        admissions.values_list(
            "person_id", "admitted_on", "discharged_on", "person__birth_date_low", "person__birth_date_high"
        )
    )
    sources: dict[str, str] = {}
    stay_days: dict[str, list[float]] = {g: [] for g in AGE_GROUPS}
    group_of: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    for person_id, admitted, discharged, low, high in stays:
        assert discharged is not None
        group = age_group(best_age(low, high, admitted))
        stay_days[group].append(float((discharged - admitted).days))
        group_of[person_id].append((admitted, discharged, group))
    everyone = [d for values in stay_days.values() for d in values]
    for group in AGE_GROUPS:
        if len(stay_days[group]) >= minimum:
            sources[f"stay:{group}"] = "records"
        elif len(everyone) >= minimum:
            stay_days[group] = list(everyone)
            sources[f"stay:{group}"] = "records (all ages)"
        else:
            stay_days[group] = [DEFAULT_STAY_DAYS]
            sources[f"stay:{group}"] = "default"

    sessions = SessionParticipant.objects.filter(
        session__status=SessionStatus.HELD,
        session__kind__in=(SessionKind.INDIVIDUAL, SessionKind.FAMILY),
        person_id__in=group_of.keys(),
    ).values_list("person_id", "session__discipline", "session__starts_at", "session__duration_minutes")
    # Per stay and discipline: the days of its sessions.
    held: dict[tuple[int, int, str], list[date]] = defaultdict(list)
    minutes: dict[str, list[int]] = defaultdict(list)
    for person_id, discipline, starts_at, duration in sessions.iterator():
        day = timezone.localtime(starts_at).date()
        for k, (admitted, discharged, _group) in enumerate(group_of[person_id]):
            if admitted <= day <= discharged:
                held[(person_id, k, discipline)].append(day)
                if duration:
                    minutes[discipline].append(duration)
                break

    seen: dict[str, dict[str, float]] = {}
    per_week: dict[str, dict[str, float]] = {}
    first_delay: dict[str, list[float]] = {}
    stays_by_group = Counter(group for visits in group_of.values() for _a, _d, group in visits)
    for discipline in DISCIPLINES:
        seen_n: Counter[str] = Counter()
        rate_sessions: Counter[str] = Counter()
        rate_weeks: defaultdict[str, float] = defaultdict(float)
        delays: list[float] = []
        for person_id, visits in group_of.items():
            for k, (admitted, discharged, group) in enumerate(visits):
                days = sorted(held.get((person_id, k, discipline), []))
                if not days:
                    continue
                seen_n[group] += 1
                delays.append(float((days[0] - admitted).days))
                after = len(days) - 1
                weeks = max((discharged - days[0]).days, 1) / 7
                rate_sessions[group] += after
                rate_weeks[group] += weeks
        if sum(seen_n.values()) < minimum:
            if discipline in DEFAULT_SEEN:
                seen[discipline] = dict(DEFAULT_SEEN[discipline])
                per_week[discipline] = dict(DEFAULT_PER_WEEK[discipline])
                first_delay[discipline] = [DEFAULT_FIRST_DELAY]
                sources[f"sessions:{discipline}"] = "default"
            continue
        seen[discipline] = {g: (seen_n[g] / stays_by_group[g] if stays_by_group[g] else 0.0) for g in AGE_GROUPS}
        per_week[discipline] = {
            g: (round(rate_sessions[g] / rate_weeks[g], 3) if rate_weeks[g] else 0.0) for g in AGE_GROUPS
        }
        first_delay[discipline] = delays
        sources[f"sessions:{discipline}"] = "records"
    return Norms(
        admitted=_admitted_share(centre, minimum, sources),
        stay_days=stay_days,
        seen=seen,
        per_week=per_week,
        first_delay=first_delay,
        minutes={d: sum(v) / len(v) for d, v in minutes.items() if v}
        | {d: DEFAULT_MINUTES for d in DISCIPLINES if not minutes.get(d)},
        sources=sources,
    )


def learned_working_days(centre: Centre | None = None, *, minimum: int = 20) -> list[int]:
    """The weekdays (0 = Monday) on which the centre holds sessions: those with
    at least 5 % of its held sessions; Monday to Friday without enough records."""
    sessions = Session.objects.filter(status=SessionStatus.HELD)
    if centre is not None:
        sessions = sessions.filter(unit=centre.unit)
    counts: Counter[int] = Counter()
    for starts_at in sessions.values_list("starts_at", flat=True).iterator():
        counts[timezone.localtime(starts_at).weekday()] += 1
    total = sum(counts.values())
    if total < minimum:
        return [0, 1, 2, 3, 4]
    return sorted(day for day, n in counts.items() if n >= 0.05 * total)


def _admitted_share(centre: Centre | None, minimum: int, sources: dict[str, str]) -> dict[str, float]:
    """Per age group, the share of the persons who arrived on an operation
    that sent anyone to the centre who were admitted there (after arrival)."""
    admissions = Admission.objects.all() if centre is None else Admission.objects.filter(centre=centre)
    admitted = set(admissions.values_list("person_id", flat=True))
    operations = set(
        ManifestEntry.objects.filter(status=EntryStatus.ARRIVED, person_id__in=admitted).values_list(
            "movement__operation_id", flat=True
        )
    )
    rows = ManifestEntry.objects.filter(status=EntryStatus.ARRIVED, movement__operation_id__in=operations).values_list(
        "person_id", "person__birth_date_low", "person__birth_date_high", "movement__arrival_on"
    )
    arrived: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for person_id, low, high, arrival_on in rows:
        group = age_group(best_age(low, high, arrival_on) if arrival_on else None)
        arrived[group] += 1
        kept[group] += person_id in admitted
    share: dict[str, float] = {}
    for group in AGE_GROUPS:
        if arrived[group] >= minimum:
            share[group] = kept[group] / arrived[group]
            sources[f"admitted:{group}"] = "records"
        else:
            share[group] = 1.0
            sources[f"admitted:{group}"] = "default"
    return share


# --- what the records say of a past operation (the back-test) -----------------------


@dataclass(frozen=True)
class Recorded:
    """An operation's recorded stays and first-session waits (medians in days)."""

    persons: int
    admitted: int
    stay_median: float
    waits: dict[str, float]  # days from arrival to the first session, median over those seen
    seen: dict[str, int]
    last_departure: date | None
    start: date | None = None
    occupancy: tuple[int, ...] = ()  # residents of the operation at noon each day from ``start``


def _median(values: list[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def recorded_outcomes(operation: Operation, centre: Centre | None = None) -> Recorded:
    """The recorded stays (the first admission on or after arrival) and first
    sessions of the persons who arrived on ``operation``."""
    arrivals = dict(
        ManifestEntry.objects.filter(movement__operation=operation, status=EntryStatus.ARRIVED)
        .exclude(movement__status=MovementStatus.CANCELLED)
        .values_list("person_id", "movement__arrival_on")
    )
    admissions = Admission.objects.filter(person_id__in=arrivals.keys())
    if centre is not None:
        admissions = admissions.filter(centre=centre)
    stay_of: dict[int, tuple[date, date | None]] = {}
    for person_id, admitted, discharged in admissions.order_by("admitted_on").values_list(
        "person_id", "admitted_on", "discharged_on"
    ):
        arrived = arrivals.get(person_id)
        if person_id not in stay_of and (arrived is None or admitted >= arrived):
            stay_of[person_id] = (admitted, discharged)
    stays = [float((d - a).days) for a, d in stay_of.values() if d is not None]
    first: dict[tuple[int, str], date] = {}
    rows = SessionParticipant.objects.filter(
        session__status=SessionStatus.HELD,
        session__kind__in=(SessionKind.INDIVIDUAL, SessionKind.FAMILY),
        person_id__in=stay_of.keys(),
    ).values_list("person_id", "session__discipline", "session__starts_at")
    for person_id, discipline, starts_at in rows.iterator():
        day = timezone.localtime(starts_at).date()
        admitted, discharged = stay_of[person_id]
        if day < admitted or (discharged is not None and day > discharged):
            continue
        key = (person_id, discipline)
        if key not in first or day < first[key]:
            first[key] = day
    waits: dict[str, list[float]] = defaultdict(list)
    for (person_id, discipline), day in first.items():
        arrived = arrivals.get(person_id) or stay_of[person_id][0]
        waits[discipline].append(float((day - arrived).days))
    ends = [d for _a, d in stay_of.values() if d is not None]
    days = [d for d in arrivals.values() if d is not None]
    start = min(days) if days else None
    occupancy: list[int] = []
    if start is not None and ends:
        occupancy = [0] * ((max(ends) - start).days + 1)
        for admitted, discharged in stay_of.values():
            last = (discharged - start).days if discharged is not None else len(occupancy)
            for k in range(max((admitted - start).days, 0), min(last, len(occupancy))):
                occupancy[k] += 1
    return Recorded(
        persons=len(arrivals),
        admitted=len(stay_of),
        stay_median=_median(stays),
        waits={d: _median(v) for d, v in waits.items()},
        seen={d: len(v) for d, v in waits.items()},
        last_departure=max(ends) if ends and len(ends) == len(stay_of) else None,
        start=start,
        occupancy=tuple(occupancy),
    )
