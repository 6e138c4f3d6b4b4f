"""A select drawn in Python is the select Django's templates draw."""

from __future__ import annotations

import re

import pytest
from django import forms

from zhusan.core.widgets import QuickSelect
from zhusan.registry.forms import PersonFilterForm
from zhusan.registry.models import Site


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [("", "Any"), ("a", "Alpha"), ("b&c", 'Quote " and <tag> & amp'), ("3", "Three")]


@pytest.mark.parametrize("value", [None, "", "a", "b&c", ["3"], "absent"])
def test_a_quick_select_draws_what_django_draws(value):
    for attrs in (None, {"id": "id_pick", "class": "narrow", "required": True, "disabled": False}):
        ours = QuickSelect(choices=CHOICES).render("pick", value, attrs)
        django = forms.Select(choices=CHOICES).render("pick", value, attrs)
        assert _tags(ours) == _tags(django)
    assert 'value="b&amp;c"' in ours and "&lt;tag&gt;" in ours and "<tag>" not in ours


def test_a_select_with_option_groups_is_left_to_django():
    grouped = [("Latin", [("a", "Alpha")]), ("Greek", [("b", "Beta")])]
    ours = QuickSelect(choices=grouped).render("pick", "b")
    assert "<optgroup" in ours and _tags(ours) == _tags(forms.Select(choices=grouped).render("pick", "b"))


@pytest.mark.django_db
def test_the_person_lists_filters_draw_as_django_draws_them(centre_unit):
    site = Site.objects.create(name='Camp "Roj" <north>', kind="camp")
    form = PersonFilterForm({"stage": "repatriated", "site": str(site.uuid), "sort": "name", "sex": "nonsense"})
    for name in ("stage", "sex", "age_band", "site", "vulnerability", "sort"):
        bound = form[name]
        assert isinstance(bound.field.widget, QuickSelect)
        django = bound.as_widget(widget=forms.Select(choices=bound.field.choices))
        assert _tags(str(bound)) == _tags(django), name
    assert 'aria-invalid="true"' in str(form["sex"])  # an invalid choice, marked as Django marks it
    assert '<option value="repatriated" selected>' in str(form["stage"])
    assert f'<option value="{site.uuid}" selected>Camp &quot;Roj&quot; &lt;north&gt;</option>' in str(form["site"])
