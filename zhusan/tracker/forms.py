"""The publishing target form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PublishTarget, Schedule, TargetKind, Weekday


class TargetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Publish to"), choices=TargetKind.choices, widget=forms.RadioSelect)
    folder = forms.CharField(
        label=_("Folder"),
        max_length=500,
        required=False,
        help_text=_("For a folder: its path under the publishing root, for example tracker/kazakhstan."),
    )
    url = forms.URLField(
        label=_("Endpoint address"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("For an endpoint: the https:// address that receives the file by POST."),
    )
    schedule = forms.ChoiceField(label=_("Schedule"), choices=Schedule.choices, initial=Schedule.MANUAL)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week (weekly schedule)"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class TargetUpdateForm(TargetForm):
    active = forms.BooleanField(label=_("Active (publish on its schedule)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_target(cls, target: PublishTarget, data: Any = None) -> TargetUpdateForm:
        initial = {
            "name": target.name,
            "kind": target.kind,
            "folder": target.folder,
            "url": target.url,
            "schedule": target.schedule,
            "weekday": target.weekday,
            "active": target.active,
            "version": target.version,
        }
        return cls(data, initial=initial)
