"""Forms of the server-rendered registry UI.

Forms only shape and type input; the rules live in ``services.py``, whose
``ValidationError`` dicts the views map back onto these fields
(``add_service_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Compartment

from .dates import BirthPrecision
from .models import (
    AssentChoice,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    Decision,
    DocumentStatus,
    DocumentType,
    EstablishedBy,
    EvidenceMethod,
    EvidenceOutcome,
    EvidenceTopic,
    Household,
    HouseholdRole,
    LawfulBasis,
    NameKind,
    RelationKind,
    Script,
    Sex,
    Site,
    SiteKind,
    Stage,
    Vulnerability,
)
from .selectors import AGE_BANDS, PersonFilters


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


class DateInput(forms.DateInput):
    input_type = "date"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the matching fields (or on top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search names"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_blank(Stage.choices, _("Any")))
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_blank(Sex.choices, _("Any")))
    age_band = forms.ChoiceField(label=_("Age"), required=False, choices=_blank([(k, k) for k in AGE_BANDS], _("Any")))
    site = forms.ModelChoiceField(
        label=_("Current location"),
        required=False,
        queryset=Site.objects.all(),
        to_field_name="uuid",
        empty_label=_("Any"),
    )
    vulnerability = forms.ChoiceField(
        label=_("Vulnerability"), required=False, choices=_blank(Vulnerability.choices, _("Any"))
    )
    mine = forms.BooleanField(label=_("My cases only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> PersonFilters:
        # Invalid values are dropped one by one; the valid filters still apply.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PersonFilters(
            q=(data.get("q") or "").strip(),
            stage=data.get("stage") or "",
            sex=data.get("sex") or "",
            age_band=data.get("age_band") or "",
            site=data.get("site"),
            vulnerability=data.get("vulnerability") or "",
            mine=bool(data.get("mine")),
        )


class BirthFieldsMixin(forms.Form):
    birth_precision = forms.ChoiceField(
        label=_("How well is the birth date known?"),
        choices=BirthPrecision.choices,
        initial=BirthPrecision.UNKNOWN,
        help_text=_("Record only what is known: never invent a month or a day."),
    )
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    birth_month = forms.IntegerField(label=_("Birth month"), required=False, min_value=1, max_value=12)
    birth_day = forms.IntegerField(label=_("Birth day"), required=False, min_value=1, max_value=31)
    stated_age = forms.IntegerField(label=_("Stated age"), required=False, min_value=0, max_value=120)
    stated_age_on = forms.DateField(label=_("Date the age was stated"), required=False, widget=DateInput)

    # Which precision needs which input; the template shows them accordingly.
    PRECISION_FIELDS = {
        "birth_year": "exact month year",
        "birth_month": "exact month",
        "birth_day": "exact",
        "stated_age": "estimated",
        "stated_age_on": "estimated",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, precisions in self.PRECISION_FIELDS.items():
            self.fields[name].precision = precisions  # type: ignore[attr-defined]  # our own attribute on the field, read by the template


class PersonFieldsMixin(BirthFieldsMixin):
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False, max_length=200)
    country_of_birth = forms.CharField(
        label=_("Country of birth"),
        required=False,
        max_length=2,
        help_text=_("Two-letter country code, e.g. KZ, SY, IQ."),
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, max_length=200, help_text=_("Comma-separated, e.g. kk, ru, ar")
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        required=False,
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_country_of_birth(self) -> str:
        value = (self.cleaned_data.get("country_of_birth") or "").strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise ValidationError(_("Use a two-letter country code."))
        return value


class LawfulBasisMixin(forms.Form):
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for recording this person"),
        choices=_blank(LawfulBasis.choices),
        help_text=_(
            "The legal ground on which the programme holds this person's data. "
            "It must be recorded before the record exists."
        ),
        error_messages={"required": _("Record the lawful basis before creating a person.")},
    )
    lawful_basis_note = forms.CharField(
        label=_("Lawful basis note"),
        required=False,
        max_length=500,
        help_text=_("Optional: the decree, agreement or consent reference."),
    )


class NameFieldsMixin(forms.Form):
    script = forms.ChoiceField(label=_("Script"), choices=Script.choices)
    kind = forms.ChoiceField(label=_("Kind of name"), choices=NameKind.choices)
    given = forms.CharField(label=_("Given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200)
    family = forms.CharField(label=_("Family name"), required=False, max_length=200)


class PersonCreateForm(LawfulBasisMixin, PersonFieldsMixin, NameFieldsMixin):
    managing_unit = forms.ModelChoiceField(label=_("Managing unit"), queryset=Unit.objects.none(), to_field_name="uuid")

    field_order = [
        "lawful_basis",
        "lawful_basis_note",
        "script",
        "kind",
        "given",
        "patronymic",
        "family",
        "sex",
        "birth_precision",
        "birth_year",
        "birth_month",
        "birth_day",
        "stated_age",
        "stated_age_on",
        "place_of_birth",
        "country_of_birth",
        "languages",
        "vulnerabilities",
        "managing_unit",
    ]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managing_unit"].queryset = units  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ModelChoiceField declared above
        if units.count() == 1:
            self.fields["managing_unit"].initial = units.first()


class PersonEditForm(LawfulBasisMixin, PersonFieldsMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["lawful_basis", "lawful_basis_note", "sex", "birth_precision"]


class NameForm(NameFieldsMixin):
    is_primary = forms.BooleanField(label=_("Primary name"), required=False)


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, allowed: list[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = _blank(  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ChoiceField declared above
            [(s.value, s.label) for s in allowed]
        )


class RelationshipForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            ("other_is", _("The other person is the … of this person")),
            ("this_is", _("This person is the … of the other person")),
        ],
        initial="other_is",
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    other_case_number = forms.CharField(
        label=_("Other person's case number"), max_length=40, help_text=_("For example KZ-000123.")
    )
    established_by = forms.ChoiceField(label=_("Established by"), choices=EstablishedBy.choices)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)


class HouseholdForm(forms.Form):
    label = forms.CharField(label=_("Household label"), max_length=200, help_text=_("For example: mother and children"))
    role = forms.ChoiceField(label=_("This person's role in the household"), choices=HouseholdRole.choices)


class HouseholdMemberForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    other_case_number = forms.CharField(
        label=_("Case number of the person to add"), max_length=40, help_text=_("For example KZ-000123.")
    )
    role = forms.ChoiceField(label=_("Their role in the household"), choices=HouseholdRole.choices)

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = person.households.all()  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ModelChoiceField declared above


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices)
    number = forms.CharField(label=_("Number"), required=False, max_length=100)
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=200)
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=DateInput)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)


class EvidenceForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=EvidenceTopic.choices)
    method = forms.ChoiceField(label=_("Method"), choices=EvidenceMethod.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EvidenceOutcome.choices)
    reference = forms.CharField(
        label=_("Laboratory or document reference"),
        required=False,
        max_length=200,
        help_text=_("For DNA: the laboratory's reference and outcome only, never a genetic profile."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, initial=Decision.PENDING)


class StayForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), choices=SiteKind.choices)
    site = forms.ModelChoiceField(
        label=_("Site"), required=False, queryset=Site.objects.all(), to_field_name="uuid", empty_label="—"
    )
    section = forms.CharField(label=_("Section, block or cell"), required=False, max_length=100)
    address = forms.CharField(
        label=_("Address"), required=False, max_length=300, help_text=_("Needed when no site is chosen.")
    )
    started_on = forms.DateField(label=_("From"), required=False, widget=DateInput)
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ConsentStatus.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    given_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    witnesses = forms.CharField(label=_("Witnesses"), required=False, max_length=300)


class AssentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    assent = forms.ChoiceField(label=_("The child's assent"), choices=AssentChoice.choices)
    views = forms.CharField(
        label=_("The child's views in their words"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recorded_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)


class ProtectedNoteForm(forms.Form):
    compartment = forms.ChoiceField(label=_("Compartment"))
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args: Any, writable: frozenset[Compartment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartment"].choices = [  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ChoiceField declared above
            (c.value, c.label) for c in Compartment if c in SEVERE_COMPARTMENTS and c in writable
        ]


class BreakGlassForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    reason = forms.CharField(
        label=_("Reason for emergency access"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Your supervisor and the auditors will see this reason. Access is read-only and time-limited."),
    )
