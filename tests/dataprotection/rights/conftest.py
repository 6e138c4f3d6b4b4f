"""Personas for data-subject requests and sealing: alice (case manager, from
the shared conftest) registers; olga is the data-protection officer; sam and
sid are security liaisons (the named role for sealed records)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.rights import services
from zhusan.dataprotection.rights.models import SubjectRequest

from ...factories import make_person, make_staff


@pytest.fixture
def olga(centre_unit):
    return make_staff(Role.DATA_PROTECTION_OFFICER, centre_unit, username="olga")


@pytest.fixture
def child(alice):
    return make_person(alice, given="Amina", family="Seitova", birth_year=timezone.localdate().year - 12)


def act(user) -> Actor:
    return Actor.system("tests", user=user)


def register(alice, person, kind="copy", **kw) -> SubjectRequest:
    values = {
        "requester_kind": "guardian",
        "requester_name": "Gulnara Seitova",
        "requester_relation": "mother",
        "received_on": timezone.localdate() - timedelta(days=2),
        "language": "ru",
    }
    values.update(kw)
    return services.subject_request_register(actor=act(alice), person=person, kind=kind, **values)


def check_identity(user, req: SubjectRequest) -> SubjectRequest:
    return services.subject_request_check_identity(
        actor=act(user),
        request=req,
        method="guardianship_papers",
        document="ID card and guardianship order",
        checked_on=timezone.localdate(),
        expected_version=req.version,
    )
