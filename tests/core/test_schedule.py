"""Daily jobs run once a day, by the worker's queue or by ``zhusan daily``."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhusan.core import schedule
from zhusan.core.models import DailyRun

RAN: list[str] = []


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(schedule, "_JOBS", {})
    RAN.clear()

    @schedule.daily("test.count")
    def count() -> None:
        RAN.append("count")

    @schedule.daily("test.fails")
    def fails() -> None:
        RAN.append("fails")
        raise RuntimeError("the partner's folder is gone")

    return schedule.jobs()


def test_a_job_is_claimed_once_a_day_and_again_the_next_day(db, jobs):
    assert schedule.claim("test.count", date(2026, 11, 30)) is True
    assert schedule.claim("test.count", date(2026, 11, 30)) is False
    assert schedule.claim("test.count", date(2026, 12, 1)) is True


def test_the_worker_queues_each_due_job_once(db, jobs, settings):
    # The test settings run a queued task at once.
    assert schedule.enqueue_due(date(2026, 11, 30)) == ["test.count", "test.fails"]
    assert schedule.enqueue_due(date(2026, 11, 30)) == []
    assert RAN.count("count") == 1


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(db, jobs):
    ran = schedule.run_due(date(2026, 11, 30))
    assert ran == ["test.count", "test.fails"]
    assert RAN == ["count", "fails"]
    failed = DailyRun.objects.get(name="test.fails")
    assert "the partner's folder is gone" in failed.error
    assert DailyRun.objects.get(name="test.count").error == ""


def test_the_command_runs_one_job_now_and_names_an_unknown_one(db, jobs):
    out = StringIO()
    call_command("daily", "--run", "test.count", stdout=out)
    call_command("daily", "--run", "test.count", stdout=out)
    assert RAN == ["count", "count"]
    with pytest.raises(CommandError, match="no daily job is named 'test.nothing'"):
        call_command("daily", "--run", "test.nothing")


def test_the_command_reports_a_failed_job_with_a_non_zero_exit(db, jobs):
    out = StringIO()
    with pytest.raises(CommandError, match="test.fails"):
        call_command("daily", stdout=out)
    assert "test.count: done" in out.getvalue()
    listing = StringIO()
    call_command("daily", "--list", stdout=listing)
    assert "failed: RuntimeError" in listing.getvalue()


def test_two_jobs_cannot_share_a_name(jobs):
    with pytest.raises(ValueError, match="two daily jobs"):

        @schedule.daily("test.count")
        def other() -> None:  # pragma: no cover - never registered
            pass
