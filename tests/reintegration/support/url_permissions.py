"""Who may open each of support's URLs on an object in their scope (for the
probe, tests/access/test_every_url.py). POST-only routes list the roles whose
POST may succeed."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import POLICIES, Capability, Compartment, Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentGiver, ConsentPurpose, ConsentStatus
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import ReferralKind

from ...dataprotection.sharing.agreements import agree
from ...factories import OrganisationFactory, UnitFactory

C = Compartment


def _reads(*compartments: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if p.read & set(compartments))


def _writes(*compartments: Compartment) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if p.write & set(compartments))


def _can(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, p in POLICIES.items() if capability in p.capabilities)


READERS = _reads(C.FAMILY)  # the tab, a referral, a transfer
WRITERS = _writes(C.FAMILY)  # livelihood and housing records, answers to a service named in free text
REFERRERS = _writes(C.FAMILY, C.JUSTICE_SECURITY) | (_can(Capability.OVERRIDE_CONSENT) & READERS)
TRANSFERRERS = _writes(C.IDENTITY) | (_can(Capability.OVERRIDE_CONSENT) & READERS)
LISTS = _reads(C.FAMILY, C.JUSTICE_SECURITY)
SUPERVISORS = _can(Capability.SUPERVISE)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "reintegration_support:person_support": READERS,
    "reintegration_support:course_add": WRITERS,
    "reintegration_support:employment_add": WRITERS,
    "reintegration_support:income_support_add": WRITERS,
    "reintegration_support:housing_add": WRITERS,
    "reintegration_support:referral_create": REFERRERS,
    "reintegration_support:transfer_create": TRANSFERRERS,
    "reintegration_support:referrals_sent": LISTS,
    "reintegration_support:referrals_received": LISTS,
    "reintegration_support:referrals_overdue": LISTS,
    "reintegration_support:overrides": SUPERVISORS,
    "reintegration_support:referral_detail": READERS,
    "reintegration_support:referral_answer": WRITERS,
    "reintegration_support:referral_review": SUPERVISORS,
    "reintegration_support:transfer_list": LISTS,
    # Who writes livelihood and reads contact data (the employer).
    "reintegration_support:employer_letter": WRITERS & _reads(C.CONTACT_LOCATION),
    "reintegration_support:transfer_detail": READERS,
    # Only the receiving organisation answers (the probe's staff are all in the sending one).
    "reintegration_support:transfer_answer": frozenset(),
    "reintegration_support:transfer_hand_over": _writes(C.IDENTITY),
    "reintegration_support:transfer_review": SUPERVISORS,
    "api-support-referrals-sent": LISTS,
    "api-support-referrals-received": LISTS,
    "api-support-referrals-overdue": LISTS,
    "api-support-referral-detail": READERS,
    "api-support-referral-answer": WRITERS,
    "api-support-transfer-detail": READERS,
    "api-support-transfer-answer": _writes(C.IDENTITY),
    "api-person-support": READERS,
    "api-person-support-courses": WRITERS,
    "api-person-support-employment": WRITERS,
    "api-person-support-income": WRITERS,
    "api-person-support-housing": WRITERS,
    "api-person-support-referrals": REFERRERS,
    "api-person-support-transfers": TRANSFERRERS,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """A referral to a service named in free text, a transfer to another
    organisation and an apprenticeship, all of ``world["inside"]`` (a child:
    her parent's consent)."""
    actor = Actor.system("tests", user=world["registrar"])
    child = world["inside"]
    for purpose in (ConsentPurpose.SHARE_EDUCATION, ConsentPurpose.SHARE_SOCIAL):
        registry.consent_record(
            actor=actor, person=child, purpose=purpose, status=ConsentStatus.GRANTED, given_by=ConsentGiver.PARENT
        )
    referral = services.referral_send(
        actor=actor, person=child, kind=ReferralKind.EDUCATION, service="Catch-up class", reason="Reading support."
    )
    receiving = OrganisationFactory(name="Probe Receiving Services", kind=OrganisationKind.SOCIAL_SERVICES)
    agree(receiving)  # the sharing gate
    transfer = services.transfer_request(
        actor=actor, person=child, to_unit=UnitFactory(organisation=receiving), reason="The family moved."
    )
    employment = services.employment_add(
        actor=actor, person=child, employer_name="Bakery", sector="Food (apprenticeship)", contract_kind="part_time",
        started_on=date(2026, 9, 1),
    )  # fmt: skip
    return {
        "referral_uuid": str(referral.uuid),
        "transfer_uuid": str(transfer.uuid),
        "employment_uuid": str(employment.uuid),
    }
