"""Admin for configuration only: organisations, units, users and role grants.

Case data is never registered here; it is reached only through the scoped,
audited views. Changes made here are written to the audit trail, and only
superusers or holders of the ADMINISTER capability may enter.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhusan.audit.models import Action, object_type_of
from zhusan.audit.services import Actor, record

from .access import has_capability
from .models import Organisation, RoleGrant, Unit, User
from .permissions import Capability

_M = TypeVar("_M", bound=Model)


def _admin_has_permission(request: HttpRequest) -> bool:
    # The role grant decides, as everywhere else: Django's is_staff flag is a
    # second switch nobody sets when granting the system administrator role
    # (the demo's "system_admin" had the role but not the flag, and was refused).
    user = request.user
    return bool(user.is_active and (user.is_superuser or has_capability(user, Capability.ADMINISTER)))


# The default site's permission check is the ADMINISTER capability (or superuser).
admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]  # the default site is adjusted in place, not replaced
admin.site.site_header = _("Zhusan configuration")
admin.site.site_title = _("Zhusan configuration")


def _ref(obj: Model) -> str:
    return str(getattr(obj, "uuid", obj.pk))


def _administers(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and (user.is_superuser or has_capability(user, Capability.ADMINISTER)))


class CapabilityPermissions:
    """Rights in the admin come from the one permission map, not Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request)


class AuditedAdmin(CapabilityPermissions, admin.ModelAdmin[_M]):
    """Writes every admin change to the audit trail, like the services do."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            Actor.from_request(request),
            Action.UPDATE if change else Action.CREATE,
            object_type=object_type_of(obj),
            object_ref=_ref(obj),
            changes={
                name: {"new": str(form.cleaned_data.get(name))} for name in form.changed_data if "password" not in name
            },
            detail={"via_admin": True},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ref, object_type = _ref(obj), object_type_of(obj)
        super().delete_model(request, obj)
        record(
            Actor.from_request(request),
            Action.DELETE,
            object_type=object_type,
            object_ref=ref,
            detail={"via_admin": True},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            ref = _ref(obj)
            obj.delete()
            record(
                Actor.from_request(request),
                Action.DELETE,
                object_type=object_type_of(obj),
                object_ref=ref,
                detail={"via_admin": True},
            )
        for obj in instances:
            created = obj._state.adding
            obj.save()
            record(
                Actor.from_request(request),
                Action.CREATE if created else Action.UPDATE,
                object_type=object_type_of(obj),
                object_ref=_ref(obj),
                detail={"via_admin": True, "role": getattr(obj, "role", "")},
            )
        formset.save_m2m()


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin[Organisation]):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin[Unit]):
    list_display = ["name", "organisation", "region"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name", "region"]
    list_select_related = ["organisation"]


class RoleGrantInline(CapabilityPermissions, admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "organisation", "unit", "scope", "valid_from", "expires_at"]
    autocomplete_fields = ["organisation", "unit"]


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin[User]):
    inlines = [RoleGrantInline]
    list_display = ["username", "first_name", "last_name", "unit", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "unit__organisation"]
    list_select_related = ["unit__organisation"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Zhusan"), {"fields": ["unit"]}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Zhusan"), {"fields": ["unit"]}),
    )
    autocomplete_fields = ["unit"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Only a superuser makes superusers or hands out Django-level permissions.
        if request.user.is_superuser:
            return []
        return ["is_superuser", "user_permissions", "groups", "last_login", "date_joined"]


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin[RoleGrant]):
    list_display = ["user", "role", "organisation", "unit", "scope", "valid_from", "expires_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    list_select_related = ["user", "organisation", "unit__organisation"]
    autocomplete_fields = ["user", "organisation", "unit"]
