"""Within one transaction the trail remembers its head (the event it last
appended) instead of locking and reading it again for each event, and
forgets it whenever that event may be gone: a rolled-back savepoint, the end
of the transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, record, verify_chain

ACTOR = Actor.system("tests")


def _view(n: int) -> AuditEvent:
    return record(ACTOR, Action.VIEW, object_type="person", object_ref=n)


def test_events_of_one_transaction_after_the_first_neither_lock_nor_read_the_head(db):
    with transaction.atomic():
        _view(0)
        with CaptureQueriesContext(connection) as queries:
            _view(1)
    sql = [q["sql"].lower() for q in queries.captured_queries]
    assert any(s.startswith("insert") for s in sql)
    assert not [s for s in sql if "pg_advisory" in s or s.startswith("select")]
    assert verify_chain().ok


def test_an_event_rolled_back_with_its_savepoint_is_not_the_head_of_the_next(db):
    with transaction.atomic():
        first = _view(0)
        with pytest.raises(RuntimeError), transaction.atomic():
            _view(1)
            raise RuntimeError("the write this event described failed")
        after = _view(2)
    assert after.seq == first.seq + 1
    assert after.prev_hash == first.hash
    assert verify_chain().ok


def test_the_head_is_read_again_in_the_next_transaction(transactional_db):
    with transaction.atomic():
        first = _view(0)
    with transaction.atomic():
        AuditEvent.objects.create(
            seq=first.seq + 1, at=first.at, action="view", prev_hash=first.hash, hash="written elsewhere"
        )
        after = _view(1)
    assert (after.seq, after.prev_hash) == (first.seq + 2, "written elsewhere")


def test_a_nested_service_savepoint_that_commits_keeps_the_head(db):
    with transaction.atomic():
        with transaction.atomic():
            inner = _view(0)
        outer = _view(1)
        with transaction.atomic():
            last = _view(2)
    assert (outer.prev_hash, last.prev_hash) == (inner.hash, outer.hash)
    assert verify_chain().ok


def test_a_transaction_of_many_events_keeps_one_commit_hook_for_them(db):
    with transaction.atomic():
        before = len(connection.run_on_commit)
        for n in range(50):
            _view(n)
        assert len(connection.run_on_commit) - before == 1
    assert verify_chain().ok


def test_after_a_released_savepoint_and_a_rolled_back_one_the_next_event_follows_the_last_kept(db):
    with transaction.atomic():
        _view(0)
        with transaction.atomic():
            _view(1)
        kept = _view(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            _view(3)
            raise RuntimeError("the write this event described failed")
        after = _view(4)
    assert (after.seq, after.prev_hash) == (kept.seq + 1, kept.hash)
    assert verify_chain().ok


def test_events_of_many_services_each_in_its_own_savepoint_keep_one_commit_hook_and_others_hooks(db):
    others: list[int] = []
    with transaction.atomic():
        before = len(connection.run_on_commit)
        for n in range(50):
            with transaction.atomic():  # a service's savepoint
                _view(n)
                transaction.on_commit(lambda n=n: others.append(n))
        assert len(connection.run_on_commit) - before == 50 + 1
        with pytest.raises(RuntimeError), transaction.atomic():
            _view(50)
            raise RuntimeError("the write this event described failed")
        last = _view(51)
    assert last.seq == AuditEvent.objects.get(seq=last.seq - 1).seq + 1
    assert last.prev_hash == AuditEvent.objects.get(seq=last.seq - 1).hash
    assert verify_chain().ok
