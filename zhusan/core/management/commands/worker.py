"""``zhusan worker``: the task worker (linkage jobs, manifest imports, the
handlers after a registration), with the project's defaults.

A thin wrapper over ``db_worker`` (django_tasks_db): every queue, a short
poll interval, no autoreload (a reload would kill a running task), a worker
id naming the host and the process. Any ``db_worker`` option may still be
given. The worker keeps a row of its own, refreshed every few seconds, and
looks for tasks whose worker stopped in the middle (kill -9, a lost
machine): they run again when safe to, or are marked failed and shown so on
their job's page, which offers to run them again (zhusan.core.workers,
zhusan.core.jobs). Every minute it also queues the daily jobs not yet
started today (zhusan.core.schedule); ``--no-daily`` leaves them to
``zhusan daily`` (cron) or another worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from zhusan.core.schedule import Ticker
from zhusan.core.workers import Presence, new_worker_id


class Command(BaseCommand):
    help = "Run the task worker (linkage jobs, manifest imports, after-registration handlers)."

    def add_arguments(self, parser: CommandParser) -> None:
        DbWorker().add_arguments(parser)
        parser.add_argument("--no-daily", action="store_true", help="Do not queue the daily jobs.")
        parser.set_defaults(queue_name="*", interval=0.5, reload=False, worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        options["worker_id"] = options.get("worker_id") or new_worker_id()
        presence = Presence(options["worker_id"])
        recovered = presence.begin()
        if recovered.requeued or recovered.failed:
            self.stderr.write(
                f"Tasks of stopped workers: {len(recovered.requeued)} queued again, {len(recovered.failed)} marked failed."
            )
        ticker = None if options.pop("no_daily") else Ticker()
        if ticker is not None:
            ticker.start()
        try:
            DbWorker().handle(**options)
        finally:
            if ticker is not None:
                ticker.stop()
            presence.end()
