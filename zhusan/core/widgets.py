"""Widgets written in Python where a page draws many of them on every request.

Django draws a ``<select>`` through a template, and each of its options
through two more (``select_option.html``, ``attrs.html``): the person list
draws six selects of 41 options on every page and every search, 3.1 ms of
the form's 4 (docs/benchmarks.md, session 11). :class:`QuickSelect` writes
the same markup in Python, every value and label escaped by ``format_html``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes as ``django/forms/widgets/attrs.html`` writes them: in their
    order, ``True`` as the bare name, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A select without option groups, drawn without templates (with groups: Django's)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name is not None for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                ("" if option["value"] is None else str(option["value"]), _attrs(option["attrs"]), option["label"])
                for _group, group_options, _index in groups
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs(widget["attrs"]), options)
