"""Needs assessments, individual plans (goals, reviews, approval) and
multi-agency case conferences.

What is severe here is encrypted at rest and shown by compartment: the notes
of the health, mental-health and religious domains of a needs assessment,
and the minutes of a case conference (one minute per case and compartment).
Levels of need, goals and decisions are read by everyone who reads the plan.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel


class Domain(models.TextChoices):
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    EDUCATION = "education", _("Education")
    CIVIL_DOCUMENTS = "civil_documents", _("Civil documents")
    LIVELIHOOD = "livelihood", _("Livelihood")
    FAMILY = "family", _("Family")
    RELIGIOUS = "religious", _("Religious counselling")
    LEGAL = "legal", _("Legal")


# Whose compartment the notes of each domain belong to: the first three are
# severe (encrypted, read only by roles with the compartment).
DOMAIN_COMPARTMENT: dict[str, Compartment] = {
    Domain.HEALTH: Compartment.HEALTH,
    Domain.MENTAL_HEALTH: Compartment.PSYCHOSOCIAL,
    Domain.RELIGIOUS: Compartment.RELIGIOUS,
    Domain.EDUCATION: Compartment.IDENTITY,
    Domain.CIVIL_DOCUMENTS: Compartment.DOCUMENTS,
    Domain.LIVELIHOOD: Compartment.FAMILY,
    Domain.FAMILY: Compartment.FAMILY,
    Domain.LEGAL: Compartment.DOCUMENTS,
}

# Minutes of a case conference live in one of these.
MINUTE_COMPARTMENTS = [
    Compartment.FAMILY,
    Compartment.DOCUMENTS,
    Compartment.HEALTH,
    Compartment.PSYCHOSOCIAL,
    Compartment.RELIGIOUS,
]


class Level(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class NeedsAssessment(UUIDModel, TimeStampedModel, VersionedModel):
    """A structured assessment of a person's needs, one line per domain. A
    new assessment is a new row (the history stays); a correction of one
    names the version it was based on."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="needs_assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )

    audit_type = ObjectType.NEEDS_ASSESSMENT

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("needs assessment")

    def __str__(self) -> str:
        return f"needs assessment {self.assessed_on} of {self.person_id}"


class NeedsLine(models.Model):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="lines")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    level = models.CharField(_("level of need"), max_length=10, choices=Level.choices, default=Level.NONE)
    notes = EncryptedTextField(_("notes"), blank=True)

    audit_type = ObjectType.NEEDS_ASSESSMENT

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="care_needs_one_line_per_domain"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="care_needs_level_valid"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="care_needs_domain_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.level}"

    @property
    def compartment(self) -> Compartment:
        return DOMAIN_COMPARTMENT[self.domain]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved (active)")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed (replaced)")


OPEN_PLAN = [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.REJECTED]


class CarePlanQuerySet(models.QuerySet["CarePlan"]):
    def review_overdue(self, today: date) -> CarePlanQuerySet:
        return self.filter(status=PlanStatus.APPROVED, next_review_on__lt=today)


class CarePlan(UUIDModel, TimeStampedModel, VersionedModel):
    """A person's individual plan. Drafted, submitted, then approved (it
    becomes the person's one active plan) or rejected with a reason, revised
    and submitted again. The approver holds ``Capability.APPROVE_CARE`` and
    is not the author."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="care_plans")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    objects = CarePlanQuerySet.as_manager()

    audit_type = ObjectType.CARE_PLAN

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("individual plan")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="approved"), name="care_one_active_plan_per_person"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["draft", "submitted", "rejected"]),
                name="care_one_open_plan_per_person",
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="care_plan_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="care_plan_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"plan {self.uuid} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("rehabilitation_care:plan_detail", args=[self.uuid])

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.APPROVED

    @property
    def editable(self) -> bool:
        """Goals are added and changed while drafting or revising."""
        return self.status in (PlanStatus.DRAFT, PlanStatus.REJECTED)


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


PENDING_GOAL = [GoalStatus.OPEN, GoalStatus.IN_PROGRESS]


class PlanGoal(UUIDModel, TimeStampedModel, VersionedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    text = models.CharField(_("goal"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_goals", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    # The case-conference action this goal came from, if any.
    conference_case = models.ForeignKey(
        "ConferenceCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )

    audit_type = ObjectType.PLAN_GOAL

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("plan goal")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="care_goal_status_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="care_goal_has_text"),
        ]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today: date) -> bool:
        return self.status in PENDING_GOAL and self.due_on < today


class PlanReview(UUIDModel, TimeStampedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    summary = EncryptedTextField(_("summary"))
    next_review_on = models.DateField(_("next review"))

    audit_type = ObjectType.PLAN_REVIEW

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("plan review")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=models.F("reviewed_on")), name="care_review_next_after_this"
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.reviewed_on}"


class CaseConference(UUIDModel, TimeStampedModel, VersionedModel):
    """A multi-agency case conference: who met, which cases they discussed
    and, per case, what they decided. Listed only for users who see at
    least one of its cases, showing only those cases."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    audit_type = ObjectType.CASE_CONFERENCE

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("case conference")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("rehabilitation_care:conference_detail", args=[self.uuid])


class ConferenceAttendee(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=200)
    agency = models.CharField(_("agency"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)

    audit_type = ObjectType.CASE_CONFERENCE

    class Meta:
        ordering = ["agency", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class ConferenceCase(UUIDModel):
    """One person's case discussed at a conference: the decisions (read by
    everyone who sees the case), dissent by name, and the actions (goals of
    the person's plan, ``PlanGoal.conference_case``)."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="conference_cases")
    decisions = EncryptedTextField(_("decisions"))

    audit_type = ObjectType.CASE_CONFERENCE

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "person"], name="care_conference_case_once"),
        ]

    def __str__(self) -> str:
        return f"case {self.person_id} at {self.conference_id}"


class ConferenceDissent(models.Model):
    case = models.ForeignKey(ConferenceCase, on_delete=models.CASCADE, related_name="dissents")
    name = models.CharField(_("who dissented"), max_length=200)
    view = EncryptedTextField(_("their view"))

    audit_type = ObjectType.CASE_CONFERENCE

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"dissent of {self.name}"


class ConferenceMinute(UUIDModel):
    """The minute of one case in one compartment: encrypted, read only by
    roles reading that compartment (like a session's notes)."""

    case = models.ForeignKey(ConferenceCase, on_delete=models.CASCADE, related_name="minutes")
    compartment = models.CharField(_("compartment"), max_length=30, choices=Compartment.choices)
    body = EncryptedTextField(_("minute"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    audit_type = ObjectType.CASE_CONFERENCE

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "compartment"], name="care_one_minute_per_compartment"),
        ]

    def __str__(self) -> str:
        return f"{self.compartment} minute"
