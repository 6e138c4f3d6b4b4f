"""Everything under /api/: the versioned API and its OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("zhusan.registry.api_urls")),
    path("v1/indicators/", include("zhusan.reporting.api_urls")),
    path("v1/operations/", include("zhusan.operations.api_urls")),
    path("v1/tracing-requests/", include("zhusan.matching.api_urls")),
    path("v1/instruments/", include("zhusan.instruments.api_urls")),
    path("v1/rehabilitation/care/", include("zhusan.rehabilitation.care.api_urls")),
    path("v1/rehabilitation/sessions/", include("zhusan.rehabilitation.sessions.api_urls")),
    path("v1/rehabilitation/", include("zhusan.rehabilitation.api_urls")),
    path("v1/reintegration/support/", include("zhusan.reintegration.support.api_urls")),
    path("v1/reintegration/follow-up/", include("zhusan.reintegration.followup.api_urls")),
    path("v1/reintegration/", include("zhusan.reintegration.api_urls")),
]
