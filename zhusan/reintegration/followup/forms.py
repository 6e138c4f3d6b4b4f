"""Forms of the follow-up pages (the services validate again and refuse bad input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.core.fields import ModelChoiceField
from zhusan.registry.forms import DateInput

from .models import (
    ClosureReason,
    FollowUpTemplate,
    IncidentKind,
    SecurityContactKind,
    VisitKind,
    VisitOutcome,
)


def _today() -> Any:
    return timezone.localdate()


class PlanForm(forms.Form):
    template = ModelChoiceField(
        label=_("Template"), queryset=FollowUpTemplate.objects.filter(active=True), empty_label=None
    )
    start_on = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty to start from the discharge, else the arrival, else today."),
    )
    reason = forms.CharField(
        label=_("Why the plan changes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, regenerate: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template_field = self.fields["template"]
        assert isinstance(template_field, forms.ModelChoiceField)
        template_field.initial = FollowUpTemplate.objects.filter(is_default=True).first()
        if not regenerate:
            del self.fields["reason"]
            del self.fields["version"]
        else:
            self.fields["reason"].required = True


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=VisitKind.choices, initial=VisitKind.HOME_VISIT)
    visited_on = forms.DateField(label=_("Date"), widget=DateInput, initial=_today)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class RescheduleForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DateInput)
    reason = forms.CharField(label=_("Why it moves"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of incident"), choices=IncidentKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))


class IncidentActionForm(forms.Form):
    taken_on = forms.DateField(label=_("Date"), widget=DateInput, initial=_today)
    action = forms.CharField(label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 3}))
    resolve = forms.BooleanField(label=_("The incident is resolved"), required=False)


class SecurityContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=SecurityContactKind.choices)
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput, initial=_today)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))
    next_contact_on = forms.DateField(label=_("Next contact"), required=False, widget=DateInput)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    explanation = forms.CharField(
        label=_("Explanation"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # A child's case: the best-interests assessment recorded with the request.
    assessed_on = forms.DateField(label=_("Best-interests assessment: date"), required=False, widget=DateInput)
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    childs_views = forms.CharField(
        label=_("The child's views"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    views_not_sought_reason = forms.CharField(
        label=_("Why the child's views were not sought"), required=False, max_length=300
    )
    reference = forms.CharField(label=_("Assessment reference"), required=False, max_length=100)

    CHILD_FIELDS = ("assessed_on", "recommendation", "childs_views", "views_not_sought_reason", "reference")

    def __init__(self, *args: Any, child: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not child:
            for name in self.CHILD_FIELDS:
                del self.fields[name]


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: close the case")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the closure is not approved."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case reopens"), widget=forms.Textarea(attrs={"rows": 3}))


class OverdueFilterForm(forms.Form):
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    mine = forms.BooleanField(label=_("Only my follow-ups"), required=False)
