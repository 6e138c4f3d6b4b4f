"""Reporting's records.

Other parts of reporting may add their models below their own marker.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedBinaryField, EncryptedTextField
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel

USER = settings.AUTH_USER_MODEL


# --- dashboard figures (reporting.cache) ---------------------------------------------
# Restored from migration 0001_initial after a write race on this file at 05:45
# (the case-export helper's create overwrote it just before its commit): the
# fields are exactly those of 0001; the dashboard's owner may add methods here.


class DashboardFigures(models.Model):
    """The dashboard's published figures for one set of filters, computed once
    and kept until the records change (reporting.cache: what is stored already
    went through disclosure control; never a statistical row or a record key).

    ``data_mark`` is the audit trail's last event (its seq) when the figures
    were computed (a write after it makes them stale); ``requested_at`` when a
    recomputation was last queued."""

    audit_type = ObjectType.REPORT

    key = models.CharField(max_length=64, unique=True, editable=False)
    filters = models.JSONField(_("filters"), default=dict, editable=False)
    payload = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    seconds = models.FloatField(default=0, editable=False)
    data_mark = models.BigIntegerField(default=0, editable=False)
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dashboard figures")
        verbose_name_plural = _("dashboard figures")

    def __str__(self) -> str:
        return f"dashboard figures {self.key[:8]} as of {self.computed_at}"


# --- case exports (reporting.case_exports, reporting.export_tasks) -------------------


class CaseExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    DOWNLOADED = "downloaded", _("Downloaded")
    EXPIRED = "expired", _("No longer kept")


class CaseExport(UUIDModel, TimeStampedModel, TrackedJob):
    """One case-level export, prepared by a task of the queue and downloaded
    once by the user who asked for it (``reporting.case_exports``).

    The prepared file is kept encrypted at rest (the server's key) until it is
    downloaded or expires; the passphrase of the archive is typed at the
    download and never stored. ``persons`` (JSON: UUIDs and case numbers)
    goes into the audit event of the download."""

    audit_type = ObjectType.CASE_EXPORT

    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=CaseExportStatus.choices, default=CaseExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    fields = models.JSONField(_("fields"), default=list)
    filters = models.JSONField(_("filters"), default=dict)
    fmt = models.CharField(_("format"), max_length=4)
    script = models.CharField(_("names in"), max_length=20)
    count = models.PositiveIntegerField(_("records"), default=0)
    persons = EncryptedTextField(_("persons exported"), blank=True)
    content = EncryptedBinaryField(_("prepared file"), blank=True, default=b"")
    data_file = models.CharField(_("file name"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case export")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="case_export_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{_('Case export')} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return f"{reverse('reporting:case_export')}?job={self.uuid}"

    @property
    def finished(self) -> bool:
        return self.status not in (CaseExportStatus.QUEUED, CaseExportStatus.RUNNING)
