"""Manifest imports as tasks of the queue (``zhusan worker`` runs them):
staging a file's rows and merging them (zhusan.operations.imports)."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskContext, task

from . import imports


@task(takes_context=True)
def stage_import(context: TaskContext, *, staged: str, actor: dict[str, Any]) -> None:
    imports.stage_rows(staged, str(context.task_result.id), imports.actor_from(actor))


@task(takes_context=True)
def merge_import(context: TaskContext, *, staged: str, actor: dict[str, Any]) -> None:
    imports.merge_rows(staged, str(context.task_result.id), imports.actor_from(actor))
