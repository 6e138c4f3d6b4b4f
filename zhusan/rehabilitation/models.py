"""Rehabilitation centres: rooms and beds, the staff roster, admissions and
discharges, key workers and caseloads."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import BestInterestsAssessment, Person

USER = settings.AUTH_USER_MODEL


class Discipline(models.TextChoices):
    """The professions of a centre's staff (the roster, key workers, sessions)."""

    PSYCHOLOGIST = "psychologist", _("Psychologist")
    THEOLOGIAN = "theologian", _("Theologian")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    DOCTOR = "doctor", _("Doctor")
    TEACHER = "teacher", _("Teacher")
    NANNY = "nanny", _("Nanny")
    LAWYER = "lawyer", _("Lawyer")


# Residents per key worker when a centre sets no limit of its own for a
# discipline (a centre overrides any of them in ``Centre.caseload_limits``).
DEFAULT_CASELOAD_LIMITS: dict[str, int] = {
    Discipline.PSYCHOLOGIST: 12,
    Discipline.THEOLOGIAN: 10,
    Discipline.SOCIAL_WORKER: 15,
    Discipline.DOCTOR: 40,
    Discipline.TEACHER: 20,
    Discipline.NANNY: 6,
    Discipline.LAWYER: 30,
}

# Children under this age stay with their mother on admission unless a
# recorded best-interests decision separates them.
YOUNG_CHILD_AGE = 7


class Centre(UUIDModel, TimeStampedModel, VersionedModel):
    """A residential rehabilitation centre (Akniet in Aktau, Jeddah-1 …)."""

    audit_type = ObjectType.CENTRE

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(_("region"), max_length=100)
    town = models.CharField(
        _("town"), max_length=100, help_text=_("Movements whose destination names this town are expected here")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="centres", verbose_name=_("unit of the centre's staff")
    )
    caseload_limits = models.JSONField(
        _("caseload limits"),
        default=dict,
        blank=True,
        help_text=_('Residents per key worker, by discipline, e.g. {"psychologist": 12}; others use the defaults'),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")

    def __str__(self) -> str:
        return self.name

    def caseload_limit(self, discipline: str) -> int:
        value = (self.caseload_limits or {}).get(discipline)
        if isinstance(value, int) and value > 0:
            return value
        return DEFAULT_CASELOAD_LIMITS.get(discipline, 15)


class Room(UUIDModel):
    audit_type = ObjectType.ROOM

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    beds = models.PositiveSmallIntegerField(_("beds"))
    mothers_with_young_children = models.BooleanField(_("for mothers with young children"), default=False)

    class Meta:
        ordering = ["centre", "name"]
        verbose_name = _("room")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="room_name_once_per_centre"),
            models.CheckConstraint(condition=Q(beds__gte=1), name="room_has_a_bed"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} · {self.name}"


class StaffMember(UUIDModel, TimeStampedModel):
    """A member of a centre's staff: the roster by discipline. ``supervisor``
    approves their over-limit assignments and receives their alerts."""

    audit_type = ObjectType.STAFF_MEMBER

    user = models.OneToOneField(USER, on_delete=models.PROTECT, related_name="staff_member")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="staff")
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)
    is_female = models.BooleanField(_("female professional"), default=False)
    supervisor = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="supervisees", verbose_name=_("supervisor")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["centre", "discipline", "user__last_name", "user__first_name", "user__username"]
        verbose_name = _("staff member")
        constraints = [
            models.CheckConstraint(condition=~Q(supervisor=models.F("user")), name="staff_not_own_supervisor"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.discipline}, {self.centre})"


class Destination(models.TextChoices):
    RELATIVES = "relatives", _("Relatives")
    OWN_HOME = "own_home", _("Own home")
    GUARDIAN = "guardian", _("Guardian")
    INSTITUTION = "institution", _("Institution")
    CUSTODY = "custody", _("Custody")


class AdmissionQuerySet(models.QuerySet["Admission"]):
    def open(self) -> AdmissionQuerySet:
        return self.filter(discharged_on__isnull=True)

    def present_on(self, day: date) -> AdmissionQuerySet:
        return self.filter(admitted_on__lte=day).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=day))


class Admission(UUIDModel, TimeStampedModel, VersionedModel):
    """One stay of a person in a centre, from admission to discharge. The
    length of stay is derived from the two dates, never typed."""

    audit_type = ObjectType.ADMISSION

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="admissions")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="admissions")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="admissions")
    admitted_on = models.DateField(_("admitted on"))
    prefers_female_professional = models.BooleanField(_("prefers a female professional"), default=False)
    admitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices, blank=True)
    # What the stay achieved and what follows: may speak of health and
    # counselling, so it is encrypted at rest and never in the trail in clear.
    discharge_summary = EncryptedTextField(_("discharge summary"), blank=True)
    discharge_assessment = models.ForeignKey(
        BestInterestsAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discharged_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-admitted_on", "-created_at"]
        verbose_name = _("admission")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(discharged_on__isnull=True), name="one_open_admission_per_person"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="admission_discharge_not_before_admission",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True, destination="")
                | (Q(discharged_on__isnull=False) & ~Q(destination="")),
                name="admission_destination_iff_discharged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.centre} from {self.admitted_on}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None

    def length_of_stay(self, today: date | None = None) -> int:
        """Days in the centre: to discharge, or to today while the stay lasts."""
        end = self.discharged_on or today or timezone.localdate()
        return (end - self.admitted_on).days


class FamilySeparation(UUIDModel):
    """A recorded decision that a young child is not admitted with their
    mother (or not in her room): a best-interests assessment of purpose
    ``separation`` and a written justification."""

    audit_type = ObjectType.FAMILY_SEPARATION

    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="separations")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(BestInterestsAssessment, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("family separation decision")
        constraints = [
            models.CheckConstraint(condition=~Q(justification=""), name="family_separation_justified"),
        ]

    def __str__(self) -> str:
        return f"{self.child} separated from {self.carer}"


class RoomMove(models.Model):
    """A resident's change of room, kept for the history of who slept where."""

    audit_type = ObjectType.ADMISSION

    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="room_moves")
    from_room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    to_room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("moved on"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.admission}: {self.from_room} → {self.to_room}"


class KeyWorker(UUIDModel, TimeStampedModel):
    """The member of staff of one discipline responsible for a resident; one
    current per discipline. ``reason`` explains an assignment over the
    caseload limit or against a preference for a female professional."""

    audit_type = ObjectType.KEY_WORKER

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="key_workers")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="key_worker_of")
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    over_limit = models.BooleanField(_("assigned over the caseload limit"), default=False)
    against_preference = models.BooleanField(_("male professional despite the resident's choice"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["discipline", "-started_on"]
        verbose_name = _("key worker")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "discipline"],
                condition=Q(ended_on__isnull=True),
                name="one_key_worker_per_discipline",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="key_worker_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(over_limit=False) & Q(against_preference=False)) | ~Q(reason=""),
                name="key_worker_exception_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} key {self.discipline} of {self.person}"
