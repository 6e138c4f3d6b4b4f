"""The retention demo writer on a hand-made cast (not the whole demo)."""

from __future__ import annotations

from datetime import date

import pytest

from zhusan.accounts.permissions import Role
from zhusan.dataprotection.models import LegalHold, RetentionItem, RetentionRule
from zhusan.demo.dataprotection import RetentionWriter

from .retention_helpers import close_case, person_with_notes, world

pytestmark = pytest.mark.django_db


def _writer(w, seed: int = 1) -> RetentionWriter:
    users = {Role.DATA_PROTECTION_OFFICER: w["officer"]}
    return RetentionWriter(plan=None, created={}, users=users, units={}, seed=seed)  # type: ignore[arg-type]


def test_the_writer_configures_rules_holds_one_case_and_files_the_rest_for_approval():
    w = world()
    old = [person_with_notes(w, given=name) for name in ("Aisha", "Madina", "Zarina")]
    for person in old:
        close_case(w, person, date(2019, 5, 1))
    _writer(w).run()
    assert RetentionRule.objects.filter(kind="justice_security", period_years=5).exists()
    (hold,) = LegalHold.objects.all()
    assert hold.person in old
    filed = set(RetentionItem.objects.values_list("person_id", flat=True))
    assert filed == {p.pk for p in old} - {hold.person_id}
    _writer(w).run()  # twice: nothing more
    assert LegalHold.objects.count() == 1 and RetentionItem.objects.count() == len(filed) == 2
