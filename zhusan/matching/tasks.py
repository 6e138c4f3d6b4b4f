"""Linkage jobs as tasks of the queue (``zhusan worker`` runs them)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from . import jobs


@task(takes_context=True)
def run_linkage(context: TaskContext, *, job: str) -> None:
    """Run (or run again, from the start) the linkage job ``job``."""
    jobs.run_linkage_job(job, str(context.task_result.id))
