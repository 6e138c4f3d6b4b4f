"""Every write of reintegration: keyword-only, typed, atomic, audited.

Each action checks that the actor may write the record's compartment of the
person (``registry.access.require_write``: refused and audited otherwise),
validates with a clear message per field (``ValidationError``, nothing
written), writes, and records its audit event in the same transaction.

The best-interests gate: a child's placement, change of placement or
separation from a carer is saved only with a recorded best-interests
assessment for that decision; the caller either passes one to record in the
same transaction (``BestInterestsInput``) or one was recorded recently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import Action, object_type_of
from zhusan.audit.services import Actor, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.registry import services as registry
from zhusan.registry.access import require_write
from zhusan.registry.models import (
    AssentChoice,
    BestInterestsAssessment,
    BestInterestsPurpose,
    DocumentStatus,
    DocumentType,
    IdentityEvidence,
    Person,
    RelationKind,
    SiteKind,
)
from zhusan.registry.selectors import best_interests_for

from .models import (
    COMPARTMENT,
    FAMILY_BASED,
    Attendance,
    BenefitClaim,
    BenefitKind,
    ClaimStatus,
    CourtDecision,
    CourtHearing,
    DocumentPathway,
    DocumentPathwayEvidence,
    EducationLevel,
    EducationReview,
    Enrolment,
    EnrolmentEnd,
    GuardianshipOrder,
    HomeVisit,
    PathwayDocument,
    PathwayStatus,
    Placement,
    PlacementEnd,
    PlacementKind,
    PlacementReview,
    Progress,
    ReviewOutcome,
    SchoolLanguage,
    VisitOutcome,
)

# A best-interests assessment recorded this many days before a decision still counts for it.
BEST_INTERESTS_VALID_DAYS = 90
# The registry's document a pathway yields when it is issued.
REGISTRY_DOCUMENT = {
    PathwayDocument.BIRTH_CERTIFICATE: DocumentType.BIRTH_CERTIFICATE,
    PathwayDocument.IDENTITY_CARD: DocumentType.IDENTITY_CARD,
    PathwayDocument.PASSPORT: DocumentType.PASSPORT,
    PathwayDocument.CITIZENSHIP: DocumentType.OTHER,
}


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied(_("An authenticated user is required."))
    return actor.user


def _audit(actor: Actor, action: Action, obj: Model, person: Person, changes: dict[str, Any], **kw: Any) -> None:
    record(
        actor,
        action,
        object_type=object_type_of(obj),
        object_ref=getattr(obj, "uuid", obj.pk),
        person_ref=person.uuid,
        changes=changes,
        **kw,
    )


def _create(actor: Actor, person: Person, obj: Model, fields: list[str], *, sensitive: Iterable[str] = ()) -> None:
    obj.full_clean()
    obj.save()
    _audit(actor, Action.CREATE, obj, person, diff({}, model_to_dict(obj, fields=fields), sensitive=sensitive))


def _update(
    actor: Actor,
    obj: Any,
    person: Person,
    values: dict[str, Any],
    *,
    expected_version: int,
    sensitive: Iterable[str] = (),
) -> None:
    before = model_to_dict(obj, fields=list(values))
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean()
    save_versioned(obj, expected_version=expected_version, fields=list(values))
    after = model_to_dict(obj, fields=list(values))
    _audit(actor, Action.UPDATE, obj, person, diff(before, after, sensitive=sensitive), detail={"version": obj.version})


def _date_checks(errors: dict[str, str], person: Person, **dates: date | None) -> None:
    """No date in the future, none before the person was born."""
    today = timezone.localdate()
    for name, day in dates.items():
        if day is None or name in errors:
            continue
        if day > today:
            errors[name] = _("This date is in the future.")
        elif person.birth_date_high and day < person.birth_date_high:
            errors[name] = _("This date is before the child's birth.")


# --- Best interests -------------------------------------------------------------------


@dataclass(frozen=True)
class BestInterestsInput:
    """A best-interests assessment recorded together with the decision it supports."""

    assessed_on: date
    recommendation: str
    childs_views: str = ""
    views_not_sought_reason: str = ""
    reference: str = ""


def _best_interests(
    actor: Actor, person: Person, purpose: BestInterestsPurpose, on: date, given: BestInterestsInput | None
) -> BestInterestsAssessment:
    """The assessment the decision rests on: the one given, recorded now, or
    one recorded for the same purpose shortly before; refused otherwise."""
    if given is None:
        found = best_interests_for(person, (purpose.value,), since=on - timedelta(days=BEST_INTERESTS_VALID_DAYS))
        if found is None:
            raise ValidationError(
                {
                    "best_interests": _(
                        "A best-interests assessment of the child for this decision (%(purpose)s) is required "
                        "before it can be saved: record it with the decision."
                    )
                    % {"purpose": purpose.label}
                }
            )
        return found
    try:
        return registry.best_interests_record(
            actor=actor,
            person=person,
            purpose=purpose.value,
            assessed_on=given.assessed_on,
            recommendation=given.recommendation,
            childs_views=given.childs_views,
            views_not_sought_reason=given.views_not_sought_reason,
            reference=given.reference,
        )
    except ValidationError as exc:
        # Named as the decision's form names them ("bi_" + the assessment's field).
        raise ValidationError({f"bi_{k}": v for k, v in exc.message_dict.items()}) from exc


# --- Placement and guardianship -------------------------------------------------------


@write_action
def home_visit_record(
    *, actor: Actor, person: Person, carer: Person, visited_on: date, outcome: str, notes: str = ""
) -> HomeVisit:
    """A home-visit assessment of the household a child may be placed in."""
    require_write(actor, person, Compartment.FAMILY)
    errors: dict[str, str] = {}
    if carer.pk == person.pk:
        errors["carer"] = _("The carer cannot be the child.")
    if outcome not in VisitOutcome.values:
        errors["outcome"] = _("Choose the outcome of the visit.")
    _date_checks(errors, person, visited_on=visited_on)
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit(
        person=person, carer=carer, visited_on=visited_on, visitor=_user(actor), outcome=outcome, notes=notes.strip()
    )
    _create(actor, person, visit, ["carer", "visited_on", "outcome", "notes"], sensitive=("notes",))
    return visit


@dataclass(frozen=True)
class GuardianshipInput:
    authority: str
    reference: str
    issued_on: date
    next_review_on: date


@dataclass(frozen=True)
class PlacementInput:
    kind: str
    started_on: date
    next_review_on: date
    childs_assent: str
    carer: Person | None = None
    carer_relation: str = ""
    childs_views: str = ""
    address: str = ""
    institution_name: str = ""
    institution_justification: str = ""
    case_conference_reference: str = ""


def open_placement(person: Person) -> Placement | None:
    return Placement.objects.filter(person=person, ended_on__isnull=True).first()


def _placement_errors(person: Person, data: PlacementInput, current: Placement | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not person.is_child(data.started_on):
        errors["person"] = _("A placement is recorded for a child; this person is an adult.")
    if data.kind not in PlacementKind.values:
        errors["kind"] = _("Choose the kind of care.")
    elif data.kind in FAMILY_BASED:
        if data.carer is None:
            errors["carer"] = _("Name the carer the child will live with.")
        elif data.carer.pk == person.pk:
            errors["carer"] = _("The carer cannot be the child.")
        elif not _visited(person, data.carer, data.started_on):
            errors["carer"] = _(
                "Record a home visit to this carer's household that found it suitable before placing the child."
            )
        if data.carer_relation and data.carer_relation not in RelationKind.values:
            errors["carer_relation"] = _("Choose the carer's relation to the child.")
    else:
        # Family-based care is the default: an institution is the exception, justified and decided.
        if not data.institution_name.strip():
            errors["institution_name"] = _("Name the institution.")
        if not data.institution_justification.strip():
            errors["institution_justification"] = _(
                "Family-based care is the default: write why no family placement is possible."
            )
        if not data.case_conference_reference.strip():
            errors["case_conference_reference"] = _(
                "A placement in an institution needs a case-conference decision: give its reference."
            )
    if data.childs_assent not in AssentChoice.values:
        errors["childs_assent"] = _("Record the child's assent (or that the child is too young to give it).")
    _date_checks(errors, person, started_on=data.started_on)
    if data.next_review_on <= data.started_on:
        errors["next_review_on"] = _("The next review comes after the start of the placement.")
    if current is not None and data.started_on < current.started_on:
        errors["started_on"] = _("The new placement cannot start before the current one (from %(day)s).") % {
            "day": current.started_on.isoformat()
        }
    return errors


def _visited(person: Person, carer: Person, on: date) -> bool:
    visit = HomeVisit.objects.filter(person=person, carer=carer, visited_on__lte=on).order_by("-visited_on").first()
    return visit is not None and visit.outcome != VisitOutcome.NOT_SUITABLE


def _guardianship_errors(person: Person, data: PlacementInput, order: GuardianshipInput | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if order is None:
        return errors
    if data.carer is None:
        errors["carer"] = _("A guardianship order names the carer: choose the carer.")
    if not order.authority.strip():
        errors["guardianship_authority"] = _("Name the guardianship authority.")
    if not order.reference.strip():
        errors["guardianship_reference"] = _("Give the order's reference.")
    today = timezone.localdate()
    if order.issued_on > today:
        errors["guardianship_issued_on"] = _("This date is in the future.")
    if order.next_review_on <= order.issued_on:
        errors["guardianship_next_review_on"] = _("The review comes after the order.")
    return errors


@write_action
def placement_create(
    *,
    actor: Actor,
    person: Person,
    data: PlacementInput,
    best_interests: BestInterestsInput | None = None,
    guardianship: GuardianshipInput | None = None,
) -> Placement:
    """Place a child (or change the child's placement: the current one ends
    the day the new one starts). Refused without a best-interests assessment
    for the decision, without a suitable home visit for a family placement,
    and for an institution without a justification and a case-conference
    decision."""
    require_write(actor, person, Compartment.FAMILY)
    if data.address.strip():
        require_write(actor, person, Compartment.CONTACT_LOCATION)
    current = open_placement(person)
    errors = _placement_errors(person, data, current) | _guardianship_errors(person, data, guardianship)
    if errors:
        raise ValidationError(errors)
    purpose = BestInterestsPurpose.CHANGE_OF_PLACEMENT if current else BestInterestsPurpose.PLACEMENT
    assessment = _best_interests(actor, person, purpose, data.started_on, best_interests)
    if current is not None:
        _update(
            actor,
            current,
            person,
            {"ended_on": data.started_on, "end_reason": PlacementEnd.CHANGE},
            expected_version=current.version,
        )
    stay = None
    if data.address.strip():
        stay = registry.stay_add(
            actor=actor, person=person, kind=SiteKind.HOME, address=data.address.strip(), started_on=data.started_on
        )
    family = data.kind in FAMILY_BASED
    placement = Placement(
        person=person,
        kind=data.kind,
        carer=data.carer if family else None,
        carer_relation=data.carer_relation if family else "",
        institution_name="" if family else data.institution_name.strip(),
        institution_justification="" if family else data.institution_justification.strip(),
        case_conference_reference="" if family else data.case_conference_reference.strip(),
        stay=stay,
        best_interests=assessment,
        childs_assent=data.childs_assent,
        childs_views=data.childs_views.strip(),
        started_on=data.started_on,
        next_review_on=data.next_review_on,
        recorded_by=_user(actor),
    )
    fields = [
        "kind", "carer", "carer_relation", "institution_name", "institution_justification",
        "case_conference_reference", "best_interests", "childs_assent", "childs_views", "started_on",
        "next_review_on",
    ]  # fmt: skip
    _create(actor, person, placement, fields, sensitive=("childs_views", "institution_justification"))
    if guardianship is not None and data.carer is not None:
        order = GuardianshipOrder(
            person=person,
            guardian=data.carer,
            authority=guardianship.authority.strip(),
            reference=guardianship.reference.strip(),
            issued_on=guardianship.issued_on,
            next_review_on=guardianship.next_review_on,
        )
        _create(actor, person, order, ["guardian", "authority", "reference", "issued_on", "next_review_on"])
    return placement


@write_action
def placement_end(
    *,
    actor: Actor,
    placement: Placement,
    ended_on: date,
    reason: str,
    expected_version: int,
    best_interests: BestInterestsInput | None = None,
) -> Placement:
    """End a placement. Separating a child from a carer needs a best-interests
    assessment for the separation (given now, or recorded shortly before)."""
    person = placement.person
    require_write(actor, person, Compartment.FAMILY)
    errors: dict[str, str] = {}
    if not placement.is_open:
        errors["ended_on"] = _("This placement has already ended.")
    if reason not in PlacementEnd.values or reason == PlacementEnd.CHANGE:
        errors["reason"] = _("Choose why the placement ends (a change of placement is recorded as a new placement).")
    _date_checks(errors, person, ended_on=ended_on)
    if "ended_on" not in errors and ended_on < placement.started_on:
        errors["ended_on"] = _("The placement cannot end before it started.")
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {"ended_on": ended_on, "end_reason": reason}
    if reason != PlacementEnd.ADULTHOOD and person.is_child(ended_on):
        values["end_best_interests"] = _best_interests(
            actor, person, BestInterestsPurpose.SEPARATION, ended_on, best_interests
        )
    _update(actor, placement, person, values, expected_version=expected_version)
    return placement


@write_action
def placement_review_record(
    *,
    actor: Actor,
    placement: Placement,
    reviewed_on: date,
    outcome: str,
    next_review_on: date,
    expected_version: int,
    notes: str = "",
) -> PlacementReview:
    """A scheduled review of a placement; it sets the date of the next one."""
    person = placement.person
    require_write(actor, person, Compartment.FAMILY)
    errors: dict[str, str] = {}
    if not placement.is_open:
        errors["reviewed_on"] = _("This placement has ended.")
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = _("Choose the outcome of the review.")
    _date_checks(errors, person, reviewed_on=reviewed_on)
    if "reviewed_on" not in errors and reviewed_on < placement.started_on:
        errors["reviewed_on"] = _("The review cannot come before the placement started.")
    if next_review_on <= reviewed_on:
        errors["next_review_on"] = _("The next review comes after this one.")
    if errors:
        raise ValidationError(errors)
    review = PlacementReview(
        placement=placement,
        reviewed_on=reviewed_on,
        reviewer=_user(actor),
        outcome=outcome,
        notes=notes.strip(),
        next_review_on=next_review_on,
    )
    _create(actor, person, review, ["reviewed_on", "outcome", "notes", "next_review_on"], sensitive=("notes",))
    _update(actor, placement, person, {"next_review_on": next_review_on}, expected_version=expected_version)
    return review


# --- Civil documents, legal status, benefits ------------------------------------------------


@write_action
def pathway_create(
    *,
    actor: Actor,
    person: Person,
    document_type: str,
    started_on: date,
    status: str = PathwayStatus.GATHERING,
    evidence: Iterable[IdentityEvidence] = (),
    court: str = "",
    court_case_number: str = "",
    issuing_authority: str = "",
    lawyer: Any = None,
) -> DocumentPathway:
    """Open the way to one civil document, resting on the person's evidence."""
    require_write(actor, person, Compartment.DOCUMENTS)
    evidence = list(evidence)
    errors: dict[str, str] = {}
    if document_type not in PathwayDocument.values:
        errors["document_type"] = _("Choose the document.")
    elif DocumentPathway.objects.filter(
        person=person, document_type=document_type, status__in=[s.value for s in _open()]
    ).exists():
        errors["document_type"] = _("A pathway to this document is already open: update it.")
    if status not in (PathwayStatus.GATHERING, PathwayStatus.IN_COURT, PathwayStatus.APPLIED):
        errors["status"] = _("A new pathway gathers evidence, is before the court or applied for.")
    if any(e.person_id != person.pk for e in evidence):
        errors["evidence"] = _("Choose evidence recorded for this person.")
    if status == PathwayStatus.IN_COURT and not court.strip():
        errors["court"] = _("Name the court.")
    _date_checks(errors, person, started_on=started_on)
    if errors:
        raise ValidationError(errors)
    pathway = DocumentPathway(
        person=person,
        document_type=document_type,
        status=status,
        started_on=started_on,
        court=court.strip(),
        court_case_number=court_case_number.strip(),
        court_decision=CourtDecision.PENDING if court.strip() else CourtDecision.NONE,
        issuing_authority=issuing_authority.strip(),
        lawyer=lawyer if lawyer is not None else _user(actor),
    )
    _create(actor, person, pathway, ["document_type", "status", "started_on", "court", "court_case_number"])
    for item in evidence:
        DocumentPathwayEvidence.objects.create(pathway=pathway, evidence=item)
    if evidence:
        _audit(actor, Action.UPDATE, pathway, person, diff({}, {"evidence": [str(e.uuid) for e in evidence]}))
    return pathway


