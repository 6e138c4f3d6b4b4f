"""Load the synthetic demo dataset through the registry services.

Everything is written by the demo case manager through ``registry.services``
(so every write has its audit event) in one transaction. The audit events
carry the real time of loading; the records themselves (stays, timeline,
consents, evidence) carry the invented historical dates of the story.

The operation a person returned with is a real operation
(``zhusan.operations``): an arrived manifest entry on the movement of their
flight (``operations.py``), next to a stay abroad that ends on the day of
the flight and a timeline entry "Returned with Zhusan-2 (synthetic)".
:func:`operation_of` and :func:`demo_table` read the operation back from the
manifest.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhusan.accounts.models import Organisation, OrganisationKind, RoleGrant, Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, diff, record
from zhusan.core.models import DatasetMarker
from zhusan.operations.models import EntryStatus, ManifestEntry
from zhusan.registry import services
from zhusan.registry.dates import best_age
from zhusan.registry.models import (
    CaseAssignment,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    EstablishedBy,
    EvidenceMethod,
    EvidenceOutcome,
    EvidenceTopic,
    HouseholdRole,
    LawfulBasis,
    LocationStay,
    Person,
    PersonVulnerability,
    RecordType,
    Site,
    SiteKind,
    Stage,
    TimelineEntry,
)

from .care import CareWriter
from .dataprotection import RetentionWriter
from .followup import FollowUpWriter
from .instruments import InstrumentsWriter
from .operations import OperationWriter
from .plan import OPERATIONS, Plan, Planned, make_plan
from .rehabilitation import RehabilitationWriter
from .reintegration import ReintegrationWriter
from .sessions import SessionsWriter
from .sharing import SharingWriter
from .subject_requests import SubjectRequestWriter
from .support import SupportWriter
from .tracing import TracingWriter
from .tracker import TrackerWriter

# After arrival, in the order of the pathway: the sharing agreements with the
# partners (referrals and transfers need them), the centre (admissions, key
# workers), plans, sessions, instruments; then placement, documents and
# school, work and referrals, follow-up for years; then the life of the
# records (retention due, data-subject requests) and the published aggregate.
AFTER_ARRIVAL = (
    SharingWriter,
    RehabilitationWriter,
    CareWriter,
    SessionsWriter,
    InstrumentsWriter,
    ReintegrationWriter,
    SupportWriter,
    FollowUpWriter,
    RetentionWriter,
    SubjectRequestWriter,
    TrackerWriter,
)

DEFAULT_SEED = 2019
DEMO_PASSWORD = "zhusan-demo-2019"  # noqa: S105 - documented demo password, synthetic data only
DEMO_TOTP_BASE32 = "JBSWY3DPEHPK3PXP"
DEMO_TOTP_HEX = base64.b32decode(DEMO_TOTP_BASE32).hex()
MARKER_DESCRIPTION = "Synthetic demo data — every person is invented"
HOME_COUNTRY = "KZ"

# key: (organisation, kind, unit, region)
UNITS: dict[str, tuple[str, str, str, str]] = {
    "programme": ("Ministry of Information and Social Development", OrganisationKind.MINISTRY, "Programme office", ""),
    "audit": ("Ministry of Information and Social Development", OrganisationKind.MINISTRY, "Internal audit", ""),
    "consulate": ("Ministry of Foreign Affairs", OrganisationKind.CONSULATE, "Consulate Erbil", ""),
    "centre": ("Aktau Rehabilitation Centre", OrganisationKind.REHABILITATION_CENTRE, "Residential unit", "Mangystau"),
    "legal": ("Aktau Rehabilitation Centre", OrganisationKind.REHABILITATION_CENTRE, "Legal support", "Mangystau"),
    "Mangystau": ("Mangystau Regional Social Services", OrganisationKind.SOCIAL_SERVICES, "Family support", "Mangystau"),
    "Almaty": ("Almaty Regional Social Services", OrganisationKind.SOCIAL_SERVICES, "Family support", "Almaty"),
    "Shymkent": ("Shymkent City Social Services", OrganisationKind.SOCIAL_SERVICES, "Family support", "Shymkent"),
    "ngo": ("Aman Bala Family Foundation (fictional NGO)", OrganisationKind.NGO, "Community programmes", ""),
    "security": ("State Security Service (fictional)", OrganisationKind.SECURITY, "Returnee liaison unit", ""),
    "health": ("Mangystau Regional Health Department", OrganisationKind.HEALTH, "Child health service", "Mangystau"),
    "school": ("Aktau City Education Department", OrganisationKind.EDUCATION, "School department", "Mangystau"),
}  # fmt: skip
# One demo login per role; the username is the role's name.
USERS: dict[Role, str] = {
    Role.SYSTEM_ADMIN: "programme",
    Role.PROGRAMME_MANAGER: "programme",
    Role.ANALYST: "programme",
    Role.AUDITOR: "audit",
    Role.DATA_PROTECTION_OFFICER: "programme",
    Role.CONSULAR_OFFICER: "consulate",
    Role.CASE_MANAGER: "centre",
    Role.PSYCHOLOGIST: "centre",
    Role.THEOLOGIAN: "centre",
    Role.DOCTOR: "centre",
    Role.TEACHER: "centre",
    Role.LAWYER: "legal",
    Role.SOCIAL_WORKER: "Mangystau",
    Role.SECURITY_LIAISON: "security",
}
SITES: dict[str, tuple[str, str, str, str]] = {
    "al-Hol": ("al-Hol camp", SiteKind.CAMP, "SY", "al-Hasakah"),
    "Roj": ("Roj camp", SiteKind.CAMP, "SY", "al-Hasakah"),
    "al-Hasakah detention": ("al-Hasakah detention facility", SiteKind.DETENTION, "SY", "al-Hasakah"),
    "Rusafa prison": ("Rusafa prison", SiteKind.PRISON, "IQ", "Baghdad"),
    "centre": ("Aktau rehabilitation centre", SiteKind.REHABILITATION_CENTRE, "KZ", "Mangystau"),
}
STAGE_REASONS = {
    Stage.VERIFIED: "Identity and nationality confirmed at a consular interview",
    Stage.CLEARED: "Travel document issued; consents on file",
    Stage.IN_REHABILITATION: "Admitted to the Aktau centre",
    Stage.IN_CUSTODY: "Detained on arrival",
    Stage.REINTEGRATING: "Discharged home; regional services follow up",
    Stage.CLOSED: "Closed after two years of follow-up",
    Stage.REMAINED_ABROAD: "Serving a sentence abroad; consented to her children's return",
}
ASSENT_VIEWS = (
    "Wants to live with grandmother and go to school.",
    "Wants to stay with brothers and sisters.",
    "Happy to go home; asks to keep the same teacher.",
)


class DemoRefusedError(Exception):
    """The database is not empty; demo data is never mixed into real data."""


def demo_reason(operation: str) -> str:
    return f"Returned with {operation} (synthetic)"


def operation_of(person: Person) -> str | None:
    """The code of the operation a person returned with: their first arrived manifest entry."""
    entry = (
        ManifestEntry.objects.filter(person=person, status=EntryStatus.ARRIVED)
        .order_by("arrived_at", "pk")
        .select_related("movement__operation")
        .first()
    )
    return entry.movement.operation.code if entry else None


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@dataclass
class DemoResult:
    logins: list[tuple[str, str, str]]  # username, role, organisation
    persons: int
    table: dict[str, dict[str, int]]


def _analyze() -> None:
    """Fresh planner statistics on PostgreSQL while the load goes on: the
    rows are written in one transaction, which autovacuum cannot see, and a
    planner that believes the tables empty picks nested scans that take
    minutes on the follow-up lists (ANALYZE counts the transaction's own rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class DemoLoader:
    """Writes a :class:`~zhusan.demo.plan.Plan`. ``total_steps`` sizes a progress bar."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.plan: Plan = make_plan(seed)
        self.spouses = [p for p in self.plan.persons if p.role == "man" and p.spouse is not None]
        self.total_steps = len(self.plan.persons) + len(self.plan.families) + len(self.spouses) + 2 + len(AFTER_ARRIVAL)
        self.units: dict[str, Unit] = {}
        self.sites: dict[str, Site] = {}
        self.users: dict[Role, User] = {}
        self.created: dict[Planned, Person] = {}

    def run(self, advance: Callable[[], None] = lambda: None) -> DemoResult:
        if Person.objects.exists():
            raise DemoRefusedError("The database already holds persons; the demo loads only into an empty database.")
        taken = User.objects.filter(username__in=[r.value for r in USERS]).values_list("username", flat=True)
        if taken:
            raise DemoRefusedError(f"Demo usernames already exist: {', '.join(sorted(taken))}.")
        with transaction.atomic():
            self._setup()
            advance()
            self.actor = Actor.system("zhusan demo", user=self.users[Role.CASE_MANAGER])
            for planned in self.plan.persons:
                self._person(planned)
                advance()
            for carer, children in self.plan.families:
                self._household(carer, children)
                advance()
            for man in self.spouses:
                assert man.spouse is not None
                services.relationship_add(
                    actor=self.actor, from_person=self.created[man], to_person=self.created[man.spouse],
                    kind="spouse", established_by=EstablishedBy.DECLARED, established_on=man.interview_on,
                )  # fmt: skip
                advance()
            _analyze()
            OperationWriter(
                plan=self.plan, created=self.created, users=self.users, units=self.units, sites=self.sites, at=_at
            ).run()
            TracingWriter(
                plan=self.plan, created=self.created, users=self.users, units=self.units, sites=self.sites,
                seed=self.seed,
            ).run()  # fmt: skip
            advance()
            _analyze()
            for writer in AFTER_ARRIVAL:
                writer(
                    plan=self.plan, created=self.created, users=self.users, units=self.units, seed=self.seed
                ).run()  # fmt: skip
                advance()
            self._narrow_assignments()
            _analyze()
        logins = [(u.username, Role(role).label, u.unit.organisation.name) for role, u in self.users.items()]  # type: ignore[union-attr]  # every demo user has a unit
        return DemoResult(logins=[(a, str(b), c) for a, b, c in logins], persons=len(self.created), table=demo_table())

    # --- Organisations, users, places ---------------------------------------------

    def _setup(self) -> None:
        for key, (org_name, kind, unit_name, region) in UNITS.items():
            org, _ = Organisation.objects.get_or_create(name=org_name, defaults={"kind": kind, "country": HOME_COUNTRY})
            self.units[key], _ = Unit.objects.get_or_create(
                organisation=org, name=unit_name, defaults={"region": region}
            )
        for role, unit_key in USERS.items():
            unit = self.units[unit_key]
            user = User(username=role.value, unit=unit, first_name="Demo", last_name=str(role.label))
            user.set_password(DEMO_PASSWORD)
            user.save()
            RoleGrant.objects.create(user=user, role=role, organisation=unit.organisation, unit=unit)
            TOTPDevice.objects.create(user=user, name="demo authenticator", key=DEMO_TOTP_HEX, confirmed=True)
            self.users[role] = user
        for key, (name, kind, country, region) in SITES.items():
            self.sites[key], _ = Site.objects.get_or_create(
                name=name, defaults={"kind": kind, "country": country, "region": region}
            )
        DatasetMarker.objects.create(is_synthetic=True, description=MARKER_DESCRIPTION)

    # --- Persons ---------------------------------------------------------------------

    def _unit_for(self, planned: Planned) -> Unit:
        return self.units[planned.unit]

    def _person(self, planned: Planned) -> None:
        subject = planned.is_subject
        data = services.PersonInput(
            sex=planned.sex,
            lawful_basis=LawfulBasis.PUBLIC_INTEREST if subject else LawfulBasis.CONSENT,
            managing_unit=self._unit_for(planned),
            record_type=RecordType.SUBJECT if subject else RecordType.RELATIVE,
            stage=Stage.IDENTIFIED if subject else None,
            names=[services.NameInput(**vars(n)) for n in planned.names],
            vulnerabilities=list(planned.vulnerabilities),
            nationalities=[(HOME_COUNTRY, "claimed")],
            languages=planned.languages,
            country_of_birth="SY" if "ar" in planned.languages else HOME_COUNTRY,
            **planned.birth,
        )
        person = services.person_create(actor=self.actor, data=data)
        self.created[planned] = person
        if not subject:
            self._stay(person, kind=SiteKind.HOME, address=planned.address, started_on=date(2005, 1, 1))
            self._consent(person, planned, [ConsentPurpose.TRACING, ConsentPurpose.SHARE_FAMILY])
            return
        self._stays(planned, person)
        self._kinship(planned, person)
        purposes = [ConsentPurpose.RETURN, ConsentPurpose.SERVICES, ConsentPurpose.STATISTICS, ConsentPurpose.TRACING]
        self._consent(person, planned, purposes)
        self._stages(planned, person)

    def _stay(self, person: Person, **values: Any) -> None:
        services.stay_add(actor=self.actor, person=person, **values)

    def _stays(self, planned: Planned, person: Person) -> None:
        site = self.sites[planned.site]
        left_on = planned.flight if planned.operation else None
        self._stay(person, kind=site.kind, site=site, section=planned.section, started_on=planned.abroad_from,
                   ended_on=left_on)  # fmt: skip
        if left_on is None:
            return
        stages = dict(planned.path)
        if Stage.IN_CUSTODY in stages:
            self._stay(person, kind=SiteKind.DETENTION, address="Pre-trial detention facility (invented)",
                       started_on=left_on)  # fmt: skip
            return
        discharged = stages.get(Stage.REINTEGRATING)
        centre = self.sites["centre"]
        self._stay(person, kind=centre.kind, site=centre, section="Residential block A", started_on=left_on,
                   ended_on=discharged)  # fmt: skip
        if discharged:
            self._stay(person, kind=SiteKind.HOME, address=planned.address, started_on=discharged)

    def _kinship(self, planned: Planned, person: Person) -> None:
        verified_on = dict(planned.path).get(Stage.VERIFIED, planned.interview_on)
        if (
            planned.role in ("man", "woman", "waiting")
            and planned.mother is None
            and verified_on != planned.interview_on
        ):
            services.evidence_add(
                actor=self.actor, person=person, topic=EvidenceTopic.NATIONALITY,
                method=EvidenceMethod.CONSULAR_INTERVIEW, outcome=EvidenceOutcome.CONFIRMED,
                decision="accepted", decided_on=verified_on,
            )  # fmt: skip
        links = []
        if planned.mother is not None:
            links.append((planned.mother, "mother", planned.dna_reference if planned.guardian is None else ""))
        if planned.guardian is not None:
            links.append((planned.guardian, planned.guardian_kind, planned.dna_reference))
        for relative, kind, reference in links:
            by_dna = bool(reference)
            services.relationship_add(
                actor=self.actor, from_person=self.created[relative], to_person=person, kind=kind,
                established_by=EstablishedBy.DNA_KINSHIP if by_dna else EstablishedBy.DECLARED,
                reference=reference, established_on=verified_on,
            )  # fmt: skip
            if by_dna:
                services.evidence_add(
                    actor=self.actor, person=person, topic=EvidenceTopic.KINSHIP, method=EvidenceMethod.DNA_KINSHIP,
                    outcome=EvidenceOutcome.CONFIRMED, matched_relative=self.created[relative], reference=reference,
                    decision="accepted", decided_on=verified_on,
                )  # fmt: skip

    def _consent(self, person: Person, planned: Planned, purposes: Sequence[str]) -> None:
        giver, giver_person = ConsentGiver.SELF, None
        if planned.role in ("child", "waiting") and planned.mother is not None:
            giver, giver_person = ConsentGiver.PARENT, self.created[planned.mother]
        elif planned.guardian is not None:
            giver, giver_person = ConsentGiver.GUARDIAN, self.created[planned.guardian]
        if giver == ConsentGiver.SELF and person.is_child():
            giver = ConsentGiver.AUTHORITY
        given_on = planned.interview_on
        for purpose in purposes:
            services.consent_record(
                actor=self.actor, person=person, purpose=purpose, status=ConsentStatus.GRANTED, given_by=giver,
                given_by_person=giver_person, given_on=given_on,
            )  # fmt: skip
        old_enough = planned.flight and (person.age(planned.flight) or 0) >= 7
        if planned.role == "child" and old_enough and person.is_child():
            services.assent_record(
                actor=self.actor, person=person, purpose=ConsentPurpose.RETURN, assent="agrees",
                views=ASSENT_VIEWS[len(self.created) % len(ASSENT_VIEWS)], recorded_on=planned.flight,
            )  # fmt: skip

    def _stages(self, planned: Planned, person: Person) -> None:
        history: list[tuple[str, date]] = [(Stage.IDENTIFIED.value, planned.interview_on or date(2019, 1, 1))]
        for stage, _day in planned.path:
            reason = demo_reason(planned.operation or "") if stage == Stage.REPATRIATED else STAGE_REASONS[Stage(stage)]
            services.stage_change(
                actor=self.actor, person=person, to_stage=stage, reason=reason, expected_version=person.version
            )
        history += planned.path
        # The story's dates, not the loading time, on the timeline.
        for stage, day in history:
            TimelineEntry.objects.filter(person=person, to_stage=stage).update(at=_at(day))
        Person.objects.filter(pk=person.pk).update(stage_changed_at=_at(history[-1][1]))

    def _household(self, carer: Planned, children: list[Planned]) -> None:
        head = self.created[carer]
        family_name = next((n.family for n in carer.names if n.is_primary), "") or head.case_number
        members: list[tuple[Person, str]] = [(head, HouseholdRole.HEAD.value)]
        members += [(self.created[c], HouseholdRole.CHILD.value) for c in children]
        services.household_create(actor=self.actor, label=f"{family_name} household", members=members)

    def _narrow_assignments(self) -> None:
        """The case manager registered everyone; afterwards she keeps a few
        families, and colleagues see the rest through their unit."""
        manager = self.users[Role.CASE_MANAGER]
        keep: set[int] = set()
        kept_families = 0
        for carer, children in self.plan.families:
            if carer.operation == "Zhusan-2" and carer.stage == Stage.REINTEGRATING and kept_families < 2:
                keep |= {self.created[p].pk for p in [carer, *children]}
                kept_families += 1
        rusafa = next(c for c, kids in self.plan.families if kids and kids[0].operation == "Rusafa")
        keep |= {self.created[p].pk for p in [rusafa, *dict(self.plan.families)[rusafa]]}
        ending = CaseAssignment.objects.filter(user=manager, ended_at__isnull=True).exclude(person_id__in=keep)
        refs = list(ending.values_list("person__uuid", flat=True))
        for ref in refs:
            record(self.actor, Action.UPDATE, object_type=ObjectType.ASSIGNMENT, object_ref=manager.uuid, person_ref=ref,
                   changes=diff({"assigned": manager.get_username()}, {}))  # fmt: skip
        ending.update(ended_at=timezone.now())


def load_demo(seed: int = DEFAULT_SEED, advance: Callable[[], None] = lambda: None) -> DemoResult:
    return DemoLoader(seed).run(advance)


# --- Reading it back ---------------------------------------------------------------

AGE_GROUPS = (("aged_under_1", 0, 0), ("aged_1_3", 1, 3), ("aged_4_5", 4, 5), ("aged_6_9", 6, 9),
              ("aged_10_13", 10, 13), ("aged_14_17", 14, 17))  # fmt: skip
COLUMNS = ("total", "men", "women", "children", "orphans", "girls", "boys", *(g[0] for g in AGE_GROUPS))
SUMMARIES = {"after three phases": ("Zhusan-1", "Zhusan-2", "Zhusan-3"),
             "2019 total": ("Zhusan-1", "Zhusan-2", "Zhusan-3", "Zhusan-4")}  # fmt: skip


def demo_table() -> dict[str, dict[str, int]]:
    """Figures per operation counted from the records: who returned with
    which operation (arrived manifest entry), when (end of the stay abroad,
    else the arrival), sex, age on that day (uncertain birth interval) and
    the orphan vulnerability."""
    operation_by_person: dict[int, str] = {}
    returned_at: dict[int, date] = {}
    entries = (
        ManifestEntry.objects.filter(status=EntryStatus.ARRIVED, person__record_type=RecordType.SUBJECT)
        .order_by("-arrived_at", "-pk")
        .values_list("person_id", "movement__operation__code", "arrived_at")
    )
    for person_id, code, at in entries:  # latest first, so the first arrival wins
        operation_by_person[person_id] = code
        if at is not None:
            returned_at[person_id] = timezone.localtime(at).date()
    left_abroad = dict(
        LocationStay.objects.filter(person_id__in=operation_by_person, ended_on__isnull=False, site__isnull=False)
        .exclude(site__country=HOME_COUNTRY)
        .values("person_id")
        .annotate(last=Max("ended_on"))
        .values_list("person_id", "last")
    )
    orphans = set(
        PersonVulnerability.objects.filter(person_id__in=operation_by_person, kind="orphan").values_list(
            "person_id", flat=True
        )
    )
    known = [spec.name for spec in OPERATIONS]
    names = known + sorted(set(operation_by_person.values()) - set(known))
    table = {name: dict.fromkeys(COLUMNS, 0) for name in names if name in operation_by_person.values()}
    persons = Person.objects.filter(pk__in=operation_by_person).values_list(
        "pk", "sex", "birth_date_low", "birth_date_high"
    )
    for pk, sex, low, high in persons:
        row = table[operation_by_person[pk]]
        on = left_abroad.get(pk) or returned_at.get(pk) or timezone.localdate()
        age = best_age(low, high, on)
        row["total"] += 1
        if age is not None and age < 18:
            row["children"] += 1
            row["girls" if sex == "female" else "boys"] += 1
            row["orphans"] += pk in orphans
            for group, youngest, oldest in AGE_GROUPS:
                row[group] += youngest <= age <= oldest
        else:
            row["men" if sex == "male" else "women"] += 1
    for summary, parts in SUMMARIES.items():
        if all(part in table for part in parts):
            table[summary] = {col: sum(table[part][col] for part in parts) for col in COLUMNS}
    return table
