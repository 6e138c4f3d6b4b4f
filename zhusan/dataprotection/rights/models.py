"""Data-subject requests: a person (or their guardian, or a representative)
asks to see their record, receive a copy, correct it, restrict its use or
have it erased. Each request carries its legal deadline, the identity check
(no decision before it), the decision with its reason (what is withheld and
on which legal ground), and the answer. A copy is prepared by a task of the
queue (``copies.py``) and kept encrypted until downloaded, a day at most.

Sealing at majority lives in the registry (``registry.SealedCompartment``),
so that the one access path reads it without an upward import.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedBinaryField, EncryptedTextField
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import Person

USER = settings.AUTH_USER_MODEL


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (review of the record)")
    COPY = "copy", _("Copy of the record")
    CORRECTION = "correction", _("Correction")
    RESTRICTION = "restriction", _("Restriction of use")
    ERASURE = "erasure", _("Erasure")


class RequesterKind(models.TextChoices):
    PERSON = "person", _("The person themself")
    GUARDIAN = "guardian", _("A parent or guardian")
    REPRESENTATIVE = "representative", _("A representative (lawyer, authorised person)")


class RequestLanguage(models.TextChoices):
    RUSSIAN = "ru", "Русский"
    KAZAKH = "kk", "Қазақша"
    ARABIC = "ar", "العربية"
    ENGLISH = "en", "English"


class IdentityMethod(models.TextChoices):
    DOCUMENT_IN_PERSON = "document_in_person", _("Identity document seen in person")
    GUARDIANSHIP_PAPERS = "guardianship_papers", _("Identity document and guardianship papers seen")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Identity document and power of attorney seen")
    KNOWN_TO_CASE_WORKER = "known_to_case_worker", _("Known to the case worker, confirmed by a document")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting for the identity check")
    IDENTITY_CHECKED = "identity_checked", _("Waiting for a decision")
    DECIDED = "decided", _("Decided, waiting for the answer")
    ANSWERED = "answered", _("Answered")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Granted in part")
    REFUSED = "refused", _("Refused")


class LegalGround(models.TextChoices):
    NONE = "", _("Nothing withheld")
    INVESTIGATION = "investigation", _("An ongoing investigation or proceedings")
    THIRD_PARTY = "third_party", _("Protection of another person's data or safety")
    CHILD_BEST_INTERESTS = "child_best_interests", _("The child's best interests")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation to keep the record")
    NATIONAL_SECURITY = "national_security", _("National security, as the law provides")


class AnswerMethod(models.TextChoices):
    IN_PERSON = "in_person", _("Handed over in person")
    POST = "post", _("Registered post")
    SECURE_EMAIL = "secure_email", _("Secure e-mail")


class SubjectRequest(UUIDModel, TimeStampedModel, VersionedModel):
    """One data-subject request about one person."""

    audit_type = ObjectType.SUBJECT_REQUEST

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_requests")
    kind = models.CharField(_("kind of request"), max_length=20, choices=RequestKind.choices)
    requester_kind = models.CharField(_("who asks"), max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(_("name of the person asking"), max_length=200, blank=True)
    requester_relation = models.CharField(_("relation to the person"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the answer"), max_length=2, choices=RequestLanguage.choices, default=RequestLanguage.RUSSIAN
    )
    details = EncryptedTextField(_("what is asked"), blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("legal deadline"))
    extension_reason = models.CharField(_("reason for the extension"), max_length=500, blank=True)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED, db_index=True
    )

    identity_method = models.CharField(
        _("how identity was checked"), max_length=30, choices=IdentityMethod.choices, blank=True
    )
    identity_document = models.CharField(_("document seen"), max_length=200, blank=True)
    identity_checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    identity_checked_on = models.DateField(_("identity checked on"), null=True, blank=True)

    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    withheld = EncryptedTextField(_("what is withheld"), blank=True)
    withheld_compartments = models.JSONField(_("compartments withheld from the copy"), default=list, blank=True)
    legal_ground = models.CharField(
        _("legal ground for withholding"), max_length=30, choices=LegalGround.choices, blank=True
    )
    corrections = EncryptedTextField(_("what to correct"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    corrected_on = models.DateField(_("correction made on"), null=True, blank=True)
    correction_note = models.CharField(_("correction made"), max_length=500, blank=True)
    restricted_from = models.DateField(_("use restricted from"), null=True, blank=True)
    erasure_outcome = models.CharField(_("erasure"), max_length=500, blank=True)

    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_method = models.CharField(
        _("how the answer was delivered"), max_length=20, choices=AnswerMethod.choices, blank=True
    )

    class Meta:
        ordering = ["due_on", "received_on"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="subject_request_due_after_received"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(identity_checked_on__isnull=False),
                name="subject_request_decision_after_identity_check",
            ),
            models.CheckConstraint(
                condition=Q(requester_kind="person") | ~Q(requester_name=""),
                name="subject_request_requester_named",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | ~Q(decision=""), name="subject_request_answer_after_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("dataprotection_rights:request_detail", args=[self.uuid])

    @property
    def is_open(self) -> bool:
        return self.status != RequestStatus.ANSWERED

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)

    def days_left(self, today: date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.days_left(today) < 0


class CopyStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Preparing")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    DOWNLOADED = "downloaded", _("Downloaded and erased")
    EXPIRED = "expired", _("Erased (not downloaded in time)")


class SubjectCopy(UUIDModel, TimeStampedModel, TrackedJob):
    """The copy for a granted copy request: a readable PDF and a JSON file in
    the person's language, prepared by a task; each file is erased from the
    server when downloaded, both after a day."""

    audit_type = ObjectType.SUBJECT_COPY

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="copies")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=CopyStatus.choices, default=CopyStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    compartments = models.JSONField(_("compartments included"), default=list)
    pdf = EncryptedBinaryField(_("PDF"), blank=True, default=b"")
    data = EncryptedBinaryField(_("JSON file"), blank=True, default=b"")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pdf_downloaded_at = models.DateTimeField(_("PDF downloaded at"), null=True, blank=True)
    data_downloaded_at = models.DateTimeField(_("JSON downloaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("copy for a data subject")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="subject_copy_progress_at_most_100")]

    def __str__(self) -> str:
        return f"copy for {self.request_id} ({self.status})"
