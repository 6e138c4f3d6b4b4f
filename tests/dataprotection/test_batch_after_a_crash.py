"""A retention batch whose worker died is resumed, never "running" for ever."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhusan.core.jobs import worker_identity
from zhusan.dataprotection import services as retention
from zhusan.dataprotection.models import BatchStatus, ItemStatus, RetentionBatch, RetentionItem
from zhusan.dataprotection.tasks import list_retention_due
from zhusan.registry.models import Person

from ..factories import make_person
from .retention_helpers import act, world

DEAD_PID = 2**22 + 12345  # above Linux's default pid_max: no such process


@pytest.fixture
def w(db):
    return world()


def _running_with_a_dead_worker(w, person: Person) -> RetentionBatch:
    """An erasure approved, whose worker was killed before it deleted anything."""
    item = retention.request_erasure(actor=act(w["officer"]), person=person, reason="Asked", source_ref="DSR-9")
    batch = item.batch
    host = worker_identity().rsplit(":", 1)[0]
    RetentionBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING,
        approved_by=w["officer"],
        approved_at=timezone.now(),
        task_id="the-killed-task",
        worker=f"{host}:{DEAD_PID}",
        heartbeat_at=timezone.now(),
        progress=0,
    )
    return RetentionBatch.objects.get(pk=batch.pk)


def test_a_batch_whose_worker_died_is_resumed_and_finishes(w):
    person = make_person(w["consul"], given="Malika")
    batch = _running_with_a_dead_worker(w, person)
    why = retention.resume_if_dead(batch)
    assert why == "The worker process running it stopped."
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert RetentionItem.objects.get(batch=batch).status == ItemStatus.DELETED
    assert not Person.objects.filter(pk=person.pk).exists()


def test_a_batch_still_alive_is_left_alone(w):
    person = make_person(w["consul"], given="Malika")
    batch = _running_with_a_dead_worker(w, person)
    RetentionBatch.objects.filter(pk=batch.pk).update(worker=worker_identity())
    assert retention.resume_if_dead(batch) is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_daily_job_resumes_dead_batches(w):
    person = make_person(w["consul"], given="Malika")
    batch = _running_with_a_dead_worker(w, person)
    list_retention_due()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert not Person.objects.filter(pk=person.pk).exists()
