"""/api/v1/reintegration/follow-up/ (DRF authenticates these views itself)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
