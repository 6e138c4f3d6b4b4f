"""Livelihood, housing, referrals to other agencies and transfers of a case.

Livelihood and housing records belong to the family compartment (a social
worker's work); an employer's name and contact, and a home's address, are
contact-and-location data: kept in their own fields and shown only to
readers of that compartment. A referral to a security service, and its very
existence, belongs to the justice-and-security compartment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel

# The compartment of livelihood, housing and care referrals.
SUPPORT_COMPARTMENT = Compartment.FAMILY
# Employer and address fields.
CONTACT_COMPARTMENT = Compartment.CONTACT_LOCATION


class _PersonRecord(UUIDModel, TimeStampedModel):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class VocationalCourse(_PersonRecord):
    audit_type = ObjectType.VOCATIONAL_COURSE

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="vocational_courses")
    provider = models.CharField(_("provider"), max_length=200)
    course = models.CharField(_("course"), max_length=200)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("vocational course")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="vocational_course_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.course


class ContractKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    PART_TIME = "part_time", _("Part time")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    INFORMAL = "informal", _("Informal")
    SUBSIDISED = "subsidised", _("Subsidised job")


class Employment(_PersonRecord):
    audit_type = ObjectType.EMPLOYMENT

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="employments")
    # Contact and location: shown only to readers of that compartment.
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_contact = models.CharField(_("employer's contact"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=100)
    contract_kind = models.CharField(_("kind of contract"), max_length=20, choices=ContractKind.choices)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("employment")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.sector


class IncomeSupportKind(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor's or breadwinner-loss allowance")
    CHILD_BENEFIT = "child_benefit", _("Child benefit")
    SOCIAL_ASSISTANCE = "social_assistance", _("Targeted social assistance")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit")
    DISABILITY = "disability", _("Disability allowance")
    ONE_OFF = "one_off", _("One-off grant")
    OTHER = "other", _("Other")


class IncomeSupport(_PersonRecord):
    audit_type = ObjectType.INCOME_SUPPORT

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="income_support")
    kind = models.CharField(_("kind"), max_length=30, choices=IncomeSupportKind.choices)
    amount = models.DecimalField(_("monthly amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("income support")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="income_support_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="income_support_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class HousingKind(models.TextChoices):
    WITH_RELATIVES = "with_relatives", _("With relatives")
    RENTED = "rented", _("Rented")
    OWN = "own", _("Own home")
    SOCIAL = "social", _("Social housing")
    SHELTER = "shelter", _("Shelter")
    HOMELESS = "homeless", _("Homeless")


class Housing(_PersonRecord):
    """One housing situation; recording a new one ends the current one."""

    audit_type = ObjectType.HOUSING

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="housing")
    kind = models.CharField(_("housing"), max_length=20, choices=HousingKind.choices)
    # Contact and location: shown only to readers of that compartment.
    address = models.CharField(_("address"), max_length=300, blank=True)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("housing situation")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="housing_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ReferralKind(models.TextChoices):
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal aid")
    EDUCATION = "education", _("Education")
    LIVELIHOOD = "livelihood", _("Livelihood")
    HOUSING = "housing", _("Housing")
    SECURITY = "security", _("Security services")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(UUIDModel, TimeStampedModel, VersionedModel):
    """A referral of a person to an agency (an organisation of the system)
    or to a service named in free text, checked against the person's consent
    for sharing with that kind of agency."""

    audit_type = ObjectType.REFERRAL

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=20, choices=ReferralKind.choices)
    compartment = models.CharField(max_length=30, choices=Compartment.choices, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("receiving organisation"),
    )
    service = models.CharField(_("service (if not an organisation in the system)"), max_length=200, blank=True)
    reason = EncryptedTextField(_("reason for the referral"))
    consent_purpose = models.CharField(max_length=40, editable=False)
    consent_on_file = models.BooleanField(default=False, editable=False)
    override_reason = EncryptedTextField(_("why it is sent without consent"), blank=True)
    override_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reviewed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due by"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("why it was declined"), blank=True)
    completed_on = models.DateField(null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("referral")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(service=""), name="referral_names_a_receiver"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("sent_on")), name="referral_due_after_sent"),
            models.CheckConstraint(
                condition=Q(consent_on_file=True) | ~Q(override_reason=""), name="referral_consent_or_override"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="referral_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.receiver}"

    def get_absolute_url(self) -> str:
        return reverse("reintegration_support:referral_detail", args=[self.uuid])

    @property
    def receiver(self) -> str:
        return self.organisation.name if self.organisation_id and self.organisation else self.service

    @property
    def overridden(self) -> bool:
        return not self.consent_on_file

    @property
    def waiting(self) -> bool:
        return self.status == ReferralStatus.SENT


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the receiving organisation")
    ACCEPTED = "accepted", _("Accepted: to be handed over")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Handed over")


class CaseTransfer(UUIDModel, TimeStampedModel, VersionedModel):
    """A transfer of case responsibility to a unit of another organisation:
    the same consent check as a referral, accepted by the receiving
    organisation, then handed over (the person's managing unit changes)."""

    audit_type = ObjectType.CASE_TRANSFER

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="case_transfers")
    from_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    reason = EncryptedTextField(_("reason for the transfer"))
    consent_purpose = models.CharField(max_length=40, editable=False)
    consent_on_file = models.BooleanField(default=False, editable=False)
    override_reason = EncryptedTextField(_("why it is transferred without consent"), blank=True)
    override_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reviewed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    due_on = models.DateField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("why it was declined"), blank=True)
    handed_over_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("case transfer")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_on_file=True) | ~Q(override_reason=""), name="transfer_consent_or_override"
            ),
            models.CheckConstraint(condition=~Q(from_unit=models.F("to_unit")), name="transfer_to_another_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"

    def get_absolute_url(self) -> str:
        return reverse("reintegration_support:transfer_detail", args=[self.uuid])

    @property
    def overridden(self) -> bool:
        return not self.consent_on_file
