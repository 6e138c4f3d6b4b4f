"""Personas: alice, a case manager in the Aktau centre; bob, a psychologist in
the same unit; charlie, a case manager in another organisation; and more per
role as tests need them (tests/factories.py)."""

from __future__ import annotations

import functools
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from zhusan.accounts.permissions import Role

from .factories import OrganisationFactory, UnitFactory, make_staff

# Property tests check what holds, not how fast: on a CI machine of two cores
# running two workers, one example may take longer than Hypothesis's 200 ms.
hypothesis_settings.register_profile("zhusan", deadline=None)
hypothesis_settings.load_profile("zhusan")

CHROMIUM = "/usr/bin/chromium"

# --- Longest first ------------------------------------------------------------------
#
# `make test` runs two xdist workers, which are dealt the first quarter of the
# collection in turn and then ask for more as they finish. A test of ten
# minutes collected in the middle starts late and holds the whole run while the
# other worker waits; collected first, it starts at once and the short tests
# fill in around it. ``@pytest.mark.slow(seconds)`` gives a test's usual length
# alone on a CI machine (a Spark test counts as 30 s); the slow tests go
# first, longest first. Only tests in a rolled-back transaction move: tests that
# commit (transactional) stay after them, as pytest-django orders them, so that
# they never empty a table before a test that reads the rows its migrations wrote.


def _seconds(item: pytest.Item) -> float:
    slow = item.get_closest_marker("slow")
    if slow is not None:
        return float(slow.args[0]) if slow.args else 60.0
    return 30.0 if item.get_closest_marker("spark") is not None else 0.0


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


# --- What migrations wrote, after a test that commits ---------------------------
#
# A test that commits ends with Django's flush, which empties every table, the
# rows a data migration wrote included. pytest-django runs such tests after the
# others, but an idle worker (--dist worksteal) may take from another worker a
# test that reads those rows after it ran one of its own: so they are written
# again after every test that commits. The data migrations that write rows:
DATA_MIGRATIONS = {
    "zhusan.reintegration.followup.migrations.0002_default_follow_up_template": "create_default",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield
    if not _commits(item) or nextitem is None:
        return  # the last test: its teardown has destroyed the test database
    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for module, function in DATA_MIGRATIONS.items():
            getattr(importlib.import_module(module), function)(apps, None)


# --- Once, not twice: tests that cannot touch the database ------------------------
#
# CI runs the suite on SQLite, then again on PostgreSQL (`.ci/run`). A test that
# cannot touch the database gives the same answer both times, so the PostgreSQL
# run skips it, with the reason below: a test without the database (pytest-django
# refuses it a connection: no ``django_db`` mark, no database fixture), not
# marked ``postgres``, in a module that neither starts a process (which may reach
# the database through DATABASE_URL) nor names the connection. Spark never reads
# the database either: its tests are skipped the same way.
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
SPARK_ONCE = pytest.mark.skip(reason="Spark does not touch the database: its tests run on the SQLite run")
NO_DATABASE_ONCE = pytest.mark.skip(reason="does not touch the database: it runs on the SQLite run")
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)
REACHES_THE_DATABASE = ("DATABASE_URL", "subprocess", "connection", "psycopg")


@functools.cache
def _reaches_the_database(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return any(word in source for word in REACHES_THE_DATABASE)


def _touches_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None or item.get_closest_marker("postgres") is not None:
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return _reaches_the_database(item.path)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slow = {id(item): _seconds(item) for item in items if not _commits(item)}
    items.sort(key=lambda item: -slow.get(id(item), 0.0))
    if ON_POSTGRES:
        for item in items:
            if item.get_closest_marker("spark") is not None:
                item.add_marker(SPARK_ONCE)
            elif not _touches_the_database(item):
                item.add_marker(NO_DATABASE_ONCE)


@pytest.fixture
def centre_unit(db):
    org = OrganisationFactory(name="Aktau Rehabilitation Centre")
    return UnitFactory(organisation=org, name="Residential unit")


@pytest.fixture
def other_unit(db):
    org = OrganisationFactory(name="Almaty Regional Social Services")
    return UnitFactory(organisation=org, name="Family support")


@pytest.fixture
def alice(centre_unit):
    return make_staff(Role.CASE_MANAGER, centre_unit, username="alice")


@pytest.fixture
def bob(centre_unit):
    return make_staff(Role.PSYCHOLOGIST, centre_unit, username="bob")


@pytest.fixture
def charlie(other_unit):
    return make_staff(Role.CASE_MANAGER, other_unit, username="charlie")


def chromium_or_skip() -> str:
    """The Chromium binary; skip with the reason where absent, fail under CI=true."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true requires it)")
    pytest.skip(reason)
