"""Capacity plans as tasks of the queue (``zhusan worker`` runs them;
``planning.services`` queues them and the run's page shows their progress)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from . import services


@task(takes_context=True)
def run_plan(context: TaskContext, *, job: str) -> None:
    """Simulate (again, from the start) the plan run ``job``."""
    services.run_plan(job, str(context.task_result.id))
