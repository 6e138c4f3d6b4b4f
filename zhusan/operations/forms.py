"""Forms for the operations pages; they parse input, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import RoleGrant, Unit, User
from zhusan.accounts.permissions import POLICIES, Capability
from zhusan.core.fields import ModelChoiceField
from zhusan.registry.models import DocumentType, EvidenceMethod, LawfulBasis, Person, Sex, Site
from zhusan.registry.selectors import AGE_BANDS

from .models import (
    MOVEMENT_TRANSITIONS,
    OPERATION_TRANSITIONS,
    ClearanceKind,
    EntryStatus,
    HandoverDocumentKind,
    Movement,
    MovementKind,
    MovementStatus,
    Operation,
    OperationStatus,
    Placement,
    SecurityOutcome,
)
from .services import MANUAL_KINDS, TRAVEL_DOCUMENT_TYPES, custody_allowed

DateInput = forms.DateInput(attrs={"type": "date"})


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class OperationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(label=_("Programme country (ISO code)"), max_length=2, min_length=2)


def operations_staff() -> Any:
    """Active users holding a role that sees operations: the possible leads."""
    roles = [role for role, p in POLICIES.items() if Capability.VIEW_OPERATIONS in p.capabilities]
    grants = RoleGrant.objects.active().filter(role__in=roles)
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("username")


class OperationUpdateForm(forms.Form):
    """An operation's editable fields; the status offers the moves its lifecycle allows
    (the service refuses any other)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=OperationStatus.choices)
    country = forms.CharField(label=_("Programme country (ISO code)"), max_length=2, min_length=2)
    lead = ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False, to_field_name="uuid")
    clearance_kinds = forms.MultipleChoiceField(
        label=_("Required clearance items"), choices=ClearanceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, operation: Operation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": operation.name,
                "status": operation.status,
                "country": operation.country,
                "lead": operation.lead.uuid if operation.lead else None,
                "clearance_kinds": list(operation.clearance_kinds),
                "version": operation.version,
            },
        )
        super().__init__(*args, **kwargs)
        lead: Any = self.fields["lead"]
        lead.queryset = operations_staff()
        allowed = {operation.status, *OPERATION_TRANSITIONS.get(operation.status, frozenset())}
        status: Any = self.fields["status"]
        status.widget.choices = [(value, label) for value, label in OperationStatus.choices if value in allowed]


