"""/api/v1/rehabilitation/ (DRF authenticates these views itself)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
