"""Forms for livelihood, housing, referrals and transfers: they parse input,
the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Organisation, Unit
from zhusan.core.fields import ModelChoiceField
from zhusan.registry.forms import DateInput

from .models import ContractKind, HousingKind, IncomeSupportKind, ReferralKind


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("— choose —")), *choices]


class CourseForm(forms.Form):
    provider = forms.CharField(label=_("Provider"), max_length=200)
    course = forms.CharField(label=_("Course"), max_length=200)
    started_on = forms.DateField(label=_("Start date"), widget=DateInput)
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput)
    completed = forms.BooleanField(label=_("Completed"), required=False)


class EmploymentForm(forms.Form):
    employer_name = forms.CharField(label=_("Employer"), max_length=200)
    employer_contact = forms.CharField(label=_("Employer's contact"), max_length=300, required=False)
    sector = forms.CharField(label=_("Sector"), max_length=100)
    contract_kind = forms.ChoiceField(label=_("Kind of contract"), choices=_blank(ContractKind.choices))
    started_on = forms.DateField(label=_("Start date"), widget=DateInput)
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput)


class IncomeSupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=_blank(IncomeSupportKind.choices))
    amount = forms.DecimalField(label=_("Monthly amount (optional)"), required=False, min_value=0, decimal_places=2)
    started_on = forms.DateField(label=_("Start date"), widget=DateInput)
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput)


class HousingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Housing"), choices=_blank(HousingKind.choices))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    started_on = forms.DateField(label=_("Since"), widget=DateInput)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of referral"), choices=_blank(ReferralKind.choices))
    organisation = ModelChoiceField(
        label=_("Receiving organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        to_field_name="uuid",
    )
    service = forms.CharField(
        label=_("Or a service not in the system"),
        max_length=200,
        required=False,
        help_text=_("Its name and place; leave empty when you chose an organisation."),
    )
    reason = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Without consent: why it must be sent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for users allowed to override consent; the override is audited and reviewed."),
    )

    def __init__(self, *args: Any, can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]


class ReferralAnswerForm(forms.Form):
    ACCEPT, DECLINE, COMPLETE = "accept", "decline", "complete"
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline")), (COMPLETE, _("Complete with feedback"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Reason for declining, or feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransferForm(forms.Form):
    to_unit = ModelChoiceField(
        label=_("Receiving unit"),
        queryset=Unit.objects.select_related("organisation").order_by("organisation__name", "name"),
        to_field_name="uuid",
    )
    reason = forms.CharField(label=_("Reason for the transfer"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Without consent: why it must be transferred"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, can_override: bool = False, exclude_org: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]
        if exclude_org is not None:
            field: Any = self.fields["to_unit"]
            field.queryset = field.queryset.exclude(organisation_id=exclude_org)


class TransferAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason for declining"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
