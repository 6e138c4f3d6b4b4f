"""``/health/`` for a load balancer and ``/metrics`` for Prometheus.

``/health/`` answers without authentication and without personal data: the
database answers a query, the task queue is being worked (no task has waited
longer than ``ZHUSAN_HEALTH_QUEUE_STALE_SECONDS``), the disk holding the data
has room (``ZHUSAN_HEALTH_MIN_FREE_MB``), and the field-encryption keys are
present and decrypt what they encrypt. 200 when every check passes, 503 when
one fails, with one line per check.

``/metrics`` is the Prometheus exposition of django-prometheus (requests,
latency, database) plus the depth of the task queue. It answers only to
``Authorization: Bearer <ZHUSAN_METRICS_TOKEN>``; without a configured token
it does not exist (404).
"""

from __future__ import annotations

import hmac
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from .crypto import decrypt, encrypt


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"no answer: {type(exc).__name__}")
    return Check("database", True, connection.vendor)


def queue_depth() -> tuple[int, float | None]:
    """Tasks waiting to run now, and how long the oldest has waited (seconds)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=timezone.now())
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waited = (timezone.now() - oldest).total_seconds() if oldest else None
    return ready.count(), waited


def check_queue() -> Check:
    if getattr(settings, "TASKS_MODE", "database") != "database":
        return Check("task_queue", True, "tasks run immediately")
    try:
        depth, waited = queue_depth()
    except DatabaseError as exc:
        return Check("task_queue", False, f"queue unreadable: {type(exc).__name__}")
    stale = timedelta(seconds=int(getattr(settings, "ZHUSAN_HEALTH_QUEUE_STALE_SECONDS", 900)))
    if waited is not None and waited > stale.total_seconds():
        return Check("task_queue", False, f"{depth} waiting, the oldest for {int(waited)} s: is a worker running?")
    return Check("task_queue", True, f"{depth} waiting")


def _data_path() -> Path:
    name = str(settings.DATABASES["default"].get("NAME") or "")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name and name != ":memory:":
        return Path(name).resolve().parent
    return Path(getattr(settings, "BASE_DIR", "."))


def check_disk() -> Check:
    path = _data_path()
    while not path.exists() and path != path.parent:
        path = path.parent
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    minimum = int(getattr(settings, "ZHUSAN_HEALTH_MIN_FREE_MB", 512))
    return Check("disk", free_mb >= minimum, f"{free_mb} MB free (minimum {minimum})")


def check_keys() -> Check:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    if not keys:
        return Check("encryption_keys", False, "no FIELD_ENCRYPTION_KEYS")
    try:
        ok = decrypt(encrypt("zhusan health")) == "zhusan health"
    except (ValueError, TypeError):
        ok = False
    return Check("encryption_keys", ok, f"{len(keys)} key(s)" if ok else "the keys do not decrypt what they encrypt")


CHECKS: tuple[Callable[[], Check], ...] = (check_database, check_queue, check_disk, check_keys)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    checks = [run() for run in CHECKS]
    healthy = all(c.ok for c in checks)
    body: dict[str, Any] = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        "seconds": round(time.monotonic() - started, 3),
    }
    return JsonResponse(body, status=200 if healthy else 503)


class QueueCollector(Collector):
    """The task queue's depth and the wait of its oldest task, read at scrape time."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The metrics' names, for registration: without touching the database."""
        yield GaugeMetricFamily("zhusan_task_queue_depth", "Tasks waiting to run now")
        yield GaugeMetricFamily("zhusan_task_queue_oldest_wait_seconds", "How long the oldest waiting task has waited")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if getattr(settings, "TASKS_MODE", "database") != "database":
            return
        try:
            depth, waited = queue_depth()
        except DatabaseError:
            return
        yield GaugeMetricFamily("zhusan_task_queue_depth", "Tasks waiting to run now", value=depth)
        yield GaugeMetricFamily(
            "zhusan_task_queue_oldest_wait_seconds", "How long the oldest waiting task has waited", value=waited or 0
        )


_collector = QueueCollector()


def register_collectors() -> None:
    try:
        REGISTRY.register(_collector)
    except ValueError:  # already registered (a second ready() in tests)
        pass


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = str(getattr(settings, "ZHUSAN_METRICS_TOKEN", "") or "")
    if not token:
        raise Http404("metrics are not enabled")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse("metrics need the bearer token", status=401, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: the sum over every worker's files.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
        registry.register(_collector)
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
