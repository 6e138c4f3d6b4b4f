"""Case exports as tasks of the queue (``zhusan worker`` runs them;
``reporting.case_exports`` queues them and shows their progress)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from . import case_exports


@task(takes_context=True)
def prepare_case_export(context: TaskContext, *, job: str) -> None:
    """Prepare (or prepare again, from the start) the case export ``job``."""
    case_exports.run_case_export(job, str(context.task_result.id))
