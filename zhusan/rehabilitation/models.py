"""Rehabilitation centres: rooms and beds, the staff roster, admissions and
discharges, key workers and caseloads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Discipline(models.TextChoices):
    """The professions of a centre's staff (the roster, key workers, sessions)."""

    PSYCHOLOGIST = "psychologist", _("Psychologist")
    THEOLOGIAN = "theologian", _("Theologian")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    DOCTOR = "doctor", _("Doctor")
    TEACHER = "teacher", _("Teacher")
    NANNY = "nanny", _("Nanny")
    LAWYER = "lawyer", _("Lawyer")