class MovementStatusForm(forms.Form):
    """Move a movement along its lifecycle; only the allowed next statuses are offered."""

    status = forms.ChoiceField(label=_("New status"), choices=MovementStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, movement: Movement, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": movement.version})
        super().__init__(*args, **kwargs)
        allowed = MOVEMENT_TRANSITIONS.get(movement.status, frozenset())
        self.allowed = [(value, label) for value, label in MovementStatus.choices if value in allowed]
        status: Any = self.fields["status"]
        status.widget.choices = self.allowed


class MovementForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    origin = ModelChoiceField(label=_("Origin"), queryset=Site.objects.all(), required=False, to_field_name="uuid")
    transit_points = forms.CharField(
        label=_("Transit points"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False)
    destination_site = ModelChoiceField(
        label=_("Destination site"),
        queryset=Site.objects.all(),
        required=False,
        to_field_name="uuid",
        help_text=_("Where the persons are received (the centre): arrival records their stay there."),
    )
    departure_on = forms.DateField(label=_("Departure"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    arrival_on = forms.DateField(label=_("Arrival"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class FindPersonForm(forms.Form):
    """The picker's first step (a GET): a name in any script, a kunya or a case number."""

    find = forms.CharField(
        label=_("Find a person"),
        max_length=200,
        help_text=_("A name in any script, a kunya or a case number; then choose from the list."),
    )


class AddPersonForm(forms.Form):
    """The picker's second step: the person chosen from the matches."""

    person = forms.UUIDField(label=_("Person"))
    travel_group = forms.CharField(label=_("Travel group"), max_length=60, required=False)
    whole_household = forms.BooleanField(
        label=_("Add the whole household"),
        required=False,
        help_text=_("Everyone in the person's household who is in the programme, adults first."),
    )


class ManifestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(EntryStatus.choices, _("Any")))
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_blank(Sex.choices, _("Any")))
    age_band = forms.ChoiceField(
        label=_("Age group"), required=False, choices=_blank([(k, k) for k in AGE_BANDS], _("Any"))
    )
    travel_group = forms.CharField(label=_("Travel group"), required=False, max_length=60)


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("Move to"),
        choices=[(s, s.label) for s in EntryStatus if s not in (EntryStatus.PROPOSED, EntryStatus.ARRIVED)],
    )
    reason = forms.CharField(label=_("Reason (for withdrawn or held)"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistItemForm(forms.Form):
    """Tick or untick an item; ticking identity, nationality or the travel
    document says what the registry is to record (see ``services.ItemProof``)."""

    kind = forms.ChoiceField(choices=[(k, k.label) for k in ClearanceKind if k in MANUAL_KINDS])
    satisfied = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    method = forms.ChoiceField(
        label=_("Established by"),
        choices=EvidenceMethod.choices,
        required=False,
        initial=EvidenceMethod.CONSULAR_INTERVIEW,
    )
    reference = forms.CharField(label=_("Reference or document number"), required=False, max_length=100)
    country = forms.CharField(
        label=_("Nationality (ISO code)"), required=False, min_length=2, max_length=2, help_text=_("For example KZ")
    )
    doc_type = forms.ChoiceField(
        label=_("Travel document"),
        choices=[(t.value, t.label) for t in DocumentType if t in TRAVEL_DOCUMENT_TYPES],
        required=False,
        initial=DocumentType.LAISSEZ_PASSER,
    )
    issuer = forms.CharField(label=_("Issued by"), required=False, max_length=200)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)


class SecurityForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=SecurityOutcome.choices)
    reasons = forms.CharField(
        label=_("Reasons (kept in the justice and security compartment)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 3}))


class ArrivalForm(forms.Form):
    """Arrival triage. Only the fields this person and this role can take are
    offered: custody never for a child below the age of criminal
    responsibility, unaccompanied and orphan for children only, the medical
    summary only to staff who write health data."""

    placement = forms.ChoiceField(label=_("Placement on arrival"), choices=Placement.choices)
    address = forms.CharField(
        label=_("Address (placed with relatives or in custody)"),
        required=False,
        max_length=300,
        help_text=_("Leave empty when the person stays at the movement's destination site."),
    )
    receiving_unit = ModelChoiceField(
        label=_("Hand the case to the receiving unit"),
        queryset=Unit.objects.none(),
        required=False,
        to_field_name="uuid",
        help_text=_("Optional: the managing unit changes, and the case may leave your caseload."),
    )
    protection_needs = forms.CharField(
        label=_("Immediate protection needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unaccompanied = forms.BooleanField(label=_("Unaccompanied child confirmed"), required=False)
    orphan = forms.BooleanField(label=_("Orphan confirmed"), required=False)
    medical_summary = forms.CharField(
        label=_("Medical intake summary (health compartment)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, units: Any, may_write_health: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        placement: Any = self.fields["placement"]
        placement.choices = [
            (value, label)
            for value, label in Placement.choices
            if value != Placement.CUSTODY or custody_allowed(person)
        ]
        receiving: Any = self.fields["receiving_unit"]
        receiving.queryset = units
        if not person.is_child():
            del self.fields["unaccompanied"], self.fields["orphan"]
        if not may_write_health:
            del self.fields["medical_summary"]


class SeparationForm(forms.Form):
    child_case_number = forms.CharField(label=_("Child's case number"), max_length=40)
    best_interests_reference = forms.CharField(label=_("Best-interests assessment reference"), max_length=200)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Manifest file (.csv or .xlsx, at most 5 MB)"))
    lawful_basis = forms.ChoiceField(label=_("Lawful basis for new persons"), choices=LawfulBasis.choices)


class HandoverDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=HandoverDocumentKind.choices)
    upload = forms.FileField(label=_("File (PDF, PNG or JPEG, at most 10 MB)"), allow_empty_file=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
