"""Base mixins shared by every domain model, and the dataset marker."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class UUIDModel(models.Model):
    """A random UUID is the only key that leaves the server (URLs, API)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic concurrency: every write names the version it was based on.

    Services call :func:`zhusan.core.concurrency.save_versioned`, which
    updates the row only where the stored version still equals the expected
    one, so two editors can never silently overwrite each other.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class DatasetMarker(models.Model):
    """One row saying what kind of data this installation holds.

    ``zhusan demo`` sets ``is_synthetic``; every page and export then says so.
    """

    is_synthetic = models.BooleanField(default=False)
    description = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset marker")

    def __str__(self) -> str:
        return self.description or ("synthetic" if self.is_synthetic else "live")

    @classmethod
    def current(cls) -> DatasetMarker | None:
        return cls.objects.order_by("-pk").first()


class DailyRun(models.Model):
    """When a daily job (``zhusan.core.schedule``) last started and how it ended."""

    name = models.CharField(max_length=100, unique=True)
    last_day = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.last_day or 'never'})"


class WorkerSeen(models.Model):
    """A task worker (``zhusan worker``) that is running, or was: it refreshes
    ``seen_at`` every few seconds (``zhusan.core.workers``), so that a task it
    was running when it stopped can be told from one still running."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return self.worker_id
