"""Sharing agreements, impact assessments and the breach log on first look.

Every partner the demo refers, transfers or exports to has an approved
impact assessment and an agreement in force (so the support writer's
referrals and transfers pass the sharing gate: run this writer BEFORE
``SupportWriter``); one partner's agreement expires within 30 days; the
security service's expired two months ago (nothing may be referred to it
until the officer renews it); an impact assessment of a new indicator waits
for a decision. The breach log holds one closed breach (notified in time,
the persons told, its lessons written) and one open breach found a day and
a half ago, its 72-hour clock running, with the records it touched chosen
from the audit trail.

Seeded: the same seed gives the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Organisation, Unit, User
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent
from zhusan.audit.services import Actor
from zhusan.dataprotection.sharing import services
from zhusan.dataprotection.sharing.models import AgreementStatus, ImpactAssessment, SharingAgreement
from zhusan.registry.extensions import SharingPurpose
from zhusan.registry.models import Person

from .plan import Plan, Planned

R, T, E = SharingPurpose.REFERRAL, SharingPurpose.TRANSFER, SharingPurpose.CASE_EXPORT
C = Compartment
# unit key → (purposes, categories, legal basis, retention at the partner)
PARTNERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    "Mangystau": (
        (R, T),
        (C.IDENTITY, C.FAMILY, C.CONTACT_LOCATION, C.DOCUMENTS),
        "Law on special social services, art. 7; the person's consent",
        "Five years after the case is closed",
    ),
    "Almaty": ((R, T), (C.IDENTITY, C.FAMILY, C.CONTACT_LOCATION), "Law on special social services, art. 7", "Five years after the case is closed"),
    "Shymkent": ((R, T), (C.IDENTITY, C.FAMILY, C.CONTACT_LOCATION), "Law on special social services, art. 7", "Five years after the case is closed"),
    "health": ((R,), (C.IDENTITY, C.CONTACT_LOCATION, C.HEALTH), "Health code, art. 273; the person's consent", "As the health code requires for medical records"),
    "ngo": ((R, E), (C.IDENTITY, C.CONTACT_LOCATION), "The person's consent", "Two years after the last service"),
    "school": ((R,), (C.IDENTITY, C.FAMILY), "Law on education, art. 8; the parent's consent", "Until the child leaves the school"),
}  # fmt: skip
EXPIRING = "school"  # its agreement expires within 30 days
EXPIRED = "security"  # its agreement expired: nothing may be referred to it


@dataclass
class SharingWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int

    def run(self) -> None:
        rng = Random(self.seed * 1201 + 15)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        officer = self.users.get(Role.DATA_PROTECTION_OFFICER)
        if officer is None:
            return
        actor = Actor.system("zhusan demo", user=officer)
        today = timezone.localdate()
        for key, terms in PARTNERS.items():
            organisation = self._org(key)
            if organisation is None or self._has_agreement(organisation):
                continue
            expires = (
                today + timedelta(days=rng.randint(12, 25))
                if key == EXPIRING
                else today + timedelta(days=rng.randint(300, 700))
            )
            self._agreement(actor, organisation, terms, starts_on=today - timedelta(days=rng.randint(200, 500)), expires_on=expires)  # fmt: skip
        security = self._org(EXPIRED)
        if security is not None and not self._has_agreement(security):
            self._expired(actor, security, today - timedelta(days=rng.randint(50, 70)))
        services.assessment_create(
            actor=actor,
            title="New indicator: returnees in employment six months after arrival",
            covers="indicator",
            reference="employment_after_six_months",
            description="A published count of adults in employment six months after arrival, by region and sex.",
            necessity="The programme's donors and parliament ask for it; no case-level data leaves the system.",
            harms="Small regions could single out a person: the count goes through disclosure control "
            "(suppression under 5, cell-key perturbation).",
        )
        self._closed_breach(actor, rng)
        self._open_breach(actor, rng)

    # --- agreements -----------------------------------------------------------------------

    def _org(self, key: str) -> Organisation | None:
        unit = self.units.get(key)
        return unit.organisation if unit is not None else None

    def _has_agreement(self, organisation: Organisation) -> bool:
        return SharingAgreement.objects.filter(organisation=organisation).exists()

    def _assessment(self, actor: Actor, organisation: Organisation, decided_on: date) -> ImpactAssessment:
        assessment = services.assessment_create(
            actor=actor,
            title=f"Sharing with {organisation.name}",
            covers="partner",
            organisation=organisation,
            description="Referrals (and, where ticked, case transfers or exports) of returnees to the partner's services.",
            necessity="The partner provides a service the programme does not; only the categories it needs are sent.",
            harms="Onward sharing and over-retention at the partner: forbidden by the agreement, checked each year.",
        )
        return services.assessment_decide(
            actor=actor, assessment=assessment, decision="approved", expected_version=1, decided_on=decided_on
        )

    def _agreement(
        self,
        actor: Actor,
        organisation: Organisation,
        terms: tuple[tuple[str, ...], tuple[str, ...], str, str],
        *,
        starts_on: date,
        expires_on: date,
    ) -> SharingAgreement:
        purposes, categories, basis, retention = terms
        today = timezone.localdate()
        return services.agreement_create(
            actor=actor,
            organisation=organisation,
            purposes=list(purposes),
            categories=[str(c) for c in categories],
            legal_basis=basis,
            partner_retention=retention,
            contact=f"Data-protection contact, {organisation.name}",
            signed_on=min(starts_on, today),
            starts_on=starts_on,
            expires_on=expires_on,
            assessment=self._assessment(actor, organisation, min(starts_on, today)),
            activate=True,
        )

    def _expired(self, actor: Actor, organisation: Organisation, expired_on: date) -> None:
        """An agreement that was active and has expired (written in force, then dated back)."""
        today = timezone.localdate()
        item = self._agreement(
            actor,
            organisation,
            ((R,), (C.IDENTITY,), "Law on counter-terrorism, art. 10", "As the law requires"),
            starts_on=today - timedelta(days=1),
            expires_on=today + timedelta(days=1),
        )
        SharingAgreement.objects.filter(pk=item.pk, status=AgreementStatus.ACTIVE).update(
            starts_on=expired_on - timedelta(days=365),
            signed_on=expired_on - timedelta(days=365),
            expires_on=expired_on,
        )

    # --- breaches ---------------------------------------------------------------------------

    def _closed_breach(self, actor: Actor, rng: Random) -> None:
        now = timezone.now()
        found = now - timedelta(days=rng.randint(60, 90), hours=rng.randint(0, 12))
        breach = services.breach_create(
            actor=actor,
            title="Printed referral list left in a shared office",
            what_happened="A printed list of referrals (names and case numbers) was left overnight on a printer "
            "in an office shared with another agency.",
            happened_at=found - timedelta(hours=14),
            discovered_at=found,
            containment="The list was collected and shredded the next morning; the printer now holds jobs until "
            "the owner's card is presented.",
        )
        breach = services.breach_notify_authority(
            actor=actor,
            breach=breach,
            decision="notified",
            notified_at=found + timedelta(hours=rng.randint(20, 60)),
            reference="DPA-2026-0412",
            expected_version=breach.version,
        )
        breach = services.breach_notify_persons(
            actor=actor,
            breach=breach,
            decision="notified",
            notified_on=(found + timedelta(days=4)).date(),
            expected_version=breach.version,
        )
        breach = services.breach_update(
            actor=actor,
            breach=breach,
            expected_version=breach.version,
            lessons="No case lists are printed; referral lists are read on screen only.",
        )
        services.breach_close(actor=actor, breach=breach, expected_version=breach.version)

    def _open_breach(self, actor: Actor, rng: Random) -> None:
        now = timezone.now()
        found = now - timedelta(hours=rng.randint(30, 40))
        breach = services.breach_create(
            actor=actor,
            title="Laptop stolen from a car",
            what_happened="A social worker's laptop was stolen from a car; the disk is encrypted but the session "
            "may have been open.",
            happened_at=found - timedelta(hours=6),
            discovered_at=found,
            containment="The user's sessions and API tokens were revoked within the hour.",
        )
        reads = (
            AuditEvent.objects.filter(action__in=(Action.VIEW, Action.LIST), at__lte=found)
            .exclude(person_ref="")
            .order_by("-seq")
            .values_list("seq", flat=True)[:4]
        )
        if reads:
            services.breach_add_records(actor=actor, breach=breach, seqs=list(reads))
