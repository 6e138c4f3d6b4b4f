"""Data-subject requests: deadlines per kind, the identity check before any
decision, decisions that withhold, restriction, correction, the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.dataprotection.rights import services
from zhusan.dataprotection.rights.models import RequestKind, RequestStatus, SubjectRequest
from zhusan.registry.extensions import notices_for

from .conftest import act, check_identity, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", RequestKind.values)
def test_each_kind_of_request_gets_its_legal_deadline(alice, child, kind, settings):
    settings.ZHUSAN_SUBJECT_REQUEST_DAYS = {"default": 30, "erasure": 20}
    req = register(alice, child, kind=kind)
    days = 20 if kind == "erasure" else 30
    assert req.due_on == req.received_on + timedelta(days=days)
    assert req.status == RequestStatus.RECEIVED
    assert req.days_left() == days - 2
    assert not req.is_overdue()


def test_the_default_deadline_is_thirty_days(alice, child):
    req = register(alice, child, kind="access")
    assert (req.due_on - req.received_on).days == 30


def test_a_request_past_its_deadline_is_overdue_until_answered(alice, child, olga):
    req = register(alice, child, kind="access", received_on=timezone.localdate() - timedelta(days=31))
    assert req.is_overdue() and req.days_left() == -1
    req = check_identity(alice, req)
    req = services.subject_request_decide(
        actor=act(olga),
        request=req,
        decision="granted",
        reason="Nothing to withhold here.",
        expected_version=req.version,
    )
    req = services.subject_request_answer(
        actor=act(alice),
        request=req,
        answered_on=timezone.localdate(),
        method="in_person",
        expected_version=req.version,
    )
    assert req.status == RequestStatus.ANSWERED and not req.is_overdue()


def test_the_deadline_extends_once_with_a_reason(alice, child, olga):
    req = register(alice, child, kind="access")
    before = req.due_on
    with pytest.raises(ValidationError) as short:
        services.subject_request_extend(actor=act(olga), request=req, reason="busy", expected_version=req.version)
    assert "reason" in short.value.message_dict
    req = services.subject_request_extend(
        actor=act(olga), request=req, reason="The archive must be searched by hand.", expected_version=req.version
    )
    assert req.due_on == before + timedelta(days=30)
    with pytest.raises(ValidationError, match="already extended"):
        services.subject_request_extend(
            actor=act(olga), request=req, reason="Another month, please.", expected_version=req.version
        )


def test_a_guardian_must_be_named_with_their_relation(alice, child):
    with pytest.raises(ValidationError) as err:
        register(alice, child, requester_name="", requester_relation="")
    assert set(err.value.message_dict) == {"requester_name", "requester_relation"}
    assert not SubjectRequest.objects.exists()


def test_staff_who_may_not_write_the_person_cannot_register(bob, child):
    with pytest.raises(PermissionDenied):
        register(bob, child)
    assert not SubjectRequest.objects.exists()


def test_no_decision_before_the_identity_check(alice, child, olga):
    req = register(alice, child, kind="access")
    with pytest.raises(ValidationError, match="identity"):
        services.subject_request_decide(
            actor=act(olga), request=req, decision="granted", reason="Granted in full.", expected_version=req.version
        )
    req.refresh_from_db()
    assert req.decision == "" and req.version == 1


def test_only_the_officer_decides(alice, child):
    req = check_identity(alice, register(alice, child, kind="access"))
    with pytest.raises(PermissionDenied):
        services.subject_request_decide(
            actor=act(alice), request=req, decision="granted", reason="Granted in full.", expected_version=req.version
        )


def test_a_decision_in_part_names_what_is_withheld_and_the_legal_ground(alice, child, olga):
    req = check_identity(alice, register(alice, child, kind="access"))
    with pytest.raises(ValidationError) as err:
        services.subject_request_decide(
            actor=act(olga),
            request=req,
            decision="partly",
            reason="Some parts are withheld.",
            expected_version=req.version,
        )
    assert set(err.value.message_dict) == {"withheld", "legal_ground"}
    req = services.subject_request_decide(
        actor=act(olga),
        request=req,
        decision="partly",
        reason="Some parts are withheld.",
        withheld="Justice and security records",
        withheld_compartments=["justice_security"],
        legal_ground="investigation",
        expected_version=req.version,
    )
    assert req.status == RequestStatus.DECIDED
    assert req.withheld_compartments == ["justice_security"]
    event = AuditEvent.objects.filter(object_type=ObjectType.SUBJECT_REQUEST).order_by("-seq").first()
    assert "Justice and security records" not in str(event.changes)  # severe text never in clear


def test_a_granted_restriction_shows_on_the_person(alice, child, olga):
    req = check_identity(alice, register(alice, child, kind="restriction"))
    services.subject_request_decide(
        actor=act(olga), request=req, decision="granted", reason="The use is restricted.", expected_version=req.version
    )
    texts = [n.text for n in notices_for(alice, child)]
    assert any("restricted at the person's request" in t for t in texts)


def test_a_correction_lists_what_to_correct_and_records_it(alice, child, olga):
    req = check_identity(alice, register(alice, child, kind="correction"))
    with pytest.raises(ValidationError) as err:
        services.subject_request_decide(
            actor=act(olga),
            request=req,
            decision="granted",
            reason="The birth year is wrong.",
            expected_version=req.version,
        )
    assert "corrections" in err.value.message_dict
    req = services.subject_request_decide(
        actor=act(olga),
        request=req,
        decision="granted",
        reason="The birth year is wrong.",
        corrections="Birth year: 2014, not 2013",
        expected_version=req.version,
    )
    req = services.subject_request_record_correction(
        actor=act(alice), request=req, note="Birth year changed in the record", expected_version=req.version
    )
    assert req.corrected_on == timezone.localdate()


def test_an_answer_needs_a_decision(alice, child):
    req = check_identity(alice, register(alice, child, kind="access"))
    with pytest.raises(ValidationError, match="Decide"):
        services.subject_request_answer(
            actor=act(alice), request=req, answered_on=timezone.localdate(), method="post", expected_version=req.version
        )
