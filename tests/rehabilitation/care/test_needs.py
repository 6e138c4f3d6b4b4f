"""Needs assessments: a level per domain for every reader of the plan; the
notes of the health, mental-health and religious domains only for readers
of that compartment, encrypted at rest, never in clear in the audit trail,
in the pages and in the API alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.rehabilitation.care import services
from zhusan.rehabilitation.care.models import Domain, Level, NeedsLine
from zhusan.rehabilitation.care.services import NeedInput

from ...api.conftest import token_client
from ...registry.helpers import login
from .conftest import act, in_days, today

pytestmark = pytest.mark.django_db

MENTAL = "Flashbacks of the camp at night"
RELIGIOUS = "Asks about her obligations"
HEALTH = "Untreated shrapnel wound"


@pytest.fixture
def assessment(psychologist, theologian, doctor, resident):
    made = services.needs_assessment_create(
        actor=act(psychologist),
        person=resident,
        assessed_on=today(),
        needs={
            Domain.MENTAL_HEALTH: NeedInput(Level.HIGH, MENTAL),
            Domain.EDUCATION: NeedInput(Level.LOW, "Wants to finish school"),
        },
    )
    services.needs_assessment_update(
        actor=act(theologian),
        assessment=made,
        expected_version=made.version,
        assessed_on=today(),
        needs={Domain.MENTAL_HEALTH: NeedInput(Level.HIGH, ""), Domain.RELIGIOUS: NeedInput(Level.MEDIUM, RELIGIOUS)},
    )
    made.refresh_from_db()
    services.needs_assessment_update(
        actor=act(doctor),
        assessment=made,
        expected_version=made.version,
        assessed_on=today(),
        needs={Domain.HEALTH: NeedInput(Level.HIGH, HEALTH)},
    )
    made.refresh_from_db()
    return made


def test_an_assessment_has_a_line_per_domain_and_keeps_notes_the_editor_cannot_read(assessment):
    lines = {line.domain: line for line in assessment.lines.all()}
    assert set(lines) == set(Domain.values)
    # The theologian's update said nothing (they cannot read it): the psychologist's note stays.
    assert lines[Domain.MENTAL_HEALTH].notes == MENTAL
    assert lines[Domain.RELIGIOUS].notes == RELIGIOUS and lines[Domain.HEALTH].level == Level.HIGH


def test_severe_notes_are_encrypted_at_rest_and_not_in_clear_in_the_audit_trail(assessment):
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM rehabilitation_care_needsline")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert MENTAL not in stored and RELIGIOUS not in stored
    trail = " ".join(str(e.changes) for e in AuditEvent.objects.filter(object_type=ObjectType.NEEDS_ASSESSMENT))
    assert MENTAL not in trail and RELIGIOUS not in trail and HEALTH not in trail


def test_a_correction_keeps_the_notes_its_author_may_not_write(psychologist, assessment):
    # The psychologist reads the doctor's health note but does not write it: their form has no field for it.
    services.needs_assessment_update(
        actor=act(psychologist),
        assessment=assessment,
        expected_version=assessment.version,
        assessed_on=today(),
        needs={d: NeedInput(Level.MEDIUM, "Better" if d == Domain.MENTAL_HEALTH else "") for d in Domain.values},
    )
    lines = {line.domain: line for line in assessment.lines.all()}
    assert lines[Domain.HEALTH].notes == HEALTH and lines[Domain.RELIGIOUS].notes == RELIGIOUS
    assert lines[Domain.MENTAL_HEALTH].notes == "Better" and lines[Domain.HEALTH].level == Level.MEDIUM


def test_a_psychologist_may_not_write_religious_notes(psychologist, resident):
    with pytest.raises(ValidationError) as err:
        services.needs_assessment_create(
            actor=act(psychologist),
            person=resident,
            assessed_on=today(),
            needs={Domain.RELIGIOUS: NeedInput(Level.LOW, "Not mine to write")},
        )
    assert f"notes_{Domain.RELIGIOUS}" in err.value.message_dict
    assert not NeedsLine.objects.exists()


def test_an_assessment_in_the_future_is_refused(psychologist, resident):
    with pytest.raises(ValidationError) as err:
        services.needs_assessment_create(actor=act(psychologist), person=resident, assessed_on=in_days(3), needs={})
    assert "assessed_on" in err.value.message_dict


@pytest.mark.parametrize(
    ("reader", "sees", "hidden"),
    [
        ("psychologist", [MENTAL, HEALTH], [RELIGIOUS]),
        ("theologian", [RELIGIOUS], [MENTAL, HEALTH]),
        ("care_manager", [HEALTH], [MENTAL, RELIGIOUS]),
    ],
)
def test_each_reader_sees_only_the_notes_of_their_compartments_in_the_page_and_the_api(
    request, client, assessment, resident, reader, sees, hidden
):
    user = request.getfixturevalue(reader)
    page = login(client, user).get(reverse("rehabilitation_care:person_plan", args=[resident.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    api = token_client(user).get(f"/api/v1/persons/{resident.uuid}/care/")
    assert api.status_code == 200
    body = api.content.decode()
    for text in sees:
        assert text in html and text in body
    for text in hidden:
        assert text not in html and text not in body
    # Every reader sees every level of need.
    levels = {n["domain"]: n["level"] for n in api.json()["assessments"][0]["needs"]}
    assert levels[Domain.MENTAL_HEALTH] == Level.HIGH and levels[Domain.RELIGIOUS] == Level.MEDIUM


def test_a_teacher_and_a_security_liaison_read_no_plan(client, assessment, teacher, liaison, resident, child):
    assert (
        login(client, liaison).get(reverse("rehabilitation_care:person_plan", args=[resident.uuid])).status_code == 403
    )
    assert token_client(liaison).get(f"/api/v1/persons/{resident.uuid}/care/").status_code == 403
    assert login(client, teacher).get(reverse("rehabilitation_care:person_plan", args=[child.uuid])).status_code == 403
