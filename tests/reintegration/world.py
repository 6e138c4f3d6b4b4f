"""Building blocks shared by reintegration's tests, the merge builders and
the permission probe: an orphan and her grandmother related through family
tracing, a home visit, a best-interests assessment, a placement, a pathway,
a claim and an enrolment, each written through the services."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import AssentChoice, Person, RecordType
from zhusan.reintegration import services
from zhusan.reintegration.models import (
    BenefitClaim,
    DocumentPathway,
    EducationLevel,
    Enrolment,
    Placement,
    PlacementKind,
    SchoolLanguage,
)

from ..factories import make_person


def today() -> date:
    return timezone.localdate()


def grandmother_of(actor: Actor, child: Person, *, given: str = "Gulnar") -> Person:
    """A relative at home, recorded as the child's grandmother."""
    assert actor.user is not None
    granny = make_person(
        actor.user, given=given, family="Nurlanova", birth_year=today().year - 62, record_type=RecordType.RELATIVE,
        unit=child.managing_unit,
    )  # fmt: skip
    registry.relationship_add(
        actor=actor, from_person=granny, to_person=child, kind="grandparent", established_by="dna_kinship"
    )
    return granny


def bia(on: date | None = None) -> services.BestInterestsInput:
    return services.BestInterestsInput(
        assessed_on=on or today(),
        recommendation="Live with the grandmother, who raised her mother; regular visits by the social worker.",
        childs_views="Wants to live with her grandmother and go to school.",
        reference="BIA-MNG",
    )


def place(
    actor: Actor,
    child: Person,
    carer: Person,
    *,
    on: date | None = None,
    guardianship: bool = False,
    review_in_days: int = 90,
) -> Placement:
    day = on or today()
    services.home_visit_record(actor=actor, person=child, carer=carer, visited_on=day, outcome="suitable")
    order = (
        services.GuardianshipInput(
            authority="Aktau city guardianship authority",
            reference="GO-MNG",
            issued_on=day,
            next_review_on=day + timedelta(days=365),
        )  # fmt: skip
        if guardianship
        else None
    )
    return services.placement_create(
        actor=actor,
        person=child,
        data=services.PlacementInput(
            kind=PlacementKind.RELATIVES,
            carer=carer,
            carer_relation="grandparent",
            started_on=day,
            next_review_on=day + timedelta(days=review_in_days),
            childs_assent=AssentChoice.AGREES,
        ),
        best_interests=bia(day),
        guardianship=order,
    )


def pathway(actor: Actor, person: Person) -> DocumentPathway:
    return services.pathway_create(
        actor=actor, person=person, document_type="birth_certificate", started_on=today(), status="in_court",
        court="Aktau city court", court_case_number="CC-MNG",
    )  # fmt: skip


def claim(actor: Actor, person: Person) -> BenefitClaim:
    return services.benefit_claim_create(
        actor=actor, person=person, kind="breadwinner_loss", status="submitted", submitted_on=today()
    )


def enrol(actor: Actor, person: Person, *, school: str = "School of Aktau, microdistrict Nursat") -> Enrolment:
    return services.enrolment_create(
        actor=actor,
        person=person,
        data=services.EnrolmentInput(
            level=EducationLevel.SCHOOL,
            school=school,
            school_language=SchoolLanguage.RUSSIAN,
            grade=3,
            started_on=today(),
            support_contact="Aigerim Sadykova, +7 701 000 0000",
        ),  # fmt: skip
    )
