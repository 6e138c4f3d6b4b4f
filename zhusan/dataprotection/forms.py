"""Forms of the retention pages (the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Anchor, RecordKind


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"), choices=RecordKind.choices)
    # No minimum here: the service refuses a negative period with its own message.
    period_years = forms.IntegerField(label=_("Period in years"))
    anchor = forms.ChoiceField(label=_("Counted from"), choices=Anchor.choices)
    note = forms.CharField(label=_("Legal basis or note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HoldForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    reason = forms.CharField(label=_("Reason (proceedings or authority)"), widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label=_("Court or authority reference"), max_length=200, required=False)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Why the hold is lifted"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExcludeForm(forms.Form):
    reason = forms.CharField(label=_("Why this record is kept"), max_length=500)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
