"""Publishing a deployment's aggregate: where to (a folder under
``ZHUSAN_PUBLISH_ROOT`` or an http(s) endpoint), how often, and every
publication with its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel

USER = settings.AUTH_USER_MODEL


class TargetKind(models.TextChoices):
    FOLDER = "folder", _("Folder on this server")
    ENDPOINT = "endpoint", _("Web endpoint (HTTP POST)")


class Schedule(models.TextChoices):
    MANUAL = "manual", _("Only when published by hand")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PublishTarget(UUIDModel, TimeStampedModel, VersionedModel):
    """A place the aggregate is published to, by hand or on a schedule."""

    audit_type = ObjectType.PUBLISH_TARGET

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    folder = models.CharField(
        _("folder"), max_length=500, blank=True, help_text=_("A folder under the publishing root of this server.")
    )
    url = models.URLField(_("endpoint address"), max_length=1000, blank=True)
    schedule = models.CharField(_("schedule"), max_length=10, choices=Schedule.choices, default=Schedule.MANUAL)
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("publishing target")
        verbose_name_plural = _("publishing targets")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="folder") & ~Q(folder="") & Q(url=""))
                | (Q(kind="endpoint") & ~Q(url="") & Q(folder="")),
                name="tracker_target_has_its_destination",
            ),
            models.CheckConstraint(
                condition=Q(schedule="weekly", weekday__isnull=False)
                | (~Q(schedule="weekly") & Q(weekday__isnull=True)),
                name="tracker_target_weekday_iff_weekly",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def destination(self) -> str:
        return self.folder if self.kind == TargetKind.FOLDER else self.url


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class Trigger(models.TextChoices):
    MANUAL = "manual", _("By hand")
    SCHEDULE = "schedule", _("On schedule")


class Publication(UUIDModel, TimeStampedModel):
    """One publication: what left (the very file), where to, by whom, and how it went."""

    audit_type = ObjectType.PUBLICATION

    target = models.ForeignKey(PublishTarget, on_delete=models.PROTECT, related_name="publications")
    destination = models.CharField(_("destination"), max_length=1000)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(_("result"), max_length=10, choices=PublicationStatus.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    data_rows = models.PositiveIntegerField(_("data rows"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The aggregate as it left the system (counts after disclosure control, never a person).
    content = models.TextField(_("content"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.target} {self.created_at:%Y-%m-%d %H:%M}"
