"""Retention as tasks of the queue: the deletion of an approved batch, and the
daily job that lists what is due (``zhusan.core.schedule``)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from zhusan.audit.services import Actor
from zhusan.core.schedule import daily


@task(takes_context=True)
def run_retention_batch(context: TaskContext, *, batch: str) -> None:
    """Delete the pending items of the approved batch ``batch`` (a UUID)."""
    from .services import run_batch

    run_batch(batch, str(context.task_result.id))


@daily("dataprotection.retention_due")
def list_retention_due() -> None:
    """File today's due items into a batch waiting for the officer (idempotent)."""
    from .services import file_due, resume_dead_batches

    resume_dead_batches()
    file_due(actor=Actor.system("daily: dataprotection.retention_due"))
