"""The breach log: the 72-hour clock (time left, overdue, notified in time or
late), a breach found before it happened refused, the records affected
chosen from the audit trail, "who saw this record", closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing import selectors, services
from zhusan.dataprotection.sharing.models import Breach, BreachRecord, ClockState
from zhusan.registry.selectors import get_person_for_user

from .conftest import act


def _breach(officer, *, found_hours_ago: float = 1, happened_hours_ago: float = 30, **extra):
    now = timezone.now()
    return services.breach_create(
        actor=act(officer),
        title="Laptop left on a train",
        what_happened="An unencrypted list of case numbers on a laptop.",
        happened_at=now - timedelta(hours=happened_hours_ago),
        discovered_at=now - timedelta(hours=found_hours_ago),
        **extra,
    )


def test_a_breach_found_before_it_happened_is_refused_and_nothing_is_written(officer):
    with pytest.raises(ValidationError) as exc:
        _breach(officer, found_hours_ago=10, happened_hours_ago=5)
    assert exc.value.message_dict["discovered_at"] == ["A breach cannot be found before it happened."]
    assert not Breach.objects.exists()
    assert not AuditEvent.objects.filter(object_type=ObjectType.BREACH).exists()


def test_the_clock_shows_the_time_left_within_72_hours_of_discovery(officer):
    breach = _breach(officer, found_hours_ago=10)
    clock = breach.clock()
    assert clock.state == ClockState.RUNNING
    assert clock.hours == 61  # 72 - 10, less the seconds the test took
    assert clock.text().startswith("61 h") and clock.text().endswith("left to notify the authority")


def test_the_clock_shows_overdue_by_after_72_hours(officer):
    breach = _breach(officer, found_hours_ago=80, happened_hours_ago=100)
    clock = breach.clock()
    assert clock.state == ClockState.OVERDUE and clock.hours == 8
    assert clock.text().startswith("Notification to the authority overdue by 8 h")
    assert selectors.breach_counts()["overdue"] == 1


def test_a_notification_within_72_hours_stops_the_clock_in_time(officer):
    breach = _breach(officer, found_hours_ago=50, happened_hours_ago=60)
    services.breach_notify_authority(
        actor=act(officer), breach=breach, decision="notified", notified_at=timezone.now() - timedelta(hours=2),
        reference="DPA-2026-17", expected_version=breach.version,
    )  # fmt: skip
    assert breach.clock().state == ClockState.ON_TIME


def test_a_notification_after_72_hours_is_marked_late(officer):
    breach = _breach(officer, found_hours_ago=100, happened_hours_ago=120)
    services.breach_notify_authority(
        actor=act(officer), breach=breach, decision="notified", notified_at=timezone.now(), expected_version=1
    )
    clock = breach.clock()
    assert clock.state == ClockState.LATE and clock.hours == 28


def test_the_authority_cannot_be_notified_before_the_breach_was_found(officer):
    breach = _breach(officer, found_hours_ago=5)
    with pytest.raises(ValidationError) as exc:
        services.breach_notify_authority(
            actor=act(officer), breach=breach, decision="notified",
            notified_at=timezone.now() - timedelta(hours=6), expected_version=1,
        )  # fmt: skip
    assert "notified_at" in exc.value.message_dict
    breach.refresh_from_db()
    assert breach.authority_decision == "undecided" and breach.version == 1


def test_records_are_chosen_from_a_users_events_in_a_period(officer, worker, woman, consul):
    start = timezone.now() - timedelta(minutes=1)
    get_person_for_user(Actor.system("tests", user=worker), woman.uuid)  # the worker reads her record
    breach = _breach(officer)
    events, more = selectors.audit_search(actor=act(officer), username="saule", start=start, end=timezone.now())
    assert not more and events
    reads = [e for e in events if e.person_ref == str(woman.uuid)]
    assert reads and all(e.actor_username == "saule" for e in events)
    added = services.breach_add_records(actor=act(officer), breach=breach, seqs=[e.seq for e in reads])
    assert {r.person for r in added} == {woman}
    # Adding the same events again adds nothing.
    assert services.breach_add_records(actor=act(officer), breach=breach, seqs=[reads[0].seq]) == []
    assert BreachRecord.objects.filter(breach=breach).count() == len(reads)
    # The search itself is in the trail.
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_username="dpo").exists()


def test_who_saw_this_record_lists_the_reads_of_a_case_number(officer, worker, woman):
    get_person_for_user(Actor.system("tests", user=worker), woman.uuid)
    person, events, more = selectors.who_saw(actor=act(officer), case_number=woman.case_number.lower())
    assert person == woman and not more
    assert "saule" in {e.actor_username for e in events}
    assert all(e.action in selectors.READ_ACTIONS for e in events)
    assert selectors.who_saw(actor=act(officer), case_number="KZ-999999")[0] is None


def test_choosing_an_event_that_does_not_exist_is_refused(officer):
    breach = _breach(officer)
    with pytest.raises(ValidationError, match="do not exist"):
        services.breach_add_records(actor=act(officer), breach=breach, seqs=[10**9])
    assert not BreachRecord.objects.exists()


def test_a_breach_is_closed_only_when_contained_notified_and_its_lessons_written(officer):
    breach = _breach(officer)
    with pytest.raises(ValidationError) as exc:
        services.breach_close(actor=act(officer), breach=breach, expected_version=1)
    assert set(exc.value.message_dict) == {"containment", "authority_decision", "persons_decision", "lessons"}
    breach = services.breach_update(
        actor=act(officer), breach=breach, expected_version=1, containment="Laptop wiped remotely.",
        lessons="Encrypt every laptop.",
    )  # fmt: skip
    breach = services.breach_notify_authority(
        actor=act(officer), breach=breach, decision="not_required", reason="The disk was encrypted after all.",
        expected_version=breach.version,
    )  # fmt: skip
    breach = services.breach_notify_persons(
        actor=act(officer), breach=breach, decision="notified", notified_on=timezone.localdate(),
        expected_version=breach.version,
    )  # fmt: skip
    breach = services.breach_close(actor=act(officer), breach=breach, expected_version=breach.version)
    assert breach.status == "closed" and breach.closed_by == officer
    assert breach.clock().state == ClockState.NOT_REQUIRED
    with pytest.raises(ValidationError, match="closed"):
        services.breach_update(actor=act(officer), breach=breach, expected_version=breach.version, lessons="More.")


def test_what_happened_never_reaches_the_audit_trail_in_clear(officer):
    breach = _breach(officer)
    event = AuditEvent.objects.get(object_type=ObjectType.BREACH, object_ref=str(breach.uuid), action=Action.CREATE)
    assert event.changes["what_happened"]["encrypted"] is True
    assert "laptop" not in str(event.changes["what_happened"]).lower()


def test_only_the_data_protection_officer_keeps_the_breach_log(worker):
    with pytest.raises(PermissionDenied):
        _breach(worker)
    assert not Breach.objects.exists()
