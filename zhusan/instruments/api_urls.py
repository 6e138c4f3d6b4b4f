"""/api/v1/instruments/ (DRF authenticates these views itself)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
