"""Long jobs that survive failure: what a job's record keeps about the task
running it, and how a dead worker is noticed.

A job (a linkage, a manifest import being staged or merged) is a row of its
own app with a status, a percent and a line of text; the work runs as a task
of the queue (``django_tasks``, ``zhusan worker``). The row also keeps:

* ``task_id``: the queue's id of the task now responsible for it. A task
  claims the job only while this is its own id (or still empty), so a task
  of an earlier run, re-queued after a crash, writes nothing.
* ``worker``: ``host:pid`` of the process running it.
* ``heartbeat_at``: refreshed every few seconds by a thread of that process.

:func:`death_of` tells why a job marked running is in fact dead: its task
failed, its process is gone (same host), or its heartbeat is older than
``settings.ZHUSAN_JOB_STALE_SECONDS`` (default 120). The apps then show the
job as failed with that reason and offer to run it again; every job task
starts from the beginning and writes its result in one transaction, so a
second run never doubles the first.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)

#: How often the running process refreshes the heartbeat.
HEARTBEAT_EVERY = 5.0


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "ZHUSAN_JOB_STALE_SECONDS", 120)))


class TrackedJob(models.Model):
    """The task bookkeeping every job record carries."""

    task_id = models.CharField(gettext_lazy("task"), max_length=64, blank=True)
    worker = models.CharField(gettext_lazy("worker"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(gettext_lazy("last heartbeat"), null=True, blank=True)

    class Meta:
        abstract = True


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_gone(host: str, pid: int) -> bool:
    """True when ``pid`` on ``host`` is this machine's and no longer runs.
    Another machine's process is never "gone": only its heartbeat tells."""
    if host != socket.gethostname() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _process_gone(worker: str) -> bool:
    host, _sep, pid = worker.rpartition(":")
    return pid.isdigit() and process_gone(host, int(pid))


def _task_failure(task_id: str) -> str | None:
    if not task_id:
        return None
    try:
        from django_tasks import default_task_backend
        from django_tasks.base import TaskResultStatus

        result = default_task_backend.get_result(task_id)
    except Exception:  # noqa: BLE001 - an immediate backend keeps no results; an unknown id says nothing
        return None
    if result.status == TaskResultStatus.FAILED:
        from .workers import WORKER_STOPPED  # core.workers builds on this module

        errors = getattr(result, "errors", None) or []
        path = errors[-1].exception_class_path if errors else ""
        if path == WORKER_STOPPED:  # its worker stopped: found by another worker
            return _("The worker process running it stopped.")
        what = path.rsplit(".", 1)[-1]
        return _("The task failed (%(e)s).") % {"e": what or _("error")}
    return None


def death_of(job: TrackedJob, *, now: datetime | None = None) -> str | None:
    """Why a job marked running is dead, or None while it may still be alive."""
    failure = _task_failure(job.task_id)
    if failure:
        return failure
    if job.worker and _process_gone(job.worker):
        return _("The worker process running it stopped.")
    now = now or timezone.now()
    if job.heartbeat_at is not None and now - job.heartbeat_at > stale_after():
        return _("The worker stopped answering (last heard at %(t)s).") % {
            "t": timezone.localtime(job.heartbeat_at).strftime("%H:%M:%S")
        }
    return None


def enqueue_after_commit(model: type[models.Model], pk: int, start: Callable[[], Any]) -> None:
    """Once the current transaction commits, enqueue with ``start()`` and note
    the task's id on the record (the worker must see the record first). With
    the immediate backend (tests) there is no other process to wait for: the
    task runs at once."""

    def go() -> None:
        result = start()
        model._default_manager.filter(pk=pk, task_id="").update(task_id=str(result.id))

    if getattr(settings, "TASKS_MODE", "database") == "immediate":
        go()
    else:
        transaction.on_commit(go)


def claim(model: type[models.Model], pk: int, task_id: str, **fields: Any) -> bool:
    """Take the job for this task (its record names this task, or none yet):
    note the worker and a first heartbeat with ``fields``. False when another
    run owns it."""
    owned = models.Q(task_id=task_id) | models.Q(task_id="")
    return bool(
        model._default_manager.filter(owned, pk=pk).update(
            task_id=task_id, worker=worker_identity(), heartbeat_at=timezone.now(), **fields
        )
    )


def start_run(
    model: type[models.Model], pk: int, task_id: str, *, queued: str, running: str
) -> models.QuerySet[Any] | None:
    """Mark the job ``pk`` running for this task when it is queued, or running
    with this task or none (a re-queued run after a crash): worker, first
    heartbeat, progress 0, "Starting". Returns the query that matches the job
    only while this run still owns it (write the result through it, so a
    superseded run writes nothing), or None when another run owns the job or
    it is no longer waiting."""
    waiting = models.Q(status__in=(queued, running)) & (models.Q(task_id=task_id) | models.Q(task_id=""))
    manager = model._default_manager
    claimed = manager.filter(waiting, pk=pk).update(
        status=running,
        task_id=task_id,
        worker=worker_identity(),
        heartbeat_at=timezone.now(),
        progress=0,
        message=_("Starting"),
    )
    if not claimed:
        return None
    return manager.filter(pk=pk, task_id=task_id, status=running)


class Heartbeat:
    """While a job runs: progress and heartbeat on its record.

    ``report(percent, message)`` writes at once outside a transaction (a
    write inside one would be seen by nobody until it commits); a thread with
    its own connection refreshes the heartbeat, and the last percent, every
    ``HEARTBEAT_EVERY`` seconds when a separate worker runs the task. Every
    write names this task, so a superseded run writes nothing."""

    def __init__(self, model: type[models.Model], pk: int, task_id: str, *, threaded: bool | None = None) -> None:
        self.rows = model._default_manager.filter(pk=pk, task_id=task_id)
        self.percent = 0
        self.message = ""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._written = 0.0
        self.threaded = getattr(settings, "TASKS_MODE", "database") == "database" if threaded is None else threaded

    def __enter__(self) -> Heartbeat:
        if self.threaded:
            self._thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def report(self, percent: int, message: str) -> None:
        with self._lock:
            percent = min(max(percent, 0), 100)
            # A write per whole percent (or second), not per row: each is a commit.
            due = percent != self.percent or time.monotonic() - self._written > 1.0
            self.percent, self.message = percent, message[:300]
        if due and not connection.in_atomic_block:
            self._written = time.monotonic()
            self.rows.update(progress=self.percent, message=self.message, heartbeat_at=timezone.now())

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_EVERY):
                with self._lock:
                    fields = {"progress": self.percent, "message": self.message} if self.message else {}
                try:
                    self.rows.update(heartbeat_at=timezone.now(), **fields)
                except Exception:  # noqa: BLE001 - SQLite is locked while a merge writes; try again later
                    log.debug("heartbeat skipped", exc_info=True)
        finally:
            connection.close()
