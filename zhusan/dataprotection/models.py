"""Retention: rules per record kind, legal holds, batches of what is due and
the officer's approval of each. The deletion itself and its certificate are in
``services.py`` and ``zhusan.audit.models.DeletionCertificate``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import DeletionCertificate, ObjectType
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import Person

USER = settings.AUTH_USER_MODEL


class RecordKind(models.TextChoices):
    """What a retention rule governs. Every model that relates to a person
    belongs to exactly one kind (``kinds.py`` derives it from the model graph)."""

    IDENTITY = "identity", _("Identity")
    FAMILY = "family", _("Family")
    CONTACT_LOCATION = "contact_location", _("Contact and location")
    DOCUMENTS = "documents", _("Documents")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial notes")
    RELIGIOUS = "religious", _("Religious-counselling notes")
    JUSTICE_SECURITY = "justice_security", _("Justice and security")
    CASE = "case", _("Case management (plans, placements, follow-up)")


# An item that erases a whole person (a data-subject's erasure request).
WHOLE_PERSON = "person"
ITEM_KIND_CHOICES = [*RecordKind.choices, (WHOLE_PERSON, _("The whole person"))]


class Anchor(models.TextChoices):
    CLOSURE = "closure", _("after the case is closed")
    LAST_ACTIVITY = "last_activity", _("after the last activity on the record")
    MAJORITY = "majority", _("after the person's 18th birthday")
    PROGRAMME = "programme", _("for the programme's life (never due while it runs)")


class RetentionRule(UUIDModel, TimeStampedModel, VersionedModel):
    """How long one kind of record is kept, and from when."""

    audit_type = ObjectType.RETENTION_RULE

    kind = models.CharField(_("kind of record"), max_length=30, choices=RecordKind.choices, unique=True)
    period_years = models.PositiveSmallIntegerField(_("period in years"))
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    note = models.TextField(_("legal basis or note"), blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(condition=Q(period_years__gte=0), name="retention_rule_period_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.period_years} ({self.get_anchor_display()})"

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.period_years}y:{self.anchor}:v{self.version}"


class LegalHold(UUIDModel, TimeStampedModel, VersionedModel):
    """While a hold is active, nothing of the person is listed as due or deleted."""

    audit_type = ObjectType.LEGAL_HOLD

    # SET_NULL: a lifted hold outlives an erasure of the person as a bare record
    # of the hold (its reason and dates), naming the person only by reference.
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="legal_holds")
    person_ref = models.CharField(max_length=64, editable=False)
    case_number = models.CharField(_("case number"), max_length=40, editable=False)
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("court or authority reference"), max_length=200, blank=True)
    placed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("why the hold is lifted"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="legal_hold_lifted_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class BatchStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for approval")
    RUNNING = "running", _("Approved: deleting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RetentionBatch(UUIDModel, TimeStampedModel, VersionedModel, TrackedJob):
    """What was due on a day (or asked for by an erasure request), waiting for
    the officer. Nothing in it is deleted before ``approved_by`` is set."""

    audit_type = ObjectType.RETENTION_BATCH

    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.WAITING)
    listed_on = models.DateField(_("listed on"))
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("retention batch")
        verbose_name_plural = _("retention batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="retention_batch_runs_only_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listed_on} ({self.get_status_display()})"


class ItemSource(models.TextChoices):
    RETENTION = "retention", _("Retention rule")
    ERASURE = "erasure", _("Erasure request")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    EXCLUDED = "excluded", _("Excluded")
    DELETED = "deleted", _("Deleted")
    REFUSED = "refused", _("Refused")


class RetentionItem(UUIDModel, TimeStampedModel):
    """One person and one kind of record (or the whole person) in a batch."""

    audit_type = ObjectType.RETENTION_BATCH

    batch = models.ForeignKey(RetentionBatch, on_delete=models.CASCADE, related_name="items")
    # SET_NULL: the item is the lasting record that the deletion happened.
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="retention_items")
    person_ref = models.CharField(max_length=64, editable=False)
    case_number = models.CharField(_("case number"), max_length=40)
    kind = models.CharField(_("kind of record"), max_length=30, choices=ITEM_KIND_CHOICES)
    source = models.CharField(_("source"), max_length=10, choices=ItemSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule_label = models.CharField(_("rule"), max_length=100)
    reason = models.TextField(_("reason"), blank=True)
    due_on = models.DateField(_("due on"))
    counts = models.JSONField(_("rows"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    exclude_reason = models.TextField(_("why it is excluded"), blank=True)
    excluded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=300, blank=True)
    certificate = models.ForeignKey(
        DeletionCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case_number", "kind"]
        verbose_name = _("retention item")
        verbose_name_plural = _("retention items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="excluded") | ~Q(exclude_reason=""), name="retention_item_excluded_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.kind}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.counts.values())
