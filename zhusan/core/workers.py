"""Tasks whose worker stopped: found, and run again or marked failed.

The queue (``django_tasks_db``) marks a task ``RUNNING`` when a worker takes
it and ``SUCCESSFUL`` or ``FAILED`` when the task returns. A worker killed in
between (kill -9, the machine lost, the container restarted) leaves it
``RUNNING`` for ever, and nothing would run it again.

So every ``zhusan worker``:

* runs under a worker id ``host:pid:random`` and keeps a row of its own
  (``core.WorkerSeen``) whose ``seen_at`` a thread refreshes every
  ``SEEN_EVERY`` seconds (rows not seen for a day are removed);
* when it starts, and every ``RECOVER_EVERY`` seconds, looks at the tasks
  marked running (:func:`recover_stopped`). A task's worker has stopped when
  its process is gone (same host) or it has not been seen for
  ``settings.ZHUSAN_JOB_STALE_SECONDS`` (another host, or a frozen process).
  Such a task is

  - put back on the queue when its task is declared safe to run again
    (:func:`retried_after_worker_stops`: the handlers after a registration,
    the dashboard's figures, the daily jobs — each may run twice without
    doing its work twice), at most ``settings.ZHUSAN_TASK_ATTEMPTS`` (3)
    times in all;
  - otherwise marked ``FAILED`` with :data:`WORKER_STOPPED`: a job's own page
    then says the worker stopped and offers to run it again
    (``zhusan.core.jobs``), as it did before any worker looked.

A task of a worker that keeps no row (``db_worker`` run by hand, or a
worker of a version before this) is left alone for a day, since nothing
can tell whether it still runs; after a day it is taken as stopped.
Two workers recovering at once change a task once: each update names the
state it read.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from .jobs import process_gone, stale_after

if TYPE_CHECKING:
    from .models import WorkerSeen

log = logging.getLogger(__name__)

#: The exception path written on a task whose worker stopped while running it.
WORKER_STOPPED = "zhusan.core.workers.WorkerStoppedError"
#: Seconds between two refreshes of a worker's ``seen_at``.
SEEN_EVERY = 5.0
#: Seconds between two looks for tasks whose worker stopped.
RECOVER_EVERY = 30.0
#: Rows of workers not seen for this long are removed.
FORGET_AFTER = timedelta(days=1)

_RETRIED: set[str] = set()


class WorkerStoppedError(Exception):
    """The worker running a task stopped before the task returned."""


def retried_after_worker_stops(task: Any) -> Any:
    """Declare ``task`` (a ``django_tasks`` task) safe to run again from the
    start when its worker stopped in the middle: it must not do its work
    twice when it runs twice. Returns the task."""
    _RETRIED.add(task.module_path)
    return task


def is_retried(task_path: str) -> bool:
    """Whether the task at ``task_path`` is declared safe to run again (its
    module is imported first: a worker may not have run it yet)."""
    try:
        import_string(task_path)
    except ImportError:
        return False
    return task_path in _RETRIED


def attempts() -> int:
    return max(1, int(getattr(settings, "ZHUSAN_TASK_ATTEMPTS", 3)))


def new_worker_id() -> str:
    """``host:pid:random``, under the queue's 64 characters: unique even when
    a restarted container runs its worker under the same host and pid."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{get_random_string(6)}"


@dataclass
class Recovered:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def why_stopped(
    worker_id: str, seen: WorkerSeen | None, now: datetime, started_at: datetime | None = None
) -> str | None:
    """Why the worker ``worker_id`` running a task since ``started_at`` is
    known to have stopped, or None while it may still run."""
    if seen is None:
        if started_at is not None and now - started_at > FORGET_AFTER:
            return f"its worker keeps no row and it has run since {started_at.isoformat(timespec='seconds')}"
        return None
    if process_gone(seen.host, seen.pid):
        return f"the process {seen.pid} on {seen.host} is gone"
    if now - seen.seen_at > stale_after():
        return f"not seen since {seen.seen_at.isoformat(timespec='seconds')}"
    return None


def recover_stopped(*, now: datetime | None = None) -> Recovered:
    """Put back on the queue, or mark failed, every running task whose worker
    stopped (see the module's docstring)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerSeen

    now = now or timezone.now()
    out = Recovered()
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values(
            "id", "task_path", "worker_ids", "started_at"
        )
    )
    last = {str(row["id"]): (row["worker_ids"] or [""])[-1] for row in running}
    seen = {w.worker_id: w for w in WorkerSeen.objects.filter(worker_id__in=set(last.values()))}
    for row in running:
        worker_id = last[str(row["id"])]
        why = why_stopped(worker_id, seen.get(worker_id), now, row["started_at"])
        if why is None:
            continue
        same = DBTaskResult.objects.filter(pk=row["id"], status=TaskResultStatus.RUNNING, started_at=row["started_at"])
        tries = len(row["worker_ids"] or [])
        if is_retried(row["task_path"]) and tries < attempts():
            if same.update(status=TaskResultStatus.READY):
                out.requeued.append(str(row["id"]))
                log.warning(
                    "task %s (%s) queued again: its worker %s stopped (%s)", row["id"], row["task_path"], worker_id, why
                )
            continue
        text = f"The worker {worker_id} stopped while running this task ({why}); attempt {tries} of {attempts()}."
        if same.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_STOPPED,
            traceback=text,
            return_value=None,
        ):
            out.failed.append(str(row["id"]))
            log.warning("task %s (%s) failed: %s", row["id"], row["task_path"], text)
    WorkerSeen.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return out


class Presence(threading.Thread):
    """A daemon thread of the worker: its ``WorkerSeen`` row refreshed every
    ``SEEN_EVERY`` seconds, the stopped workers' tasks recovered every
    ``RECOVER_EVERY``. :meth:`begin` writes the row and recovers once before
    the worker takes its first task."""

    def __init__(self, worker_id: str, *, seen_every: float = SEEN_EVERY, recover_every: float = RECOVER_EVERY) -> None:
        super().__init__(name="zhusan-worker-presence", daemon=True)
        self.worker_id = worker_id
        self.seen_every = seen_every
        self.recover_every = recover_every
        self.stopped = threading.Event()

    def begin(self) -> Recovered:
        from .models import WorkerSeen

        now = timezone.now()
        WorkerSeen.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": socket.gethostname(), "pid": os.getpid(), "started_at": now, "seen_at": now},
        )
        recovered = recover_stopped(now=now)
        self.start()
        return recovered

    def run(self) -> None:
        from .models import WorkerSeen

        since_recovery = 0.0
        try:
            while not self.stopped.wait(self.seen_every):
                since_recovery += self.seen_every
                try:
                    WorkerSeen.objects.filter(worker_id=self.worker_id).update(seen_at=timezone.now())
                    if since_recovery >= self.recover_every:
                        since_recovery = 0.0
                        recover_stopped()
                except DatabaseError:  # SQLite locked by a long write, a lost connection: next time
                    log.debug("worker presence skipped", exc_info=True)
                finally:
                    close_old_connections()
        finally:
            connection.close()

    def end(self) -> None:
        """Stop refreshing. The row stays (its process gone, it tells that
        the worker stopped) until ``FORGET_AFTER``."""
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=self.seen_every + 5)
