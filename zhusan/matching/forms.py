from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit
from zhusan.core.fields import ModelChoiceField
from zhusan.engine.translit import script_of
from zhusan.registry.dates import BirthPrecision
from zhusan.registry.forms import DateInput, _blank, person_choice_label
from zhusan.registry.models import NameKind, RelationKind, Script, Sex

from .models import TracingRequest


class CheckForm(forms.Form):
    """The name, sex and birth fields of the person-create form, all optional:
    whatever is filled in is searched for."""

    given = forms.CharField(label=_("Given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200)
    family = forms.CharField(label=_("Family name"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind of name"), required=False, choices=_blank(NameKind.choices))
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_blank(Sex.choices))
    birth_precision = forms.ChoiceField(
        label=_("How well is the birth date known?"), required=False, choices=_blank(BirthPrecision.choices)
    )
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    birth_month = forms.IntegerField(label=_("Birth month"), required=False, min_value=1, max_value=12)
    birth_day = forms.IntegerField(label=_("Birth day"), required=False, min_value=1, max_value=31)
    stated_age = forms.IntegerField(label=_("Stated age"), required=False, min_value=0, max_value=120)
    stated_age_on = forms.DateField(label=_("Date the age was stated"), required=False, widget=DateInput)
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False, max_length=200)

    def values(self) -> dict[str, Any]:
        """The fields that are valid; an invalid one is left out, not fatal."""
        self.is_valid()
        return dict(getattr(self, "cleaned_data", {}))

    def has_name(self) -> bool:
        v = self.values()
        return bool(v.get("given") or v.get("family"))


class TracingRequestForm(forms.Form):
    # The inquirer's registry record, if there is one: found with the person
    # picker's search (type, "Find", choose), never a typed case number.
    find = forms.CharField(
        label=_("Inquirer"),
        required=False,
        max_length=200,
        help_text=_("A name in any script, a kunya or a case number; then choose from the list."),
    )
    inquirer = forms.UUIDField(label=_("Choose the person"), required=False, widget=forms.RadioSelect)
    inquirer_name = forms.CharField(label=_("Inquirer's name"), required=False, max_length=300)
    inquirer_contact = forms.CharField(
        label=_("Inquirer's contact"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    given = forms.CharField(label=_("Sought person: given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200)
    family = forms.CharField(label=_("Family name"), required=False, max_length=200)
    other_names = forms.CharField(
        label=_("Other names or spellings, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other scripts, nicknames, a kunya such as Umm Abdullah."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_year = forms.IntegerField(label=_("Approximate birth year"), required=False, min_value=1900, max_value=2100)
    age = forms.IntegerField(label=_("Or approximate age today"), required=False, min_value=0, max_value=120)
    last_known_place = forms.CharField(label=_("Last known place"), required=False, max_length=300)
    relatives_names = forms.CharField(
        label=_("Relatives' names"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    relation_to_inquirer = forms.ChoiceField(
        label=_("The inquirer is the sought person's"), required=False, choices=_blank(RelationKind.choices)
    )
    managing_unit = ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), to_field_name="uuid")

    offered: list[Any] = []

    def offer(self, persons: list[Any]) -> None:
        """The persons found by the picker's search, to choose the inquirer from."""
        self.fields["inquirer"].widget.choices = [(str(p.uuid), person_choice_label(p)) for p in persons]
        self.offered = persons

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managing_unit"].queryset = units  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ModelChoiceField declared above
        if units.count() == 1:
            self.fields["managing_unit"].initial = units.first()


class ConfirmMatchForm(forms.Form):
    relation = forms.ChoiceField(label=_("The inquirer is this person's"), choices=_blank(RelationKind.choices))


class TracingEditForm(TracingRequestForm):
    """The request form without the inquirer's registry record: it is chosen
    once, or registered from the request."""

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        del self.fields["find"]
        del self.fields["inquirer"]


class TracingReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class TracingMergeForm(forms.Form):
    into: forms.ModelChoiceField[TracingRequest] = ModelChoiceField(
        label=_("Merge into the request"), queryset=None, to_field_name="uuid", empty_label=None
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, requests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = requests  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ModelChoiceField declared above
        self.fields["into"].label_from_instance = _request_label  # type: ignore[attr-defined]  # as above


def _request_label(request: Any) -> str:
    sought = " · ".join(str(s) for s in request.sought.all())
    who = request.inquirer_name or (request.inquirer.case_number if request.inquirer else "")
    return f"{request.created_at:%Y-%m-%d} · {who} → {sought}"


class InquirerRegisterForm(forms.Form):
    """The inquirer as a relative at home, and how they are related to the
    matched person: one form, one transaction."""

    given = forms.CharField(label=_("Inquirer's given name"), max_length=200)
    patronymic = forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200)
    family = forms.CharField(label=_("Family name"), required=False, max_length=200)
    script = forms.ChoiceField(label=_("Script of the name"), choices=Script.choices, initial=Script.CYRILLIC)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.FEMALE)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    relation = forms.ChoiceField(
        label=_("The inquirer is the matched person's"), required=False, choices=_blank(RelationKind.choices)
    )

    def __init__(self, *args: Any, inquirer_name: str = "", relation: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = inquirer_name.split()
        if parts and not self.is_bound:
            self.initial.setdefault("given", parts[0])
            self.initial.setdefault("family", " ".join(parts[1:]))
            detected = script_of(inquirer_name)
            self.initial.setdefault("script", detected if detected in Script.values else Script.OTHER)
        if relation:
            self.initial.setdefault("relation", relation)


class DedupeForm(forms.Form):
    """One person list to find the same person listed twice in (the file
    itself is read and checked by the view, as linkage uploads are)."""

    upload = forms.FileField(
        label=_("List to deduplicate (CSV or XLSX, at most 5 MB and 5,000 rows)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
