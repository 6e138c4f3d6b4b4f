"""A capacity plan's simulation run: the scenario a programme manager asked
for (and its what-if), run as a task of the queue with its progress, and
the summary figures it produced (aggregates only: no person in it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.jobs import TrackedJob
from zhusan.core.models import TimeStampedModel, UUIDModel
from zhusan.operations.models import Operation

USER = settings.AUTH_USER_MODEL


class PlanRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Simulating")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlanRun(UUIDModel, TimeStampedModel, TrackedJob):
    audit_type = ObjectType.PLAN_RUN

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="plan_runs")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # The scenario as asked: centre, staff, beds, flights, extra persons,
    # runs; ``what_if`` the same keys for the alternative (or empty).
    scenario = models.JSONField(_("scenario"), default=dict)
    what_if = models.JSONField(_("what if"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PlanRunStatus.choices, default=PlanRunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("capacity plan run")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="plan_run_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.operation.code} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("planning:run", args=[self.uuid])

    @property
    def finished(self) -> bool:
        return self.status in (PlanRunStatus.DONE, PlanRunStatus.FAILED)
