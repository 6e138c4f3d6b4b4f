"""Repatriation operations: operations, movements (flights, convoys), their
manifests, the clearance checklist per person, overrides, separation
decisions and staged manifest imports.

Writes go through ``services.py`` (and ``imports.py`` for staged files);
reads through ``selectors.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Organisation
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedBinaryField, EncryptedTextField
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import Document, IdentityEvidence, Person, PersonNationality, Site

USER = settings.AUTH_USER_MODEL


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ClearanceKind(models.TextChoices):
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    NATIONALITY_CONFIRMED = "nationality_confirmed", _("Nationality confirmed")
    CONSENT = "consent", _("Consent (and the child's assent where age allows)")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document issued")
    MEDICAL_FITNESS = "medical_fitness", _("Fit to travel")
    SECURITY_CLEARANCE = "security_clearance", _("Security clearance")


def default_clearance_kinds() -> list[str]:
    return list(ClearanceKind.values)


# An operation's own lifecycle; the services refuse anything else.
OPERATION_TRANSITIONS: dict[str, frozenset[str]] = {
    OperationStatus.PLANNED: frozenset({OperationStatus.APPROVED, OperationStatus.CANCELLED}),
    OperationStatus.APPROVED: frozenset(
        {OperationStatus.PLANNED, OperationStatus.UNDER_WAY, OperationStatus.CANCELLED}
    ),
    OperationStatus.UNDER_WAY: frozenset({OperationStatus.COMPLETED, OperationStatus.CANCELLED}),
    OperationStatus.COMPLETED: frozenset(),
    OperationStatus.CANCELLED: frozenset(),
}


class Operation(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.OPERATION

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("For example Zhusan-2"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=OperationStatus.choices, default="planned")
    country = models.CharField(_("programme country"), max_length=2)
    lead = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="operations", verbose_name=_("partner organisations")
    )
    # The programme's checklist: which clearance items are required on this
    # operation's manifests. Configured in the admin; defaults to all.
    clearance_kinds = models.JSONField(_("required clearance items"), default=default_clearance_kinds)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("operation")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("operations:operation_detail", args=[self.uuid])


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Operation lead")
    DIPLOMAT = "diplomat", _("Diplomat")
    DOCTOR = "doctor", _("Doctor")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SECURITY = "security", _("Security liaison")
    ESCORT = "escort", _("Escort")
    OTHER = "other", _("Other")


class TeamMember(models.Model):
    audit_type = ObjectType.OPERATION_TEAM

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="operation_roles")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation", "user", "role"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.operation}"


class MovementKind(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    CONVOY = "convoy", _("Convoy")


class MovementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


# A movement's own lifecycle: planned, under way, arrived; or cancelled before it leaves.
MOVEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    MovementStatus.PLANNED: frozenset({MovementStatus.UNDER_WAY, MovementStatus.CANCELLED}),
    MovementStatus.UNDER_WAY: frozenset({MovementStatus.ARRIVED}),
    MovementStatus.ARRIVED: frozenset(),
    MovementStatus.CANCELLED: frozenset(),
}


class Movement(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.MOVEMENT

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="movements")
    label = models.CharField(_("label"), max_length=100, help_text=_("For example Flight 1"))
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    origin = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("origin")
    )
    transit_points = models.TextField(_("transit points"), blank=True)
    destination = models.CharField(_("destination"), max_length=200)
    # Where the persons are received (the centre): arrival opens their stay there.
    destination_site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destination site"),
        help_text=_("Where the persons are received; arrival records their stay there"),
    )
    departure_on = models.DateField(_("departure"), null=True, blank=True)
    arrival_on = models.DateField(_("arrival"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MovementStatus.choices, default="planned")

    class Meta:
        ordering = ["departure_on", "label"]
        verbose_name = _("movement")
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_on__isnull=True)
                | Q(departure_on__isnull=True)
                | Q(arrival_on__gte=models.F("departure_on")),
                name="movement_arrives_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation.code} · {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("operations:movement_detail", args=[self.uuid])


class EntryStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    VERIFIED = "verified", _("Verified")
    CLEARED = "cleared", _("Cleared")
    BOARDED = "boarded", _("Boarded")
    ARRIVED = "arrived", _("Arrived")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HELD = "held", _("Held")


E = EntryStatus
MAIN_ENTRY_PATH = [E.PROPOSED, E.VERIFIED, E.CLEARED, E.BOARDED, E.ARRIVED]
# The manifest's own lifecycle; anything else is refused by the services.
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    E.PROPOSED: frozenset({E.VERIFIED, E.WITHDRAWN, E.HELD}),
    E.VERIFIED: frozenset({E.CLEARED, E.WITHDRAWN, E.HELD}),
    E.CLEARED: frozenset({E.BOARDED, E.WITHDRAWN, E.HELD}),
    E.BOARDED: frozenset({E.ARRIVED, E.HELD}),
    E.HELD: frozenset({E.PROPOSED, E.VERIFIED, E.CLEARED, E.WITHDRAWN}),
    E.ARRIVED: frozenset(),
    E.WITHDRAWN: frozenset(),
}
ACTIVE_STATUSES = [E.PROPOSED, E.VERIFIED, E.CLEARED, E.BOARDED, E.ARRIVED, E.HELD]


class Placement(models.TextChoices):
    REHABILITATION_CENTRE = "rehabilitation_centre", _("Rehabilitation centre")
    RELATIVES = "relatives", _("With relatives")
    CUSTODY = "custody", _("Custody")


class ManifestEntryQuerySet(models.QuerySet["ManifestEntry"]):
    def active(self) -> ManifestEntryQuerySet:
        return self.exclude(status=E.WITHDRAWN)


class ManifestEntry(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.MANIFEST_ENTRY

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="manifest_entries")
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default="proposed")
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    travel_group = models.CharField(
        _("travel group"), max_length=60, blank=True, help_text=_("Household travelling together")
    )
    boarded_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    placement = models.CharField(_("placement on arrival"), max_length=30, choices=Placement.choices, blank=True)
    # Encrypted at rest (Fernet, FIELD_ENCRYPTION_KEYS): it says what a child or a woman needs protecting from.
    protection_needs = EncryptedTextField(_("immediate protection needs"), blank=True)
    unaccompanied = models.BooleanField(_("unaccompanied child confirmed"), default=False)
    orphan = models.BooleanField(_("orphan confirmed"), default=False)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ManifestEntryQuerySet.as_manager()

    class Meta:
        ordering = ["travel_group", "pk"]
        verbose_name = _("manifest entry")
        verbose_name_plural = _("manifest entries")
        constraints = [
            models.UniqueConstraint(fields=["movement", "person"], name="manifest_person_once_per_movement"),
            models.CheckConstraint(
                condition=~Q(status__in=["withdrawn", "held"]) | ~Q(status_reason=""),
                name="manifest_withdrawn_or_held_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.movement}"

    def get_absolute_url(self) -> str:
        return reverse("operations:entry_detail", args=[self.uuid])


class SecurityOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    NOT_CLEARED = "not_cleared", _("Not cleared")


class ClearanceItem(UUIDModel):
    audit_type = ObjectType.CLEARANCE_ITEM

    entry = models.ForeignKey(ManifestEntry, on_delete=models.CASCADE, related_name="clearance_items")
    kind = models.CharField(_("item"), max_length=30, choices=ClearanceKind.choices)
    required = models.BooleanField(_("required"), default=True)
    satisfied = models.BooleanField(_("satisfied"), default=False)
    # Only for the security item: the outcome, never the reasons (those are
    # a ProtectedNote in the justice and security compartment).
    outcome = models.CharField(_("outcome"), max_length=20, choices=SecurityOutcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    derived = models.BooleanField(default=False, help_text=_("Set from the registry's records"))
    # The registry's record that satisfies the item: identity evidence, a
    # verified nationality, an issued travel document. Ticking by hand writes
    # that record first, so the person's page shows what the manifest knows.
    evidence = models.ForeignKey(IdentityEvidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nationality = models.ForeignKey(
        PersonNationality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("clearance item")
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="clearance_item_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.satisfied else 'no'}"


class ClearanceOverride(UUIDModel):
    """Boarding allowed although the checklist is incomplete; always with a reason."""

    audit_type = ObjectType.CLEARANCE_OVERRIDE

    entry = models.ForeignKey(ManifestEntry, on_delete=models.CASCADE, related_name="overrides")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("clearance override")

    def __str__(self) -> str:
        return f"Override on {self.entry}"


class SeparationDecision(UUIDModel):
    """A child travels without their carer: a recorded best-interests decision."""

    audit_type = ObjectType.SEPARATION_DECISION

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="separation_decisions")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    best_interests_reference = models.CharField(_("best-interests assessment reference"), max_length=200)
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("separation decision")
        constraints = [
            models.CheckConstraint(
                condition=~Q(best_interests_reference="") & ~Q(justification=""),
                name="separation_has_assessment_and_justification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} separated on {self.movement}"


class ImportStatus(models.TextChoices):
    STAGING = "staging", _("Being read")
    REFUSED = "refused", _("Refused")
    STAGED = "staged", _("Awaiting review")
    MERGING = "merging", _("Being merged")
    MERGED = "merged", _("Merged")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class StagedImport(UUIDModel, TimeStampedModel, TrackedJob):
    audit_type = ObjectType.STAGED_IMPORT

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default="staged")
    lawful_basis = models.CharField(_("lawful basis for new persons"), max_length=30)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(null=True, blank=True)
    # Staging and merging run as tasks (zhusan.operations.imports): the file
    # waits here, encrypted, until its rows are staged; progress and the
    # reasons of a refusal or a failure are shown on the import's page.
    kind = models.CharField(_("file type"), max_length=10, blank=True)
    upload = EncryptedBinaryField(_("uploaded file"), blank=True, default=b"")
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staged import")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("operations:import_review", args=[self.uuid])


class RowDecision(models.TextChoices):
    NEW = "new", _("Register a new person")
    EXISTING = "existing", _("Use the existing person")
    SKIP = "skip", _("Skip this row")


class StagedRow(models.Model):
    audit_type = ObjectType.STAGED_ROW

    staged = models.ForeignKey(StagedImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    # Every cell as text, exactly as read; formulas are kept as their text.
    data = models.JSONField(default=dict)
    suggestions = models.JSONField(default=list, help_text=_("Candidate existing persons: uuid and score"))
    duplicate_of_row = models.PositiveIntegerField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=RowDecision.choices, default="new")
    matched_person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["row_number"]
        constraints = [models.UniqueConstraint(fields=["staged", "row_number"], name="staged_row_once")]

    def __str__(self) -> str:
        return f"row {self.row_number} of {self.staged}"


class HandoverDocumentKind(models.TextChoices):
    HANDOVER_RECORD = "handover_record", _("Handover record")
    ARRIVAL_RECORD = "arrival_record", _("Arrival record")
    CONSENT_FORM = "consent_form", _("Consent form")
    OTHER = "other", _("Other")


class HandoverDocument(UUIDModel):
    """A signed handover or arrival record, a consent form: a scan attached to a movement.

    The bytes live in the database, encrypted with the severe fields' Fernet
    keys (``EncryptedBinaryField``), not on a file system or a bucket: they
    are then behind exactly the same access control, the same keys and the
    same backups as the records they prove, a dump of the database shows no
    signed consent form, and no web server can ever serve them by path.
    Files are small (at most 10 MB) and few per movement, so the database
    copes. The SHA-256 is of the plain file.
    """

    audit_type = ObjectType.HANDOVER_DOCUMENT

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="handover_documents")
    kind = models.CharField(_("kind"), max_length=20, choices=HandoverDocumentKind.choices)
    filename = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = EncryptedBinaryField(_("content"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("handover document")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="handover_document_not_empty")]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("operations:handover_document_download", args=[self.uuid])