def _open() -> tuple[PathwayStatus, ...]:
    return (PathwayStatus.GATHERING, PathwayStatus.IN_COURT, PathwayStatus.APPLIED)


PATHWAY_FIELDS = (
    "status", "court", "court_case_number", "court_decision", "court_decision_on", "issuing_authority",
    "applied_on", "issued_on", "document_number",
)  # fmt: skip


@write_action
def pathway_update(*, actor: Actor, pathway: DocumentPathway, expected_version: int, **values: Any) -> DocumentPathway:
    """Move a pathway on (court, decision, application, issue). Issued, it
    creates or updates the registry's document of that type."""
    person = pathway.person
    require_write(actor, person, Compartment.DOCUMENTS)
    unknown = set(values) - set(PATHWAY_FIELDS)
    if unknown:
        raise ValidationError({"status": _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}})
    merged = {f: values.get(f, getattr(pathway, f)) for f in PATHWAY_FIELDS}
    for key in ("court", "court_case_number", "issuing_authority", "document_number"):
        merged[key] = (merged[key] or "").strip()
    errors: dict[str, str] = {}
    status = merged["status"]
    if status not in PathwayStatus.values:
        errors["status"] = _("Choose the status.")
    if merged["court_decision"] not in CourtDecision.values:
        errors["court_decision"] = _("Choose the court's decision.")
    if status == PathwayStatus.IN_COURT and not merged["court"]:
        errors["court"] = _("Name the court.")
    if merged["court_decision"] in (CourtDecision.GRANTED, CourtDecision.REFUSED) and not merged["court_decision_on"]:
        errors["court_decision_on"] = _("Give the date of the court's decision.")
    if status == PathwayStatus.ISSUED:
        if not merged["issued_on"]:
            errors["issued_on"] = _("Give the date the document was issued.")
        if merged["court"] and merged["court_decision"] != CourtDecision.GRANTED:
            errors["court_decision"] = _("The court has not granted the application: the document cannot be issued.")
    _date_checks(
        errors,
        person,
        court_decision_on=merged["court_decision_on"],
        applied_on=merged["applied_on"],
        issued_on=merged["issued_on"],
    )
    if errors:
        raise ValidationError(errors)
    changed = {k: v for k, v in merged.items() if v != getattr(pathway, k)}
    if status == PathwayStatus.ISSUED:
        changed["registry_document"] = _sync_registry_document(actor, pathway, merged)
    _update(actor, pathway, person, changed, expected_version=expected_version)
    return pathway


