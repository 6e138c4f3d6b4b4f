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
from zhusan.core.fields import ModelChoiceField
from zhusan.core.widgets import QuickSelect

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
from .services import NameInput
from .text import resolve_script


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
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_blank(Stage.choices, _("Any")), widget=QuickSelect
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_blank(Sex.choices, _("Any")), widget=QuickSelect)
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=_blank([(k, k) for k in AGE_BANDS], _("Any")), widget=QuickSelect
    )
    site = ModelChoiceField(
        label=_("Current location"),
        required=False,
        queryset=Site.objects.all(),
        to_field_name="uuid",
        empty_label=_("Any"),
        widget=QuickSelect,
    )
    vulnerability = forms.ChoiceField(
        label=_("Vulnerability"), required=False, choices=_blank(Vulnerability.choices, _("Any")), widget=QuickSelect
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Case number")),
            ("name", _("Name")),
            ("stage", _("Stage")),
            ("activity", _("Last activity")),
        ],
        widget=QuickSelect,
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
            sort=data.get("sort") or "",
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


SCRIPT_CHOICES = [("", _("Detect from the letters")), *Script.choices]
NAME_PARTS = ("given", "patronymic", "family")


def _resolve_row_script(form: forms.Form, prefix: str) -> None:
    """Fill a name row's script from its letters (the engine's detector), or
    put the refusal next to the row's script field."""
    data = form.cleaned_data
    parts = [data.get(f"{prefix}{part}") or "" for part in NAME_PARTS]
    if not any(p.strip() for p in parts):
        return
    try:
        data[f"{prefix}script"] = resolve_script(data.get(f"{prefix}script") or "", *parts)
    except ValidationError as exc:
        for message in exc.message_dict.get("script", exc.messages):
            form.add_error(f"{prefix}script", message)


