"""kill -9 drills, on the database the suite runs on (SQLite or PostgreSQL):
a worker staging an import and merging it, a worker preparing a linkage job
and a case export, a process merging two persons. Each process is killed in
the middle of its work (inside its transaction where there is one); then
nothing is half written, the audit chain holds, the job reads failed with
the reason (never running for ever) and completes when run again.

The processes run ``tests.trust.kill_drill`` on a database of their own,
copied for each drill from one migrated once per module (a SQLite file, or a
PostgreSQL database created from a template). Every wait and subprocess has
a timeout: a drill fails, it never hangs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith("postgres")
RUN_TIMEOUT = 120  # seconds for one driver command (a migration on a loaded machine included)
MARK_TIMEOUT = 60  # seconds for a process to reach the middle of its work


def _admin() -> Any:
    import psycopg

    url = urlsplit(BASE_URL)
    return psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    )


def _pg_url(name: str) -> str:
    url = urlsplit(BASE_URL)
    return url._replace(path=f"/{name}").geturl()


def _env(database_url: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "zhusan.settings_test",
        "DATABASE_URL": database_url,
        "ZHUSAN_TASKS": "database",
    }


def _run(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own driver, fixed arguments
        [sys.executable, "-m", "tests.trust.kill_drill", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy for each drill: a file path or a database name."""
    if ON_POSTGRES:
        name = f"zhusan_drill_tpl_{uuid.uuid4().hex[:10]}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _run(_env(_pg_url(name)), "migrate")
            yield name
        finally:
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("drill") / "template.sqlite3"
        _run(_env(f"sqlite:///{path}"), "migrate")
        yield str(path)


class Drill:
    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = env
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def run(self, *args: str) -> dict[str, Any]:
        return _run(self.env, *args)

    def killed_in_the_middle(self, *args: str) -> None:
        """Start the driver with ``args`` + a mark file, wait until it is in
        the middle of its work, and kill -9 it."""
        mark = self.tmp / f"mark-{len(self.procs)}"
        proc = subprocess.Popen(  # noqa: S603 - our own driver, fixed arguments
            [sys.executable, "-m", "tests.trust.kill_drill", *args, str(mark)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        end = time.monotonic() + MARK_TIMEOUT
        while not mark.exists():
            if proc.poll() is not None:
                raise AssertionError(f"exited before the kill: {proc.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
            if time.monotonic() > end:
                raise AssertionError(f"never reached the middle of its work in {MARK_TIMEOUT} s")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            if proc.stderr:
                proc.stderr.close()


@pytest.fixture
def drill(template: str, tmp_path: Path) -> Iterator[Drill]:
    if ON_POSTGRES:
        name = f"zhusan_drill_{uuid.uuid4().hex[:10]}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env = _env(_pg_url(name))
    else:
        path = tmp_path / "drill.sqlite3"
        shutil.copyfile(template, path)
        env = _env(f"sqlite:///{path}")
    it = Drill(env, tmp_path)
    try:
        yield it
    finally:
        it.close()
        if ON_POSTGRES:
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow(60)
def test_an_import_killed_while_staged_and_while_merged_writes_nothing_and_completes_when_run_again(drill):
    rows = 40
    drill.run("setup", "import", str(rows))

    drill.killed_in_the_middle("worker", "30")  # matching the rows with the registry
    after = drill.run("state", "import")
    assert after["status"] == "failed" and "worker process" in after["message"]
    assert after["rows"] == 0 and after["chain_ok"]

    staged = drill.run("rerun", "import")
    assert (staged["status"], staged["rows"]) == ("staged", rows)

    drill.run("import-merge")
    drill.killed_in_the_middle("worker", "50")  # half the persons written, inside the merge's transaction
    after = drill.run("state", "import")
    assert (after["persons"], after["entries"]) == (0, 0)
    assert after["status"] == "failed" and "Nothing was written" in after["message"] and after["chain_ok"]

    merged = drill.run("rerun", "import")
    assert merged["status"] == "merged" and (merged["persons"], merged["entries"]) == (rows, rows)
    assert merged["chain_ok"]


def test_a_merge_of_two_persons_killed_inside_its_transaction_leaves_both_as_they_were(drill):
    drill.run("setup", "merge", "0")
    before = drill.run("state", "merge")
    assert before["merged_into"] == [False, False] and before["names"] == [1, 2]

    drill.killed_in_the_middle("merge")  # every row moved, the merged record marked: not committed
    after = drill.run("state", "merge")
    assert after["merged_into"] == [False, False] and after["names"] == [1, 2]
    assert (after["candidate"], after["merge_records"], after["chain_ok"]) == ("open", 0, True)

    merged = drill.run("rerun", "merge")
    assert merged["merged_into"] == [False, True] and merged["names"] == [3, 0]
    assert (merged["candidate"], merged["merge_records"], merged["chain_ok"]) == ("same", 1, True)


@pytest.mark.slow(40)
def test_a_linkage_job_whose_worker_is_killed_reads_failed_and_completes_when_run_again(drill):
    drill.run("setup", "linkage", "30")
    drill.killed_in_the_middle("worker", "30")
    after = drill.run("state", "linkage")
    assert after["status"] == "failed" and "worker process" in after["message"]
    assert (after["pairs"], after["result"], after["chain_ok"]) == (0, 0, True)

    done = drill.run("rerun", "linkage")
    assert done["status"] == "done" and done["pairs"] > 0 and done["result"] > 0 and done["chain_ok"]


def test_a_case_export_whose_worker_is_killed_reads_failed_and_is_prepared_when_run_again(drill):
    drill.run("setup", "export", "40")
    drill.killed_in_the_middle("worker", "30")  # a third of the rows written
    after = drill.run("state", "export")
    assert after["status"] == "failed" and "worker process" in after["message"]
    assert (after["content"], after["exported"], after["chain_ok"]) == (0, 0, True)

    done = drill.run("rerun", "export")
    assert (done["status"], done["count"], done["exported"], done["chain_ok"]) == ("done", 40, 0, True)
    assert done["content"] > 0


def test_a_worker_killed_while_proposing_duplicates_leaves_the_task_to_the_next_worker(drill):
    drill.run("setup", "proposals", "0")  # a person, then the same person registered again
    before = drill.run("state", "proposals")
    assert before["persons"] == 2 and before["candidates"] == 0
    assert "matching.propose_duplicates READY 0" in before["tasks"]

    drill.killed_in_the_middle("proposing-worker")
    after = drill.run("state", "proposals")
    assert after["candidates"] == 0 and "matching.propose_duplicates RUNNING 1" in after["tasks"]

    done = drill.run("rerun", "proposals")  # a new worker, nobody asking
    assert done["candidates"] == 1 and done["chain_ok"], done
    assert "matching.propose_duplicates SUCCESSFUL 2" in done["tasks"]  # the same task, run by a second worker
    assert not any(" RUNNING " in t or " READY " in t for t in done["tasks"])
