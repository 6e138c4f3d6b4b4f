"""Models."""

from __future__ import annotations
