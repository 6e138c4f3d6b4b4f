"""Configuration of centres in the admin: centres with their rooms and
caseload limits, and the staff roster. Admissions, discharges and key
workers are case records: reached only through the scoped, audited pages
and API, never here."""

from django.contrib import admin

from zhusan.accounts.admin import AuditedAdmin

from .models import Centre, Room, StaffMember


class RoomInline(admin.TabularInline[Room, Centre]):
    model = Room
    extra = 1
    fields = ["name", "beds", "mothers_with_young_children"]


@admin.register(Centre)
class CentreAdmin(AuditedAdmin[Centre]):
    list_display = ["name", "town", "region", "unit"]
    search_fields = ["name", "town", "region"]
    fields = ["name", "region", "town", "address", "unit", "caseload_limits"]
    inlines = [RoomInline]


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedAdmin[StaffMember]):
    list_display = ["user", "centre", "discipline", "is_female", "supervisor", "active"]
    list_filter = ["centre", "discipline", "is_female", "active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "supervisor"]
