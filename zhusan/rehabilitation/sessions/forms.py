"""Forms of the sessions pages: plan, add a participant, hold, cancel, note,
intake account, risk assessment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import User
from zhusan.core.fields import ModelMultipleChoiceField
from zhusan.registry.forms import DateInput, PersonPickerMixin
from zhusan.rehabilitation.models import Discipline

from .models import Attendance, Regret, RiskTool, SessionKind, TravelReason


class TimeInput(forms.TimeInput):
    input_type = "time"


def _staff_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs' generic takes the model
    def label_from_instance(self, obj: Any) -> str:
        return _staff_label(obj)


class SessionPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of session"), choices=SessionKind.choices, initial=SessionKind.INDIVIDUAL)
    discipline = forms.ChoiceField(label=_("Discipline"), choices=Discipline.choices)
    title = forms.CharField(
        label=_("Title (groups)"),
        required=False,
        max_length=120,
        help_text=_("A neutral name such as 'Reading class' or 'Sewing course'; never what is discussed."),
    )
    starts_on = forms.DateField(label=_("Date"), widget=DateInput)
    starts_time = forms.TimeField(label=_("Time"), widget=TimeInput)
    planned_minutes = forms.IntegerField(label=_("Planned duration (minutes)"), min_value=1, max_value=480, initial=60)
    staff = StaffChoiceField(
        label=_("Staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to run the session yourself."),
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, StaffChoiceField)
        if staff is None:
            del self.fields["staff"]
        else:
            field.queryset = staff

    def starts_at(self) -> datetime:
        day, at = self.cleaned_data["starts_on"], self.cleaned_data["starts_time"]
        return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


class ParticipantForm(PersonPickerMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HoldForm(forms.Form):
    duration_minutes = forms.IntegerField(label=_("Duration held (minutes)"), min_value=1, max_value=480)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, participants: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant_fields: list[str] = []
        for participant in participants:
            name = f"attendance_{participant.person.uuid}"
            self.fields[name] = forms.ChoiceField(
                label=_("Attendance of %(case)s") % {"case": participant.person.case_number},
                choices=Attendance.choices,
                initial=Attendance.PRESENT,
                widget=forms.RadioSelect,
            )
            self.participant_fields.append(name)

    def attendance(self) -> dict[str, str]:
        return {name.removeprefix("attendance_"): self.cleaned_data[name] for name in self.participant_fields}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the session cancelled?"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    person = forms.ChoiceField(label=_("About"))
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(p.uuid), p.case_number) for p in persons]  # type: ignore[attr-defined]  # a ChoiceField, declared above


class IntakeForm(forms.Form):
    interviewed_on = forms.DateField(label=_("Interviewed on"), widget=DateInput)
    travel_reasons = forms.MultipleChoiceField(
        label=_("How they say they came to travel (several may apply)"),
        choices=TravelReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regret = forms.ChoiceField(
        label=_("Do they now say they regret leaving?"), choices=Regret.choices, initial=Regret.NOT_DISCUSSED
    )
    account = forms.CharField(
        label=_("The account in their own words (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RiskAssessmentForm(forms.Form):
    tool = forms.ChoiceField(label=_("Licensed tool"), choices=RiskTool.choices)
    outcome = forms.CharField(
        label=_("Outcome, in the tool's own words"),
        max_length=200,
        help_text=_("As the assessor's report states it. The system computes nothing from it."),
    )
    assessor_name = forms.CharField(label=_("Assessor"), max_length=200)
    assessor_organisation = forms.CharField(label=_("Assessor's organisation"), max_length=200)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    report_reference = forms.CharField(label=_("Report reference"), max_length=200)
