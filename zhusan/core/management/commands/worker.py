"""``zhusan worker``: the task worker (linkage jobs, manifest imports, the
handlers after a registration), with the project's defaults.

A thin wrapper over ``db_worker`` (django_tasks_db): every queue, a short
poll interval, no autoreload (a reload would kill a running task). Any
``db_worker`` option may still be given; a task whose worker was killed is
shown failed on its page and can run again (zhusan.core.jobs). Every minute
it also queues the daily jobs not yet started today (zhusan.core.schedule);
``--no-daily`` leaves them to ``zhusan daily`` (cron) or another worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from zhusan.core.schedule import Ticker


class Command(BaseCommand):
    help = "Run the task worker (linkage jobs, manifest imports, after-registration handlers)."

    def add_arguments(self, parser: CommandParser) -> None:
        DbWorker().add_arguments(parser)
        parser.add_argument("--no-daily", action="store_true", help="Do not queue the daily jobs.")
        parser.set_defaults(queue_name="*", interval=0.5, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        ticker = None if options.pop("no_daily") else Ticker()
        if ticker is not None:
            ticker.start()
        try:
            DbWorker().handle(**options)
        finally:
            if ticker is not None:
                ticker.stop()
