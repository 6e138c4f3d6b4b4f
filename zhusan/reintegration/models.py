"""Reintegration: where a returned child lives and with whom (placement,
home visit, guardianship), the civil documents and benefits a lawyer obtains,
and school or kindergarten.

Each record belongs to one compartment of the person (``COMPARTMENT``):
placement and guardianship to the family, documents and benefits to the
documents, school to contact and location (where a child is found every
day). Writes go through ``services.py``; reads through ``selectors.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import (
    AssentChoice,
    BestInterestsAssessment,
    Document,
    IdentityEvidence,
    LocationStay,
    Person,
    RelationKind,
)

USER = settings.AUTH_USER_MODEL


# --- Placement and guardianship -----------------------------------------------------


class PlacementKind(models.TextChoices):
    RELATIVES = "relatives", _("With relatives (kinship care)")
    PARENT = "parent", _("With a parent")
    FOSTER = "foster", _("Foster family")
    INSTITUTION = "institution", _("Institution")


FAMILY_BASED = (PlacementKind.RELATIVES, PlacementKind.PARENT, PlacementKind.FOSTER)


class PlacementEnd(models.TextChoices):
    CHANGE = "change", _("Change of placement")
    SEPARATION = "separation", _("Separation from the carer")
    ADULTHOOD = "adulthood", _("Came of age")
    OTHER = "other", _("Other")


class Placement(UUIDModel, TimeStampedModel, VersionedModel):
    """Where and with whom a child lives. Family-based care is the default: an
    institution needs a written justification and a case-conference decision."""

    audit_type = ObjectType.PLACEMENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("kind of care"), max_length=20, choices=PlacementKind.choices)
    carer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cared_placements",
        verbose_name=_("carer"),
    )
    carer_relation = models.CharField(
        _("the carer is the child's"), max_length=20, choices=RelationKind.choices, blank=True
    )
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    institution_justification = models.TextField(_("why not a family"), blank=True)
    case_conference_reference = models.CharField(_("case-conference decision"), max_length=100, blank=True)
    # The household's address, kept as a stay of the child (contact and location compartment).
    stay = models.ForeignKey(LocationStay, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    best_interests = models.ForeignKey(
        BestInterestsAssessment, on_delete=models.PROTECT, related_name="+", verbose_name=_("best-interests assessment")
    )
    childs_assent = models.CharField(_("the child's assent"), max_length=10, choices=AssentChoice.choices)
    childs_views = models.TextField(_("the child's views"), blank=True)
    started_on = models.DateField(_("from"))
    next_review_on = models.DateField(_("next review"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=PlacementEnd.choices, blank=True)
    end_best_interests = models.ForeignKey(
        BestInterestsAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("placement")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="institution") | Q(carer__isnull=False), name="placement_family_has_carer"
            ),
            models.CheckConstraint(
                condition=~Q(kind="institution")
                | (~Q(institution_justification="") & ~Q(case_conference_reference="")),
                name="placement_institution_justified",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__gte=models.F("started_on")), name="placement_review_after_start"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_placement_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.started_on})"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def family_based(self) -> bool:
        return self.kind != PlacementKind.INSTITUTION


class VisitOutcome(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    WITH_SUPPORT = "with_support", _("Suitable with support")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class HomeVisit(UUIDModel, TimeStampedModel):
    """An assessment of a receiving household, made before a child is placed there."""

    audit_type = ObjectType.HOME_VISIT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="home_visits")
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("carer visited"))
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("visitor"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=VisitOutcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("home-visit assessment")

    def __str__(self) -> str:
        return f"{self.visited_on}: {self.get_outcome_display()}"


class GuardianshipOrder(UUIDModel, TimeStampedModel, VersionedModel):
    """The guardianship authority's order naming a relative the child's guardian."""

    audit_type = ObjectType.GUARDIANSHIP_ORDER

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianship_orders")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="guardianships")
    authority = models.CharField(_("guardianship authority"), max_length=200)
    reference = models.CharField(_("order reference"), max_length=100)
    issued_on = models.DateField(_("order date"))
    next_review_on = models.DateField(_("next review"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("guardianship order")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gte=models.F("issued_on")), name="guardianship_review_after_order"
            ),
            models.CheckConstraint(condition=~Q(person=models.F("guardian")), name="guardianship_not_of_self"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference}"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Placement continues")
    MORE_SUPPORT = "more_support", _("Continues with more support")
    CHANGE_NEEDED = "change_needed", _("A change of placement is needed")


class PlacementReview(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.PLACEMENT_REVIEW

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    next_review_on = models.DateField(_("next review"))

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        verbose_name = _("placement review")

    def __str__(self) -> str:
        return f"{self.reviewed_on}: {self.get_outcome_display()}"


# --- Civil documents, legal status, benefits ----------------------------------------------


class PathwayDocument(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    IDENTITY_CARD = "identity_card", _("Identity card")
    PASSPORT = "passport", _("Passport")
    CITIZENSHIP = "citizenship", _("Citizenship")


class PathwayStatus(models.TextChoices):
    GATHERING = "gathering", _("Gathering evidence")
    IN_COURT = "in_court", _("Before the court")
    APPLIED = "applied", _("Applied to the issuing authority")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


OPEN_PATHWAY = (PathwayStatus.GATHERING, PathwayStatus.IN_COURT, PathwayStatus.APPLIED)


class CourtDecision(models.TextChoices):
    NONE = "", _("No court case")
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class DocumentPathway(UUIDModel, TimeStampedModel, VersionedModel):
    """The way to one civil document: the evidence it rests on (a DNA kinship
    outcome, identity evidence), the court case, the issuing authority."""

    audit_type = ObjectType.DOCUMENT_PATHWAY

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="document_pathways")
    document_type = models.CharField(_("document"), max_length=30, choices=PathwayDocument.choices)
    evidence: models.ManyToManyField[IdentityEvidence, DocumentPathwayEvidence] = models.ManyToManyField(
        IdentityEvidence, through="DocumentPathwayEvidence", related_name="+", blank=True
    )
    court = models.CharField(_("court"), max_length=200, blank=True)
    court_case_number = models.CharField(_("court case number"), max_length=100, blank=True)
    court_decision = models.CharField(
        _("court decision"), max_length=10, choices=CourtDecision.choices, blank=True, default=""
    )
    court_decision_on = models.DateField(_("decided on"), null=True, blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PathwayStatus.choices)
    started_on = models.DateField(_("started on"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    # The registry's document, created or updated when the document is issued.
    registry_document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lawyer = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lawyer")
    )

    class Meta:
        ordering = ["document_type", "-started_on"]
        verbose_name = _("document pathway")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_on__isnull=False), name="pathway_issued_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="in_court") | ~Q(court=""), name="pathway_in_court_names_the_court"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PATHWAY


class DocumentPathwayEvidence(models.Model):
    audit_type = ObjectType.DOCUMENT_PATHWAY

    pathway = models.ForeignKey(DocumentPathway, on_delete=models.CASCADE)
    evidence = models.ForeignKey(IdentityEvidence, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pathway", "evidence"], name="pathway_evidence_once")]

    def __str__(self) -> str:
        return f"{self.pathway_id} ← {self.evidence_id}"


class CourtHearing(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.COURT_HEARING

    pathway = models.ForeignKey(DocumentPathway, on_delete=models.CASCADE, related_name="hearings")
    held_on = models.DateField(_("hearing date"))
    note = models.CharField(_("what happened"), max_length=300, blank=True)

    class Meta:
        ordering = ["held_on"]
        verbose_name = _("court hearing")

    def __str__(self) -> str:
        return str(self.held_on)


class BenefitKind(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor's allowance")
    BREADWINNER_LOSS = "breadwinner_loss", _("Allowance for the loss of a breadwinner")
    CHILD_BENEFIT = "child_benefit", _("Child benefit")
    OTHER = "other", _("Other benefit")


class ClaimStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    APPEALED = "appealed", _("Appealed")


class BenefitClaim(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.BENEFIT_CLAIM

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="benefit_claims")
    kind = models.CharField(_("benefit"), max_length=20, choices=BenefitKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-created_at"]
        verbose_name = _("benefit claim")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"


# --- Education ------------------------------------------------------------------------


class EducationLevel(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("School")


class SchoolLanguage(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    KAZAKH = "kk", _("Kazakh")
    ENGLISH = "en", _("English")


class EnrolmentEnd(models.TextChoices):
    SCHOOL_CHANGE = "school_change", _("Changed school")
    FINISHED = "finished", _("Finished")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other")


class Enrolment(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.ENROLMENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    level = models.CharField(_("level"), max_length=20, choices=EducationLevel.choices)
    school = models.CharField(_("school or kindergarten"), max_length=200)
    school_language = models.CharField(
        _("the school's language"), max_length=2, choices=SchoolLanguage.choices, default=SchoolLanguage.RUSSIAN
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=EnrolmentEnd.choices, blank=True)
    catch_up_support = models.BooleanField(_("catch-up support"), default=False)
    catch_up_note = models.CharField(_("catch-up support given"), max_length=300, blank=True)
    support_contact = models.CharField(
        _("support contact"), max_length=200, help_text=_("Name and telephone of the family's support worker")
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("enrolment")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=12), name="enrolment_grade_valid"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_enrolment_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} ({self.started_on})"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Attendance(models.TextChoices):
    REGULAR = "regular", _("Regular")
    IRREGULAR = "irregular", _("Irregular")
    POOR = "poor", _("Poor")


class Progress(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    CATCHING_UP = "catching_up", _("Catching up")
    BEHIND = "behind", _("Behind")


class EducationReview(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.EDUCATION_REVIEW

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices)
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        verbose_name = _("attendance and progress review")

    def __str__(self) -> str:
        return f"{self.reviewed_on}: {self.get_attendance_display()}, {self.get_progress_display()}"


# Which compartment of the person each record belongs to (shown and refused by it).
COMPARTMENT: dict[type[models.Model], Compartment] = {
    Placement: Compartment.FAMILY,
    HomeVisit: Compartment.FAMILY,
    GuardianshipOrder: Compartment.FAMILY,
    PlacementReview: Compartment.FAMILY,
    DocumentPathway: Compartment.DOCUMENTS,
    CourtHearing: Compartment.DOCUMENTS,
    BenefitClaim: Compartment.DOCUMENTS,
    Enrolment: Compartment.CONTACT_LOCATION,
    EducationReview: Compartment.CONTACT_LOCATION,
}