def _sync_registry_document(actor: Actor, pathway: DocumentPathway, merged: dict[str, Any]) -> Any:
    values = {
        "doc_type": REGISTRY_DOCUMENT[PathwayDocument(pathway.document_type)],
        "number": merged["document_number"],
        "issuer": merged["issuing_authority"],
        "status": DocumentStatus.ISSUED,
        "applied_on": merged["applied_on"],
        "issued_on": merged["issued_on"],
    }
    document = pathway.registry_document
    if document is None:
        document = (
            pathway.person.documents.filter(doc_type=values["doc_type"]).exclude(status=DocumentStatus.ISSUED).first()
        )
    if document is None:
        return registry.document_add(actor=actor, person=pathway.person, **values)
    return registry.document_update(actor=actor, document=document, expected_version=document.version, **values)


@write_action
def hearing_add(*, actor: Actor, pathway: DocumentPathway, held_on: date, note: str = "") -> CourtHearing:
    person = pathway.person
    require_write(actor, person, Compartment.DOCUMENTS)
    errors: dict[str, str] = {}
    if not pathway.court:
        errors["held_on"] = _("Name the court of this pathway first.")
    if held_on < pathway.started_on:
        errors["held_on"] = _("The hearing cannot come before the pathway started.")
    if errors:
        raise ValidationError(errors)
    hearing = CourtHearing(pathway=pathway, held_on=held_on, note=note.strip())
    _create(actor, person, hearing, ["held_on", "note"])
    return hearing


