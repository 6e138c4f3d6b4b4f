"""The demo writer, on a hand-made plan: one request of each kind."""

from __future__ import annotations

import pytest

from zhusan.accounts.permissions import Role
from zhusan.dataprotection.rights.models import RequestKind, SubjectRequest
from zhusan.demo.plan import Plan
from zhusan.demo.subject_requests import SubjectRequestWriter

from ...factories import letters, make_person, make_staff

pytestmark = pytest.mark.django_db


def test_the_demo_writes_one_request_of_each_kind_in_various_states(centre_unit, olga):
    consul = make_staff(Role.CONSULAR_OFFICER, centre_unit, username="consul")
    created = {object(): make_person(consul, given=f"Demo{letters(i)}", birth_year=1990 + i) for i in range(6)}
    users = {Role.CONSULAR_OFFICER: consul, Role.DATA_PROTECTION_OFFICER: olga}
    SubjectRequestWriter(Plan(), created, users, {}, seed=2019).run()  # type: ignore[arg-type]
    kinds = sorted(SubjectRequest.objects.values_list("kind", flat=True))
    assert kinds == sorted(RequestKind.values)
    assert len(set(SubjectRequest.objects.values_list("status", flat=True))) == 4
