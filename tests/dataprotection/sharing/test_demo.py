"""The demo writer on a hand-made set of partners: agreements in force for
each (one expiring, the security service's expired), assessments, one
closed breach and one open with its clock running."""

from __future__ import annotations

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.dataprotection.sharing import selectors, services
from zhusan.dataprotection.sharing.models import Breach, ClockState, ImpactAssessment
from zhusan.demo.plan import Plan
from zhusan.demo.sharing import PARTNERS, SharingWriter

from ...factories import OrganisationFactory, UnitFactory


def test_the_demo_writes_agreements_assessments_and_breaches(officer, db):
    units = {
        key: UnitFactory(organisation=OrganisationFactory(name=f"Partner {key}", kind=OrganisationKind.NGO))
        for key in (*PARTNERS, "security")
    }
    SharingWriter(plan=Plan(), created={}, users={Role.DATA_PROTECTION_OFFICER: officer}, units=units, seed=1).run()
    for key, (purposes, *_rest) in PARTNERS.items():
        for purpose in purposes:
            assert services.refusal(units[key].organisation, purpose) == "", (key, purpose)
    assert "expired on" in services.refusal(units["security"].organisation, "referral")
    assert [a.organisation for a in selectors.expiring_agreements()] == [units["school"].organisation]
    assert ImpactAssessment.objects.filter(decision="pending", covers="indicator").count() == 1
    assert sorted(Breach.objects.values_list("status", flat=True)) == ["closed", "open"]
    assert Breach.objects.get(status="open").clock().state == ClockState.RUNNING
    assert Breach.objects.get(status="closed").clock().state == ClockState.ON_TIME
