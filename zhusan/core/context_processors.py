from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import DatasetMarker


def zhusan(request: HttpRequest) -> dict[str, Any]:
    marker = DatasetMarker.current()
    return {
        "dataset_is_synthetic": bool(marker and marker.is_synthetic),
        "case_prefix": settings.ZHUSAN_CASE_PREFIX,
    }
