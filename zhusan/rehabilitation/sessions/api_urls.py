"""/api/v1/rehabilitation/sessions/ (DRF authenticates these views itself)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
