"""Planning, holding and cancelling sessions; who may write a note; the female-professional choice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.audit.models import Action, AuditEvent
from zhusan.core.concurrency import StaleVersionError
from zhusan.rehabilitation.models import Discipline
from zhusan.rehabilitation.sessions import services
from zhusan.rehabilitation.sessions.models import (
    Attendance,
    Session,
    SessionKind,
    SessionNote,
    SessionParticipant,
    SessionStatus,
)

from ...factories import make_person
from .conftest import actor, now


def _plan(world: dict[str, Any], by: str = "psychologist", person: str = "woman", **kwargs: Any) -> Session:
    params: dict[str, Any] = {
        "kind": SessionKind.INDIVIDUAL,
        "discipline": Discipline.PSYCHOLOGIST,
        "starts_at": now(),
        "persons": [world[person]],
    }
    params.update(kwargs)
    return services.session_plan(actor=actor(world[by]), **params)


def test_a_psychologist_plans_an_individual_session_that_she_runs(world: dict[str, Any]) -> None:
    session = _plan(world)
    assert list(session.staff.all()) == [world["psychologist"]]
    assert session.status == SessionStatus.PLANNED
    assert AuditEvent.objects.filter(object_ref=str(session.uuid), action=Action.CREATE).exists()


def test_a_male_psychologist_is_refused_for_a_woman_who_chose_a_female_professional(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _plan(world, by="male_psychologist")
    assert "chose a female professional" in str(exc.value.message_dict["staff"])
    assert not Session.objects.exists()


def test_a_male_psychologist_may_see_a_man_who_made_no_such_choice(world: dict[str, Any]) -> None:
    assert _plan(world, by="male_psychologist", person="man").pk


def test_a_case_manager_plans_for_a_psychologist_but_not_for_a_theologian_as_psychologist(
    world: dict[str, Any],
) -> None:
    session = _plan(world, by="case_manager", staff=[world["psychologist"]])
    assert list(session.staff.all()) == [world["psychologist"]]
    with pytest.raises(ValidationError) as exc:
        _plan(world, by="case_manager", staff=[world["theologian"]])
    assert "does not work as" in str(exc.value.message_dict["staff"])


def test_a_group_class_for_children_holds_several_participants(world: dict[str, Any]) -> None:
    session = _plan(
        world, by="teacher", person="child", kind=SessionKind.GROUP, discipline=Discipline.TEACHER, title="Reading"
    )
    pupil = make_person(world["registrar"], given="Dana", birth_year=timezone.localdate().year - 9)
    services.session_add_participant(
        actor=actor(world["teacher"]), session=session, person=pupil, expected_version=session.version
    )
    assert SessionParticipant.objects.filter(session=session).count() == 2
    # A teacher's scope holds children only: an adult is not added to the class.
    with pytest.raises(PermissionDenied):
        services.session_add_participant(
            actor=actor(world["teacher"]), session=session, person=world["woman"], expected_version=session.version
        )


def test_marking_held_records_attendance_for_every_participant_and_the_duration(world: dict[str, Any]) -> None:
    session = _plan(world)
    services.session_hold(
        actor=actor(world["psychologist"]),
        session=session,
        expected_version=session.version,
        duration_minutes=50,
        attendance={world["woman"].uuid: Attendance.PRESENT},
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.duration_minutes == 50
    assert session.participants.get().attendance == Attendance.PRESENT


def test_holding_without_every_attendance_or_with_a_stale_version_writes_nothing(world: dict[str, Any]) -> None:
    session = _plan(world)
    with pytest.raises(ValidationError) as exc:
        services.session_hold(
            actor=actor(world["psychologist"]),
            session=session,
            expected_version=session.version,
            duration_minutes=0,
            attendance={},
        )
    assert {"duration_minutes", "attendance"} <= set(exc.value.message_dict)
    with pytest.raises(StaleVersionError):
        services.session_hold(
            actor=actor(world["psychologist"]),
            session=session,
            expected_version=session.version + 1,
            duration_minutes=50,
            attendance={world["woman"].uuid: Attendance.PRESENT},
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED and session.participants.get().attendance == ""


def test_a_session_of_a_later_day_cannot_be_marked_held(world: dict[str, Any]) -> None:
    session = _plan(world, starts_at=now() + timedelta(days=2))
    with pytest.raises(ValidationError):
        services.session_hold(
            actor=actor(world["psychologist"]),
            session=session,
            expected_version=session.version,
            duration_minutes=50,
            attendance={world["woman"].uuid: Attendance.PRESENT},
        )


def test_cancelling_needs_a_reason(world: dict[str, Any]) -> None:
    session = _plan(world)
    with pytest.raises(ValidationError):
        services.session_cancel(actor=actor(world["psychologist"]), session=session, expected_version=1, reason=" ")
    services.session_cancel(actor=actor(world["psychologist"]), session=session, expected_version=1, reason="Ill")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "Ill"


def test_someone_not_running_the_session_cannot_hold_it(world: dict[str, Any]) -> None:
    session = _plan(world)
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=actor(world["theologian"]), session=session, expected_version=1, reason="x")


def test_a_psychologists_note_is_stored_encrypted_in_the_psychosocial_compartment(world: dict[str, Any]) -> None:
    from django.db import connection

    session = _plan(world)
    note = services.session_note_add(
        actor=actor(world["psychologist"]), session=session, person=world["woman"], body="Sleeps badly"
    )
    assert note.compartment == "psychosocial"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM rehabilitation_sessions_sessionnote WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert "Sleeps" not in stored and stored.startswith("fernet:")
    event = AuditEvent.objects.get(object_ref=str(note.uuid))
    assert "Sleeps" not in str(event.changes)


def test_a_note_written_by_a_discipline_that_does_not_own_it_is_refused(world: dict[str, Any]) -> None:
    session = _plan(world)
    with pytest.raises(PermissionDenied) as exc:
        services.session_note_add(actor=actor(world["theologian"]), session=session, person=world["woman"], body="x")
    assert "only a psychologist writes them" in str(exc.value)
    assert not SessionNote.objects.exists()
    assert AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, person_ref=str(world["woman"].uuid)).exists()


def test_a_case_manager_cannot_write_a_note(world: dict[str, Any]) -> None:
    session = _plan(world)
    with pytest.raises(PermissionDenied):
        services.session_note_add(actor=actor(world["case_manager"]), session=session, person=world["woman"], body="x")
