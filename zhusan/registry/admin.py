"""Only configuration lives in the admin: the list of sites.

Persons and every other case record are deliberately not registered: they are
reached only through the scoped, audited views and API.
"""

from django.contrib import admin

from zhusan.accounts.admin import AuditedAdmin

from .models import Site


@admin.register(Site)
class SiteAdmin(AuditedAdmin[Site]):
    list_display = ["name", "kind", "country", "region"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "region"]