@write_action
def benefit_claim_create(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    status: str,
    authority: str = "",
    reference: str = "",
    submitted_on: date | None = None,
    decided_on: date | None = None,
) -> BenefitClaim:
    require_write(actor, person, Compartment.DOCUMENTS)
    claim = BenefitClaim(person=person, kind=kind, status=status)
    _claim_apply(person, claim, status, authority, reference, submitted_on, decided_on)
    _create(actor, person, claim, ["kind", "status", "authority", "reference", "submitted_on", "decided_on"])
    return claim


@write_action
def benefit_claim_update(
    *,
    actor: Actor,
    claim: BenefitClaim,
    expected_version: int,
    status: str,
    authority: str = "",
    reference: str = "",
    submitted_on: date | None = None,
    decided_on: date | None = None,
) -> BenefitClaim:
    person = claim.person
    require_write(actor, person, Compartment.DOCUMENTS)
    probe = BenefitClaim(person=person, kind=claim.kind, status=status)
    _claim_apply(person, probe, status, authority, reference, submitted_on, decided_on)
    values = {f: getattr(probe, f) for f in ("status", "authority", "reference", "submitted_on", "decided_on")}
    _update(actor, claim, person, values, expected_version=expected_version)
    return claim


def _claim_apply(
    person: Person,
    claim: BenefitClaim,
    status: str,
    authority: str,
    reference: str,
    submitted_on: date | None,
    decided_on: date | None,
) -> None:
    errors: dict[str, str] = {}
    if claim.kind not in BenefitKind.values:
        errors["kind"] = _("Choose the benefit.")
    if status not in ClaimStatus.values:
        errors["status"] = _("Choose the status.")
    if status != ClaimStatus.PREPARING and submitted_on is None:
        errors["submitted_on"] = _("Give the date the claim was submitted.")
    if status in (ClaimStatus.GRANTED, ClaimStatus.REFUSED, ClaimStatus.APPEALED) and decided_on is None:
        errors["decided_on"] = _("Give the date of the decision.")
    if submitted_on and decided_on and decided_on < submitted_on:
        errors["decided_on"] = _("The decision cannot come before the claim.")
    today = timezone.localdate()
    for name, day in (("submitted_on", submitted_on), ("decided_on", decided_on)):
        if day and day > today and name not in errors:
            errors[name] = _("This date is in the future.")
    if errors:
        raise ValidationError(errors)
    claim.status = status
    claim.authority = authority.strip()
    claim.reference = reference.strip()
    claim.submitted_on = submitted_on
    claim.decided_on = decided_on


