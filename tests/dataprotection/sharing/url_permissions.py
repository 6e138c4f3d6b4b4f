"""Who may open each sharing/breach/assessment URL (the probe:
``tests/access/test_every_url.py``): the officer's pages are the
data-protection officer's; the list of partners with an agreement in force
is for everyone signed in (whoever refers, transfers or exports)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import POLICIES, Capability, Role
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing import services
from zhusan.registry.selectors import get_person_for_user

from ...factories import OrganisationFactory, make_staff

OFFICER = frozenset(r for r, p in POLICIES.items() if Capability.MANAGE_DATA_PROTECTION in p.capabilities)
EVERYONE = frozenset(Role)

_OFFICER_PAGES = (
    "agreement_list",
    "agreement_create",
    "agreement_detail",
    "agreement_status",
    "agreement_document",
    "assessment_list",
    "assessment_create",
    "assessment_detail",
    "breach_list",
    "breach_create",
    "breach_detail",
    "breach_authority",
    "breach_persons",
    "breach_status",
    "breach_records",
    "breach_record_remove",
    "who_saw",
    "figures",
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dataprotection_sharing:partners": EVERYONE,
    **{f"dataprotection_sharing:{name}": OFFICER for name in _OFFICER_PAGES},
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    officer = make_staff(Role.DATA_PROTECTION_OFFICER, world["home"], username="probedpo")
    actor = Actor.system("probe", user=officer)
    partner = OrganisationFactory(name="Probe Partner Association")
    assessment = services.assessment_create(
        actor=actor, title="Probe partner", covers="partner", organisation=partner,
        description="Referrals.", necessity="Needed.", harms="Onward sharing.",
    )  # fmt: skip
    today = timezone.localdate()
    agreement = services.agreement_create(
        actor=actor, organisation=partner, purposes=["referral"], categories=["identity"],
        legal_basis="Consent", partner_retention="One year", contact="dpo@probe.example",
        starts_on=today, expires_on=today + timedelta(days=365), assessment=assessment,
    )  # fmt: skip
    now = timezone.now()
    breach = services.breach_create(
        actor=actor, title="Probe breach", what_happened="A list was e-mailed to the wrong address.",
        happened_at=now - timedelta(hours=3), discovered_at=now - timedelta(hours=2),
    )  # fmt: skip
    get_person_for_user(Actor.system("probe", user=world["registrar"]), world["inside"].uuid)
    events, _more = services_search(actor, world)
    added = services.breach_add_records(actor=actor, breach=breach, seqs=[events[0].seq])
    return {
        "agreement_uuid": str(agreement.uuid),
        "assessment_uuid": str(assessment.uuid),
        "breach_uuid": str(breach.uuid),
        "record_uuid": str(added[0].uuid),
    }


def services_search(actor: Actor, world: dict[str, Any]) -> Any:
    from zhusan.dataprotection.sharing.selectors import who_saw

    _person, events, more = who_saw(actor=actor, case_number=world["inside"].case_number)
    return events, more
