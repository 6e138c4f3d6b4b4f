"""Who may open each sessions URL on an object in their scope (the probe:
``tests/access/test_every_url.py``).

That a session took place is seen by every role that sees the participant
(identity), except a teacher, whose field mask withholds a pupil's history:
they see classes only (the probe's session is a psychologist's). Notes are
written by the discipline (the psychologist here); sessions are held,
cancelled and joined by their staff or by case and programme managers. The
intake account is psychosocial (the psychologist), risk assessments justice
and security (the liaison). "Today's sessions" is every user's own day."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.rehabilitation.models import Discipline
from zhusan.rehabilitation.sessions import services

from ...factories import make_staff

R = Role
SEE_PERSON = frozenset(
    {
        R.PROGRAMME_MANAGER,
        R.CASE_MANAGER,
        R.CONSULAR_OFFICER,
        R.PSYCHOLOGIST,
        R.THEOLOGIAN,
        R.SOCIAL_WORKER,
        R.DOCTOR,
        R.TEACHER,
        R.LAWYER,
        R.SECURITY_LIAISON,
    }
)
SEE_SESSION = SEE_PERSON - {R.TEACHER}
RUN_SESSION = frozenset({R.PROGRAMME_MANAGER, R.CASE_MANAGER, R.PSYCHOLOGIST})
PSYCHOLOGIST = frozenset({R.PSYCHOLOGIST})
LIAISON = frozenset({R.SECURITY_LIAISON})
EVERYONE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "rehabilitation_sessions:today": EVERYONE,
    "rehabilitation_sessions:person_sessions": SEE_PERSON,
    "rehabilitation_sessions:person_intake": PSYCHOLOGIST,
    "rehabilitation_sessions:person_risk_assessments": LIAISON,
    "rehabilitation_sessions:session_detail": SEE_SESSION,
    "rehabilitation_sessions:session_hold": RUN_SESSION,
    "rehabilitation_sessions:session_cancel": RUN_SESSION,
    "rehabilitation_sessions:session_note_add": PSYCHOLOGIST,
    "rehabilitation_sessions:session_participant_add": RUN_SESSION,
    "api-sessions-today": EVERYONE,
    "api-person-sessions": SEE_PERSON,
    "api-person-intake": PSYCHOLOGIST,
    "api-person-risk-assessments": LIAISON,
    "api-session-detail": SEE_SESSION,
    "api-session-hold": RUN_SESSION,
    "api-session-cancel": RUN_SESSION,
    "api-session-participants": RUN_SESSION,
    "api-session-notes": PSYCHOLOGIST,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A psychologist's individual session with the child ``world["inside"]``, planned for today."""
    psychologist = make_staff(Role.PSYCHOLOGIST, world["home"], username="sessions-probe-psychologist")
    session = services.session_plan(
        actor=Actor.system("probe", user=psychologist),
        kind="individual",
        discipline=Discipline.PSYCHOLOGIST,
        starts_at=timezone.localtime().replace(second=0, microsecond=0),
        persons=[world["inside"]],
    )
    return {"session_uuid": str(session.uuid)}
