"""One row naming the merged person through each of support's relations
(imported by tests/registry/test_merge_graph.py; the actor is its consular
officer ``consul``, who writes the core case)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Model

from zhusan.accounts.models import OrganisationKind, User
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentGiver, ConsentPurpose, ConsentStatus, Person
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import HousingKind, ReferralKind

from ...dataprotection.sharing.agreements import agree
from ...factories import OrganisationFactory, UnitFactory


def _act() -> Actor:
    return Actor.system("tests", user=User.objects.get(username="consul"))


def _consent(person: Person, purpose: str) -> None:
    registry.consent_record(
        actor=_act(), person=person, purpose=purpose, status=ConsentStatus.GRANTED, given_by=ConsentGiver.PARENT
    )


def _course(merged: Person, other: Person) -> Model:
    return services.course_add(
        actor=_act(), person=merged, provider="Regional college", course="Cooking", started_on=date.today()
    )


def _employment(merged: Person, other: Person) -> Model:
    return services.employment_add(
        actor=_act(), person=merged, employer_name="Bakery", sector="Food", contract_kind="part_time",
        started_on=date.today(),
    )  # fmt: skip


def _income(merged: Person, other: Person) -> Model:
    return services.income_support_add(actor=_act(), person=merged, kind="child_benefit", started_on=date.today())


def _housing(merged: Person, other: Person) -> Model:
    return services.housing_record(
        actor=_act(), person=merged, kind=HousingKind.WITH_RELATIVES, started_on=date.today()
    )


def _referral(merged: Person, other: Person) -> Model:
    _consent(merged, ConsentPurpose.SHARE_HEALTH)
    return services.referral_send(
        actor=_act(), person=merged, kind=ReferralKind.HEALTH, service="Polyclinic No. 2", reason="Vaccinations."
    )


def _transfer(merged: Person, other: Person) -> Model:
    _consent(merged, ConsentPurpose.SHARE_SOCIAL)
    org = OrganisationFactory(name="Merge Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    agree(org)  # the sharing gate
    return services.transfer_request(
        actor=_act(), person=merged, to_unit=UnitFactory(organisation=org), reason="The family moved."
    )


BUILDERS: dict[str, Callable[[Person, Person], Model]] = {
    "reintegration_support.VocationalCourse.person": _course,
    "reintegration_support.Employment.person": _employment,
    "reintegration_support.IncomeSupport.person": _income,
    "reintegration_support.Housing.person": _housing,
    "reintegration_support.Referral.person": _referral,
    "reintegration_support.CaseTransfer.person": _transfer,
}
