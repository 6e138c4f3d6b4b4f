"""/api/v1/indicators/ (DRF authenticates these views itself)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api

urlpatterns = [
    path("", login_not_required(api.IndicatorCatalogue.as_view()), name="api-indicator-list"),
    path("<slug:code>/", login_not_required(api.IndicatorDetail.as_view()), name="api-indicator-detail"),
]
