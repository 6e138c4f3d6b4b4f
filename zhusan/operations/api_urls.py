"""/api/v1/operations/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("", _api(api.OperationList), name="api-operation-list"),
    path("<uuid:operation_uuid>/", _api(api.OperationDetail), name="api-operation-detail"),
    path("movements/<uuid:movement_uuid>/status/", _api(api.MovementStatusView), name="api-movement-status"),
    path("<uuid:operation_uuid>/movements/", _api(api.OperationMovements), name="api-operation-movements"),
    path("movements/<uuid:movement_uuid>/entries/", _api(api.MovementEntries), name="api-movement-entries"),
    path(
        "movements/<uuid:movement_uuid>/reconciliation/",
        _api(api.MovementReconciliation),
        name="api-movement-reconciliation",
    ),
    path("entries/<uuid:entry_uuid>/", _api(api.EntryDetail), name="api-entry-detail"),
    path("movements/<uuid:movement_uuid>/documents/", _api(api.MovementDocuments), name="api-movement-documents"),
    path("documents/<uuid:document_uuid>/content/", _api(api.HandoverDocumentContent), name="api-document-content"),
    path("entries/<uuid:entry_uuid>/advance/", _api(api.EntryAdvance), name="api-entry-advance"),
    path("entries/<uuid:entry_uuid>/clearance/", _api(api.EntryClearance), name="api-entry-clearance"),
]
