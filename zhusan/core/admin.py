from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import DatasetMarker


@admin.register(DatasetMarker)
class DatasetMarkerAdmin(admin.ModelAdmin[DatasetMarker]):
    """Read-only: only ``zhusan demo`` and data loads say what the data is."""

    list_display = ["is_synthetic", "description", "loaded_at"]
    readonly_fields = ["is_synthetic", "description", "loaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
