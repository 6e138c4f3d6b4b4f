"""Sessions (individual, family, group) with their attendance and their
confidential notes, the intake account an adult gives of their own story,
and professional risk assessments recorded as outcome only.

A session's notes live in its discipline's compartment (``NOTE_COMPARTMENT``):
everyone who sees a participant sees that the session took place, when,
which discipline and with whom; only readers of that compartment read the
note. There is no score of any kind here: a risk assessment is the licensed
tool's own outcome words, its assessor, date and report reference.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit, User
from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import Person
from zhusan.rehabilitation.models import Discipline

USER = settings.AUTH_USER_MODEL

# Where each discipline's session notes live. Psychological, religious-counselling
# and medical notes are severe compartments; a social worker's and a nanny's notes
# are family matters, a lawyer's concern documents, a teacher's class notes sit with
# identity (what a school may know of a pupil: name, age, languages, progress).
NOTE_COMPARTMENT: dict[str, Compartment] = {
    Discipline.PSYCHOLOGIST: Compartment.PSYCHOSOCIAL,
    Discipline.THEOLOGIAN: Compartment.RELIGIOUS,
    Discipline.DOCTOR: Compartment.HEALTH,
    Discipline.SOCIAL_WORKER: Compartment.FAMILY,
    Discipline.NANNY: Compartment.FAMILY,
    Discipline.LAWYER: Compartment.DOCUMENTS,
    Discipline.TEACHER: Compartment.IDENTITY,
}

# The intake account is the person's own story; risk assessments belong to justice and security.
INTAKE_COMPARTMENT = Compartment.PSYCHOSOCIAL
RISK_ASSESSMENT_COMPARTMENT = Compartment.JUSTICE_SECURITY


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group (class, course, group counselling)")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Session(UUIDModel, TimeStampedModel, VersionedModel):
    """One session, planned then held (with attendance and duration) or cancelled (with a reason)."""

    audit_type = ObjectType.SESSION

    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)
    # A neutral name for a group ("Reading class", "Sewing course"); never what was said.
    title = models.CharField(_("title"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned duration (minutes)"), default=60)
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    duration_minutes = models.PositiveSmallIntegerField(_("duration held (minutes)"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    staff = models.ManyToManyField(User, related_name="rehabilitation_sessions", verbose_name=_("staff"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | Q(duration_minutes__gt=0), name="session_held_has_duration"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="session_cancelled_has_reason"
            ),
            models.CheckConstraint(condition=Q(planned_minutes__gt=0), name="session_planned_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} — {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("rehabilitation_sessions:session_detail", args=[self.uuid])

    @property
    def compartment(self) -> Compartment:
        return NOTE_COMPARTMENT[self.discipline]


class SessionParticipant(UUIDModel):
    """A person in a session; ``attendance`` is set when the session is marked held."""

    audit_type = ObjectType.SESSION_PARTICIPANT

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_participations")
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("session participant")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="session_participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"


class SessionNote(UUIDModel, TimeStampedModel):
    """What was said about one participant, in the compartment of the session's discipline (encrypted)."""

    audit_type = ObjectType.SESSION_NOTE

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_notes")
    compartment = models.CharField(_("compartment"), max_length=30, choices=Compartment.choices)
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session note")

    def __str__(self) -> str:
        return f"{self.get_compartment_display()} note"


class TravelReason(models.TextChoices):
    """How the person says they came to travel (several may apply)."""

    FOLLOWED_SPOUSE = "followed_spouse", _("Followed a spouse")
    MARRIED_THERE = "married_there", _("Married there")
    TAKEN_AS_CHILD = "taken_as_child", _("Taken as a child")
    RELIGIOUS_MOTIVE = "religious_motive", _("Religious motive")
    PROMISED_MARRIAGE = "promised_marriage", _("Promised marriage or romance")
    COERCION = "coercion", _("Coercion or trafficking")
    OTHER = "other", _("Other")


class Regret(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_DISCUSSED = "not_discussed", _("Not discussed")


class IntakeAccount(UUIDModel, TimeStampedModel, VersionedModel):
    """An adult's own account of how they came to travel and whether they now
    regret leaving: self-reported, optional, never a score, never on a child's
    record; in the psychosocial compartment, every answer encrypted."""

    audit_type = ObjectType.INTAKE_ACCOUNT

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="intake_account")
    interviewed_on = models.DateField(_("interviewed on"))
    interviewer = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    # A JSON list of ``TravelReason`` values, encrypted.
    travel_reasons_data = EncryptedTextField(_("how they came to travel"), default="[]")
    regret = EncryptedTextField(_("says they regret leaving"), default=Regret.NOT_DISCUSSED)
    account = EncryptedTextField(_("the account in their own words"), blank=True)

    class Meta:
        verbose_name = _("intake account")

    def __str__(self) -> str:
        return f"intake account of {self.person}"

    @property
    def travel_reasons(self) -> list[str]:
        value = json.loads(self.travel_reasons_data or "[]")
        return [str(v) for v in value]

    @travel_reasons.setter
    def travel_reasons(self, reasons: list[str]) -> None:
        self.travel_reasons_data = json.dumps(sorted(set(reasons)))

    def travel_reason_labels(self) -> list[str]:
        return [str(TravelReason(r).label) for r in self.travel_reasons if r in TravelReason.values]

    def regret_label(self) -> str:
        return str(Regret(self.regret).label) if self.regret in Regret.values else self.regret


class RiskTool(models.TextChoices):
    """Licensed structured-professional-judgement tools (the software carries none of their items)."""

    VERA_2R = "vera_2r", "VERA-2R"
    ERG22 = "erg22", "ERG22+"


class ProfessionalRiskAssessment(UUIDModel, TimeStampedModel):
    """A licensed assessor's conclusion, recorded as they wrote it: the tool's
    own outcome words, the assessor, the date and the report's reference.
    Adults only; justice and security compartment; nothing computed."""

    audit_type = ObjectType.RISK_ASSESSMENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="professional_risk_assessments")
    tool = models.CharField(_("licensed tool"), max_length=20, choices=RiskTool.choices)
    outcome = EncryptedTextField(_("outcome, in the tool's own words"))
    assessor_name = models.CharField(_("assessor"), max_length=200)
    assessor_organisation = models.CharField(_("assessor's organisation"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    report_reference = EncryptedTextField(_("report reference"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("professional assessment (outcome)")

    def __str__(self) -> str:
        return f"{self.get_tool_display()} of {self.person} on {self.assessed_on}"
