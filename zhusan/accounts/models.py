"""Organisations, units, users and their time-limited role grants."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import ObjectType
from zhusan.core.models import TimeStampedModel, UUIDModel

from .permissions import Role, Scope


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    CONSULATE = "consulate", _("Consulate or embassy")
    REHABILITATION_CENTRE = "rehabilitation_centre", _("Rehabilitation centre")
    SOCIAL_SERVICES = "social_services", _("Regional social services")
    NGO = "ngo", _("Non-governmental organisation")
    SECURITY = "security", _("Security service")
    HEALTH = "health", _("Health service")
    EDUCATION = "education", _("Education authority")
    UN_AGENCY = "un_agency", _("UN agency")
    OTHER = "other", _("Other")


class Organisation(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.ORGANISATION

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, default="KZ")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Unit(UUIDModel, TimeStampedModel):
    audit_type = ObjectType.UNIT

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique_in_org")]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.name}"


class User(AbstractUser):
    audit_type = ObjectType.USER

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members")

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]  # django-stubs does not declare AbstractUser.Meta
        swappable = "AUTH_USER_MODEL"


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self, at: datetime | None = None) -> RoleGrantQuerySet:
        at = at or timezone.now()
        return self.filter(valid_from__lte=at).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class RoleGrant(UUIDModel, TimeStampedModel):
    """A role held by a user within an organisation (and unit), possibly until a date."""

    audit_type = ObjectType.ROLE_GRANT

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="grants")
    scope = models.CharField(
        _("scope"),
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text=_("Leave empty for the role's default scope."),
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("role grant")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"

    def effective_scope(self) -> Scope | None:
        from .permissions import policy

        if self.scope:
            return Scope(self.scope)
        return policy(self.role).scope


class BreakGlassAccess(UUIDModel):
    """Emergency access to one person outside the user's scope: reasoned, time-limited, audited."""

    audit_type = ObjectType.BREAK_GLASS

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("break-the-glass access")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")), name="break_glass_expires_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.started_at <= timezone.now() < self.expires_at
