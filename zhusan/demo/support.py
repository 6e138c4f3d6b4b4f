"""Livelihood, housing, referrals and a transfer, written after the plan's
persons through ``zhusan.reintegration.support``'s services.

Several women of the first group (Zhusan-1) work and some are in vocational
training; each reintegrating or closed family has a home (most with
relatives, some rented or in social housing, a change of housing for a few);
referrals from the case side to the regional social services are accepted
(some completed with feedback) or declined, those to the health department
and the NGO (which have no demo users) wait, the older ones past their
answer date; one family's case is transferred from the centre to the
Mangystau social services, accepted and handed over.

Each record is written by the demo user who may write it (the case manager
registered everyone; the social worker reads her region): run it, like the
operations and tracing writers, before the case manager's assignments are
narrowed. A person nobody may write is left without support records.
Seeded: the same seed gives the same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Organisation, Unit, User
from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.access import access_for
from zhusan.registry.models import ConsentGiver, ConsentPurpose, ConsentStatus, Person, Stage
from zhusan.reintegration.support import services
from zhusan.reintegration.support.models import ContractKind, HousingKind, ReferralKind

from .plan import Plan, Planned

FIRST_GROUP = "Zhusan-1"
WOMEN_EMPLOYED = 5
WOMEN_IN_TRAINING = 3
SETTLED = {Stage.REINTEGRATING.value, Stage.CLOSED.value}
SECTORS = (
    ("Garment workshop", "Garment industry"),
    ("City bakery", "Food production"),
    ("Kindergarten No. 12", "Childcare"),
    ("Regional hospital", "Health care (support staff)"),
    ("Seaside market stall", "Retail"),
    ("Family sewing business", "Tailoring"),
)
COURSES = (
    ("Regional employment centre", "Tailoring and sewing"),
    ("Mangystau polytechnic college", "Pastry cook"),
    ("Regional employment centre", "Hairdressing"),
    ("Mangystau polytechnic college", "Accounting with 1C"),
)
FEEDBACK = (
    "Took part in the job club; now works part time.",
    "The family moved into a social flat; file closed on our side.",
    "Legal consultation given; documents filed with the court.",
)


def _act(user: User) -> Actor:
    return Actor.system("zhusan demo", user=user)


@dataclass
class SupportWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int
    written: dict[str, int] = field(default_factory=dict)

    def run(self) -> None:
        rng = Random(self.seed * 1013 + 17)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        today = timezone.localdate()
        self._housing(rng, today)
        self._first_group_work(rng, today)
        self._referrals(rng, today)
        self._transfer(rng, today)

    # --- Who writes -------------------------------------------------------------------

    def _writer(self, person: Person, compartment: Compartment = Compartment.FAMILY) -> User | None:
        for role in (Role.SOCIAL_WORKER, Role.CASE_MANAGER, Role.CONSULAR_OFFICER):
            user = self.users.get(role)
            if user is not None and access_for(user, person).can_write(compartment):
                return user
        return None

    def _count(self, what: str) -> None:
        self.written[what] = self.written.get(what, 0) + 1

    def _arrival(self, planned: Planned) -> date:
        return planned.flight or date(2019, 6, 1)

    def _consent(self, person: Person, purpose: str, by: User) -> None:
        if registry.consent_allows(person, purpose):
            return
        given_by = ConsentGiver.PARENT if person.is_child() else ConsentGiver.SELF
        registry.consent_record(
            actor=_act(by), person=person, purpose=purpose, status=ConsentStatus.GRANTED, given_by=given_by
        )

    # --- Housing for each settled family ---------------------------------------------

    def _housing(self, rng: Random, today: date) -> None:
        for carer, children in self.plan.families:
            if carer.stage not in SETTLED or carer.operation is None:
                continue
            home_from = min(self._arrival(carer) + timedelta(days=rng.randint(30, 90)), today)
            kind = rng.choices(
                [HousingKind.WITH_RELATIVES, HousingKind.RENTED, HousingKind.SOCIAL],
                weights=[6, 2, 1],
            )[0]
            moves = rng.random() < 0.25 and kind == HousingKind.WITH_RELATIVES
            for planned in (carer, *children):
                person = self.created[planned]
                user = self._writer(person)
                if user is None:
                    continue
                address = carer.address if access_for(user, person).can_write(Compartment.CONTACT_LOCATION) else ""
                services.housing_record(
                    actor=_act(user), person=person, kind=kind, started_on=home_from, address=address
                )
                self._count("housing")
                if moves:
                    later = min(home_from + timedelta(days=rng.randint(200, 500)), today)
                    services.housing_record(actor=_act(user), person=person, kind=HousingKind.RENTED, started_on=later)
                    self._count("housing")

    # --- The first group's women at work and in training -----------------------------

    def _first_group_work(self, rng: Random, today: date) -> None:
        women = [
            p for p in self.plan.persons if p.operation == FIRST_GROUP and p.role == "woman" and p.stage in SETTLED
        ]
        writable = [(p, u) for p in women if (u := self._writer(self.created[p])) is not None]
        rng.shuffle(writable)
        employed = writable[:WOMEN_EMPLOYED]
        training = writable[WOMEN_EMPLOYED : WOMEN_EMPLOYED + WOMEN_IN_TRAINING]
        for planned, user in employed:
            person = self.created[planned]
            started = min(self._arrival(planned) + timedelta(days=rng.randint(120, 540)), today)
            employer, sector = rng.choice(SECTORS)
            if rng.random() < 0.5:
                course, provider = rng.choice(COURSES)[1], rng.choice(COURSES)[0]
                course_start = max(started - timedelta(days=150), self._arrival(planned) + timedelta(days=30))
                services.course_add(
                    actor=_act(user), person=person, provider=provider, course=course,
                    started_on=course_start, ended_on=course_start + timedelta(days=90), completed=True,
                )  # fmt: skip
                self._count("course")
            # The employer is contact data: both demo writers (social worker, case manager) write it.
            services.employment_add(
                actor=_act(user), person=person, employer_name=employer,
                employer_contact="+7 7292 00 00 00 (invented)", sector=sector,
                contract_kind=rng.choice([ContractKind.PERMANENT, ContractKind.FIXED_TERM, ContractKind.PART_TIME]),
                started_on=started,
            )  # fmt: skip
            self._count("employment")
            if rng.random() < 0.4:
                services.income_support_add(
                    actor=_act(user), person=person, kind="survivor", started_on=self._arrival(planned),
                    ended_on=started,
                )  # fmt: skip
                self._count("income_support")
        for planned, user in training:
            person = self.created[planned]
            provider, course = rng.choice(COURSES)
            started = max(today - timedelta(days=rng.randint(20, 60)), self._arrival(planned))
            services.course_add(actor=_act(user), person=person, provider=provider, course=course, started_on=started)
            self._count("course")

    # --- Referrals ---------------------------------------------------------------------

    def _org(self, unit_key: str) -> Organisation | None:
        unit = self.units.get(unit_key)
        return unit.organisation if unit is not None else None

    def _referrals(self, rng: Random, today: date) -> None:
        social = self._org("Mangystau")
        health = self._org("health")
        ngo = self._org("ngo")
        answerer = self.users.get(Role.SOCIAL_WORKER)
        settled = [p for p in self.plan.persons if p.is_subject and p.operation and p.stage in SETTLED]
        rng.shuffle(settled)
        plan = [
            # (kind, receiver, how it ends)
            *[(ReferralKind.HOUSING, social, "accepted")] * 3,
            *[(ReferralKind.LIVELIHOOD, social, "completed")] * 3,
            *[(ReferralKind.PSYCHOSOCIAL, social, "declined")] * 2,
            *[(ReferralKind.HEALTH, health, "waiting_old")] * 3,
            *[(ReferralKind.LIVELIHOOD, ngo, "waiting_old")] * 2,
            *[(ReferralKind.LIVELIHOOD, ngo, "waiting")] * 2,
        ]
        candidates = iter(settled)
        for kind, receiver, ending in plan:
            if receiver is None:
                continue
            for planned in candidates:
                person = self.created[planned]
                sender = self._sender(person, receiver)
                if sender is not None:
                    break
            else:
                return
            purpose = services.consent_purpose_for(kind, receiver)
            self._consent(person, purpose, sender)
            sent_on = today - timedelta(days=rng.randint(3, 8) if ending == "waiting" else rng.randint(40, 400))
            referral = services.referral_send(
                actor=_act(sender), person=person, kind=kind, organisation=receiver,
                reason="Referred at the family's request after the home visit.", sent_on=sent_on,
            )  # fmt: skip
            self._count(f"referral_{ending}")
            if ending.startswith("waiting") or answerer is None:
                continue
            answered = min(sent_on + timedelta(days=rng.randint(2, 12)), today)
            if ending == "declined":
                services.referral_decline(
                    actor=_act(answerer), referral=referral, reason="No place in the group before next term.",
                    expected_version=referral.version, answered_on=answered,
                )  # fmt: skip
                continue
            services.referral_accept(
                actor=_act(answerer), referral=referral, expected_version=referral.version, answered_on=answered
            )
            if ending == "completed":
                services.referral_complete(
                    actor=_act(answerer), referral=referral, feedback=rng.choice(FEEDBACK),
                    expected_version=referral.version, answered_on=min(answered + timedelta(days=30), today),
                )  # fmt: skip

    def _sender(self, person: Person, receiver: Organisation) -> User | None:
        """A case-side user who writes the family compartment and is not of
        the receiving organisation (one does not refer to oneself)."""
        for role in (Role.CASE_MANAGER, Role.SOCIAL_WORKER):
            user = self.users.get(role)
            if user is None or user.unit is None or user.unit.organisation_id == receiver.pk:
                continue
            if access_for(user, person).can_write(Compartment.FAMILY):
                return user
        return None

    # --- One family's case transferred to the regional social services ---------------

    def _transfer(self, rng: Random, today: date) -> None:
        to_unit = self.units.get("Mangystau")
        manager = self.users.get(Role.CASE_MANAGER)
        receiver = self.users.get(Role.SOCIAL_WORKER)
        if to_unit is None or manager is None or receiver is None:
            return
        families = [
            (carer, kids)
            for carer, kids in self.plan.families
            if carer.stage == Stage.REINTEGRATING.value and carer.unit == "centre" and carer.region == "Mangystau"
        ]
        for carer, kids in families:
            members = [self.created[p] for p in (carer, *kids)]
            if all(access_for(manager, m).can_write(Compartment.IDENTITY) for m in members):
                break
        else:
            return
        requested = today - timedelta(days=rng.randint(60, 120))
        for person in members:
            self._consent(person, ConsentPurpose.SHARE_SOCIAL, manager)
            transfer = services.transfer_request(
                actor=_act(manager), person=person, to_unit=to_unit,
                reason="The family settled in Aktau; the regional team takes over the case.", requested_on=requested,
            )  # fmt: skip
            services.transfer_answer(
                actor=_act(receiver), transfer=transfer, accept=True, expected_version=transfer.version,
                answered_on=requested + timedelta(days=4),
            )  # fmt: skip
            services.transfer_hand_over(
                actor=_act(manager), transfer=transfer, expected_version=transfer.version,
                on=requested + timedelta(days=7),
            )  # fmt: skip
            self._count("transfer")
