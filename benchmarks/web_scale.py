"""Zhusan at national scale: N persons in PostgreSQL, the production server, 20 users.

    .venv/bin/python benchmarks/web_scale.py --persons 100000 --duration 60 --users 20 [--compare 10000]

1. Builds a synthetic registry of N persons in its own PostgreSQL database
   (``zhusan_bench``; never the dev one): families of a mother and children
   (and some men alone) with Cyrillic legal names, the ICAO Latin form of a
   passport, Arabic names for children born in the camps and kunyas;
   households; a lifecycle with its timeline; arrivals on the manifests of
   quarterly operations; orphans and unaccompanied children. Rows go in with
   ``COPY`` (psycopg 3) and a progress bar. Every derived column is the one
   the registry computes: search keys and match keys with
   ``registry.text.search_key``/``match_keys``, birth intervals with
   ``registry.dates``; every value passes through its model field's
   ``get_db_prep_save`` (encryption included).
2. Computes the dashboard's figures once (``reporting.cache.refresh``, as the
   queue's task does) and reports how long it took.
3. Starts the production server: gunicorn with ``deploy/gunicorn.conf.py``,
   4 workers, production settings (``zhusan.settings``, DEBUG off), and
   ``zhusan worker`` beside it.
4. Drives it with locust, headless, for ``--duration`` seconds, as ``--users``
   staff signed in (password and TOTP done: each user has its own session
   with the second factor verified, as ``django_otp.login`` leaves it):
   person search in Cyrillic, Latin and Arabic, person pages, list pages and
   the dashboard (``benchmarks/web_scale_locustfile.py``).
5. Prints p50/p95/p99 and errors per page kind (and, with ``--compare M``, the
   same at M persons and the growth ratio of each p95).

Needs PostgreSQL (``--database-url`` or ``BENCH_DATABASE_URL`` or
``DATABASE_URL``: a role that may create databases) and locust
(``pip install locust==2.47.0``, or the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("web_scale_locustfile.py")
LOCUST_PIN = "locust==2.47.0"
PASSWORD = "bench-password-not-secret-0123"  # noqa: S105
KINDS = ("search cyrillic", "search latin", "search arabic", "person page", "list page", "dashboard")


# ----------------------------------------------------------------------------
# Environment: the bench database and the settings every process shares


def admin_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "web_scale needs PostgreSQL: give --database-url postgres://user:password@host:5432/postgres "
            "(or BENCH_DATABASE_URL / DATABASE_URL) for a role that may create databases."
        )
    return url


def database_url(args: argparse.Namespace, name: str) -> str:
    base = admin_url(args)
    head, _sep, tail = base.rpartition("/")
    query = ("?" + tail.split("?", 1)[1]) if "?" in tail else ""
    return f"{head}/{name}{query}"


def secrets_for(name: str) -> dict[str, str]:
    """A secret key and an encryption key per bench database, kept beside it (var/bench/) so --reuse reads it."""
    from cryptography.fernet import Fernet

    path = ROOT / "var" / "bench" / f"{name}.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {"SECRET_KEY": "bench-" + uuid.uuid4().hex * 2, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def server_env(url: str, name: str, port: int, workers: int, threads: int = 0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUSAN_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(secrets_for(name))
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "zhusan.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ZHUSAN_BIND": f"127.0.0.1:{port}",
            "ZHUSAN_WEB_WORKERS": str(workers),
            # Threads per worker: deploy/gunicorn.conf.py's default unless asked.
            **({"ZHUSAN_WEB_THREADS": str(threads)} if threads else {}),
            # The load registers no one: the block index of duplicate proposals is not
            # built (minutes of each worker at a million); block_index_memory.py measures it.
            "ZHUSAN_WARM_BLOCK_INDEX": "false",
            # Plain HTTP on the loopback: no TLS proxy in front of the benchmark.
            "ZHUSAN_SSL_REDIRECT": "false",
            "ZHUSAN_SECURE_COOKIES": "false",
            "ZHUSAN_HSTS_SECONDS": "0",
            "ZHUSAN_HEALTH_MIN_FREE_MB": "1",
            "ZHUSAN_ACCESS_LOG": os.devnull,
            "ZHUSAN_TASKS": "database",
            "ZHUSAN_CASE_PREFIX": "BN",
            # collectstatic writes here, not into the checkout's var/static
            "ZHUSAN_STATIC_ROOT": str(ROOT / "var" / "bench" / f"{name}-static"),
        }
    )
    return env


def recreate_database(args: argparse.Namespace, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(args, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(args: argparse.Namespace, name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url(args, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ----------------------------------------------------------------------------
# Progress


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, label: str, total: int, *, quiet: bool = False) -> None:
        self.label, self.total, self.quiet = label, max(total, 1), quiet
        self.done, self.started, self.shown = 0, time.monotonic(), 0.0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if not self.quiet and (now - self.shown > 0.5 or self.done >= self.total):
            self.shown = now
            part = min(self.done / self.total, 1.0)
            rate = self.done / max(now - self.started, 1e-9)
            bar = "#" * int(part * 30)
            print(
                f"\r{self.label:<12} [{bar:<30}] {self.done:>9,}/{self.total:,} {rate:>9,.0f}/s",
                end="",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if not self.quiet:
            print(f"  {time.monotonic() - self.started:.1f} s", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# The synthetic registry (inside Django, on the bench database)


@dataclass
class Copier:
    """COPY rows of one model: values by attribute name, the field's default for the rest,
    every value through the field's ``get_db_prep_save`` (encryption, JSON)."""

    model: Any
    rows: list[dict[str, Any]]

    def write(self, cursor: Any, connection: Any) -> None:
        fields = list(self.model._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        plain = (str, int, float, bool, date, datetime, uuid.UUID, type(None))
        with cursor.copy(f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for values in self.rows:
                out = []
                for f in fields:
                    value = values[f.attname] if f.attname in values else f.get_default()
                    if not isinstance(value, plain) or f.get_internal_type() in {"JSONField"} or f.attname == "reason":
                        value = f.get_db_prep_save(value, connection)
                    out.append(value)
                copy.write_row(out)
        self.rows.clear()


@lru_cache(maxsize=200_000)
def name_keys(given: str, patronymic: str, family: str) -> tuple[str, str]:
    from zhusan.registry.text import match_keys, search_key

    return search_key(given, patronymic, family), match_keys(given, patronymic, family)


# Where the persons are in the pathway (the shares of a programme a few years in).
STAGE_SHARES = {
    "identified": 8,
    "verified": 6,
    "cleared": 5,
    "repatriated": 4,
    "in_rehabilitation": 18,
    "reintegrating": 33,
    "closed": 12,
    "remained_abroad": 5,
    "in_custody": 4,
    "deceased": 1,
    "withdrawn": 4,
}
REGIONS = ("Almaty", "Astana", "Shymkent", "Aktobe", "Karaganda", "Turkistan")
START = date(2019, 1, 1)


def _path(stage: str, rng: random.Random) -> list[str]:
    from zhusan.registry.models import MAIN_PATH

    main = [s.value for s in MAIN_PATH]
    if stage in main:
        return main[: main.index(stage) + 1]
    if stage == "in_custody":
        return [*main[:4], stage]
    if stage == "deceased":
        return [*main[: rng.randint(1, 5)], stage]
    return [*main[: rng.randint(1, 3)], stage]  # remained abroad, withdrawn: before arrival


def build(persons: int, *, seed: int, quiet: bool) -> dict[str, Any]:
    """Write ``persons`` synthetic persons (and their names, households, timeline,
    arrivals) with COPY; return the bench user's sessions and sample queries."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhusan.accounts.models import Organisation, RoleGrant, Unit, User
    from zhusan.accounts.permissions import Role
    from zhusan.demo.names import NameMaker, icao
    from zhusan.operations.models import ManifestEntry, Movement, Operation
    from zhusan.registry.dates import BirthDate, BirthPrecision, midpoint
    from zhusan.registry.models import (
        CaseCounter,
        Household,
        HouseholdMember,
        Person,
        PersonName,
        PersonVulnerability,
        TimelineEntry,
    )

    rng = random.Random(seed)
    names = NameMaker(rng)
    today = timezone.localdate()
    now = timezone.now()
    tz = timezone.get_current_timezone()

    org, _ = Organisation.objects.get_or_create(name="Benchmark programme", defaults={"kind": "government"})
    units = [
        Unit.objects.get_or_create(organisation=org, name=f"{r} office", defaults={"region": r})[0] for r in REGIONS
    ]
    user = User.objects.filter(username="bench-manager").first()
    if user is None:
        user = User.objects.create_user(username="bench-manager", password=PASSWORD, unit=units[0])
        RoleGrant.objects.create(user=user, role=Role.PROGRAMME_MANAGER, organisation=org, unit=units[0])
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    # Operations: one a quarter since 2019, one flight each.
    movements: dict[str, Any] = {}
    quarter = START
    while quarter <= today:
        code = f"BENCH-{quarter.year}Q{(quarter.month - 1) // 3 + 1}"
        op, _ = Operation.objects.get_or_create(
            code=code, defaults={"name": f"Operation {code}", "status": "completed", "country": "KZ"}
        )
        movements[code] = Movement.objects.get_or_create(
            operation=op, label="Flight 1", defaults={"kind": "flight", "destination": "Almaty", "status": "arrived"}
        )[0]
        quarter = date(quarter.year + (quarter.month + 2) // 12, (quarter.month + 2) % 12 + 1, 1)

    def next_id(model: Any) -> int:
        with connection.cursor() as c:
            c.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
            return int(c.fetchone()[0])

    ids = {m: next_id(m) for m in (Person, PersonName, TimelineEntry, Household, HouseholdMember)}
    ids[ManifestEntry] = next_id(ManifestEntry)
    ids[PersonVulnerability] = next_id(PersonVulnerability)
    counter = Person.objects.count()
    batches = {
        m: Copier(m, [])
        for m in (Person, PersonName, TimelineEntry, Household, HouseholdMember, ManifestEntry, PersonVulnerability)
    }
    stage_codes = list(STAGE_SHARES)
    stage_weights = list(STAGE_SHARES.values())
    samples: dict[str, list[str]] = {"cyrillic": [], "latin": [], "arabic": [], "persons": []}
    progress = Progress("persons", persons, quiet=quiet)

    def take(model: Any) -> int:
        value = ids[model]
        ids[model] += 1
        return int(value)

    def flush() -> None:
        with connection.cursor() as c, transaction.atomic():
            for copier in batches.values():  # persons first: foreign keys are checked row by row
                copier.write(c.cursor, connection)

    def add_name(
        person_id: int, script: str, kind: str, given: str, patronymic: str, family: str, primary: bool
    ) -> None:
        skey, mkey = name_keys(given, patronymic, family)
        batches[PersonName].rows.append(
            {
                "id": take(PersonName),
                "uuid": uuid.uuid4(),
                "version": 1,
                "person_id": person_id,
                "script": script,
                "kind": kind,
                "given": given,
                "patronymic": patronymic,
                "family": family,
                "is_primary": primary,
                "search_key": skey,
                "match_key": mkey,
            }
        )

    def add_person(sex: str, born: int, stage: str, path_start: date, unit: Any) -> tuple[int, uuid.UUID]:
        nonlocal counter
        counter += 1
        pid = take(Person)
        person_uuid = uuid.uuid4()
        birth = BirthDate(precision=BirthPrecision.YEAR, year=born)
        low, high = birth.bounds()
        # The timeline: one entry per step of the person's path, weeks to months apart.
        path = _path(stage, rng)
        day = path_start
        at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
        previous = ""
        arrived_at = None
        for step in path:
            batches[TimelineEntry].rows.append(
                {
                    "id": take(TimelineEntry),
                    "person_id": pid,
                    "from_stage": previous,
                    "to_stage": step,
                    "at": at,
                    "by_id": user.pk,
                    "reason": "",
                }
            )
            if step == "repatriated":
                arrived_at = at
            previous = step
            last_at = at
            at = min(at + timedelta(days=rng.randint(20, 240)), now - timedelta(hours=1))
        created = datetime(path_start.year, path_start.month, path_start.day, 9, 0, tzinfo=tz)
        batches[Person].rows.append(
            {
                "id": pid,
                "uuid": person_uuid,
                "created_at": created,
                "updated_at": last_at,
                "version": 1,
                "case_number": f"BN-{counter:07d}",
                "record_type": "subject",
                "sex": sex,
                "birth_precision": BirthPrecision.YEAR.value,
                "birth_year": born,
                "birth_date_low": low,
                "birth_date_high": high,
                "birth_date_mid": midpoint(low, high) if low and high else None,
                "stage": stage,
                "stage_changed_at": last_at,
                "managing_unit_id": unit.pk,
                "lawful_basis": "public_interest",
                "created_by_id": user.pk,
            }
        )
        if arrived_at is not None:
            code = f"BENCH-{arrived_at.year}Q{(arrived_at.month - 1) // 3 + 1}"
            movement = movements.get(code) or next(iter(movements.values()))
            batches[ManifestEntry].rows.append(
                {
                    "id": take(ManifestEntry),
                    "uuid": uuid.uuid4(),
                    "created_at": created,
                    "updated_at": arrived_at,
                    "version": 1,
                    "movement_id": movement.pk,
                    "person_id": pid,
                    "status": "arrived",
                    "boarded_at": arrived_at - timedelta(hours=5),
                    "arrived_at": arrived_at,
                    "added_by_id": user.pk,
                }
            )
        if len(samples["persons"]) < 3000 and rng.random() < 0.05:
            samples["persons"].append(str(person_uuid))
        return pid, person_uuid

    written = 0
    while written < persons:
        unit = rng.choice(units)
        stage = rng.choices(stage_codes, stage_weights)[0]
        start = START + timedelta(days=rng.randint(0, max((today - START).days - 400, 1)))
        household_id = take(Household)
        base = names.surname()
        father = names.father()
        if rng.random() < 0.15:  # a man alone
            members = [("male", rng.randint(1975, 2000), "head")]
        else:
            members = [("female", rng.randint(1975, 2000), "carer")]
            members += [
                (rng.choice(("female", "male")), rng.randint(2010, 2019), "child") for _ in range(rng.randint(1, 4))
            ]
        members = members[: persons - written]
        batches[Household].rows.append(
            {
                "id": household_id,
                "uuid": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "label": base,
            }
        )
        for sex, born, role in members:
            pid, _u = add_person(sex, born, stage, start, unit)
            adult = role != "child"
            cyr = names.cyrillic(sex, family_base=base, father=None if adult else father)
            add_name(pid, "cyrillic", "legal", cyr.given, cyr.patronymic, cyr.family, True)
            add_name(pid, "latin", "transliteration", icao(cyr.given), "", icao(cyr.family), False)
            arabic = ""
            if not adult:
                arabic_given, _latin = names.arabic_given(sex)
                father_arabic, _ = names.arabic_given("male")
                add_name(pid, "arabic", "birth", arabic_given, father_arabic, "", False)
                arabic = f"{arabic_given} {father_arabic}"
                if rng.random() < 0.04:
                    kind = "orphan" if rng.random() < 0.5 else "unaccompanied"
                    batches[PersonVulnerability].rows.append(
                        {"id": take(PersonVulnerability), "person_id": pid, "kind": kind}
                    )
            elif sex == "female" and rng.random() < 0.3:
                kunya, _latin = names.kunya(sex)
                add_name(pid, "arabic", "kunya", kunya, "", "", False)
                arabic = kunya
            batches[HouseholdMember].rows.append(
                {"id": take(HouseholdMember), "household_id": household_id, "person_id": pid, "role": role}
            )
            if rng.random() < 0.02:
                if len(samples["cyrillic"]) < 500:
                    samples["cyrillic"].append(f"{cyr.given} {cyr.family}")
                if len(samples["latin"]) < 500:
                    samples["latin"].append(f"{icao(cyr.given)} {icao(cyr.family)}")
                if arabic and len(samples["arabic"]) < 500:
                    samples["arabic"].append(arabic)
            written += 1
        progress.step(len(members))
        if len(batches[Person].rows) >= 5000:
            flush()
    flush()
    progress.close()

    with connection.cursor() as c:
        for model in (
            Person,
            PersonName,
            TimelineEntry,
            Household,
            HouseholdMember,
            ManifestEntry,
            PersonVulnerability,
        ):
            table = model._meta.db_table
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
    CaseCounter.objects.update_or_create(prefix=settings.ZHUSAN_CASE_PREFIX, defaults={"last": counter})

    return dict(samples)


def make_sessions(count: int = 64) -> list[str]:
    """Sessions of the bench user as a sign-in with password and TOTP leaves them (``django_otp.login``)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhusan.accounts.models import User

    user = User.objects.get(username="bench-manager")
    device = TOTPDevice.objects.get(user=user)
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    sessions = []
    for _n in range(count):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["otp_device_id"] = device.persistent_id
        store.create()
        sessions.append(str(store.session_key))
    return sessions


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as c:
        # VACUUM also merges the GIN (trigram) indexes' pending lists filled by the load.
        c.execute("VACUUM ANALYZE")


def explain(queries: dict[str, list[str]]) -> dict[str, str]:
    """The plans of the person list and of a search in each script, as the bench user runs them:
    every read of the search (the names found first, then the page of persons)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhusan.accounts.models import User
    from zhusan.audit.services import Actor
    from zhusan.registry.selectors import PersonFilters, persons_for_user

    user = User.objects.get(username="bench-manager")
    actor = Actor(user=user, via="cli")
    plans = {}
    for label, q in [
        ("list", ""),
        *((f"search {s}", (queries[s] or [""])[0]) for s in ("cyrillic", "latin", "arabic")),
    ]:
        with CaptureQueriesContext(connection) as run:
            list(persons_for_user(actor, PersonFilters(q=q))[:25])
        reads = [
            r["sql"]
            for r in run.captured_queries
            if r["sql"].startswith('SELECT "registry_person')
            and not r["sql"].startswith('SELECT "registry_personname"."id"')  # the names of the page's persons
        ]
        out = []
        for sql in reads:
            with connection.cursor() as c:
                c.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                out.append("\n".join(row[0] for row in c.fetchall()))
        plans[f"{label} ({q})" if q else label] = "\n-- then\n".join(out)
    return plans


def time_searches(queries: dict[str, list[str]], count: int = 50) -> dict[str, dict[str, float]]:
    """One user alone: the first page of a search (its reads, the bounded count, the page
    and its names) for ``count`` sample queries per script, in ms."""
    from zhusan.accounts.models import User
    from zhusan.audit.services import Actor
    from zhusan.registry.selectors import PersonFilters, persons_for_user, persons_page

    actor = Actor(user=User.objects.get(username="bench-manager"), via="cli")
    out = {}
    for script in ("cyrillic", "latin", "arabic"):
        times = []
        for q in queries[script][:count]:
            started = time.perf_counter()
            filters = PersonFilters(q=q)
            list(persons_page(persons_for_user(actor, filters), filters, size=25).object_list)
            times.append((time.perf_counter() - started) * 1000)
        if times:
            out[script] = summary(times)
    return out


def summary(times: list[float]) -> dict[str, float]:
    """Count, p50, p95 and max of timings in ms (one decimal)."""
    times = sorted(times)
    return {
        "n": len(times),
        "p50": round(statistics.median(times), 1),
        "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "max": round(times[-1], 1),
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer here (a registration ends in one, a signed-out user gets one)


class SignedIn:
    """One signed-in user of the bench server over plain HTTP: a session of
    ``make_sessions`` and the cookies the server sets (the CSRF token)."""

    _opener = urllib.request.build_opener(_NoRedirect())

    def __init__(self, port: int, session: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = {"sessionid": session}

    def request(
        self,
        path: str,
        params: dict[str, str] | None = None,
        *,
        form: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> tuple[int, str, str]:
        """GET ``path`` (or POST ``form`` to it): the status, the redirect's target and the body."""
        url = self.base + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(  # noqa: S310
            url,
            data=urllib.parse.urlencode(form).encode() if form is not None else None,
            headers={"Cookie": cookie, "Referer": url},
        )
        try:
            response = self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as answer:  # a redirect or an error: an answer all the same
            response = answer
        with response:
            for line in response.headers.get_all("Set-Cookie") or []:
                self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(line).items()})
            return response.status, response.headers.get("Location", ""), response.read().decode()


