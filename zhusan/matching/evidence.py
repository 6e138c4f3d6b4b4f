"""The engine's evidence, worded for caseworkers.

The engine reports, per field, a level ("Jaro-Winkler ≥ 0.92") and a weight
(log-odds). A caseworker reads neither: they read one band for the pair
("Very likely the same person") and, folded below it, a sentence per field
saying what agreed and what did not ("Names agree across scripts", "Born
within two years of each other"), each marked as speaking for or against.
No number is shown beside the band, so a band and a weight can never
contradict each other on one screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhusan.engine.translit import script_of

# Bands of a pair's probability; the tracing bands of ``services``.
LIKELY = 0.9
POSSIBLE = 0.5
# A field whose weight is within this of zero neither supports nor opposes.
NEUTRAL = 0.5

MISSING = "missing on one side"

# (engine field label, engine level) → sentence. The labels and levels are
# those of zhusan.engine.persons.PERSON_FIELDS and zhusan.engine.model.LEVELS.
SENTENCES: dict[tuple[str, str], Any] = {
    ("given name", "same name"): gettext_lazy("Given names agree"),
    ("given name", "same name family"): gettext_lazy("Given names are two spellings of one name"),
    ("given name", "Jaro-Winkler ≥ 0.92"): gettext_lazy("Given names are spelt almost the same"),
    ("given name", "same consonants or Jaro-Winkler ≥ 0.85"): gettext_lazy("Given names sound alike"),
    ("given name", "different"): gettext_lazy("Given names differ"),
    ("family name", "same surname (either gender form)"): gettext_lazy("Family names agree"),
    ("family name", "Jaro-Winkler ≥ 0.92"): gettext_lazy("Family names are spelt almost the same"),
    ("family name", "same consonants or Jaro-Winkler ≥ 0.85"): gettext_lazy("Family names sound alike"),
    ("family name", "different"): gettext_lazy("Family names differ"),
    ("father's name", "same name"): gettext_lazy("Fathers' names agree"),
    ("father's name", "same name family"): gettext_lazy("Fathers' names are two spellings of one name"),
    ("father's name", "Jaro-Winkler ≥ 0.92"): gettext_lazy("Fathers' names are spelt almost the same"),
    ("father's name", "same consonants or Jaro-Winkler ≥ 0.85"): gettext_lazy("Fathers' names sound alike"),
    ("father's name", "different"): gettext_lazy("Fathers' names differ"),
    ("kunya (child's name)", "same name"): gettext_lazy("Both kunyas name the same child"),
    ("kunya (child's name)", "same name family"): gettext_lazy("Both kunyas name the same child"),
    ("kunya (child's name)", "Jaro-Winkler ≥ 0.92"): gettext_lazy("The kunyas name a child spelt almost the same"),
    ("kunya (child's name)", "same consonants or Jaro-Winkler ≥ 0.85"): gettext_lazy(
        "The kunyas name children whose names sound alike"
    ),
    ("kunya (child's name)", "different"): gettext_lazy("The kunyas name different children"),
    ("date of birth", "same date of birth"): gettext_lazy("Born on the same day"),
    ("date of birth", "same month and year of birth"): gettext_lazy("Born in the same month"),
    ("date of birth", "same year of birth"): gettext_lazy("Born in the same year"),
    ("date of birth", "birth years within two years"): gettext_lazy("Born within two years of each other"),
    ("date of birth", "stated age consistent with the date of birth"): gettext_lazy(
        "The stated age fits the year of birth"
    ),
    ("date of birth", "dates of birth differ"): gettext_lazy("Born more than two years apart"),
    ("sex", "same"): gettext_lazy("Same sex"),
    ("sex", "different"): gettext_lazy("Different sex"),
    ("place", "same"): gettext_lazy("Same place"),
    ("place", "Jaro-Winkler ≥ 0.92"): gettext_lazy("Place names spelt almost the same"),
    ("place", "Jaro-Winkler ≥ 0.80"): gettext_lazy("Place names look alike"),
    ("place", "different"): gettext_lazy("Different places"),
}
FIELD_NAMES: dict[str, Any] = {
    "given name": gettext_lazy("given name"),
    "family name": gettext_lazy("family name"),
    "father's name": gettext_lazy("father's name"),
    "kunya (child's name)": gettext_lazy("kunya"),
    "date of birth": gettext_lazy("date of birth"),
    "sex": gettext_lazy("sex"),
    "place": gettext_lazy("place"),
}
# Levels at which a name agrees (the same name, or one name in two spellings).
AGREEING_NAME_LEVELS = {"same name", "same name family", "same surname (either gender form)"}


@dataclass(frozen=True)
class Finding:
    text: str
    direction: str  # "for", "against" or "neutral"

    @property
    def direction_text(self) -> str:
        return {"for": _("speaks for"), "against": _("speaks against")}.get(self.direction, _("neither way"))


@dataclass
class Explanation:
    band: str  # "likely", "possible", "unlikely"
    band_text: str
    names: tuple[str, str] | None
    findings: list[Finding] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    estimated: bool = False


def band_of(probability: float) -> tuple[str, str]:
    if probability >= LIKELY:
        return "likely", _("Very likely the same person")
    if probability >= POSSIBLE:
        return "possible", _("Possibly the same person")
    return "unlikely", _("Unlikely to be the same person")


def _direction(weight: object) -> str:
    try:
        w = float(weight)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "neutral"
    if w > NEUTRAL:
        return "for"
    if w < -NEUTRAL:
        return "against"
    return "neutral"


def _across_scripts(names: tuple[str, str] | None) -> bool:
    if names is None:
        return False
    scripts = {script_of(n) for n in names}
    return len(scripts - {"mixed"}) > 1


#: Fields that lists carry and the registry does not: missing, they go unsaid
#: (every duplicate or tracing pair would list them as "not compared").
LIST_ONLY_FIELDS = frozenset({"mother's name", "address", "district", "postcode", "phone"})


def explain(probability: float, evidence: Mapping[str, Any] | None) -> Explanation:
    """One band and a sentence per compared field; fields missing on one side
    are listed as not compared, never as a finding."""
    band, band_text = band_of(probability)
    evidence = evidence or {}
    raw_names = evidence.get("names") or []
    names = (str(raw_names[0]), str(raw_names[1])) if len(raw_names) == 2 else None
    out = Explanation(band=band, band_text=band_text, names=names, estimated=evidence.get("model") == "estimated")
    levels = {str(f.get("field")): str(f.get("level")) for f in evidence.get("fields", [])}
    across = _across_scripts(names)
    both_names_agree = (
        levels.get("given name") in AGREEING_NAME_LEVELS and levels.get("family name") in AGREEING_NAME_LEVELS
    )
    for f in evidence.get("fields", []):
        label, level = str(f.get("field")), str(f.get("level"))
        if level == MISSING:
            if label in LIST_ONLY_FIELDS:
                continue
            out.not_compared.append(str(FIELD_NAMES.get(label, label)))
            continue
        if both_names_agree and label in ("given name", "family name"):
            if label == "family name":
                continue  # said once, with the given name
            text = _("Names agree across scripts") if across else _("Names agree")
        elif across and label in ("given name", "family name") and level in AGREEING_NAME_LEVELS:
            text = _("%(sentence)s across scripts") % {"sentence": SENTENCES[(label, level)]}
        else:
            sentence = SENTENCES.get((label, level))
            text = str(sentence) if sentence is not None else f"{FIELD_NAMES.get(label, label)}: {level}"
        out.findings.append(Finding(text=text, direction=_direction(f.get("weight"))))
    return out
