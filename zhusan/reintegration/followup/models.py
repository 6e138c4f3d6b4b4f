"""Follow-up for years, incidents, security follow-up, closure and reopening.

Compartments (``compartments.py`` names them once):

- the plan, its scheduled contacts, visits and calls, and closures are
  contact-and-location data: who visits whom, where and when;
- incidents (stigma, bullying, threats, discrimination) are psychosocial
  notes: severe, encrypted at rest, read by psychologists;
- security follow-up (contacts by the security liaison) is justice-and-security
  data: never in a care worker's list, page, panel or API answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import BestInterestsAssessment, Person

USER = settings.AUTH_USER_MODEL


class FollowUpTemplate(UUIDModel, TimeStampedModel):
    """A schedule of follow-up contacts, edited in the admin: its phases say
    how often a contact is due (every N months) until how many months after
    the start (e.g. monthly to 6, quarterly to 24, yearly to 60)."""

    audit_type = ObjectType.FOLLOW_UP_TEMPLATE

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_default = models.BooleanField(_("default template"), default=False)
    active = models.BooleanField(_("offered for new plans"), default=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("follow-up template")
        verbose_name_plural = _("follow-up templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="followup_template_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpPhase(models.Model):
    """One phase of a template: a contact every ``every_months`` until ``until_months``."""

    audit_type = ObjectType.FOLLOW_UP_TEMPLATE

    template = models.ForeignKey(FollowUpTemplate, on_delete=models.CASCADE, related_name="phases")
    every_months = models.PositiveSmallIntegerField(_("a contact every (months)"))
    until_months = models.PositiveSmallIntegerField(_("until (months after the start)"))

    class Meta:
        ordering = ["until_months", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(condition=Q(every_months__gte=1), name="followup_phase_every_positive"),
            models.CheckConstraint(
                condition=Q(until_months__gte=models.F("every_months")), name="followup_phase_until_after_every"
            ),
        ]

    def __str__(self) -> str:
        return f"every {self.every_months} months until month {self.until_months}"


class StartBasis(models.TextChoices):
    DISCHARGE = "discharge", _("Discharge from the centre")
    ARRIVAL = "arrival", _("Arrival")
    TODAY = "today", _("Day the plan was made")
    CHOSEN = "chosen", _("Date chosen by the worker")


class FollowUpPlan(UUIDModel, TimeStampedModel, VersionedModel):
    """A person's follow-up plan: the template it was generated from, from
    which start date, and the worker responsible for its contacts. Regenerating
    it ends this plan (``active`` False) and starts another, with a reason."""

    audit_type = ObjectType.FOLLOW_UP_PLAN

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follow_up_plans")
    template = models.ForeignKey(FollowUpTemplate, on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField(_("start date"))
    start_basis = models.CharField(_("start from"), max_length=20, choices=StartBasis.choices)
    worker = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="follow_up_plans", verbose_name=_("responsible worker")
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")

    def __str__(self) -> str:
        return f"follow-up plan of {self.person} from {self.start_on}"


class ContactStatus(models.TextChoices):
    OPEN = "open", _("Due")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpContact(UUIDModel, VersionedModel):
    """One scheduled contact of a plan: due on a date, ticked off by a visit or call."""

    audit_type = ObjectType.FOLLOW_UP_CONTACT

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="contacts")
    sequence = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Set when the contact is made: within ``services.ON_TIME_DAYS`` of its due date.
    on_time = models.BooleanField(_("done on time"), default=False)
    note = models.CharField(_("why it moved"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "sequence"]
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="followup_contact_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"contact {self.sequence} due {self.due_on}"


class VisitKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE_CALL = "phone_call", _("Phone call")
    OFFICE_VISIT = "office_visit", _("Office visit")
    SCHOOL_VISIT = "school_visit", _("School visit")


class VisitOutcome(models.TextChoices):
    SEEN_WELL = "seen_well", _("Seen, doing well")
    CONCERNS = "concerns", _("Seen, with concerns")
    NOT_REACHED = "not_reached", _("Not reached")
    MOVED = "moved", _("Moved away")


# Outcomes that do not count as the contact made: the due contact stays open.
ATTEMPT_ONLY = frozenset({VisitOutcome.NOT_REACHED})


class FollowUpVisit(UUIDModel, TimeStampedModel):
    """A visit or call: kind, date, worker, outcome, next step, notes."""

    audit_type = ObjectType.FOLLOW_UP_VISIT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follow_up_visits")
    contact = models.ForeignKey(
        FollowUpContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    visited_on = models.DateField(_("date"))
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("worker"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=VisitOutcome.choices)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("follow-up visit or call")
        verbose_name_plural = _("follow-up visits and calls")

    def __str__(self) -> str:
        return f"{self.kind} with {self.person} on {self.visited_on}"


class IncidentKind(models.TextChoices):
    STIGMA = "stigma", _("Stigma")
    BULLYING = "bullying", _("Bullying at school")
    THREATS = "threats", _("Threats")
    DISCRIMINATION_AT_WORK = "discrimination_at_work", _("Discrimination at work")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Incident(UUIDModel, TimeStampedModel, VersionedModel):
    """Something that happened to the person in the community (psychosocial compartment)."""

    audit_type = ObjectType.INCIDENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follow_up_incidents")
    kind = models.CharField(_("kind"), max_length=30, choices=IncidentKind.choices)
    occurred_on = models.DateField(_("date"))
    description = EncryptedTextField(_("what happened"))
    status = models.CharField(_("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.kind} of {self.person} on {self.occurred_on}"


class IncidentAction(UUIDModel, TimeStampedModel):
    """What was done about an incident (talk with the school, a referral …)."""

    audit_type = ObjectType.INCIDENT_ACTION

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    taken_on = models.DateField(_("date"))
    action = EncryptedTextField(_("action taken"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_on", "pk"]
        verbose_name = _("incident follow-up action")
        verbose_name_plural = _("incident follow-up actions")

    def __str__(self) -> str:
        return f"action on {self.incident} ({self.taken_on})"


class SecurityContactKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PHONE_CALL = "phone_call", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    AGENCY_REPORT = "agency_report", _("Report from an agency")


class SecurityContact(UUIDModel, TimeStampedModel):
    """A contact by the security liaison (justice-and-security compartment)."""

    audit_type = ObjectType.SECURITY_CONTACT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="security_follow_ups")
    kind = models.CharField(_("kind"), max_length=20, choices=SecurityContactKind.choices)
    contacted_on = models.DateField(_("date"))
    notes = EncryptedTextField(_("notes"))
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    liaison = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("security follow-up contact")
        verbose_name_plural = _("security follow-up contacts")

    def __str__(self) -> str:
        return f"security contact with {self.person} on {self.contacted_on}"


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Goals achieved")
    MOVED_ABROAD = "moved_abroad", _("Moved abroad")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred to another service")
    DECLINED_SERVICES = "declined_services", _("Declined services")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class ClosureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved: case closed")
    REJECTED = "rejected", _("Not approved")
    REOPENED = "reopened", _("Reopened")


class CaseClosure(UUIDModel, TimeStampedModel, VersionedModel):
    """A request to close a case, its supervisor's decision, and its reopening.

    The case closes only on approval, by a user holding ``APPROVE_CARE`` who
    is not the requester (a check constraint keeps that true in the
    database); a child's closure rests on a best-interests assessment."""

    audit_type = ObjectType.CASE_CLOSURE

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("closure reason"), max_length=30, choices=ClosureReason.choices)
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClosureStatus.choices, default=ClosureStatus.REQUESTED
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    best_interests = models.ForeignKey(
        BestInterestsAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    reopened_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopen_reason = models.TextField(_("why the case reopens"), blank=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested"]) | (Q(decided_by__isnull=False) & Q(decided_on__isnull=False)),
                name="closure_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="closure_not_approved_by_requester",
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | (Q(reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="closure_reopened_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"closure of {self.person} ({self.reason}, {self.status})"
