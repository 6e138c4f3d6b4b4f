"""Forms of the rehabilitation pages: admission (a person and the family
admitted with them), room change, discharge (with the best-interests
assessment a child needs), key-worker assignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.registry.forms import DateInput, person_choice_label
from zhusan.registry.models import Person

from .models import Destination, Discipline, Room
from .selectors import DisciplineLoad


def _room_label(room: Room, free: int) -> str:
    flag = _(" · mothers with young children") if room.mothers_with_young_children else ""
    return str(_("%(room)s — %(free)d of %(beds)d beds free%(flag)s")) % {
        "room": room.name,
        "free": free,
        "beds": room.beds,
        "flag": flag,
    }


class FindResidentForm(forms.Form):
    find = forms.CharField(
        label=_("Find the person to admit"),
        max_length=200,
        help_text=_("A name in any script, a kunya or a case number; then choose from the list."),
    )


class AdmissionForm(forms.Form):
    """Admit ``person``; each family member listed may be admitted with them
    (a young child is, unless the separation below is recorded)."""

    admitted_on = forms.DateField(label=_("Admitted on"), widget=DateInput, initial=timezone.localdate)
    room = forms.ChoiceField(label=_("Room"))
    prefers_female_professional = forms.BooleanField(
        label=_("The person chooses to work with female professionals"), required=False
    )
    separate_child = forms.ChoiceField(
        label=_("Child not admitted with their carer"),
        required=False,
        help_text=_("Only under a best-interests decision: fill in the assessment below."),
    )
    justification = forms.CharField(label=_("Why the child is separated"), required=False, widget=forms.Textarea)
    assessed_on = forms.DateField(label=_("Best-interests assessment date"), required=False, widget=DateInput)
    recommendation = forms.CharField(label=_("Recommendation"), required=False, widget=forms.Textarea)
    childs_views = forms.CharField(label=_("The child's views"), required=False, widget=forms.Textarea)
    views_not_sought_reason = forms.CharField(
        label=_("Why the child's views were not sought"), required=False, max_length=300
    )
    reference = forms.CharField(label=_("Assessment reference"), required=False, max_length=100)

    SEPARATION_FIELDS = (
        "separate_child",
        "justification",
        "assessed_on",
        "recommendation",
        "childs_views",
        "views_not_sought_reason",
        "reference",
    )

    def __init__(
        self,
        *args: Any,
        person: Person,
        family: list[Person],
        rooms: list[tuple[Room, int]],
        young: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.family = family
        self.rooms = {str(room.uuid): room for room, _free in rooms}
        choices: list[tuple[str, str]] = [("", str(_("Choose a room")))] + [
            (str(room.uuid), _room_label(room, free)) for room, free in rooms
        ]
        self.fields["room"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["separate_child"].choices = [("", _("None: the family stays together"))] + [  # type: ignore[attr-defined]
            (str(p.uuid), person_choice_label(p)) for p in family if p.pk in young
        ]
        for member in family:
            key = str(member.uuid)
            self.fields[f"with_{key}"] = forms.BooleanField(
                label=_("Admit %(p)s together") % {"p": person_choice_label(member)},
                required=False,
                initial=True,
            )
            self.fields[f"room_{key}"] = forms.ChoiceField(
                label=_("Room of %(p)s") % {"p": member.case_number},
                required=False,
                choices=[("", str(_("The same room"))), *choices[1:]],
            )
        if not [p for p in family if p.pk in young]:
            for name in self.SEPARATION_FIELDS:
                del self.fields[name]

    def member_fields(self) -> list[tuple[Person, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"with_{m.uuid}"], self[f"room_{m.uuid}"]) for m in self.family]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("admitted_on", "room", "prefers_female_professional")]

    def separation_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.SEPARATION_FIELDS if n in self.fields]

    def clean_room(self) -> Room:
        value = self.cleaned_data["room"]
        if value not in self.rooms:
            raise forms.ValidationError(_("Choose a room of this centre."))
        return self.rooms[value]

    def residents(self) -> list[tuple[Person, Room]]:
        """The person and each family member ticked, with their rooms."""
        room: Room = self.cleaned_data["room"]
        out = [(self.person, room)]
        for member in self.family:
            key = str(member.uuid)
            if self.cleaned_data.get(f"with_{key}"):
                chosen = self.cleaned_data.get(f"room_{key}") or ""
                out.append((member, self.rooms.get(chosen, room)))
        return out


class RoomChangeForm(forms.Form):
    room = forms.ChoiceField(label=_("New room"))
    moved_on = forms.DateField(label=_("Moved on"), widget=DateInput, initial=timezone.localdate)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rooms: list[tuple[Room, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rooms = {str(room.uuid): room for room, _free in rooms}
        self.fields["room"].choices = [("", _("Choose a room"))] + [  # type: ignore[attr-defined]
            (str(room.uuid), _room_label(room, free)) for room, free in rooms
        ]

    def clean_room(self) -> Room:
        value = self.cleaned_data["room"]
        if value not in self.rooms:
            raise forms.ValidationError(_("Choose a room of this centre."))
        return self.rooms[value]


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("Discharged on"), widget=DateInput, initial=timezone.localdate)
    destination = forms.ChoiceField(label=_("Destination"), choices=[("", "—"), *Destination.choices])
    summary = forms.CharField(
        label=_("Summary of the stay"),
        widget=forms.Textarea,
        help_text=_("Kept encrypted; read only by those who read the person's location."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    assessed_on = forms.DateField(label=_("Best-interests assessment date"), required=False, widget=DateInput)
    recommendation = forms.CharField(label=_("Recommendation"), required=False, widget=forms.Textarea)
    childs_views = forms.CharField(label=_("The child's views"), required=False, widget=forms.Textarea)
    views_not_sought_reason = forms.CharField(
        label=_("Why the child's views were not sought"), required=False, max_length=300
    )
    reference = forms.CharField(label=_("Assessment reference"), required=False, max_length=100)

    ASSESSMENT_FIELDS = ("assessed_on", "recommendation", "childs_views", "views_not_sought_reason", "reference")

    def __init__(self, *args: Any, needs_assessment: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_assessment = needs_assessment
        if not needs_assessment:
            for name in self.ASSESSMENT_FIELDS:
                del self.fields[name]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("discharged_on", "destination", "summary", "version")]

    def assessment_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.ASSESSMENT_FIELDS if n in self.fields]


class KeyWorkerForm(forms.Form):
    staff = forms.ChoiceField(
        label=_("Key worker"),
        help_text=_("Each line shows the discipline and the current caseload against its limit."),
    )
    started_on = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "Needed for a key worker at or over their caseload limit, or a male professional for a resident "
            "who chose a female one."
        ),
    )

    def __init__(self, *args: Any, loads: list[DisciplineLoad], prefers_female: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loads = {str(load.member.uuid): load for load in loads}
        choices: list[tuple[str, str]] = [("", str(_("Choose a member of staff")))]
        for load in loads:
            member = load.member
            parts = [
                member.user.get_full_name() or member.user.username,
                str(Discipline(member.discipline).label),
                str(_("%(n)d of %(limit)d residents") % {"n": load.count, "limit": load.limit}),
            ]
            if load.at_limit:
                parts.append(str(_("at or over the limit")))
            if member.is_female:
                parts.append(str(_("female")))
            elif prefers_female:
                parts.append(str(_("male: the resident chose a woman")))
            choices.append((str(member.uuid), " — ".join(parts)))
        self.fields["staff"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField

    def clean_staff(self) -> DisciplineLoad:
        value = self.cleaned_data["staff"]
        if value not in self.loads:
            raise forms.ValidationError(_("Choose a member of the centre's staff."))
        return self.loads[value]
