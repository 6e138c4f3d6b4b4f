"""The demo's support records, written by SupportWriter where the lead wires
it (after the tracing writer, before the case manager's assignments are
narrowed), and the support indicators read on them (checked by
``tests/demo/test_demo_command.py``, one load of the demo for every app)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.demo.support import WOMEN_EMPLOYED
from zhusan.registry.models import Person
from zhusan.reintegration.support.models import (
    CaseTransfer,
    Employment,
    Housing,
    Referral,
    ReferralStatus,
    TransferStatus,
)
from zhusan.reintegration.support.outcomes import first_group_women_working
from zhusan.reporting.indicators import ReportFilters, compute


def check_the_demo_has_the_first_groups_women_at_work_housing_referrals_and_a_transfer(demo: Any) -> None:
    working = first_group_women_working()
    assert 3 <= working <= WOMEN_EMPLOYED
    assert Employment.objects.count() >= 3
    assert Housing.objects.filter(ended_on__isnull=True).count() == Housing.objects.values("person").distinct().count()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.SENT} <= statuses
    assert Referral.objects.filter(status=ReferralStatus.SENT, due_on__lt=timezone.localdate()).exists()
    transfers = CaseTransfer.objects.all()
    assert transfers and all(t.status == TransferStatus.COMPLETED for t in transfers)
    assert all(Person.objects.get(pk=t.person_id).managing_unit_id == t.to_unit_id for t in transfers)

    women = compute("women_in_work_or_training", filters=ReportFilters())
    assert women.values is not None
    referred = compute("persons_referred", by=["referral_outcome"], filters=ReportFilters())
    assert referred.table is not None
    first = compute("first_group_women_working", filters=ReportFilters())
    assert first.table.grand_total == working

    days = compute("referral_response_days", filters=ReportFilters())
    assert days.values is not None and days.values[0] is not None and 2 <= days.values[0] <= 12
