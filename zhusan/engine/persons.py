"""Person records: from names as written to the columns the model compares.

A person record is a mapping with any of: ``full_name`` (parsed by
:func:`zhusan.engine.names.parse_name`) or ``given`` / ``family`` /
``patronymic`` / ``father``; ``birth`` (a date string, a
:class:`~zhusan.engine.dates.PartialDate` or a
:class:`~zhusan.engine.dates.StatedAge`); ``sex``; ``place``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from .blocking import Columns, Rule
from .dates import PartialDate, StatedAge, gettext_noop
from .model import Field, _as_birth
from .name_families import table
from .names import parse_name, strip_patronymic, surname_stem
from .tabular import normalise_sex
from .translit import phonetic_key, skeleton

# Default parameters, for too little data to estimate from and as EM's start:
# m = P(level | same person), u = P(level | different people), per level in
# zhusan.engine.model.LEVELS order. Hand-set: agreement on given name,
# family name and birth year is strong, a different given name with the same
# surname (siblings) weak, sex a tie-breaker.
PERSON_FIELDS = [
    # same name, same name family, JW ≥ .92, consonants / JW ≥ .85, different
    Field("given", "given", tf=True, label=gettext_noop("given name"),
          m=(0.70, 0.15, 0.07, 0.04, 0.04), u=(0.01, 0.01, 0.01, 0.02, 0.95)),
    # same surname (either gender form), JW ≥ .92, consonants / JW ≥ .85, different
    Field("family", "surname", tf=True, label=gettext_noop("family name"),
          m=(0.80, 0.08, 0.05, 0.07), u=(0.005, 0.005, 0.01, 0.98)),
    Field("father", "given", label=gettext_noop("father's name"),
          m=(0.60, 0.15, 0.08, 0.05, 0.12), u=(0.02, 0.01, 0.01, 0.02, 0.94)),
    Field("kunya", "given", label=gettext_noop("kunya (child's name)"),
          m=(0.60, 0.20, 0.10, 0.05, 0.05), u=(0.02, 0.01, 0.01, 0.02, 0.94)),
    # exact, same month, same year, within two years, age consistent, different
    Field("birth", "date", label=gettext_noop("date of birth"),
          m=(0.45, 0.05, 0.30, 0.12, 0.06, 0.02), u=(0.0001, 0.0005, 0.015, 0.06, 0.02, 0.9044)),
    Field("sex", "exact", label=gettext_noop("sex"), m=(0.98, 0.02), u=(0.5, 0.5)),
    Field("place", "string", label=gettext_noop("place"), m=(0.60, 0.10, 0.10, 0.20), u=(0.01, 0.01, 0.03, 0.95)),
]  # fmt: skip


def person_columns(records: Iterable[Mapping[str, object]]) -> Columns:
    cols: dict[str, list[object]] = {k: [] for k in ("given", "family", "father", "kunya", "birth", "sex", "place")}
    for rec in records:
        given = str(rec.get("given") or "")
        family = str(rec.get("family") or "")
        father = str(rec.get("father") or "")
        kunya = ""
        if rec.get("patronymic") and not father:
            father = father_of_patronymic(str(rec["patronymic"]))
        if rec.get("full_name"):
            p = parse_name(str(rec["full_name"]))
            given = given or p.given
            family = family or p.family
            father = father or p.father_name
            kunya = p.kunya.child if p.kunya else ""
        if rec.get("kunya"):
            k = parse_name(str(rec["kunya"])).kunya
            kunya = k.child if k else str(rec["kunya"])
        cols["given"].append(given or None)
        cols["family"].append(family or None)
        cols["father"].append(father or None)
        cols["kunya"].append(kunya or None)
        cols["birth"].append(_as_birth(rec.get("birth")))
        cols["sex"].append(_SEX_CODE.get(normalise_sex(str(rec.get("sex") or "")) or ""))
        cols["place"].append(rec.get("place") or None)
    return cols  # type: ignore[return-value]  # dict is invariant: lists built here, read as Sequences


_SEX_CODE = {"female": "f", "male": "m"}

# Turkic patronymics written as two words: Serik uly, Серік қызы, Aliyev oglu.
_PATRONYMIC_WORDS = frozenset(
    {"uly", "uli", "ұлы", "улы", "kyzy", "qyzy", "kizi", "қызы", "кызы", "ogly", "oglu", "ogli", "ugli", "оглы", "угли"}
)


def father_of_patronymic(patronymic: str) -> str:
    """The father's name inside a patronymic, whole: Serikuly and "Serik uly"
    give Serik, Ivanovich gives Ivan, but a father's name of several words
    (Abd al-Rahman, عبد الرحمن, Abu Bakr) stays whole; its first word alone
    ("Abd", "عبد") would call every Abd-name the same father."""
    words = patronymic.split()
    if len(words) > 1 and words[-1].casefold() not in _PATRONYMIC_WORDS:
        return " ".join(words)
    return strip_patronymic(patronymic)


@lru_cache(maxsize=200_000)
def _given_key(name: object) -> str:
    if not name:
        return ""
    fid = table().primary(str(name))
    return f"f:{fid}" if fid else f"p:{phonetic_key(str(name), 3)}"


def _years(birth: object, spread: int) -> list[int]:
    if isinstance(birth, StatedAge):
        lo, hi = birth.birth_bounds()
        return list(range(lo.year - spread, hi.year + spread + 1))
    if isinstance(birth, PartialDate):
        return list(range(birth.year - spread, birth.year + spread + 1))
    return []


@lru_cache(maxsize=200_000)
def _surname_key(name: object) -> str:
    return skeleton(surname_stem(str(name)))[:4] if name else ""


def _rule_name_year(column: str, spread: int) -> Callable[[Columns], list[list[str]]]:
    """A name's family (or phonetic key) with each birth year within ``spread``."""

    def keys(cols: Columns) -> list[list[str]]:
        out = []
        for name, b in zip(cols[column], cols["birth"], strict=True):
            key = _given_key(name)
            out.append([f"{key}|{y}" for y in _years(b, spread)] if key else [])
        return out

    return keys


