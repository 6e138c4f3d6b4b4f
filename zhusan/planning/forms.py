"""The scenario form: the baseline and the what-if side by side."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhusan.core.fields import ModelChoiceField
from zhusan.rehabilitation.models import Centre, Discipline

from .planner import MAX_RUNS

RESOURCES: tuple[str, ...] = tuple(f"staff_{d}" for d in Discipline.values) + ("beds", "flights", "every")
WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


def _resource_field(name: str, *, what_if: bool) -> forms.IntegerField:
    if name.startswith("staff_"):
        discipline = Discipline(name.removeprefix("staff_"))
        label = _("%(discipline)s (staff)") % {"discipline": discipline.label}
        return forms.IntegerField(label=label, required=True, min_value=None)
    if name == "beds":
        return forms.IntegerField(label=_("Beds"), required=True)
    if name == "flights":
        return forms.IntegerField(
            label=_("Flights"), required=False, help_text=_("Empty: the flights on the manifests, as planned")
        )
    return forms.IntegerField(label=_("Days between flights"), required=False)


class ScenarioForm(forms.Form):
    centre = ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.order_by("name"),
        required=False,
        to_field_name="uuid",
        empty_label=_("None: Kazakhstan's 2019 norms"),
        help_text=_("Its stays and sessions give the norms"),
    )
    start = forms.DateField(
        label=_("First arrival"),
        required=False,
        help_text=_("Empty: the first flight's date on the manifests"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    extra_women = forms.IntegerField(label=_("Women expected, not yet on a manifest"), initial=0, required=False)
    extra_men = forms.IntegerField(label=_("Men expected, not yet on a manifest"), initial=0, required=False)
    extra_children = forms.IntegerField(label=_("Children expected, not yet on a manifest"), initial=0, required=False)
    hours_per_day = forms.FloatField(
        label=_("Hours of sessions per member of staff per working day"), initial=6.0, min_value=0.5, max_value=24
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("At least one working day a week is needed.")},
    )
    runs = forms.IntegerField(
        label=_("Runs"), initial=20, min_value=1, max_value=MAX_RUNS, help_text=_("Repeated, seeded runs")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RESOURCES:
            self.fields[name] = _resource_field(name, what_if=False)
            field = _resource_field(name, what_if=True)
            field.required = False
            field.label = _("What if: %(label)s") % {"label": field.label}
            self.fields[f"what_if_{name}"] = field

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"what_if_{name}"]) for name in RESOURCES]

    def _spec(self, prefix: str) -> dict[str, Any]:
        data = self.cleaned_data
        centre = data.get("centre")
        start = data.get("start")

        def value(name: str) -> Any:
            own = data.get(f"{prefix}{name}")
            return data.get(name) if own is None and prefix else own

        return {
            "centre": str(centre.uuid) if centre else "",
            "staff": {d: value(f"staff_{d}") or 0 for d in Discipline.values},
            "beds": value("beds"),
            "flights": value("flights"),
            "every": value("every"),
            "extra_women": data.get("extra_women") or 0,
            "extra_men": data.get("extra_men") or 0,
            "extra_children": data.get("extra_children") or 0,
            "start": start.isoformat() if start else "",
            "hours_per_day": data["hours_per_day"],
            "working_days": list(data["working_days"]),
            "runs": data["runs"],
            "seed": 1,
        }

    def scenario(self) -> dict[str, Any]:
        return self._spec("")

    def what_if(self) -> dict[str, Any] | None:
        """The alternative, or None when it changes nothing."""
        if all(self.cleaned_data.get(f"what_if_{name}") is None for name in RESOURCES):
            return None
        spec = self._spec("what_if_")
        return None if spec == self.scenario() else spec


def initial_from(spec: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values from a scenario dict (``planner.default_spec``)."""
    initial: dict[str, Any] = {
        "centre": spec.get("centre") or None,
        "beds": spec.get("beds"),
        "flights": spec.get("flights"),
        "every": spec.get("every"),
        "hours_per_day": spec.get("hours_per_day", 6.0),
        "working_days": spec.get("working_days", [0, 1, 2, 3, 4]),
        "runs": spec.get("runs", 20),
        "extra_women": 0,
        "extra_men": 0,
        "extra_children": 0,
    }
    for discipline, count in (spec.get("staff") or {}).items():
        initial[f"staff_{discipline}"] = count
    return initial
