"""Forms of the needs assessment, the plan and the case conference. The
services validate again (and say what is wrong in the same words)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.access import PersonAccess, active_grants
from zhusan.accounts.models import User
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Compartment
from zhusan.core.fields import ModelChoiceField

from .models import DOMAIN_COMPARTMENT, MINUTE_COMPARTMENTS, Domain, GoalStatus, Level, NeedsAssessment
from .services import ActionInput, AttendeeInput, NeedInput, may_write_notes


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def colleagues(user: Any) -> QuerySet[User]:
    """Staff a user may name as goal owner or chair: active members of their organisations."""
    organisations = {g.organisation_id for g in active_grants(user)}
    return (
        User.objects.filter(is_active=True, grants__organisation_id__in=organisations)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def owner_choices(user: Any) -> list[tuple[Any, str]]:
    return [("", "---------")] + [(u.pk, u.get_full_name() or u.get_username()) for u in colleagues(user)]


class UserChoiceField(ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class NeedsForm(forms.Form):
    """One level per domain; a notes field for each domain whose notes the user may write."""

    assessed_on = _date(_("Assessed on"))

    def __init__(self, *args: Any, access: PersonAccess, assessment: NeedsAssessment | None = None, **kw: Any):
        initial: dict[str, Any] = {}
        if assessment is not None:
            initial["assessed_on"] = assessment.assessed_on
            for line in assessment.lines.all():
                initial[f"level_{line.domain}"] = line.level
                if access.can_read(line.compartment):
                    initial[f"notes_{line.domain}"] = line.notes
        kw.setdefault("initial", initial)
        super().__init__(*args, **kw)
        self.domains: list[tuple[str, Any, bool]] = []
        for domain, label in Domain.choices:
            compartment = DOMAIN_COMPARTMENT[domain]
            self.fields[f"level_{domain}"] = forms.ChoiceField(
                label=_("%(domain)s: level of need") % {"domain": label}, choices=Level.choices, initial=Level.NONE
            )
            writable = may_write_notes(access, domain)
            if writable:
                help_text = (
                    _("Confidential: encrypted, read only by staff of the %(c)s compartment.")
                    % {"c": compartment.label}
                    if compartment in SEVERE_COMPARTMENTS
                    else ""
                )
                self.fields[f"notes_{domain}"] = forms.CharField(
                    label=_("%(domain)s: notes") % {"domain": label},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=help_text,
                )
            self.domains.append((domain, label, writable))

    def needs(self) -> dict[str, NeedInput]:
        data = self.cleaned_data
        return {
            domain: NeedInput(level=data[f"level_{domain}"], notes=data.get(f"notes_{domain}", "") or "")
            for domain in Domain.values
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the plan sets out to do, in a few lines. Write nothing here that only one discipline may read."
        ),
    )


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    text = forms.CharField(label=_("Goal"), max_length=500)
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = _date(_("Due on"), required=False)

    def __init__(self, *args: Any, user: Any, owner_choices: list[tuple[Any, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        owner = self.fields["owner"]
        assert isinstance(owner, UserChoiceField)
        owner.queryset = colleagues(user)
        if owner_choices is not None:
            # Many forms on one page share one list (one query, not one per form).
            owner.choices = owner_choices
        owner.help_text = _("Every goal has an owner: the member of staff responsible for it.")


class GoalStatusForm(VersionForm):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class ApproveForm(VersionForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_review_on = _date(_("First review on"), required=False)


class RejectForm(VersionForm):
    reason = forms.CharField(label=_("Reason for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    reviewed_on = _date(_("Reviewed on"), required=False)
    summary = forms.CharField(
        label=_("Summary of the review"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_on = _date(_("Next review on"), required=False)


class ConferenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = _date(_("Held on"))
    chair = UserChoiceField(label=_("Chair"), queryset=User.objects.none())
    next_review_on = _date(_("Next review on"), required=False)
    attendees = forms.CharField(
        label=_("Attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name | agency | role"),
    )

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        chair = self.fields["chair"]
        assert isinstance(chair, UserChoiceField)
        chair.queryset = colleagues(user)

    def clean_attendees(self) -> list[AttendeeInput]:
        out = []
        for line in self.cleaned_data["attendees"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Write each attendee as: name | agency | role (the role may be left out).")
                )
            out.append(AttendeeInput(name=parts[0], agency=parts[1], role=parts[2] if len(parts) > 2 else ""))
        return out


def _compartment_choices() -> list[tuple[str, Any]]:
    return [("", _("No minute"))] + [(c.value, c.label) for c in MINUTE_COMPARTMENTS]


class ConferenceCaseForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    dissents = forms.CharField(
        label=_("Dissent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: name: their view"),
    )
    minute_compartment = forms.ChoiceField(label=_("Compartment of the minute"), choices=(), required=False)
    minute = forms.CharField(
        label=_("Minute"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted; read only by staff of its compartment."),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["minute_compartment"].choices = _compartment_choices()  # type: ignore[attr-defined]

    def clean_dissents(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["dissents"].splitlines():
            if not line.strip():
                continue
            name, sep, view = line.partition(":")
            if not sep or not name.strip() or not view.strip():
                raise forms.ValidationError(_("Write each dissent as: name: their view."))
            out.append((name.strip(), view.strip()))
        return out

    def minutes(self) -> dict[str, str]:
        compartment = self.cleaned_data.get("minute_compartment") or ""
        body = self.cleaned_data.get("minute") or ""
        return {compartment: body} if compartment and body.strip() else {}


class ActionForm(GoalForm):
    def action(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(domain=data["domain"], text=data["text"], owner=data["owner"], due_on=data["due_on"])


class MinuteForm(forms.Form):
    compartment = forms.ChoiceField(
        label=_("Compartment"), choices=[(c.value, Compartment(c).label) for c in MINUTE_COMPARTMENTS]
    )
    body = forms.CharField(label=_("Minute"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
