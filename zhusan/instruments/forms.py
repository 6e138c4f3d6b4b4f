"""Forms: one administration form built from the catalogue (radio buttons per
item, or a number per scale for a scores-only instrument), the
acknowledgement of a safety alert, and a hand-made schedule entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Instrument
from .models import Occasion


class DateInput(forms.DateInput):
    input_type = "date"


class AdministrationForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    administered_on = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["administered_on"].initial = timezone.localdate()
        for item in instrument.items:
            label = f"{item.key}. {item.text}" if instrument.choices else str(item.text)
            field: forms.Field
            if instrument.choices:
                # Not required at the form level: the service says which items are missing, all at once.
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(c.value, f"{c.label} ({c.value})") for c in instrument.choices],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=False,
                )
            else:
                field = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=item.maximum,
                    required=False,
                    help_text=_("0 to %(n)s") % {"n": item.maximum},
                )
            self.fields[f"item_{item.key}"] = field

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            item.key: data.get(f"item_{item.key}")
            for item in self.instrument.items
            if data.get(f"item_{item.key}") not in (None, "")
        }

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.key}"] for item in self.instrument.items]

    def head_fields(self) -> list[forms.BoundField]:
        return [self["occasion"], self["administered_on"]]


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label=_("Action taken"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What was done: for example, a safety plan agreed with the person, a doctor informed."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"))
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.code.value, i.name) for i in instruments]  # type: ignore[attr-defined]