class NameFieldsMixin(forms.Form):
    script = forms.ChoiceField(label=_("Script"), choices=SCRIPT_CHOICES, required=False, initial="")
    kind = forms.ChoiceField(label=_("Kind of name"), choices=NameKind.choices)
    given = forms.CharField(label=_("Given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200)
    family = forms.CharField(label=_("Family name"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        _resolve_row_script(self, "")
        return data


# The registration form's optional name rows after the first: a fixed number,
# so that the form needs no script; each row is a name of its own kind.
EXTRA_NAME_ROWS: list[tuple[str, NameKind, Any]] = [
    ("name2_", NameKind.FOREIGN_DOCUMENT, _("Second name (e.g. the Latin spelling in a passport)")),
    ("name3_", NameKind.KUNYA, _("Third name (e.g. a kunya such as Umm Yusuf)")),
    ("name4_", NameKind.ALIAS, _("Fourth name (another spelling or alias)")),
]


def _extra_name_fields(prefix: str, kind: NameKind) -> dict[str, forms.Field]:
    return {
        f"{prefix}script": forms.ChoiceField(label=_("Script"), choices=SCRIPT_CHOICES, required=False, initial=""),
        f"{prefix}kind": forms.ChoiceField(
            label=_("Kind of name"), choices=NameKind.choices, initial=kind, required=False
        ),
        f"{prefix}given": forms.CharField(label=_("Given name"), required=False, max_length=200),
        f"{prefix}patronymic": forms.CharField(label=_("Patronymic or father's name"), required=False, max_length=200),
        f"{prefix}family": forms.CharField(label=_("Family name"), required=False, max_length=200),
    }


class PersonCreateForm(LawfulBasisMixin, PersonFieldsMixin, NameFieldsMixin):
    """Registration: the lawful basis, up to four names (the first one and
    three optional rows), the person, where they are now, the managing unit."""

    site = ModelChoiceField(
        label=_("Current location: site"),
        required=False,
        queryset=Site.objects.all(),
        to_field_name="uuid",
        empty_label="—",
        help_text=_("The camp, prison or centre where the person is now, if known."),
    )
    section = forms.CharField(label=_("Section, block or cell"), required=False, max_length=100)
    managing_unit = ModelChoiceField(label=_("Managing unit"), queryset=Unit.objects.none(), to_field_name="uuid")

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
        "site",
        "section",
        "managing_unit",
    ]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managing_unit"].queryset = units  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ModelChoiceField declared above
        if units.count() == 1:
            self.fields["managing_unit"].initial = units.first()
        for prefix, kind, _label in EXTRA_NAME_ROWS:
            self.fields.update(_extra_name_fields(prefix, kind))

    def groups(self) -> list[dict[str, Any]]:
        """The fields in the fieldsets the template shows: a legend and its fields."""
        name_fields = ("script", "kind", *NAME_PARTS)
        person_fields = [f for f in self.field_order if f in PersonFieldsMixin.base_fields]
        groups: list[tuple[Any, list[str]]] = [
            (_("Lawful basis"), ["lawful_basis", "lawful_basis_note"]),
            (_("Name"), list(name_fields)),
            *[(legend, [f"{prefix}{f}" for f in name_fields]) for prefix, _kind, legend in EXTRA_NAME_ROWS],
            (_("The person"), person_fields),
            (_("Where the person is now"), ["site", "section"]),
            (_("Case"), ["managing_unit"]),
        ]
        return [{"legend": legend, "fields": [self[f] for f in names]} for legend, names in groups]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for prefix, _kind, _label in EXTRA_NAME_ROWS:
            _resolve_row_script(self, prefix)
        if not self.names() and not self.has_error("given"):
            self.add_error("given", _("Enter at least one part of the name."))
        if data.get("section") and not data.get("site"):
            self.add_error("site", _("Choose the site the section belongs to."))
        return data

    def names(self) -> list[NameInput]:
        """The filled name rows, the first one primary."""
        data = getattr(self, "cleaned_data", {})
        out: list[NameInput] = []
        for prefix in ("", *(p for p, _k, _l in EXTRA_NAME_ROWS)):
            parts = {part: (data.get(f"{prefix}{part}") or "").strip() for part in NAME_PARTS}
            if any(parts.values()):
                script = data.get(f"{prefix}script") or ""
                kind = data.get(f"{prefix}kind") or dict((p, k) for p, k, _l in EXTRA_NAME_ROWS).get(
                    prefix, NameKind.LEGAL
                )
                out.append(NameInput(script=script, kind=kind, is_primary=not out, **parts))
        return out

    def current_stay(self) -> dict[str, Any] | None:
        """The stay to record with the registration, at the chosen site."""
        site = self.cleaned_data.get("site")
        if site is None:
            return None
        return {"kind": site.kind, "site": site, "section": self.cleaned_data.get("section") or ""}


class PersonEditForm(LawfulBasisMixin, PersonFieldsMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["lawful_basis", "lawful_basis_note", "sex", "birth_precision"]


class NameForm(NameFieldsMixin):
    is_primary = forms.BooleanField(label=_("Primary name"), required=False)


class NameEditForm(NameForm):
    """Editing a stored name: the version it was read at goes back with the change."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, allowed: list[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = _blank(  # type: ignore[attr-defined]  # Form.fields holds the base Field type; this one is the ChoiceField declared above
            [(s.value, s.label) for s in allowed]
        )


NOT_IN_CASELOAD = _("No person with this case number in your caseload.")


def person_choice_label(person: Any) -> str:
    """How a person reads in a picker: case number, the names the reader may
    see (prefetched by the scoped search), the birth year when known."""
    names = " · ".join(n.full for n in person.names.all() if n.full)
    year = f" ({person.birth_year})" if person.birth_year else ""
    return f"{person.case_number} — {names or '—'}{year}"


class PersonPickerMixin(forms.Form):
    """Choose another person by searching, not by typing a case number.

    Without JavaScript it is a two-step form: type a name (any script) or a
    case number, press "Find", choose from the matches in the user's scope,
    then save. ``offer`` fills the choices from the scoped search."""

    find = forms.CharField(
        label=_("Find the other person"),
        required=False,
        max_length=200,
        help_text=_("A name in any script, a kunya or a case number; then choose from the list."),
    )
    other = forms.UUIDField(label=_("Choose the person"), required=False, widget=forms.RadioSelect)

    def offer(self, persons: list[Any]) -> None:
        self.fields["other"].widget.choices = [(str(p.uuid), person_choice_label(p)) for p in persons]
        self.offered = persons

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not data.get("other") and not (data.get("find") or "").strip():
            self.add_error("find", _("Find the other person and choose them from the list."))
        data["offered"] = getattr(self, "offered", [])
        return data


class RelationshipForm(PersonPickerMixin):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            ("other_is", _("The other person is the … of this person")),
            ("this_is", _("This person is the … of the other person")),
        ],
        initial="other_is",
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    established_by = forms.ChoiceField(label=_("Established by"), choices=EstablishedBy.choices)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)

    field_order = ["find", "other", "direction", "kind"]


class HouseholdForm(forms.Form):
    label = forms.CharField(label=_("Household label"), max_length=200, help_text=_("For example: mother and children"))
    role = forms.ChoiceField(label=_("This person's role in the household"), choices=HouseholdRole.choices)


class HouseholdMemberForm(PersonPickerMixin):
    household = ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    role = forms.ChoiceField(label=_("Their role in the household"), choices=HouseholdRole.choices)

    field_order = ["household", "find", "other", "role"]

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
    site = ModelChoiceField(
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
