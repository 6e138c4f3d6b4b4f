"""Sharing agreements, impact assessments, the breach log.

- ``ImpactAssessment``: a data-protection impact assessment made before a
  new data flow (a new partner, a new import source, a new indicator),
  linked to what it covers, with its decision.
- ``SharingAgreement``: an information-sharing agreement with a partner
  organisation; a referral, a case transfer or a case export to that
  organisation needs an active, unexpired one for that purpose
  (``services.check_agreement``, registered as the registry's sharing gate).
- ``Breach`` and ``BreachRecord``: a suspected personal-data breach, the 72-hour
  clock of its notification to the supervisory authority, and the records it
  touched, chosen from the audit trail.

What happened, the containment and the lessons may name persons: they are
encrypted at rest and never written in clear to the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedBinaryField, EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel

USER = settings.AUTH_USER_MODEL
# Article 33 GDPR and most national laws: the authority is told within 72 hours of discovery.
NOTIFICATION_HOURS = 72
# Agreements expiring within this many days are flagged.
EXPIRING_DAYS = 30


class CoverageKind(models.TextChoices):
    PARTNER = "partner", _("A new partner organisation")
    IMPORT_SOURCE = "import_source", _("A new import source")
    INDICATOR = "indicator", _("A new indicator")
    OTHER = "other", _("Another data flow")


class AssessmentDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NEEDS_CHANGES = "needs_changes", _("Needs changes")


class ImpactAssessment(UUIDModel, TimeStampedModel, VersionedModel):
    """A data-protection impact assessment (DPIA) of one new data flow."""

    audit_type = ObjectType.IMPACT_ASSESSMENT

    title = models.CharField(_("title"), max_length=200)
    covers = models.CharField(_("what it covers"), max_length=20, choices=CoverageKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_assessments",
        verbose_name=_("partner organisation"),
    )
    reference = models.CharField(_("reference (indicator code, import source name)"), max_length=200, blank=True)
    description = models.TextField(_("the data flow"))
    necessity = models.TextField(_("necessity and proportionality"))
    harms = models.TextField(_("possible harms and mitigations"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=AssessmentDecision.choices, default=AssessmentDecision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impact assessment")
        constraints = [
            models.CheckConstraint(
                condition=~Q(covers=CoverageKind.PARTNER) | Q(organisation__isnull=False),
                name="dpia_partner_names_organisation",
            ),
            models.CheckConstraint(
                condition=Q(decision=AssessmentDecision.PENDING)
                | Q(decided_by__isnull=False, decided_on__isnull=False),
                name="dpia_decision_has_approver_and_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        """What it covers, in words: the organisation or the reference."""
        if self.organisation_id is not None:
            return str(self.organisation)
        return self.reference

    @property
    def approved(self) -> bool:
        return self.decision == AssessmentDecision.APPROVED


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class SharingAgreement(UUIDModel, TimeStampedModel, VersionedModel):
    """An information-sharing agreement with one partner organisation.

    It allows the purposes ticked (referral, case transfer, case export) from
    ``starts_on`` to ``expires_on`` inclusive, once made active; it can be
    made active only when an approved impact assessment covers the partner."""

    audit_type = ObjectType.SHARING_AGREEMENT

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="sharing_agreements",
        verbose_name=_("partner organisation"),
    )
    for_referral = models.BooleanField(_("referrals"), default=False)
    for_transfer = models.BooleanField(_("case transfers"), default=False)
    for_case_export = models.BooleanField(_("case exports"), default=False)
    # Compartment values (``accounts.permissions.Compartment``) the partner may receive.
    categories = models.JSONField(_("data categories"), default=list)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    partner_retention = models.CharField(_("retention at the partner"), max_length=300)
    contact = models.CharField(_("contact at the partner"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    expires_on = models.DateField(_("expires on"))
    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("impact assessment"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # The signed document: bytes encrypted like the handover documents.
    document_name = models.CharField(_("signed document"), max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document = EncryptedBinaryField(blank=True, default=b"")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation__name", "-expires_on"]
        verbose_name = _("sharing agreement")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("starts_on")), name="sharing_agreement_expires_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.ACTIVE) | Q(assessment__isnull=False),
                name="sharing_agreement_active_rests_on_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.starts_on} – {self.expires_on})"

    def allows(self, purpose: str) -> bool:
        return bool(getattr(self, f"for_{purpose}", False))

    @property
    def purposes(self) -> list[str]:
        return [p for p in ("referral", "transfer", "case_export") if self.allows(p)]

    def valid_on(self, day: date) -> bool:
        return self.status == AgreementStatus.ACTIVE and self.starts_on <= day <= self.expires_on

    def expired(self, day: date | None = None) -> bool:
        return (day or timezone.localdate()) > self.expires_on

    def expiring(self, day: date | None = None) -> bool:
        today = day or timezone.localdate()
        return self.valid_on(today) and self.expires_on <= today + timedelta(days=EXPIRING_DAYS)


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class NotificationDecision(models.TextChoices):
    UNDECIDED = "undecided", _("Not decided yet")
    NOTIFIED = "notified", _("Notified")
    NOT_REQUIRED = "not_required", _("Not required")


class Breach(UUIDModel, TimeStampedModel, VersionedModel):
    """A suspected personal-data breach or incident, and what was done about it."""

    audit_type = ObjectType.BREACH

    title = models.CharField(_("short title"), max_length=200)
    what_happened = EncryptedTextField(_("what happened"))
    happened_at = models.DateTimeField(_("when it happened"))
    discovered_at = models.DateTimeField(_("when it was found"))
    containment = EncryptedTextField(_("containment"), blank=True)
    authority_decision = models.CharField(
        _("notification to the supervisory authority"),
        max_length=20,
        choices=NotificationDecision.choices,
        default=NotificationDecision.UNDECIDED,
    )
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    authority_reference = models.CharField(_("the authority's reference"), max_length=200, blank=True)
    authority_reason = models.TextField(_("why the authority was not notified"), blank=True)
    persons_decision = models.CharField(
        _("notification to the persons affected"),
        max_length=20,
        choices=NotificationDecision.choices,
        default=NotificationDecision.UNDECIDED,
    )
    persons_notified_on = models.DateField(_("persons notified on"), null=True, blank=True)
    persons_reason = models.TextField(_("why the persons were not notified"), blank=True)
    lessons = EncryptedTextField(_("lessons learned"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BreachStatus.choices, default=BreachStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        constraints = [
            models.CheckConstraint(
                condition=Q(discovered_at__gte=models.F("happened_at")), name="breach_found_after_it_happened"
            ),
            models.CheckConstraint(
                condition=~Q(authority_decision=NotificationDecision.NOTIFIED) | Q(authority_notified_at__isnull=False),
                name="breach_authority_notified_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(persons_decision=NotificationDecision.NOTIFIED) | Q(persons_notified_on__isnull=False),
                name="breach_persons_notified_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status=BreachStatus.OPEN) | Q(closed_at__isnull=False), name="breach_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def notification_due(self) -> datetime:
        return self.discovered_at + timedelta(hours=NOTIFICATION_HOURS)

    def clock(self, now: datetime | None = None) -> Clock:
        return Clock.of(self, now or timezone.now())


class ClockState(models.TextChoices):
    RUNNING = "running", _("Time left")
    OVERDUE = "overdue", _("Overdue")
    ON_TIME = "on_time", _("Notified in time")
    LATE = "late", _("Notified late")
    NOT_REQUIRED = "not_required", _("Notification not required")


class Clock:
    """The 72-hour clock of a breach: time left, overdue by, or how it ended."""

    def __init__(self, state: ClockState, delta: timedelta, due: datetime) -> None:
        self.state = state
        # Time left (running), overdue by (overdue), notified after/before the deadline.
        self.delta = delta
        self.due = due

    @classmethod
    def of(cls, breach: Breach, now: datetime) -> Clock:
        due = breach.notification_due
        if breach.authority_decision == NotificationDecision.NOT_REQUIRED:
            return cls(ClockState.NOT_REQUIRED, timedelta(0), due)
        if breach.authority_decision == NotificationDecision.NOTIFIED and breach.authority_notified_at:
            at = breach.authority_notified_at
            if at <= due:
                return cls(ClockState.ON_TIME, due - at, due)
            return cls(ClockState.LATE, at - due, due)
        if now <= due:
            return cls(ClockState.RUNNING, due - now, due)
        return cls(ClockState.OVERDUE, now - due, due)

    @property
    def urgent(self) -> bool:
        return self.state in (ClockState.OVERDUE, ClockState.LATE) or (
            self.state == ClockState.RUNNING and self.delta < timedelta(hours=24)
        )

    @property
    def hours(self) -> int:
        return int(self.delta.total_seconds() // 3600)

    @property
    def minutes(self) -> int:
        return int(self.delta.total_seconds() // 60) % 60

    def text(self) -> str:
        from django.utils.translation import gettext as _t

        span = _t("%(h)d h %(m)02d min") % {"h": self.hours, "m": self.minutes}
        if self.state == ClockState.RUNNING:
            return _t("%(span)s left to notify the authority") % {"span": span}
        if self.state == ClockState.OVERDUE:
            return _t("Notification to the authority overdue by %(span)s") % {"span": span}
        if self.state == ClockState.ON_TIME:
            return _t("Authority notified in time (%(span)s before the deadline)") % {"span": span}
        if self.state == ClockState.LATE:
            return _t("Authority notified late, %(span)s after the deadline") % {"span": span}
        return _t("Notification to the authority not required")

    def __str__(self) -> str:
        return self.text()


class BreachRecord(UUIDModel, TimeStampedModel):
    """A record touched by a breach, chosen from one audit event (a copy of
    who, when, what, about whom: the event itself never changes)."""

    audit_type = ObjectType.BREACH_RECORD

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="records")
    audit_seq = models.PositiveBigIntegerField(_("audit event"))
    event_at = models.DateTimeField()
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30)
    object_type = models.CharField(max_length=60, blank=True)
    object_ref = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="breach_records"
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["breach", "event_at"]
        verbose_name = _("record affected by a breach")
        constraints = [
            models.UniqueConstraint(fields=["breach", "audit_seq"], name="breach_record_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"#{self.audit_seq} {self.action} {self.object_type}"
