"""Review queues of the matching engine: possible duplicates, merges (with
their undo), and family-tracing requests with their matches.

Writes go through ``services.py``; scoped reads through ``selectors.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel
from zhusan.registry.models import Person, RelationKind, Sex

USER = settings.AUTH_USER_MODEL


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different people")


class DuplicateCandidate(UUIDModel, TimeStampedModel):
    """Two registry records the engine thinks may be one person.

    The pair is stored once, with ``person_a`` the record with the lower
    primary key, so a pair decided "different" is found again and never
    proposed a second time."""

    audit_type = ObjectType.DUPLICATE_CANDIDATE

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("possible duplicate")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a} ~ {self.person_b} ({self.probability:.2f})"

    def get_absolute_url(self) -> str:
        return reverse("matching:duplicate_detail", args=[self.uuid])


class MergeRecord(UUIDModel):
    """One merge: which records moved from ``merged`` to ``survivor``.

    The merged person's row stays (its case number keeps resolving); it is
    "merged" while a MergeRecord names it and has not been undone, and the
    selectors leave it out of lists. ``snapshot`` lists every moved row
    (model, primary key, field, and any value changed on the way) so that
    :func:`zhusan.matching.services.undo_merge` can put each one back."""

    audit_type = ObjectType.MERGE

    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merge")
        constraints = [
            models.UniqueConstraint(fields=["merged"], condition=Q(undone_at__isnull=True), name="person_merged_once"),
            models.CheckConstraint(condition=~Q(survivor=models.F("merged")), name="merge_not_into_self"),
        ]

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class TracingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another request")


# A request in one of these is finished: not run again, not edited.
TRACING_FINISHED = (TracingStatus.CLOSED, TracingStatus.WITHDRAWN, TracingStatus.MERGED)


class TracingRequest(UUIDModel, TimeStampedModel):
    """A relative at home asks for one or more persons (``sought``)."""

    audit_type = ObjectType.TRACING_REQUEST

    inquirer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inquirer (registered relative)"),
    )
    inquirer_name = models.CharField(_("inquirer's name"), max_length=300, blank=True)
    inquirer_contact = EncryptedTextField(_("inquirer's contact"), blank=True)
    managing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=TracingStatus.choices, default=TracingStatus.OPEN)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_requests",
        verbose_name=_("merged into"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tracing request")
        constraints = [
            models.CheckConstraint(
                condition=Q(inquirer__isnull=False) | ~Q(inquirer_name=""), name="tracing_request_has_inquirer"
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | Q(~Q(status="merged"), merged_into__isnull=True),
                name="tracing_request_merged_names_its_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="tracing_request_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Tracing request')} {str(self.uuid)[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("matching:tracing_detail", args=[self.uuid])

    @property
    def finished(self) -> bool:
        return self.status in TRACING_FINISHED


class SoughtPerson(UUIDModel):
    """What the inquirer knows of one person they are looking for."""

    audit_type = ObjectType.SOUGHT_PERSON

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="sought")
    given = models.CharField(_("given name"), max_length=200, blank=True)
    patronymic = models.CharField(_("patronymic or father's name"), max_length=200, blank=True)
    family = models.CharField(_("family name"), max_length=200, blank=True)
    other_names = models.TextField(_("other names or spellings, one a line"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("approximate birth year"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    age_stated_on = models.DateField(_("age stated on"), null=True, blank=True)
    last_known_place = models.CharField(_("last known place"), max_length=300, blank=True)
    relatives_names = models.TextField(_("relatives' names"), blank=True)
    relation_to_inquirer = models.CharField(
        _("the inquirer is this person's"), max_length=20, choices=RelationKind.choices, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sought person")
        constraints = [
            models.CheckConstraint(
                condition=~Q(given="") | ~Q(family="") | ~Q(other_names=""), name="sought_person_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.given, self.patronymic, self.family) if p) or self.other_names.split("\n")[0]


class TracingMatchStatus(models.TextChoices):
    LIKELY = "likely", _("Likely")
    POSSIBLE = "possible", _("Possible")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class TracingMatch(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.TRACING_MATCH

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="matches")
    sought = models.ForeignKey(SoughtPerson, on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=TracingMatchStatus.choices)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("tracing match")
        constraints = [models.UniqueConstraint(fields=["sought", "person"], name="tracing_match_once")]

    def __str__(self) -> str:
        return f"{self.sought} ~ {self.person} ({self.probability:.2f})"


class LinkageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LinkageMode(models.TextChoices):
    TWO_FILES = "two_files", _("Two files")
    REGISTRY = "registry", _("Against the registry")


class LinkageJob(UUIDModel, TimeStampedModel, TrackedJob):
    """One bulk linkage started from the UI (``zhusan.matching.jobs``).

    The result CSV is kept in the database, encrypted, and served only to the
    user who started the job: it may hold registry names they alone were
    allowed to link against."""

    audit_type = ObjectType.LINKAGE_JOB

    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=LinkageMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=LinkageStatus.choices, default=LinkageStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    left_name = models.CharField(_("left file"), max_length=255)
    right_name = models.CharField(_("right file"), max_length=255, blank=True)
    pairs = models.PositiveIntegerField(_("pairs"), default=0)
    result = EncryptedTextField(_("result (CSV)"), blank=True)
    # The lists to link (JSON), kept encrypted until the job is done so that a
    # run interrupted by a crash can run again (zhusan.matching.jobs).
    engine = models.CharField(_("engine"), max_length=20, blank=True)
    left_input = EncryptedTextField(_("first list"), blank=True)
    right_input = EncryptedTextField(_("second list"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("linkage job")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="linkage_job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{_('Linkage')} {self.left_name} → {self.right_name}"

    def get_absolute_url(self) -> str:
        return reverse("matching:linkage_detail", args=[self.uuid])

    @property
    def finished(self) -> bool:
        return self.status in (LinkageStatus.DONE, LinkageStatus.FAILED)
