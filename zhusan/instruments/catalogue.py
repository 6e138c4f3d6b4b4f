"""The validated instruments: items, answer scales, scoring and default
cut-offs, as plain data. Sources are cited in ``docs/instruments.md``.

Item texts are carried only where the instrument's terms allow it: PHQ-9 and
GAD-7 (free of copyright restriction) and PCL-5 (public domain) carry their
English wording, marked for translation. CRIES-8 is used as a numbered form
(its wording may only be reproduced verbatim from the Children and War
Foundation's form, which the assessor uses on paper). The SDQ is licensed:
only its scores are stored, never its items.

Cut-offs are configuration: ``settings.ZHUSAN_INSTRUMENT_CUTOFFS`` may
override any instrument's list (``{"phq9": [5, 10, 15, 20], …}``); this
module's ``DEFAULT_CUTOFFS`` apply otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentCode(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    PCL5 = "pcl5", "PCL-5"
    CRIES8 = "cries8", "CRIES-8"
    SDQ = "sdq", "SDQ"


@dataclass(frozen=True)
class Choice:
    value: int
    label: Any  # a lazy translation


@dataclass(frozen=True)
class Item:
    """One question (or, for a scores-only instrument, one score entered)."""

    key: str  # "1" … "20", or a subscale code for the SDQ
    text: Any  # a lazy translation
    maximum: int


@dataclass(frozen=True)
class Instrument:
    code: InstrumentCode
    name: str
    purpose: Any
    stem: Any
    items: tuple[Item, ...]
    choices: tuple[Choice, ...]  # empty: each "item" is a score typed as a number (SDQ)
    min_age: int
    max_age: int  # inclusive
    total_max: int
    # Subscale code → (label, item keys summed).
    subscales: dict[str, tuple[Any, tuple[str, ...]]] = field(default_factory=dict)
    # Item keys summed into the total (default: all).
    total_items: tuple[str, ...] = ()
    band_labels: tuple[Any, ...] = ()
    # The lowest total with a "clinically meaningful" improvement between
    # baseline and before discharge (``docs/instruments.md`` justifies each).
    meaningful_change: int | None = None
    items_carried: bool = True

    @property
    def label(self) -> str:
        return self.name

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def allowed(self, item: Item) -> list[int]:
        if self.choices:
            return [c.value for c in self.choices]
        return list(range(item.maximum + 1))

    def summed_items(self) -> tuple[str, ...]:
        return self.total_items or tuple(i.key for i in self.items)


def _numbered(texts: list[Any], maximum: int) -> tuple[Item, ...]:
    return tuple(Item(str(n), text, maximum) for n, text in enumerate(texts, start=1))


FREQUENCY_2_WEEKS = (
    Choice(0, _("Not at all")),
    Choice(1, _("Several days")),
    Choice(2, _("More than half the days")),
    Choice(3, _("Nearly every day")),
)

PHQ9 = Instrument(
    code=InstrumentCode.PHQ9,
    name="PHQ-9",
    purpose=_("Depression (adults)"),
    stem=_("Over the last 2 weeks, how often have you been bothered by any of the following problems?"),
    items=_numbered(
        [
            _("Little interest or pleasure in doing things"),
            _("Feeling down, depressed, or hopeless"),
            _("Trouble falling or staying asleep, or sleeping too much"),
            _("Feeling tired or having little energy"),
            _("Poor appetite or overeating"),
            _("Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
            _("Trouble concentrating on things, such as reading the newspaper or watching television"),
            _(
                "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
                "fidgety or restless that you have been moving around a lot more than usual"
            ),
            _("Thoughts that you would be better off dead or of hurting yourself in some way"),
        ],
        3,
    ),
    choices=FREQUENCY_2_WEEKS,
    min_age=18,
    max_age=150,
    total_max=27,
    band_labels=(_("Minimal"), _("Mild"), _("Moderate"), _("Moderately severe"), _("Severe")),
    meaningful_change=5,
)
# The item whose any answer above 0 raises a safety alert.
PHQ9_SELF_HARM_ITEM = "9"

GAD7 = Instrument(
    code=InstrumentCode.GAD7,
    name="GAD-7",
    purpose=_("Anxiety (adults)"),
    stem=_("Over the last 2 weeks, how often have you been bothered by the following problems?"),
    items=_numbered(
        [
            _("Feeling nervous, anxious, or on edge"),
            _("Not being able to stop or control worrying"),
            _("Worrying too much about different things"),
            _("Trouble relaxing"),
            _("Being so restless that it is hard to sit still"),
            _("Becoming easily annoyed or irritable"),
            _("Feeling afraid, as if something awful might happen"),
        ],
        3,
    ),
    choices=FREQUENCY_2_WEEKS,
    min_age=18,
    max_age=150,
    total_max=21,
    band_labels=(_("Minimal"), _("Mild"), _("Moderate"), _("Severe")),
    meaningful_change=4,
)

PCL5 = Instrument(
    code=InstrumentCode.PCL5,
    name="PCL-5",
    purpose=_("Post-traumatic stress (adults)"),
    stem=_("In the past month, how much were you bothered by:"),
    items=_numbered(
        [
            _("Repeated, disturbing, and unwanted memories of the stressful experience?"),
            _("Repeated, disturbing dreams of the stressful experience?"),
            _(
                "Suddenly feeling or acting as if the stressful experience were actually happening again (as if "
                "you were actually back there reliving it)?"
            ),
            _("Feeling very upset when something reminded you of the stressful experience?"),
            _(
                "Having strong physical reactions when something reminded you of the stressful experience (for "
                "example, heart pounding, trouble breathing, sweating)?"
            ),
            _("Avoiding memories, thoughts, or feelings related to the stressful experience?"),
            _(
                "Avoiding external reminders of the stressful experience (for example, people, places, "
                "conversations, activities, objects, or situations)?"
            ),
            _("Trouble remembering important parts of the stressful experience?"),
            _(
                "Having strong negative beliefs about yourself, other people, or the world (for example, having "
                "thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, "
                "the world is completely dangerous)?"
            ),
            _("Blaming yourself or someone else for the stressful experience or what happened after it?"),
            _("Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
            _("Loss of interest in activities that you used to enjoy?"),
            _("Feeling distant or cut off from other people?"),
            _(
                "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
                "loving feelings for people close to you)?"
            ),
            _("Irritable behavior, angry outbursts, or acting aggressively?"),
            _("Taking too many risks or doing things that could cause you harm?"),
            _("Being “superalert” or watchful or on guard?"),
            _("Feeling jumpy or easily startled?"),
            _("Having difficulty concentrating?"),
            _("Trouble falling or staying asleep?"),
        ],
        4,
    ),
    choices=(
        Choice(0, _("Not at all")),
        Choice(1, _("A little bit")),
        Choice(2, _("Moderately")),
        Choice(3, _("Quite a bit")),
        Choice(4, _("Extremely")),
    ),
    min_age=18,
    max_age=150,
    total_max=80,
    subscales={
        "b": (_("Intrusion (cluster B)"), ("1", "2", "3", "4", "5")),
        "c": (_("Avoidance (cluster C)"), ("6", "7")),
        "d": (_("Negative cognitions and mood (cluster D)"), tuple(str(n) for n in range(8, 15))),
        "e": (_("Arousal and reactivity (cluster E)"), tuple(str(n) for n in range(15, 21))),
    },
    band_labels=(_("Below the provisional cut-off"), _("At or above the provisional cut-off")),
    meaningful_change=10,
)

CRIES8 = Instrument(
    code=InstrumentCode.CRIES8,
    name="CRIES-8",
    purpose=_("Post-traumatic stress screen (children 8 to 18)"),
    stem=_("Read each item from the Children and War Foundation's CRIES-8 form, in its numbered order."),
    items=tuple(Item(str(n), _("CRIES-8 item (read from the form)"), 5) for n in range(1, 9)),
    choices=(
        Choice(0, _("Not at all")),
        Choice(1, _("Rarely")),
        Choice(3, _("Sometimes")),
        Choice(5, _("Often")),
    ),
    min_age=8,
    max_age=18,
    total_max=40,
    subscales={
        "intrusion": (_("Intrusion"), ("1", "3", "6", "7")),
        "avoidance": (_("Avoidance"), ("2", "4", "5", "8")),
    },
    band_labels=(_("Below the cut-off"), _("At or above the cut-off")),
    meaningful_change=6,
    items_carried=False,
)

SDQ = Instrument(
    code=InstrumentCode.SDQ,
    name="SDQ",
    purpose=_("Strengths and difficulties (children 2 to 17): scores only"),
    stem=_("Enter the scale scores from the scored SDQ form (the items are licensed and never stored)."),
    items=(
        Item("emotional", _("Emotional symptoms"), 10),
        Item("conduct", _("Conduct problems"), 10),
        Item("hyperactivity", _("Hyperactivity/inattention"), 10),
        Item("peer", _("Peer relationship problems"), 10),
        Item("prosocial", _("Prosocial behaviour"), 10),
    ),
    choices=(),
    min_age=2,
    max_age=17,
    total_max=40,
    # The total difficulties score leaves out the prosocial scale.
    total_items=("emotional", "conduct", "hyperactivity", "peer"),
    subscales={
        "emotional": (_("Emotional symptoms"), ("emotional",)),
        "conduct": (_("Conduct problems"), ("conduct",)),
        "hyperactivity": (_("Hyperactivity/inattention"), ("hyperactivity",)),
        "peer": (_("Peer relationship problems"), ("peer",)),
        "prosocial": (_("Prosocial behaviour"), ("prosocial",)),
    },
    band_labels=(_("Close to average"), _("Slightly raised"), _("High"), _("Very high")),
    meaningful_change=None,
    items_carried=False,
)

INSTRUMENTS: dict[str, Instrument] = {i.code.value: i for i in (PHQ9, GAD7, PCL5, CRIES8, SDQ)}

# Totals at which each band starts (the first band starts at 0).
DEFAULT_CUTOFFS: dict[str, list[int]] = {
    "phq9": [5, 10, 15, 20],
    "gad7": [5, 10, 15],
    # The National Center for PTSD: a provisional cut-point of 31–33.
    "pcl5": [33],
    "cries8": [17],
    # Self-report (and parent) total difficulties, four-band categorisation (UK norms).
    "sdq": [14, 17, 20],
}


def instrument(code: str) -> Instrument:
    return INSTRUMENTS[code]


def cutoffs(code: str) -> list[int]:
    configured: dict[str, list[int]] = getattr(settings, "ZHUSAN_INSTRUMENT_CUTOFFS", None) or {}
    return sorted(int(v) for v in configured.get(code, DEFAULT_CUTOFFS[code]))


def band(code: str, total: int) -> str:
    """The band's label for ``total`` under the configured cut-offs."""
    inst = INSTRUMENTS[code]
    limits = cutoffs(code)
    index = sum(1 for limit in limits if total >= limit)
    if len(inst.band_labels) == len(limits) + 1:
        return str(inst.band_labels[index])
    if index == 0:
        return str(_("Below %(n)s") % {"n": limits[0]}) if limits else ""
    return str(_("%(n)s or more") % {"n": limits[index - 1]})


def fits_age(inst: Instrument, age: int) -> bool:
    return inst.min_age <= age <= inst.max_age


@dataclass(frozen=True)
class Scores:
    total: int
    subscales: dict[str, int]


def score(inst: Instrument, answers: dict[str, int]) -> Scores:
    """Total and subscale scores of complete, valid answers (see
    ``services.validate_answers``)."""
    total = sum(answers[key] for key in inst.summed_items())
    subs = {code: sum(answers[k] for k in keys) for code, (_label, keys) in inst.subscales.items()}
    return Scores(total, subs)
