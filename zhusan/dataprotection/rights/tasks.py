"""Tasks of the queue and daily jobs of this part."""

from __future__ import annotations

from django_tasks import TaskContext, task

from zhusan.audit.services import Actor
from zhusan.core.schedule import daily
from zhusan.registry import services as registry

from . import copies


@task(takes_context=True)
def prepare_subject_copy(context: TaskContext, *, copy: str) -> None:
    """Prepare (or prepare again) the copy ``copy`` for a data subject."""
    copies.run_subject_copy(copy, str(context.task_result.id))


@daily("dataprotection_rights.seal_at_majority")
def seal_at_majority() -> None:
    """Seal, on their sealing birthday, the compartments the law seals of
    every person registered as a child (idempotent)."""
    registry.seal_at_majority(actor=Actor.system("sealing at majority"))


@daily("dataprotection_rights.erase_old_copies")
def erase_old_copies() -> None:
    """Erase the copies not downloaded within a day."""
    copies.erase_expired()