# --- Education --------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentInput:
    level: str
    school: str
    started_on: date
    support_contact: str
    school_language: str = SchoolLanguage.RUSSIAN
    grade: int | None = None
    catch_up_support: bool = False
    catch_up_note: str = ""


@write_action
def enrolment_create(*, actor: Actor, person: Person, data: EnrolmentInput) -> Enrolment:
    """Enrol a child in a kindergarten or school; an open enrolment elsewhere
    ends the day the new one starts (a change of school)."""
    require_write(actor, person, Compartment.CONTACT_LOCATION)
    current = Enrolment.objects.filter(person=person, ended_on__isnull=True).first()
    errors: dict[str, str] = {}
    if not person.is_child(data.started_on):
        errors["person"] = _("School and kindergarten enrolments are recorded for children.")
    if data.level not in EducationLevel.values:
        errors["level"] = _("Choose kindergarten or school.")
    if not data.school.strip():
        errors["school"] = _("Name the school or kindergarten.")
    if data.school_language not in SchoolLanguage.values:
        errors["school_language"] = _("Choose the school's language.")
    if data.level == EducationLevel.SCHOOL and not data.grade:
        errors["grade"] = _("Give the grade the child joins.")
    if data.grade is not None and not 1 <= data.grade <= 12:
        errors["grade"] = _("A grade runs from 1 to 12.")
    if not data.support_contact.strip():
        errors["support_contact"] = _("Name the support contact the school may call.")
    if person.birth_date_high and data.started_on < person.birth_date_high:
        errors["started_on"] = _("The school start date is before the child's birth.")
    elif data.started_on > timezone.localdate() + timedelta(days=366):
        errors["started_on"] = _("The start date is more than a year away.")
    elif current is not None and data.started_on < current.started_on:
        errors["started_on"] = _("The new enrolment cannot start before the current one (from %(day)s).") % {
            "day": current.started_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    if current is not None:
        _update(
            actor,
            current,
            person,
            {"ended_on": data.started_on, "end_reason": EnrolmentEnd.SCHOOL_CHANGE},
            expected_version=current.version,
        )
    enrolment = Enrolment(
        person=person,
        level=data.level,
        school=data.school.strip(),
        school_language=data.school_language,
        grade=data.grade if data.level == EducationLevel.SCHOOL else None,
        started_on=data.started_on,
        catch_up_support=data.catch_up_support,
        catch_up_note=data.catch_up_note.strip(),
        support_contact=data.support_contact.strip(),
        recorded_by=_user(actor),
    )
    fields = ["level", "school", "school_language", "grade", "started_on", "catch_up_support", "support_contact"]
    _create(actor, person, enrolment, fields)
    return enrolment


@write_action
def enrolment_end(
    *, actor: Actor, enrolment: Enrolment, ended_on: date, reason: str, expected_version: int
) -> Enrolment:
    """A child leaves a school or kindergarten (finished, moved away …)."""
    person = enrolment.person
    require_write(actor, person, Compartment.CONTACT_LOCATION)
    errors: dict[str, str] = {}
    if not enrolment.is_open:
        errors["ended_on"] = _("This enrolment has already ended.")
    if reason not in EnrolmentEnd.values:
        errors["reason"] = _("Choose why the enrolment ends.")
    _date_checks(errors, person, ended_on=ended_on)
    if "ended_on" not in errors and ended_on < enrolment.started_on:
        errors["ended_on"] = _("The enrolment cannot end before it started.")
    if errors:
        raise ValidationError(errors)
    _update(actor, enrolment, person, {"ended_on": ended_on, "end_reason": reason}, expected_version=expected_version)
    return enrolment


@write_action
def education_review_record(
    *,
    actor: Actor,
    enrolment: Enrolment,
    reviewed_on: date,
    attendance: str,
    progress: str,
    notes: str = "",
) -> EducationReview:
    person = enrolment.person
    require_write(actor, person, Compartment.CONTACT_LOCATION)
    errors: dict[str, str] = {}
    if attendance not in Attendance.values:
        errors["attendance"] = _("Choose the attendance.")
    if progress not in Progress.values:
        errors["progress"] = _("Choose the progress.")
    _date_checks(errors, person, reviewed_on=reviewed_on)
    if "reviewed_on" not in errors and reviewed_on < enrolment.started_on:
        errors["reviewed_on"] = _("The review cannot come before the enrolment started.")
    if errors:
        raise ValidationError(errors)
    review = EducationReview(
        enrolment=enrolment,
        reviewed_on=reviewed_on,
        reviewer=_user(actor),
        attendance=attendance,
        progress=progress,
        notes=notes.strip(),
    )
    _create(actor, person, review, ["reviewed_on", "attendance", "progress", "notes"], sensitive=("notes",))
    return review


def compartment_of(model: type[Model]) -> Compartment:
    return COMPARTMENT[model]
