"""Validated instruments."""
