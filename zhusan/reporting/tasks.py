"""Reporting's tasks of the queue (``zhusan worker`` runs them)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from zhusan.core.workers import retried_after_worker_stops

from .indicators import ReportFilters


def filters_from(data: dict[str, str]) -> ReportFilters:
    """The filters a task was given (``ReportFilters.as_dict``) back as filters."""
    return ReportFilters(
        start=date.fromisoformat(data["start"]) if data.get("start") else None,
        end=date.fromisoformat(data["end"]) if data.get("end") else None,
        region=data.get("region", ""),
        sex=data.get("sex", ""),
        programme=data.get("programme", ""),
        operation=data.get("operation", ""),
    )


@task()
def recompute_dashboard(*, filters: dict[str, str]) -> None:
    """Compute the dashboard's figures for ``filters`` and store them (cache.py).

    Safe to run twice or after a crash: it writes one row in one statement,
    the figures of the records as they are when it runs."""
    from .cache import refresh

    refresh(filters_from(filters))


retried_after_worker_stops(recompute_dashboard)


def queue_recompute(filters: dict[str, str]) -> None:
    """Put ``recompute_dashboard`` for ``filters`` on the queue."""
    recompute_dashboard.enqueue(filters=filters)
