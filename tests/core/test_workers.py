"""A task whose worker stopped in the middle runs again when it is safe to,
and is marked failed otherwise; a task of a worker still running is left
alone. (The kill -9 drill in tests/trust runs the same on a real worker.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zhusan.core import jobs, workers
from zhusan.core.models import WorkerSeen

RETRIED = "zhusan.registry.tasks.run_person_handler"
JOB_TASK = "zhusan.matching.tasks.run_linkage"


def gone_pid() -> int:
    """The pid of a process of this machine that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)  # noqa: S603
    return int(done.stdout)


def a_worker(*, pid: int, host: str | None = None, seen_ago: float = 0) -> str:
    worker_id = f"w-{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    WorkerSeen.objects.create(
        worker_id=worker_id,
        host=host or socket.gethostname(),
        pid=pid,
        started_at=now - timedelta(seconds=seen_ago + 60),
        seen_at=now - timedelta(seconds=seen_ago),
    )
    return worker_id


def running(task_path: str, *worker_ids: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path=task_path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
        worker_ids=list(worker_ids),
    )


def status(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return str(task.status)


@pytest.fixture
def stale(settings):
    settings.ZHUSAN_JOB_STALE_SECONDS = 120
    settings.ZHUSAN_TASK_ATTEMPTS = 3


def test_a_handler_whose_worker_process_is_gone_is_queued_again(db, stale):
    task = running(RETRIED, a_worker(pid=gone_pid()))
    recovered = workers.recover_stopped()
    assert recovered.requeued == [str(task.pk)] and recovered.failed == []
    assert status(task) == TaskResultStatus.READY


def test_a_handler_whose_worker_on_another_machine_fell_silent_is_queued_again(db, stale):
    task = running(RETRIED, a_worker(pid=1, host="another-machine", seen_ago=121))
    assert workers.recover_stopped().requeued == [str(task.pk)]
    assert status(task) == TaskResultStatus.READY


def test_a_worker_on_another_machine_still_seen_keeps_its_task(db, stale):
    task = running(RETRIED, a_worker(pid=1, host="another-machine", seen_ago=30))
    assert workers.recover_stopped() == workers.Recovered()
    assert status(task) == TaskResultStatus.RUNNING


def test_a_running_worker_keeps_its_task(db, stale):
    task = running(RETRIED, a_worker(pid=os.getpid()))
    workers.recover_stopped()
    assert status(task) == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_that_keeps_no_row_is_left_alone_for_a_day(db, stale):
    task = running(RETRIED, "db-worker-started-by-hand")
    workers.recover_stopped()
    assert status(task) == TaskResultStatus.RUNNING
    # A day later (a worker of the version before, killed): taken as stopped.
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(days=1, minutes=1))
    assert workers.recover_stopped().requeued == [str(task.pk)]


def test_a_handler_is_not_run_a_fourth_time_it_is_marked_failed(db, stale):
    dead = a_worker(pid=gone_pid())
    task = running(RETRIED, "first", "second", dead)
    recovered = workers.recover_stopped()
    assert recovered.failed == [str(task.pk)] and recovered.requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.finished_at is not None
    assert task.exception_class_path == workers.WORKER_STOPPED
    assert dead in task.traceback and "attempt 3 of 3" in task.traceback


def test_a_job_whose_worker_stopped_is_marked_failed_and_its_page_says_why(db, stale, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # results kept, as in production
    task = running(JOB_TASK, a_worker(pid=gone_pid()))
    assert workers.recover_stopped().failed == [str(task.pk)]
    assert status(task) == TaskResultStatus.FAILED

    class Job:
        task_id = str(task.pk)
        worker = ""
        heartbeat_at = None

    assert jobs.death_of(Job()) == "The worker process running it stopped."  # type: ignore[arg-type]


def test_a_second_recovery_changes_nothing(db, stale):
    running(RETRIED, a_worker(pid=gone_pid()))
    running(JOB_TASK, a_worker(pid=gone_pid()))
    first = workers.recover_stopped()
    assert len(first.requeued) == 1 and len(first.failed) == 1
    assert workers.recover_stopped() == workers.Recovered()


def test_only_the_tasks_declared_safe_are_run_again():
    assert workers.is_retried("zhusan.registry.tasks.run_person_handler")
    assert workers.is_retried("zhusan.reporting.tasks.recompute_dashboard")
    assert workers.is_retried("zhusan.core.schedule.run_daily")
    for job in (JOB_TASK, "zhusan.reporting.export_tasks.prepare_case_export", "zhusan.operations.tasks.merge_import"):
        assert not workers.is_retried(job)
    assert not workers.is_retried("zhusan.no_such_module.task")


def test_the_rows_of_workers_not_seen_for_a_day_are_forgotten(db, stale):
    old = a_worker(pid=gone_pid(), seen_ago=2 * 86400)
    recent = a_worker(pid=gone_pid(), seen_ago=600)
    workers.recover_stopped()
    assert list(WorkerSeen.objects.values_list("worker_id", flat=True)) == [recent]
    assert old != recent


def test_the_worker_notes_itself_and_recovers_before_its_first_task(db, stale):
    task = running(RETRIED, a_worker(pid=gone_pid()))
    presence = workers.Presence(workers.new_worker_id(), seen_every=0.05, recover_every=0.05)
    try:
        recovered = presence.begin()
        assert recovered.requeued == [str(task.pk)]
        me = WorkerSeen.objects.get(worker_id=presence.worker_id)
        assert (me.host, me.pid) == (socket.gethostname(), os.getpid())
        assert len(presence.worker_id) <= 64 and presence.worker_id.startswith(
            f"{socket.gethostname()[:48]}:{os.getpid()}:"
        )
    finally:
        presence.end()
    assert not presence.is_alive()