def warm_dashboard() -> float:
    from zhusan.reporting.cache import refresh
    from zhusan.reporting.indicators import ReportFilters

    started = time.monotonic()
    refresh(ReportFilters())
    return time.monotonic() - started


def _stored_figures() -> Any:
    """The dashboard's stored figures with no filter (a ``DashboardFigures`` row), or None."""
    from zhusan.reporting.cache import figures_key
    from zhusan.reporting.indicators import ReportFilters
    from zhusan.reporting.models import DashboardFigures

    return DashboardFigures.objects.filter(key=figures_key(ReportFilters())).first()


def figures_computed_at() -> str:
    """When the dashboard's stored figures were computed; "" if never."""
    row = _stored_figures()
    return row.computed_at.isoformat() if row is not None and row.computed_at is not None else ""


def figures_fresh() -> bool:
    from zhusan.reporting.cache import is_fresh

    row = _stored_figures()
    return row is not None and is_fresh(row)


# Settings of the server that move every figure: a commit (each page writes its
# audit event) waits for the disk only with fsync and synchronous_commit on, as
# in production; CI's throw-away server turns them off with ALTER SYSTEM, which
# outlives a restart (docs/benchmarks.md, session 9).
SERVER_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "jit")


def server_settings() -> dict[str, str]:
    """The PostgreSQL settings of :data:`SERVER_SETTINGS` the run measured with."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [list(SERVER_SETTINGS)])
        return dict(cursor.fetchall())


def tasks_waiting(running: bool = False) -> int:
    """Tasks ready on the queue (``running``: and those being run): the run's
    worker would run them during the load. (One left running by a worker
    stopped mid-way is run again, or marked failed, by the next worker:
    ``zhusan.core.workers``.)"""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"] if running else ["READY"]).count()


def registered_sample(seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` registered persons at random, to register again: their legal
    name in Cyrillic or Arabic script, sex and year of birth."""
    from zhusan.registry.models import PersonName

    names = PersonName.objects.filter(
        kind="legal", script__in=["cyrillic", "arabic"], person__birth_year__isnull=False
    ).select_related("person")
    top = names.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng, out = random.Random(seed), []
    while len(out) < count and top:
        name = names.filter(pk__gte=rng.randint(1, top)).order_by("pk").first()
        if name is not None:
            out.append(
                {
                    "script": name.script,
                    "given": name.given,
                    "patronymic": name.patronymic,
                    "family": name.family,
                    "sex": name.person.sex,
                    "birth_year": name.person.birth_year,
                }
            )
    return out


