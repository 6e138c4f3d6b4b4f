"""Forms of the data-subject request pages (the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment

from .models import AnswerMethod, Decision, IdentityMethod, LegalGround, RequesterKind, RequestKind, RequestLanguage

DATE = forms.DateInput(attrs={"type": "date"})


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    requester_kind = forms.ChoiceField(label=_("Who asks"), choices=RequesterKind.choices)
    requester_name = forms.CharField(label=_("Name of the person asking"), required=False, max_length=200)
    requester_relation = forms.CharField(
        label=_("Relation to the person"), required=False, max_length=200, help_text=_("e.g. mother, guardian, lawyer")
    )
    # Not "language": the header's language switcher is a field of that name.
    answer_language = forms.ChoiceField(label=_("Language of the answer"), choices=RequestLanguage.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=timezone.localdate)
    details = forms.CharField(label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class IdentityForm(VersionedForm):
    method = forms.ChoiceField(label=_("How identity was checked"), choices=IdentityMethod.choices)
    document = forms.CharField(label=_("Document seen"), max_length=200, help_text=_("Kind and number"))
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE, initial=timezone.localdate)


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    withheld = forms.CharField(
        label=_("What is withheld or refused"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    withheld_compartments = forms.MultipleChoiceField(
        label=_("Compartments left out of a copy"),
        required=False,
        choices=Compartment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_ground = forms.ChoiceField(
        label=_("Legal ground for withholding"), required=False, choices=LegalGround.choices
    )
    corrections = forms.CharField(
        label=_("What is to be corrected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(VersionedForm):
    reason = forms.CharField(label=_("Why more time is needed"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(VersionedForm):
    note = forms.CharField(label=_("What was corrected"), max_length=500)


class AnswerForm(VersionedForm):
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("How the answer was delivered"), choices=AnswerMethod.choices)


class CourtReferenceForm(forms.Form):
    court_reference = forms.CharField(label=_("Court reference"), max_length=200)


class RequestFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Open requests")),
            ("identity", _("Waiting for the identity check")),
            ("decision", _("Waiting for a decision")),
            ("overdue", _("Overdue")),
            ("all", _("All")),
        ],
    )
