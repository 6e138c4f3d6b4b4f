"""``{% load matching_evidence %}``: a pair's evidence worded for caseworkers."""

from __future__ import annotations

from typing import Any

from django import template

from zhusan.matching.evidence import Explanation, explain

register = template.Library()


@register.filter
def explained(pair: Any) -> Explanation:
    """``{% with ex=match|explained %}``: anything with ``probability`` and ``evidence``."""
    return explain(float(getattr(pair, "probability", 0.0)), getattr(pair, "evidence", None))