def bench_call(env: dict[str, str], function: str, *args: object) -> Any:
    """``function(*args)`` of this module, run with Django set up on the bench
    database of ``env`` (in a process of its own: locust, in this one, patches
    the process with gevent); its result as JSON."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "_call", function, *map(str, args)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def collect_static(env: dict[str, str]) -> None:
    """The production server's static files, collected for the bench database of ``env``."""
    subprocess.run([str(BIN / "zhusan"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603


def start_server(env: dict[str, str], *, quiet: bool = True) -> subprocess.Popen[bytes]:
    """The production server (``deploy/gunicorn.conf.py``) on the bench database of ``env``."""
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The task worker, without the day's jobs (sealing at majority, the
    retention due list, reminders): they run once a day on the first worker
    started that day, not inside a minute's measurement by chance of the hour."""
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "zhusan"), "worker", "--no-daily"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def unapplied_migrations() -> list[str]:
    """The migrations the code has and the bench database has not applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _loader_main(persons: int, seed: int, quiet: bool, out: str, fresh: bool, as_built: bool = False) -> None:
    """In a child process with the bench database's settings: migrate, build, analyse, warm."""
    import django

    django.setup()
    from django.core.management import call_command

    timings: dict[str, Any] = {}
    started = time.monotonic()
    if not as_built:
        call_command("migrate", verbosity=0, interactive=False)
    elif behind := unapplied_migrations():
        # Measuring code against a database it does not expect measures neither.
        raise SystemExit(
            f"the bench database is behind the code: {len(behind)} migration(s) not applied "
            f"({', '.join(behind[:5])}{', …' if len(behind) > 5 else ''}); "
            "run without --as-built (it migrates), or migrate it first"
        )
    call_command("collectstatic", verbosity=0, interactive=False)  # the production server's manifest
    timings["migrate_s"] = round(time.monotonic() - started, 1)
    if fresh:
        started = time.monotonic()
        data = build(persons, seed=seed, quiet=quiet)
        timings["load_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        analyse()
        timings["vacuum_analyse_s"] = round(time.monotonic() - started, 1)
    else:
        data = json.loads(Path(out).read_text()) if Path(out).exists() else {}
    data["sessions"] = make_sessions()
    # Figures computed on another day, over an hour ago or before a write are
    # stale: the first dashboard of the run would queue their recomputation,
    # a minute and a half of one core at a million persons, inside the
    # measured run or not by chance (docs/benchmarks.md, session 8).
    if not as_built or not figures_fresh():
        timings["dashboard_compute_s"] = round(warm_dashboard(), 2)
    data["figures_computed_at"] = figures_computed_at()
    data["tasks_waiting"] = tasks_waiting()
    try:
        data["search_ms"] = time_searches(data)
        data["plans"] = explain(data)
    except Exception as exc:  # a plan is a report, not a reason to stop the run
        data["plans"] = {"error": repr(exc)}
    data["timings"] = timings
    Path(out).write_text(json.dumps(data, ensure_ascii=False))


# ----------------------------------------------------------------------------
# The run: server, worker, locust


def wait_for_health(port: int, deadline_s: float = 90) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /health/ in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_stats(path: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            if name == "Aggregated" or name in KINDS:
                out[name] = {
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "p99": float(row["99%"] or 0),
                    "rps": float(row["Requests/s"] or 0),
                }
    return out


def run_once(args: argparse.Namespace, persons: int) -> dict[str, Any]:
    name = args.db_name if persons == args.persons else f"{args.db_name}_{persons}"
    url = database_url(args, name)
    port = free_port()
    env = server_env(url, name, port, args.workers, args.threads)
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    data_file = workdir / f"{name}.data.json"
    fresh = not (args.reuse and database_exists(args, name) and data_file.exists())
    if fresh:
        recreate_database(args, name)
    print(f"== {persons:,} persons in database {name} ({'building' if fresh else 'reusing'})", file=sys.stderr)
    loader = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_load",
        "--persons",
        str(persons),
        "--seed",
        str(args.seed),
        "--out",
        str(data_file),
    ]
    loaded = subprocess.run(  # noqa: S603
        loader
        + ([] if fresh else ["--reuse"])
        + (["--as-built"] if args.as_built and not fresh else [])
        + (["--quiet"] if args.quiet else []),
        env=env,
        cwd=ROOT,
        check=False,
    )
    if loaded.returncode:
        raise SystemExit(f"the bench database was not loaded (exit {loaded.returncode}; its reason above)")
    data = json.loads(data_file.read_text())
    if args.build_only:
        timings = {**data.get("timings", {}), "search_ms": data.get("search_ms", {})}
        return {"persons": persons, "stats": {}, "timings": timings, "plans": data.get("plans", {})}

    if args.not_before:  # a shared machine: the load starts in the quiet window agreed with the others
        hour, minute = (int(x) for x in args.not_before.split(":"))
        now = datetime.now().astimezone()
        start = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if start > now:
            print(f"   waiting until {args.not_before} to start the load", file=sys.stderr)
            time.sleep((start - now).total_seconds())

    server = start_server(env, quiet=args.quiet)
    worker = start_worker(env)
    try:
        wait_for_health(port)
        with tempfile.TemporaryDirectory() as tmp:
            samples = Path(tmp) / "samples.json"
            samples.write_text(json.dumps({k: data[k] for k in ("sessions", "cyrillic", "latin", "arabic", "persons")}))
            locust_env = {**os.environ, "BENCH_SAMPLES": str(samples)}
            prefix = Path(tmp) / "stats"
            command = [
                str(BIN / "locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.duration}s",
                "--stop-timeout",
                "10",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ]
            if args.warmup:
                # A server that has just started imports, compiles templates and
                # opens connections on each worker's first requests: a warm-up run
                # of the same users, not counted, so that the figures are those of
                # a server in service.
                warm = [
                    *command[: command.index("--run-time") + 1],
                    f"{args.warmup}s",
                    *command[command.index("--stop-timeout") :],
                ]
                warm[warm.index("--csv") + 1] = str(Path(tmp) / "warmup")
                subprocess.run(  # noqa: S603
                    warm, env=locust_env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            subprocess.run(  # noqa: S603
                command,
                env=locust_env,
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL if args.quiet else None,
                stderr=subprocess.DEVNULL if args.quiet else None,
            )
            stats = read_stats(Path(f"{prefix}_stats.csv"))
    finally:
        stop(server)
        stop(worker)
    timings = {**data.get("timings", {}), "search_ms": data.get("search_ms", {})}
    recomputed = bench_call(env, "figures_computed_at") != data.get("figures_computed_at", "")
    return {
        "persons": persons,
        "stats": stats,
        "timings": timings,
        "plans": data.get("plans", {}),
        "figures_recomputed_during_run": recomputed,
        "tasks_waiting_at_start": data.get("tasks_waiting", 0),
        "server_settings": bench_call(env, "server_settings"),
    }


def report(run: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    lines = [
        f"Persons: {run['persons']:,}   timings: {run['timings']}",
        "The dashboard: "
        + (
            "its figures computed on every view (a registry this small)"
            if run["persons"] <= 5000
            else "its stored figures RECOMPUTED by the worker during the run"
            if run.get("figures_recomputed_during_run")
            else "its stored figures fresh all along (not recomputed during the run)"
        )
        + (
            f"; {run['tasks_waiting_at_start']} TASKS were waiting on the queue at the start (run during the load)"
            if run.get("tasks_waiting_at_start")
            else "; no task waiting on the queue at the start"
        ),
        "PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in run.get("server_settings", {}).items()),
        f"{'page kind':<18}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        + (f"{'p95 ×':>8}" if baseline else ""),
    ]
    for kind in (*KINDS, "Aggregated"):
        s = run["stats"].get(kind)
        if not s:
            continue
        line = f"{kind:<18}{s['requests']:>9.0f}{s['errors']:>8.0f}{s['p50']:>9.0f}{s['p95']:>9.0f}{s['p99']:>9.0f}"
        if baseline:
            b = baseline["stats"].get(kind)
            line += f"{(s['p95'] / b['p95']) if b and b['p95'] else float('nan'):>8.2f}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_call":  # bench_call's process
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        function, *args = argv[1:]
        print(json.dumps(globals()[function](*(int(a) if a.isdigit() else a for a in args))))
        return 0
    if argv and argv[0] == "_load":
        p = argparse.ArgumentParser()
        p.add_argument("cmd")
        p.add_argument("--persons", type=int, required=True)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--out", required=True)
        p.add_argument("--reuse", action="store_true")
        p.add_argument("--quiet", action="store_true")
        p.add_argument("--as-built", action="store_true")
        a = p.parse_args(argv)
        sys.path.insert(0, str(ROOT))
        _loader_main(a.persons, a.seed, a.quiet, a.out, fresh=not a.reuse, as_built=a.as_built)
        return 0

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=15,
        help="seconds of the same load before the measured run, not counted (default 15)",
    )
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per gunicorn worker (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--compare", type=int, default=0, help="also run at this many persons; print the growth")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL of a role that may create databases")
    parser.add_argument("--db-name", default="zhusan_bench")
    parser.add_argument("--reuse", action="store_true", help="keep a database built earlier with the same name")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--build-only", action="store_true", help="build (or reuse) the databases and their plans; no server, no load"
    )
    parser.add_argument(
        "--as-built",
        action="store_true",
        help="with --reuse: no migrations (a data migration over millions of names takes long) "
        "and the dashboard figures stored at the build (shown with their age)",
    )
    parser.add_argument("--not-before", default="", help="HH:MM (local time): start the server and the load no earlier")
    parser.add_argument("--json", default="", help="write the figures (and plans) to this file")
    parser.add_argument("--plans", action="store_true", help="print the EXPLAIN of the list and search queries")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("locust") is None:  # not imported here: locust patches the process with gevent
        print(f"locust is not installed: .venv/bin/pip install {LOCUST_PIN}  (or pip install -e '.[bench]')")
        return 2
    admin_url(args)

    baseline = run_once(args, args.compare) if args.compare else None
    run = run_once(args, args.persons)
    if baseline:
        print(report(baseline, None))
        print()
    print(report(run, baseline))
    if args.plans:
        for label, plan in run["plans"].items():
            print(f"\n-- EXPLAIN {label}\n{plan}")
    if args.json:
        Path(args.json).write_text(json.dumps({"run": run, "baseline": baseline}, ensure_ascii=False, indent=1))
    errors = sum(s["errors"] for k, s in run["stats"].items() if k != "Aggregated")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
