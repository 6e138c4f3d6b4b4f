"""Forms of reintegration: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.registry.forms import person_choice_label
from zhusan.registry.models import AssentChoice, Person, RelationKind

from .models import (
    Attendance,
    BenefitKind,
    ClaimStatus,
    CourtDecision,
    EducationLevel,
    PathwayDocument,
    PathwayStatus,
    PlacementEnd,
    PlacementKind,
    Progress,
    ReviewOutcome,
    SchoolLanguage,
    VisitOutcome,
)


def _date(label: Any, *, required: bool = True, **kw: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw
    )


def _text(label: Any, *, required: bool = False, rows: int = 3, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kw)


class CarerChoiceMixin(forms.Form):
    """The carer, chosen among the child's relatives the user sees."""

    carer = forms.ChoiceField(label=_("Carer"), required=False)

    def __init__(self, *args: Any, relatives: list[tuple[Person, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relatives = {str(p.uuid): p for p, _kind in relatives or []}
        labels = dict(RelationKind.choices)
        carer = self.fields["carer"]
        assert isinstance(carer, forms.ChoiceField)
        carer.choices = [("", _("— choose —"))] + [
            (str(p.uuid), f"{person_choice_label(p)} — {labels.get(kind, kind)}") for p, kind in relatives or []
        ]
        self.fields["carer"].help_text = _(
            "The child's relatives recorded on the Family tab (usually found by family tracing)."
        )

    def carer_person(self) -> Person | None:
        return self.relatives.get(self.cleaned_data.get("carer") or "")


class HomeVisitForm(CarerChoiceMixin):
    visited_on = _date(_("Visited on"), initial=timezone.localdate)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)
    notes = _text(_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].required = True


class BestInterestsFields(forms.Form):
    bi_assessed_on = _date(_("Best-interests assessment: date"), required=False)
    bi_recommendation = _text(_("Best-interests assessment: recommendation"))
    bi_childs_views = _text(_("The child's views, in their words"))
    bi_views_not_sought_reason = forms.CharField(
        label=_("Why the child's views could not be sought"), required=False, max_length=300
    )
    bi_reference = forms.CharField(label=_("Assessment reference"), required=False, max_length=100)

    def best_interests_given(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("bi_assessed_on") or (data.get("bi_recommendation") or "").strip())


class PlacementForm(CarerChoiceMixin, BestInterestsFields):
    kind = forms.ChoiceField(
        label=_("Kind of care"),
        choices=PlacementKind.choices,
        initial=PlacementKind.RELATIVES,
        help_text=_("Family-based care is the default; an institution needs a justification and a decision."),
    )
    carer_relation = forms.ChoiceField(
        label=_("The carer is the child's"), required=False, choices=[("", "—"), *RelationKind.choices]
    )
    address = forms.CharField(
        label=_("Address of the household"),
        required=False,
        max_length=300,
        help_text=_("Recorded as the child's home address (contact and location)."),
    )
    started_on = _date(_("Placed from"), initial=timezone.localdate)
    next_review_on = _date(_("Next review"))
    childs_assent = forms.ChoiceField(label=_("The child's assent"), choices=AssentChoice.choices)
    childs_views = _text(_("The child's views about the placement"))
    institution_name = forms.CharField(label=_("Institution"), required=False, max_length=200)
    institution_justification = _text(_("Why no family placement is possible"))
    case_conference_reference = forms.CharField(
        label=_("Case-conference decision reference"), required=False, max_length=100
    )
    guardianship_authority = forms.CharField(label=_("Guardianship authority"), required=False, max_length=200)
    guardianship_reference = forms.CharField(label=_("Guardianship order reference"), required=False, max_length=100)
    guardianship_issued_on = _date(_("Guardianship order date"), required=False)
    guardianship_next_review_on = _date(_("Guardianship review date"), required=False)

    field_order = [
        "kind", "carer", "carer_relation", "address", "started_on", "next_review_on", "childs_assent",
        "childs_views", "institution_name", "institution_justification", "case_conference_reference",
        "bi_assessed_on", "bi_recommendation", "bi_childs_views", "bi_views_not_sought_reason", "bi_reference",
        "guardianship_authority", "guardianship_reference", "guardianship_issued_on", "guardianship_next_review_on",
    ]  # fmt: skip

    fieldsets = (
        ("", ("kind", "carer", "carer_relation", "address", "started_on", "next_review_on", "childs_assent",
              "childs_views")),
        (_("Institution (only when no family can care for the child)"),
         ("institution_name", "institution_justification", "case_conference_reference")),
        (_("Best-interests assessment for this decision"),
         ("bi_assessed_on", "bi_recommendation", "bi_childs_views", "bi_views_not_sought_reason", "bi_reference")),
        (_("Guardianship order (when the carer becomes the guardian)"),
         ("guardianship_authority", "guardianship_reference", "guardianship_issued_on",
          "guardianship_next_review_on")),
    )  # fmt: skip

    def grouped(self) -> list[tuple[Any, list[Any]]]:
        """The bound fields by fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def guardianship_given(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(f)
            for f in (
                "guardianship_authority",
                "guardianship_reference",
                "guardianship_issued_on",
                "guardianship_next_review_on",
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.guardianship_given():
            for f in ("guardianship_issued_on", "guardianship_next_review_on"):
                if not data.get(f):
                    self.add_error(f, _("Give both dates of the guardianship order."))
        if self.best_interests_given() and not data.get("bi_assessed_on"):
            self.add_error("bi_assessed_on", _("Give the date of the assessment."))
        return data


class PlacementEndForm(BestInterestsFields):
    ended_on = _date(_("Ended on"), initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("Why it ends"), choices=[c for c in PlacementEnd.choices if c[0] != "change"])
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["ended_on", "reason"]

    def grouped(self) -> list[tuple[Any, list[Any]]]:
        bia = [n for n in self.fields if n.startswith("bi_")]
        rest = [n for n in self.fields if not n.startswith("bi_")]
        return [
            ("", [self[n] for n in rest]),
            (_("Best-interests assessment (needed to separate a child from the carer)"), [self[n] for n in bia]),
        ]


class PlacementReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"), initial=timezone.localdate)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    notes = _text(_("Notes"))
    next_review_on = _date(_("Next review"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PathwayForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"), choices=PathwayDocument.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (PathwayStatus.GATHERING, PathwayStatus.IN_COURT, PathwayStatus.APPLIED)],
    )
    started_on = _date(_("Started on"), initial=timezone.localdate)
    evidence = forms.MultipleChoiceField(
        label=_("Evidence it rests on"), required=False, widget=forms.CheckboxSelectMultiple
    )
    court = forms.CharField(label=_("Court"), required=False, max_length=200)
    court_case_number = forms.CharField(label=_("Court case number"), required=False, max_length=100)
    issuing_authority = forms.CharField(label=_("Issuing authority"), required=False, max_length=200)

    def __init__(self, *args: Any, evidence: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evidence_items = {str(e.uuid): e for e in evidence or []}
        field = self.fields["evidence"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(e.uuid), str(e)) for e in evidence or []]

    def chosen_evidence(self) -> list[Any]:
        return [self.evidence_items[ref] for ref in self.cleaned_data.get("evidence", []) if ref in self.evidence_items]


class PathwayUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PathwayStatus.choices)
    court = forms.CharField(label=_("Court"), required=False, max_length=200)
    court_case_number = forms.CharField(label=_("Court case number"), required=False, max_length=100)
    court_decision = forms.ChoiceField(label=_("Court decision"), required=False, choices=CourtDecision.choices)
    court_decision_on = _date(_("Decided on"), required=False)
    issuing_authority = forms.CharField(label=_("Issuing authority"), required=False, max_length=200)
    applied_on = _date(_("Applied on"), required=False)
    issued_on = _date(_("Issued on"), required=False)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)


class HearingForm(forms.Form):
    held_on = _date(_("Hearing date"))
    note = forms.CharField(label=_("What happened"), required=False, max_length=300)


class BenefitClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    authority = forms.CharField(label=_("Authority"), required=False, max_length=200)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
    submitted_on = _date(_("Submitted on"), required=False)
    decided_on = _date(_("Decided on"), required=False)


class EnrolmentForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=EducationLevel.choices, initial=EducationLevel.SCHOOL)
    school = forms.CharField(label=_("School or kindergarten"), max_length=200)
    school_language = forms.ChoiceField(
        label=_("The school's language"),
        choices=SchoolLanguage.choices,
        help_text=_("The letter to the school is written in this language."),
    )
    grade = forms.IntegerField(label=_("Grade"), required=False, min_value=1, max_value=12)
    started_on = _date(_("Start date"))
    support_contact = forms.CharField(
        label=_("Support contact"),
        max_length=200,
        help_text=_("Name and telephone of the family's support worker, printed in the letter to the school."),
    )
    catch_up_support = forms.BooleanField(label=_("Catch-up support"), required=False)
    catch_up_note = forms.CharField(label=_("Catch-up support given"), required=False, max_length=300)


class EducationReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"), initial=timezone.localdate)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)
    progress = forms.ChoiceField(label=_("Progress"), choices=Progress.choices)
    notes = _text(_("Notes"))
