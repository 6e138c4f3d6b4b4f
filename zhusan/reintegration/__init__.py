"""Reintegration: placement, documents, education."""
