"""/api/v1/instruments/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("", _api(api.Catalogue), name="api-instruments-catalogue"),
    path("alerts/", _api(api.AlertList), name="api-instruments-alert-list"),
    path("alerts/<uuid:alert_uuid>/", _api(api.AlertDetail), name="api-instruments-alert-detail"),
    path("alerts/<uuid:alert_uuid>/acknowledge/", _api(api.AlertAcknowledge), name="api-instruments-alert-acknowledge"),
    path("overdue/", _api(api.OverdueList), name="api-instruments-overdue-list"),
    path(
        "administrations/<uuid:administration_uuid>/",
        _api(api.AdministrationDetail),
        name="api-instruments-administration-detail",
    ),
]