def _rule_family_year(spread: int) -> Callable[[Columns], list[list[str]]]:
    def keys(cols: Columns) -> list[list[str]]:
        out = []
        for f, b in zip(cols["family"], cols["birth"], strict=True):
            fk = _surname_key(f)
            out.append([f"{fk}|{y}" for y in _years(b, spread)] if fk else [])
        return out

    return keys


def _rule_given_family(cols: Columns) -> list[list[str]]:
    out = []
    for g, f in zip(cols["given"], cols["family"], strict=True):
        gk, fk = _given_key(g), _surname_key(f)
        out.append([f"{gk}|{fk}"] if gk and fk else [])
    return out


def _rule_kunya_family(cols: Columns) -> list[list[str]]:
    out = []
    for k, f in zip(cols["kunya"], cols["family"], strict=True):
        kk, fk = _given_key(k), _surname_key(f)
        out.append([f"{kk}|{fk}"] if kk and fk else [])
    return out


def _rule_given_father(cols: Columns) -> list[list[str]]:
    """Given name and father's name: a child known by "Yusuf son of Abd
    al-Rahman", with no family name and perhaps no birth year."""
    out = []
    for g, f in zip(cols["given"], cols["father"], strict=True):
        gk, fk = _given_key(g), _given_key(f)
        out.append([f"{gk}|{fk}"] if gk and fk else [])
    return out


PERSON_RULES = [
    Rule("given name family + birth year ± 2", _rule_name_year("given", 2), _rule_name_year("given", 0)),
    Rule("surname key + birth year ± 1", _rule_family_year(1), _rule_family_year(0)),
    Rule("given name family + surname key", _rule_given_family, _rule_given_family),
    Rule("kunya child + surname key", _rule_kunya_family, _rule_kunya_family),
    Rule("kunya child + birth year ± 2", _rule_name_year("kunya", 2), _rule_name_year("kunya", 0)),
    Rule("given name family + father's name family", _rule_given_father, _rule_given_father),
]
