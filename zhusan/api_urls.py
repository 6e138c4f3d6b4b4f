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
]
