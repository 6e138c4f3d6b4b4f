"""The reporting forms: the dashboard's filters, and the case-level export
(fields by compartment, filters, format, passphrase)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from zhusan.accounts.models import Organisation, Unit, User
from zhusan.accounts.permissions import Compartment
from zhusan.core.fields import ModelChoiceField
from zhusan.operations.models import Operation
from zhusan.registry.access import JUSTICE_STAGES
from zhusan.registry.models import Script, Sex, Stage

from .case_exports import (
    FORMATS,
    MIN_PASSPHRASE,
    PRIMARY,
    CaseExportError,
    ExportFilters,
    allowed_fields,
    catalogue,
    check_fields,
    check_passphrase,
)
from .indicators import ReportFilters


def _regions() -> list[tuple[str, str]]:
    regions = Unit.objects.exclude(region="").order_by("region").values_list("region", flat=True).distinct()
    return [(r, r) for r in regions]


def _programmes() -> list[tuple[str, str]]:
    return [(str(o.uuid), o.name) for o in Organisation.objects.filter(units__isnull=False).distinct()]


def _operations() -> list[tuple[str, str]]:
    return [(code, code) for code in Operation.objects.order_by("code").values_list("code", flat=True)]


FILTER_OPTIONS = {"region": _regions, "programme": _programmes, "operation": _operations}


def offer_filter_choices(form: forms.Form) -> None:
    """Fill the form's region, programme and operation fields (those it has)
    with what the records hold, after "Any"."""
    for name, options in FILTER_OPTIONS.items():
        field = form.fields.get(name)
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("Any"))] + options()


def check_period(data: dict[str, Any]) -> None:
    if data.get("start") and data.get("end") and data["start"] > data["end"]:
        raise forms.ValidationError(_("The start of the period must not be after its end."))


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_l("Identified from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_l("Identified until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label=_l("Region"), required=False)
    sex = forms.ChoiceField(label=_l("Sex"), required=False, choices=[("", _l("Any"))] + list(Sex.choices))
    programme = forms.ChoiceField(label=_l("Programme"), required=False)
    operation = forms.ChoiceField(label=_l("Operation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_filter_choices(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(data)
        return data

    def filters(self) -> ReportFilters:
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            region=data["region"],
            sex=data["sex"],
            programme=data["programme"],
            operation=data["operation"],
        )


def passphrase_field() -> forms.CharField:
    """The passphrase of an encrypted archive, typed by the user, never stored."""
    return forms.CharField(
        label=_l("Passphrase for the archive"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "minlength": MIN_PASSPHRASE}),
        help_text=_l(
            "At least 12 characters. It is not stored anywhere: give it to the recipient by another channel "
            "than the file."
        ),
    )


def passphrase_confirm_field() -> forms.CharField:
    return forms.CharField(
        label=_l("Passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def check_passphrase_fields(form: forms.Form, data: dict[str, Any]) -> None:
    """The passphrase long enough and typed twice the same, each error on its field."""
    passphrase = data.get("passphrase")
    if passphrase is not None:
        try:
            check_passphrase(passphrase, data.get("passphrase_confirm", ""))
        except CaseExportError as exc:
            form.add_error("passphrase" if exc.code == "short" else "passphrase_confirm", exc.messages)


class PassphraseForm(forms.Form):
    """The passphrase alone: a prepared case export is encrypted with it when downloaded."""

    passphrase = passphrase_field()
    passphrase_confirm = passphrase_confirm_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_passphrase_fields(self, data)
        return data


class CaseExportForm(forms.Form):
    # Every catalogue field is a valid choice so that a refused one gets a
    # message naming it; only the user's own fields are rendered.
    columns = forms.MultipleChoiceField(
        label=_l("Fields"),
        required=False,
        choices=[],  # every field of the catalogue, set in __init__ (other apps add fields)
        widget=forms.CheckboxSelectMultiple,
    )
    script = forms.ChoiceField(
        label=_l("Names in"),
        choices=[(PRIMARY, _l("Primary name (any script)"))] + list(Script.choices),
        initial=PRIMARY,
    )
    operation = forms.ChoiceField(label=_l("Operation arrived with"), required=False)
    # A justice stage is not offered: the export refuses it to every role that
    # exports cases (none reads justice and security).
    stage = forms.ChoiceField(
        label=_l("Lifecycle stage"),
        required=False,
        choices=[("", _l("Any"))] + [(v, label) for v, label in Stage.choices if v not in JUSTICE_STAGES],
    )
    region = forms.ChoiceField(label=_l("Region"), required=False)
    start = forms.DateField(label=_l("Identified from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_l("Identified until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fmt = forms.ChoiceField(
        label=_l("File format"),
        choices=[(f, f.upper()) for f in FORMATS],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    recipient = ModelChoiceField(
        label=_l("Receiving organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="uuid",
        required=False,
        empty_label=_l("None: the file stays in my organisation"),
        help_text=_l("A file for another organisation needs a sharing agreement with it in force for case exports."),
    )
    passphrase = passphrase_field()
    passphrase_confirm = passphrase_confirm_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [(f.code, f.label) for f in catalogue().values()]  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the MultipleChoiceField declared above
        self.user = user
        offer_filter_choices(self)

    def column_groups(self) -> list[tuple[str, list[Any]]]:
        """The user's exportable fields as checkboxes, grouped by compartment."""
        widgets = {w.data["value"]: w for w in self["columns"]}
        groups: dict[Compartment, list[Any]] = {}
        for f in allowed_fields(self.user):
            groups.setdefault(f.compartment, []).append(widgets[f.code])
        return [(str(compartment.label), items) for compartment, items in groups.items()]

    def clean_columns(self) -> list[str]:
        codes: list[str] = self.cleaned_data.get("columns") or []
        try:
            check_fields(self.user, codes)
        except CaseExportError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(data)
        check_passphrase_fields(self, data)
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            operation=data.get("operation", ""),
            stage=data.get("stage", ""),
            region=data.get("region", ""),
            start=data.get("start"),
            end=data.get("end"),
        )
