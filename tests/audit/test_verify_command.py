from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor, record

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")


@contextmanager
def _trigger_disabled():
    """Tampering needs the append-only trigger off on PostgreSQL (elsewhere there is none)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def _tamper(seq: int, **values: object) -> None:
    with _trigger_disabled():
        AuditEvent.objects.filter(seq=seq).update(**values)


def test_verify_passes_on_a_clean_chain(alice, capsys):
    make_person(alice)
    total = AuditEvent.objects.count()
    assert total >= 1
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip().splitlines() == [
        f"Audit chain intact: {total} events",
        "Deletion certificates intact: every signature and deletion event matches",
    ]


def test_verify_passes_on_an_empty_trail(db, capsys):
    call_command("audit", "verify")
    assert "Audit chain intact: 0 events" in capsys.readouterr().out


def test_verify_names_the_event_whose_contents_were_changed(db, capsys):
    for n in range(5):
        record(Actor.system("tests"), Action.VIEW, object_type="person", object_ref=n)
    _tamper(3, actor_username="someone else")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    first = capsys.readouterr().out.strip().splitlines()[0]
    assert first == "Audit chain BROKEN at event #3: contents do not match the stored hash"


def test_verify_names_the_event_after_a_deleted_one(db, capsys):
    for n in range(5):
        record(Actor.system("tests"), Action.VIEW, object_type="person", object_ref=n)
    with _trigger_disabled():
        AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "BROKEN at event #3" in capsys.readouterr().out


def test_recomputing_a_tampered_events_hash_still_breaks_the_next_link(db, capsys):
    for n in range(4):
        record(Actor.system("tests"), Action.VIEW, object_type="person", object_ref=n)
    event = AuditEvent.objects.get(seq=2)
    event.object_ref = "forged"
    _tamper(2, object_ref="forged", hash=event.compute_hash())
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "BROKEN at event #3: link to the previous event is broken" in capsys.readouterr().out


@on_postgresql
def test_postgresql_refuses_to_update_an_audit_event(db):
    record(Actor.system("tests"), Action.VIEW, object_type="person")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(actor_username="someone else")
    assert AuditEvent.objects.get(seq=1).actor_username == ""


@on_postgresql
def test_postgresql_refuses_to_delete_an_audit_event(db):
    record(Actor.system("tests"), Action.VIEW, object_type="person")
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1
