"""Follow-up templates are configuration: edited in the admin."""

from __future__ import annotations

from django.contrib import admin

from zhusan.accounts.admin import AuditedAdmin

from .models import FollowUpPhase, FollowUpTemplate


class FollowUpPhaseInline(admin.TabularInline[FollowUpPhase, FollowUpTemplate]):
    model = FollowUpPhase
    extra = 1


@admin.register(FollowUpTemplate)
class FollowUpTemplateAdmin(AuditedAdmin[FollowUpTemplate]):
    list_display = ["name", "is_default", "active"]
    inlines = [FollowUpPhaseInline]
