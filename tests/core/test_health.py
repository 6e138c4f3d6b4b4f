"""/health/ tells a load balancer whether this instance can serve, without
personal data and without signing in; /metrics answers only to its token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from zhusan.core import health

pytestmark = pytest.mark.django_db


def test_a_healthy_instance_answers_200_to_anyone_with_one_line_per_check(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "task_queue", "disk", "encryption_keys"}
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_a_stopped_database_makes_the_instance_unhealthy(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class DeadCursor:
        def __enter__(self) -> DeadCursor:
            raise OperationalError("connection refused")

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(health.connection, "cursor", lambda: DeadCursor())
    monkeypatch.setattr(health, "queue_depth", lambda: (_ for _ in ()).throw(OperationalError("refused")))
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"] == {"ok": False, "detail": "no answer: OperationalError"}


def test_a_queue_nobody_works_makes_the_instance_unhealthy(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS_MODE = "database"
    from django_tasks_db.models import DBTaskResult

    from zhusan.registry import tasks

    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=f"{tasks.__name__}.run_person_handler",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - timedelta(hours=2),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timedelta(hours=2))
    body = client.get("/health/").json()
    assert body["checks"]["task_queue"]["ok"] is False
    assert "is a worker running?" in body["checks"]["task_queue"]["detail"]


def test_missing_encryption_keys_make_the_instance_unhealthy(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FIELD_ENCRYPTION_KEYS = []
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["encryption_keys"]["ok"] is False


def test_health_carries_no_personal_data(client: Client, alice) -> None:  # type: ignore[no-untyped-def]
    from ..factories import make_person

    make_person(alice, given="Aigerim", family="Nurlanova")
    text = client.get("/health/").content.decode()
    assert "Aigerim" not in text and "Nurlanova" not in text and "alice" not in text


def test_metrics_do_not_exist_without_a_token(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHUSAN_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_answer_only_to_the_bearer_token(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHUSAN_METRICS_TOKEN = "scrape-me-please-0123456789"
    settings.TASKS_MODE = "database"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    client.get("/health/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please-0123456789")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "zhusan_task_queue_depth" in text
