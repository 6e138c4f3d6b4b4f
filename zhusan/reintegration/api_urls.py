"""/api/v1/reintegration/ (DRF authenticates these views itself)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
