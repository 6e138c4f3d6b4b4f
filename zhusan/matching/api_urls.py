"""/api/v1/tracing-requests/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("", _api(api.TracingRequestList), name="api-tracing-request-list"),
    path("<uuid:request_uuid>/", _api(api.TracingRequestDetail), name="api-tracing-request-detail"),
    path("<uuid:request_uuid>/close/", _api(api.TracingRequestClose), name="api-tracing-request-close"),
    path("<uuid:request_uuid>/withdraw/", _api(api.TracingRequestWithdraw), name="api-tracing-request-withdraw"),
    path("<uuid:request_uuid>/merge/", _api(api.TracingRequestMerge), name="api-tracing-request-merge"),
]
