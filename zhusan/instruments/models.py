"""Administrations of validated instruments, their schedule and the safety
alerts they raise. Every record belongs to the psychosocial compartment;
the answers are encrypted at rest, the scores are derived from them."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import User
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel
from zhusan.registry.models import Person

from .catalogue import INSTRUMENTS, InstrumentCode, instrument

USER = settings.AUTH_USER_MODEL


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Baseline (on admission)")
    BEFORE_DISCHARGE = "before_discharge", _("Before discharge")
    MONTH_3 = "month_3", _("3 months after discharge")
    MONTH_6 = "month_6", _("6 months after discharge")
    MONTH_12 = "month_12", _("12 months after discharge")
    OTHER = "other", _("Other")


FOLLOW_UP_MONTHS = {Occasion.MONTH_3: 3, Occasion.MONTH_6: 6, Occasion.MONTH_12: 12}


class Administration(UUIDModel, TimeStampedModel):
    """One completed instrument. Never edited: a mistaken one is entered again."""

    audit_type = ObjectType.INSTRUMENT_ADMINISTRATION

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="instrument_administrations")
    instrument = models.CharField(_("instrument"), max_length=10, choices=InstrumentCode.choices)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    administered_on = models.DateField(_("date"))
    administered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("administered by")
    )
    # The answers as JSON (item key → value), encrypted at rest.
    answers_json = EncryptedTextField(_("answers"))
    total = models.PositiveSmallIntegerField(_("total score"), editable=False)
    subscales = models.JSONField(_("subscale scores"), default=dict, editable=False)
    band = models.CharField(_("severity band"), max_length=80, blank=True, editable=False)

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        verbose_name = _("instrument administration")
        indexes = [models.Index(fields=["person", "instrument", "administered_on"], name="instr_admin_person")]
        constraints = [
            models.CheckConstraint(condition=Q(total__lte=80), name="instrument_total_in_range"),
            models.CheckConstraint(
                condition=Q(instrument__in=InstrumentCode.values), name="instrument_administration_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.administered_on}"

    def get_absolute_url(self) -> str:
        return reverse("instruments:administration_detail", args=[self.uuid])

    @property
    def answers(self) -> dict[str, int]:
        loaded: dict[str, int] = json.loads(self.answers_json or "{}")
        return loaded

    def subscale_rows(self) -> list[tuple[str, int]]:
        inst = instrument(self.instrument)
        return [(str(inst.subscales[code][0]), value) for code, value in self.subscales.items()]

    def answer_rows(self) -> list[tuple[str, str, str]]:
        """(item key, item text, answer label) for the reader of the psychosocial compartment."""
        inst = INSTRUMENTS[self.instrument]
        labels = {c.value: str(c.label) for c in inst.choices}
        out = []
        for item in inst.items:
            value = self.answers.get(item.key)
            out.append((item.key, str(item.text), "" if value is None else labels.get(value, str(value))))
        return out


class ScheduledAdministration(UUIDModel, TimeStampedModel):
    """An instrument due for a person on an occasion; done by an administration."""

    audit_type = ObjectType.INSTRUMENT_SCHEDULE

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="scheduled_instruments")
    instrument = models.CharField(_("instrument"), max_length=10, choices=InstrumentCode.choices)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    due_on = models.DateField(_("due on"))
    administration = models.OneToOneField(
        Administration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfils",
        verbose_name=_("done by"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("scheduled instrument")
        indexes = [models.Index(fields=["due_on"], name="instr_sched_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "instrument", "occasion"],
                condition=Q(administration__isnull=True) & ~Q(occasion="other"),
                name="one_open_schedule_per_occasion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.get_occasion_display()} due {self.due_on}"

    @property
    def done(self) -> bool:
        return self.administration_id is not None

    def is_overdue(self, today: object = None) -> bool:
        return not self.done and self.due_on < (today or timezone.localdate())  # type: ignore[operator]


class SafetyAlert(UUIDModel, TimeStampedModel, VersionedModel):
    """Raised by a PHQ-9 answer above 0 on item 9 (thoughts of self-harm);
    open until a recipient acknowledges it with the action taken."""

    audit_type = ObjectType.SAFETY_ALERT

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safety_alerts")
    administration = models.OneToOneField(Administration, on_delete=models.PROTECT, related_name="safety_alert")
    recipients = models.ManyToManyField(User, related_name="instrument_safety_alerts", verbose_name=_("recipients"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acknowledged by")
    )
    action_taken = EncryptedTextField(_("action taken"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("safety alert")
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="safety_alert_acknowledged_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Safety alert {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("instruments:alert_detail", args=[self.uuid])

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
