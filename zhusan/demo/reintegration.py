"""Reintegration in the demo: where every returned child lives, their school
and their birth certificate, written through reintegration's services.

Every child of the plan who came home (a "reintegrating" date on their path)
is placed the day of discharge, after a home visit and a best-interests
assessment: with their mother; orphans (and Rusafa's children, whose mothers
stay in prison) with the relative at home who asked for them, under a
guardianship order; children whose mother was detained on arrival with a
grandmother registered here, under a temporary order. Reviews follow the
schedule, and a few are overdue; a child who has come of age leaves the
placement at eighteen. Children of kindergarten age go to kindergarten,
then school at seven; school-age children to school; leavers finish at
eighteen. Camp-born children get their birth certificate through a court
decision resting on the DNA kinship outcome (recent cases still pending).

Seeded: ``random.Random(seed * 7919 + 12)``. No stage changes: the plan
already gives every person the stage of the story. The writer must run while
the demo's case manager is still assigned to everyone (before the loader
narrows the assignments), as every demo writer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from django.utils import timezone

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import (
    AssentChoice,
    EvidenceTopic,
    LawfulBasis,
    NameKind,
    Person,
    RecordType,
    Script,
    Stage,
)
from zhusan.reintegration import services
from zhusan.reintegration.models import EducationLevel, PlacementKind, SchoolLanguage

from .plan import Plan, Planned

GRANDMOTHERS = ("Гүлнар", "Сәуле", "Раушан", "Бақыт", "Күләш", "Зәуре")
SCHOOLS = {
    "Mangystau": ("Aktau school of microdistrict Nursat", "Aktau gymnasium of microdistrict Samal"),
    "Almaty": ("Almaty school of Auezov district", "Kaskelen secondary school"),
    "Shymkent": ("Shymkent school of Abay district", "Shymkent gymnasium of Nursat"),
}
KINDERGARTENS = ("Kindergarten Balapan", "Kindergarten Aigolek", "Kindergarten Baldauren")
COURTS = {"Mangystau": "Aktau city court", "Almaty": "Almaty district court", "Shymkent": "Shymkent city court"}
SUPPORT = ("Aigerim Sadykova, +7 701 555 0141", "Dana Omarova, +7 702 555 0172", "Marat Zhunusov, +7 705 555 0193")
REVIEW_MONTHS = 6
OVERDUE_SHARE = 0.08


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _september(year: int) -> date:
    return date(year, 9, 1)


@dataclass
class ReintegrationWriter:
    plan: Plan
    created: dict[Planned, Person]
    users: dict[Role, User]
    units: dict[str, Unit]
    seed: int
    today: date | None = None

    def run(self) -> None:
        self.rng = Random(self.seed * 7919 + 12)  # noqa: S311 - a reproducible synthetic dataset, not a secret
        self.day = self.today or timezone.localdate()
        self.actor = Actor.system("zhusan demo", user=self.users[Role.CASE_MANAGER])
        self.lawyer = self.users.get(Role.LAWYER)
        self.grandmothers: dict[Planned, Person] = {}
        for planned in self.plan.persons:
            home_on = dict(planned.path).get(Stage.REINTEGRATING.value)
            if planned.role != "child" or home_on is None or home_on > self.day:
                continue
            child = self.created[planned]
            self._place(planned, child, home_on)
            self._school(planned, child, home_on)
            if "ar" in planned.languages:  # born in the camps
                self._birth_certificate(planned, child, home_on)

    # --- Placement -------------------------------------------------------------------

    def _carer(self, planned: Planned, child: Person) -> tuple[Person, str, str, bool]:
        """The carer, their relation, the kind of care, and whether a guardianship order is made."""
        if planned.guardian is not None:
            return self.created[planned.guardian], planned.guardian_kind, PlacementKind.RELATIVES, True
        mother = planned.mother
        assert mother is not None
        if mother.stage != Stage.IN_CUSTODY.value:
            return self.created[mother], "mother", PlacementKind.PARENT, False
        return self._grandmother(mother, child), "grandparent", PlacementKind.RELATIVES, True

    def _grandmother(self, mother: Planned, child: Person) -> Person:
        """A grandmother at home for the children of a mother detained on arrival."""
        granny = self.grandmothers.get(mother)
        if granny is None:
            family = next((n.family for n in mother.names if n.is_primary and n.script == Script.CYRILLIC), "")
            granny = registry.person_create(
                actor=self.actor,
                data=registry.PersonInput(
                    sex="female", lawful_basis=LawfulBasis.CONSENT, managing_unit=child.managing_unit,
                    record_type=RecordType.RELATIVE, stage=None, birth_precision="year",
                    birth_year=(mother.flight or self.day).year - self.rng.randint(52, 66),
                    names=[registry.NameInput(script=Script.CYRILLIC, kind=NameKind.LEGAL,
                                              given=self.rng.choice(GRANDMOTHERS), family=family or "Нурланова",
                                              is_primary=True)],
                ),
            )  # fmt: skip
            self.grandmothers[mother] = granny
        registry.relationship_add(
            actor=self.actor, from_person=granny, to_person=child, kind="grandparent", established_by="declared"
        )
        return granny

    def _place(self, planned: Planned, child: Person, home_on: date) -> None:
        carer, relation, kind, order = self._carer(planned, child)
        visit_on = max(home_on - timedelta(days=self.rng.randint(5, 20)), child.birth_date_high or home_on)
        services.home_visit_record(
            actor=self.actor, person=child, carer=carer, visited_on=visit_on,
            outcome="suitable" if self.rng.random() < 0.8 else "with_support",
        )  # fmt: skip
        age = child.age(home_on) or 0
        views = "Wants to live with the family and go to school." if age >= 7 else ""
        guardianship = None
        if order:
            issued = min(home_on + timedelta(days=self.rng.randint(10, 40)), self.day)
            review = _add_years(issued, 1)
            while review <= self.day:
                review = _add_years(review, 1)
            guardianship = services.GuardianshipInput(
                authority=f"Guardianship authority of {child.managing_unit.region or 'Mangystau'} region",
                reference=f"GO-{issued.year}-{child.case_number}", issued_on=issued, next_review_on=review,
            )  # fmt: skip
        placement = services.placement_create(
            actor=self.actor,
            person=child,
            data=services.PlacementInput(
                kind=kind, carer=carer, carer_relation=relation, started_on=home_on,
                next_review_on=home_on + timedelta(days=30 * REVIEW_MONTHS),
                childs_assent=AssentChoice.AGREES if age >= 7 else AssentChoice.NOT_ABLE, childs_views=views,
            ),
            best_interests=services.BestInterestsInput(
                assessed_on=home_on - timedelta(days=2) if home_on - timedelta(days=2) >= visit_on else home_on,
                recommendation="Family-based care with the relatives who asked for the child; "
                "the social worker visits after one month and at each review.",
                childs_views=views, views_not_sought_reason="" if views else "Too young to give a view.",
            ),
            guardianship=guardianship,
        )  # fmt: skip
        adult_on = _add_years(child.birth_date_mid, 18) if child.birth_date_mid else None
        if adult_on is not None and adult_on <= self.day:
            services.placement_end(
                actor=self.actor, placement=placement, ended_on=max(adult_on, home_on), reason="adulthood",
                expected_version=placement.version,
            )  # fmt: skip
            return
        # The latest scheduled review; a few are late (the next one is past).
        last = self.day - timedelta(days=self.rng.randint(20, 170))
        if self.rng.random() < OVERDUE_SHARE:
            last = self.day - timedelta(days=30 * REVIEW_MONTHS + self.rng.randint(10, 90))
        if last <= home_on:
            return
        services.placement_review_record(
            actor=self.actor, placement=placement, reviewed_on=last, outcome="continue",
            next_review_on=last + timedelta(days=30 * REVIEW_MONTHS), expected_version=placement.version,
        )  # fmt: skip

    # --- School ----------------------------------------------------------------------

    def _enrol(self, child: Person, level: str, school: str, on: date, grade: int | None) -> None:
        services.enrolment_create(
            actor=self.actor, person=child,
            data=services.EnrolmentInput(
                level=level, school=school, started_on=on, grade=grade, support_contact=self.rng.choice(SUPPORT),
                school_language=SchoolLanguage.KAZAKH if self.rng.random() < 0.6 else SchoolLanguage.RUSSIAN,
                catch_up_support=level == EducationLevel.SCHOOL and self.rng.random() < 0.4,
            ),
        )  # fmt: skip

    def _school(self, planned: Planned, child: Person, home_on: date) -> None:
        born = child.birth_date_mid
        if born is None:
            return
        region = child.managing_unit.region if child.managing_unit.region in SCHOOLS else "Mangystau"
        seven = _september(born.year + 7)
        three = _add_years(born, 3)
        start = home_on + timedelta(days=self.rng.randint(14, 45))
        if start < seven:
            kinder_on = max(start, three)
            if kinder_on <= self.day:
                self._enrol(child, EducationLevel.KINDERGARTEN, self.rng.choice(KINDERGARTENS), kinder_on, None)
            school_on = seven
        else:
            school_on = start
        if school_on > self.day:
            return
        grade = max(1, min(11, (child.age(school_on) or 7) - 6))
        self._enrol(child, EducationLevel.SCHOOL, self.rng.choice(SCHOOLS[region]), school_on, grade)
        leaves = _add_years(born, 18)
        if leaves <= self.day:
            enrolment = child.enrolments.get(ended_on__isnull=True)
            services.enrolment_end(
                actor=self.actor, enrolment=enrolment, ended_on=max(leaves, school_on), reason="finished",
                expected_version=enrolment.version,
            )  # fmt: skip

    # --- Birth certificate ---------------------------------------------------------------

    def _birth_certificate(self, planned: Planned, child: Person, home_on: date) -> None:
        region = child.managing_unit.region if child.managing_unit.region in COURTS else "Mangystau"
        started = home_on + timedelta(days=self.rng.randint(10, 30))
        if started > self.day:
            return
        evidence = list(child.evidence.filter(topic=EvidenceTopic.KINSHIP, outcome="confirmed"))
        pathway = services.pathway_create(
            actor=self.actor, person=child, document_type="birth_certificate", started_on=started, status="in_court",
            evidence=evidence, court=COURTS[region], court_case_number=f"2-{started.year}-{child.case_number}",
            issuing_authority=f"Civil registry office, {region}", lawyer=self.lawyer,
        )  # fmt: skip
        hearing = started + timedelta(days=self.rng.randint(25, 60))
        services.hearing_add(actor=self.actor, pathway=pathway, held_on=min(hearing, self.day))
        pending = started > self.day - timedelta(days=150) or self.rng.random() < 0.06 or not evidence
        if pending:
            return
        decided = hearing + timedelta(days=self.rng.randint(7, 30))
        services.pathway_update(
            actor=self.actor, pathway=pathway, expected_version=pathway.version, court_decision="granted",
            court_decision_on=decided, status="applied", applied_on=decided + timedelta(days=5),
        )  # fmt: skip
        services.pathway_update(
            actor=self.actor, pathway=pathway, expected_version=pathway.version, status="issued",
            issued_on=decided + timedelta(days=self.rng.randint(15, 40)),
            document_number=f"I-{region[:2].upper()} {self.rng.randint(100000, 999999)}",
        )  # fmt: skip
