"""Rows of rehabilitation_sessions naming a person, for the merge graph test
(``tests/registry/test_merge_graph.py`` imports ``BUILDERS``): every relation
moves with a merge. Written with the ORM: the graph's merged person is a
child and its actor a consular officer, who writes no session note (and an
intake account or a risk assessment is refused on a child's record by the
services; the rows here only prove that a merge moves them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from zhusan.accounts.models import User
from zhusan.registry.models import Person
from zhusan.rehabilitation.sessions.models import (
    IntakeAccount,
    ProfessionalRiskAssessment,
    Session,
    SessionNote,
    SessionParticipant,
)


def _user() -> User:
    return User.objects.order_by("pk").first()  # type: ignore[return-value]


def _session(person: Person) -> Session:
    return Session.objects.create(
        kind="individual", discipline="psychologist", starts_at=timezone.now(), unit=person.managing_unit
    )


def _participant_row(merged: Person, other: Person) -> Model:
    return SessionParticipant.objects.create(session=_session(merged), person=merged)


def _note_row(merged: Person, other: Person) -> Model:
    session = _session(merged)
    SessionParticipant.objects.create(session=session, person=other)
    return SessionNote.objects.create(
        session=session, person=merged, compartment="psychosocial", body="A note", author=_user()
    )


def _intake_row(merged: Person, other: Person) -> Model:
    return IntakeAccount.objects.create(
        person=merged, interviewed_on=timezone.localdate(), interviewer=_user(), regret="not_discussed"
    )


def _risk_row(merged: Person, other: Person) -> Model:
    return ProfessionalRiskAssessment.objects.create(
        person=merged,
        tool="vera_2r",
        outcome="As reported",
        assessor_name="Assessor",
        assessor_organisation="Service",
        assessed_on=timezone.localdate() - timedelta(days=1),
        report_reference="REF",
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "rehabilitation_sessions.SessionParticipant.person": _participant_row,
    "rehabilitation_sessions.SessionNote.person": _note_row,
    "rehabilitation_sessions.IntakeAccount.person": _intake_row,
    "rehabilitation_sessions.ProfessionalRiskAssessment.person": _risk_row,
}
