"""Daily jobs: work that must happen once a day without anybody asking
(retention due lists, sealing at majority, scheduled publishing).

An app declares a job with ``@daily("app.what")`` on a function that takes no
argument and may safely run twice. The task worker (``zhusan worker``) asks
``enqueue_due()`` every minute: each job not yet started today is claimed in
one ``UPDATE`` (so two workers never both start it) and put on the queue as
the task ``run_daily``. ``zhusan daily`` runs the due jobs now (for cron or a
server without the worker), ``zhusan daily --run NAME`` one job now.
A job's error is logged and recorded on its row; tomorrow it runs again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import date

from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks import task

from .workers import retried_after_worker_stops

logger = logging.getLogger(__name__)

DailyJob = Callable[[], None]
_JOBS: dict[str, DailyJob] = {}


def daily(name: str) -> Callable[[DailyJob], DailyJob]:
    """Declare ``fn`` the daily job ``name`` (unique, "<app>.<what>")."""

    def decorate(fn: DailyJob) -> DailyJob:
        known = _JOBS.get(name)
        if known is not None and known.__qualname__ != fn.__qualname__:
            raise ValueError(f"two daily jobs are named {name!r}")
        _JOBS[name] = fn
        return fn

    return decorate


def jobs() -> dict[str, DailyJob]:
    """Every declared daily job by name."""
    return dict(sorted(_JOBS.items()))


def claim(name: str, today: date | None = None) -> bool:
    """Mark ``name`` as started today; False when it already was (by anyone)."""
    from .models import DailyRun

    today = today or timezone.localdate()
    with transaction.atomic():
        DailyRun.objects.get_or_create(name=name)
        claimed = (
            DailyRun.objects.filter(name=name).exclude(last_day=today).update(last_day=today, started_at=timezone.now())
        )
    return claimed == 1


def run_now(name: str) -> None:
    """Run the job ``name`` in this process and record how it ended."""
    from .models import DailyRun

    try:
        fn = _JOBS[name]
    except KeyError:
        raise LookupError(f"no daily job is named {name!r}; known: {', '.join(jobs()) or 'none'}") from None
    DailyRun.objects.get_or_create(name=name)
    try:
        fn()
    except Exception as error:
        logger.exception("daily job %s failed", name)
        DailyRun.objects.filter(name=name).update(
            finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:500]
        )
        raise
    DailyRun.objects.filter(name=name).update(finished_at=timezone.now(), error="")


@task()
def run_daily(*, name: str) -> None:
    """The task the worker queues for a daily job that is due."""
    run_now(name)


retried_after_worker_stops(run_daily)  # a daily job may safely run twice


def enqueue_due(today: date | None = None) -> list[str]:
    """Queue every job not yet started today; the names queued."""
    queued = []
    for name in jobs():
        if claim(name, today):
            run_daily.enqueue(name=name)
            queued.append(name)
    return queued


def run_due(today: date | None = None) -> list[str]:
    """Run every job not yet started today, here and now (``zhusan daily``)."""
    ran = []
    for name in jobs():
        if claim(name, today):
            # A failure is logged and recorded on its row by run_now; the others still run.
            with contextlib.suppress(Exception):
                run_now(name)
            ran.append(name)
    return ran


class Ticker(threading.Thread):
    """A daemon thread of the worker that calls ``enqueue_due`` every ``every`` seconds."""

    def __init__(self, every: float = 60.0) -> None:
        super().__init__(name="zhusan-daily", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                queued = enqueue_due()
                if queued:
                    logger.info("daily jobs queued: %s", ", ".join(queued))
            except Exception:
                logger.exception("could not queue the daily jobs")
            finally:
                close_old_connections()
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
