"""Scoped, audited reads of sessions, notes, intake accounts and risk assessments.

A session is seen by whoever sees one of its participants; what they see of
it is the fact (when, which discipline, with whom, attendance). A note is
read only by readers of its compartment for the person it is about. A
reader whose field mask withholds the timeline (a teacher) sees only the
sessions whose compartment they read (classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.permissions import Compartment, Detail
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.refs import parse_ref
from zhusan.registry.access import access_for_many, visible_to
from zhusan.registry.models import Person
from zhusan.registry.selectors import get_person_for_user

from .models import (
    INTAKE_COMPARTMENT,
    NOTE_COMPARTMENT,
    RISK_ASSESSMENT_COMPARTMENT,
    IntakeAccount,
    ProfessionalRiskAssessment,
    Session,
    SessionNote,
    SessionParticipant,
    SessionStatus,
)


def _denied(actor: Actor, *, object_type: ObjectType, ref: object, person: Person | None, why: str) -> None:
    record(
        actor,
        Action.PERMISSION_DENIED,
        object_type=object_type,
        object_ref=ref,
        person_ref=person.uuid if person else "",
        detail={"why": why},
    )


def compartments_seen(access: PersonAccess) -> list[Compartment] | None:
    """The session compartments whose sessions a reader sees on a person: all
    (None) for a reader of the case; only those they read for a reader whose
    field mask withholds the timeline (a teacher sees classes)."""
    if access.shows(Detail.TIMELINE):
        return None
    return [c for c in set(NOTE_COMPARTMENT.values()) if access.can_read(c)]


def _disciplines_in(compartments: list[Compartment]) -> list[str]:
    return [d for d, c in NOTE_COMPARTMENT.items() if c in compartments]


def _with_people(qs: QuerySet[Session]) -> QuerySet[Session]:
    return qs.select_related("unit").prefetch_related(
        "staff", Prefetch("participants", queryset=SessionParticipant.objects.select_related("person"))
    )


def sessions_of_person(person: Person, access: PersonAccess) -> QuerySet[Session]:
    """The person's sessions the reader may know of, newest first."""
    qs = Session.objects.filter(participants__person=person)
    seen = compartments_seen(access)
    if seen is not None:
        qs = qs.filter(discipline__in=_disciplines_in(seen))
    return _with_people(qs.order_by("-starts_at", "-pk"))


def readable_notes(session: Session, accesses: dict[int, PersonAccess]) -> list[SessionNote]:
    """The session's notes about the persons whose access lets the reader read the note's compartment."""
    people = [pk for pk, access in accesses.items() if access.can_read(session.compartment)]
    if not people:
        return []
    return list(session.notes.filter(person_id__in=people).select_related("person", "author"))


@dataclass
class SessionView:
    """A session as one reader may see it."""

    session: Session
    # The participants the reader sees, with their access; others are only counted.
    participants: list[SessionParticipant]
    hidden_participants: int
    accesses: dict[int, PersonAccess]
    notes: list[SessionNote]

    @property
    def reads_notes(self) -> bool:
        return any(a.can_read(self.session.compartment) for a in self.accesses.values())


def get_session_for_user(actor: Actor, ref: object, *, audit_view: bool = True) -> SessionView:
    """A session the actor sees through one of its participants (404 otherwise), with the notes they may read."""
    assert actor.user is not None
    session = _with_people(Session.objects.filter(uuid=parse_ref(ref))).first()
    if session is None:
        raise Http404("No such session")
    participants = list(session.participants.all())
    accesses = access_for_many(actor.user, [p.person for p in participants])
    visible = [p for p in participants if accesses[p.person.pk].visible]
    accesses = {p.person.pk: accesses[p.person.pk] for p in visible}
    allowed = [
        p for p in visible if (seen := compartments_seen(accesses[p.person.pk])) is None or session.compartment in seen
    ]
    if not allowed and not session.staff.filter(pk=actor.user.pk).exists():
        _denied(actor, object_type=ObjectType.SESSION, ref=ref, person=None, why="no participant in scope")
        raise Http404("No such session")
    notes = readable_notes(session, accesses)
    if audit_view:
        for p in allowed:
            record(
                actor, Action.VIEW, object_type=ObjectType.SESSION, object_ref=session.uuid, person_ref=p.person.uuid
            )
        for note in notes:
            record(
                actor,
                Action.VIEW,
                object_type=ObjectType.SESSION_NOTE,
                object_ref=note.uuid,
                person_ref=note.person.uuid,
            )
    return SessionView(session, allowed, len(participants) - len(allowed), accesses, notes)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def sessions_of_staff_on(user: Any, day: date) -> QuerySet[Session]:
    """The sessions ``user`` runs on ``day`` (their own day: no person is revealed beyond the participants)."""
    start, end = _day_bounds(day)
    return _with_people(
        Session.objects.filter(staff=user, starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
    )


def sessions_to_mark_held(user: Any, before: date) -> QuerySet[Session]:
    """The user's planned sessions of earlier days, still neither held nor cancelled."""
    start, _end = _day_bounds(before)
    return Session.objects.filter(staff=user, status=SessionStatus.PLANNED, starts_at__lt=start).order_by("starts_at")


def persons_visible(user: Any, persons: list[Person]) -> set[int]:
    allowed = set(visible_to(user).filter(pk__in=[p.pk for p in persons]).values_list("pk", flat=True))
    return allowed


# --- Intake account and risk assessments ------------------------------------------


def _require_read(
    actor: Actor, person: Person, access: PersonAccess, compartment: Compartment, what: ObjectType
) -> None:
    if not access.can_read(compartment):
        _denied(actor, object_type=what, ref=person.uuid, person=person, why=f"compartment {compartment}")
        raise PermissionDenied(_("Your role does not give access to this part of the record."))


def intake_account_for(actor: Actor, person: Person, access: PersonAccess) -> IntakeAccount | None:
    """The person's intake account, for a reader of the psychosocial compartment (403 otherwise; audited)."""
    _require_read(actor, person, access, INTAKE_COMPARTMENT, ObjectType.INTAKE_ACCOUNT)
    intake = IntakeAccount.objects.filter(person=person).select_related("interviewer").first()
    if intake is not None:
        record(
            actor, Action.VIEW, object_type=ObjectType.INTAKE_ACCOUNT, object_ref=intake.uuid, person_ref=person.uuid
        )
    return intake


def risk_assessments_for(actor: Actor, person: Person, access: PersonAccess) -> list[ProfessionalRiskAssessment]:
    """The person's recorded assessments, for a reader of justice and security (403 otherwise; audited)."""
    _require_read(actor, person, access, RISK_ASSESSMENT_COMPARTMENT, ObjectType.RISK_ASSESSMENT)
    found = list(ProfessionalRiskAssessment.objects.filter(person=person))
    for assessment in found:
        record(
            actor,
            Action.VIEW,
            object_type=ObjectType.RISK_ASSESSMENT,
            object_ref=assessment.uuid,
            person_ref=person.uuid,
        )
    return found


def person_and_access(actor: Actor, ref: object, *, audit_view: bool = True) -> tuple[Person, PersonAccess]:
    return get_person_for_user(actor, ref, audit_view=audit_view)
