"""Rehabilitation centres."""
