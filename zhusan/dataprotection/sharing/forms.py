"""Forms of the officer's pages (sharing agreements, assessments, breaches)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from zhusan.accounts.models import Organisation
from zhusan.accounts.permissions import Compartment
from zhusan.core.fields import ModelChoiceField
from zhusan.registry.extensions import SharingPurpose

from .models import AssessmentDecision, CoverageKind, ImpactAssessment, NotificationDecision

Text = StrOrPromise
DATE = {"type": "date"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _date(label: Text, *, required: bool = True, help_text: Text = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs=DATE))


def _datetime(label: Text, *, required: bool = True, help_text: Text = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _text(label: Text, *, required: bool = True, rows: int = 4, help_text: Text = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


PURPOSE_CHOICES = (
    (SharingPurpose.REFERRAL, _("Referrals")),
    (SharingPurpose.TRANSFER, _("Case transfers")),
    (SharingPurpose.CASE_EXPORT, _("Case exports")),
)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    covers = forms.ChoiceField(label=_("What it covers"), choices=CoverageKind.choices)
    organisation = ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="uuid",
        required=False,
        help_text=_("For a new partner."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("For an indicator, its code; for an import source, its name."),
    )
    description = _text(_("The data flow"), help_text=_("What data, from whom, to whom, for what purpose."))
    necessity = _text(_("Necessity and proportionality"))
    harms = _text(_("Possible harms and mitigations"), rows=6)


class DecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in AssessmentDecision.choices if c[0] != AssessmentDecision.PENDING],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), required=False, rows=3, help_text=_("Required when rejected or sent back."))
    decided_on = _date(_("Decided on"), required=False, help_text=_("Today if left empty."))


class AssessmentChoiceField(ModelChoiceField[ImpactAssessment]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.subject} ({obj.get_decision_display()})"


class AgreementForm(forms.Form):
    organisation = ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.order_by("name"), to_field_name="uuid"
    )
    purposes = forms.MultipleChoiceField(
        label=_("What it allows"), choices=PURPOSE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories of data the partner may receive"),
        choices=Compartment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    partner_retention = forms.CharField(label=_("Retention at the partner"), max_length=300)
    contact = forms.CharField(label=_("Contact at the partner"), max_length=300)
    signed_on = _date(_("Signed on"), required=False)
    starts_on = _date(_("Starts on"))
    expires_on = _date(_("Expires on"))
    assessment = AssessmentChoiceField(
        label=_("Impact assessment"),
        queryset=ImpactAssessment.objects.filter(covers=CoverageKind.PARTNER).select_related("organisation"),
        to_field_name="uuid",
        required=False,
        help_text=_("The approved assessment of this partner; needed to make the agreement active."),
    )
    document = forms.FileField(label=_("Signed agreement (PDF)"), required=False)
    activate = forms.BooleanField(label=_("Make it active now"), required=False)


class AgreementUpdateForm(VersionForm):
    purposes = AgreementForm.base_fields["purposes"]
    categories = AgreementForm.base_fields["categories"]
    legal_basis = AgreementForm.base_fields["legal_basis"]
    partner_retention = AgreementForm.base_fields["partner_retention"]
    contact = AgreementForm.base_fields["contact"]
    signed_on = _date(_("Signed on"), required=False)
    starts_on = _date(_("Starts on"))
    expires_on = _date(_("Expires on"))
    assessment = AgreementForm.base_fields["assessment"]


class BreachForm(forms.Form):
    title = forms.CharField(label=_("Short title"), max_length=200, help_text=_("No names."))
    what_happened = _text(_("What happened"))
    happened_at = _datetime(_("When it happened"), help_text=_("Your best estimate."))
    discovered_at = _datetime(_("When it was found"), help_text=_("The 72-hour clock starts here."))
    containment = _text(_("Containment so far"), required=False, rows=3)


class BreachUpdateForm(VersionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "update_%s")
        super().__init__(*args, **kwargs)

    what_happened = _text(_("What happened"))
    containment = _text(_("Containment"), required=False, rows=3)
    lessons = _text(_("Lessons learned"), required=False, rows=3)


NOTIFY_CHOICES = [
    (NotificationDecision.NOTIFIED, _("Notified")),
    (NotificationDecision.NOT_REQUIRED, _("Not required")),
]


class AuthorityForm(VersionForm):
    decision = forms.ChoiceField(
        label=_("Notification to the supervisory authority"), choices=NOTIFY_CHOICES, widget=forms.RadioSelect
    )
    notified_at = _datetime(_("Notified at"), required=False)
    reference = forms.CharField(label=_("The authority's reference"), max_length=200, required=False)
    reason = _text(_("Why no notification is required"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "authority_%s")  # two notification forms on one page: distinct ids
        super().__init__(*args, **kwargs)


class PersonsForm(VersionForm):
    decision = forms.ChoiceField(
        label=_("Notification to the persons affected"), choices=NOTIFY_CHOICES, widget=forms.RadioSelect
    )
    notified_on = _date(_("Told on"), required=False)
    reason = _text(_("Why they are not told"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "persons_%s")
        super().__init__(*args, **kwargs)


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, required=False)
    start = _datetime(_("From"), required=False)
    end = _datetime(_("Until"), required=False)
    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    reads_only = forms.BooleanField(label=_("Only reads of records"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not any(data.get(k) for k in ("username", "start", "end", "case_number")):
            raise forms.ValidationError(_("Name a user, a period or a case number to search the audit trail."))
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class WhoSawForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)


class PeriodForm(forms.Form):
    start = _date(_("From"), required=False)
    end = _date(_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data
