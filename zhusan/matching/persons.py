"""Person records: from names as written to the columns the model compares.

A person record is a mapping with any of: ``full_name`` (parsed by
:func:`zhusan.matching.names.parse_name`) or ``given`` / ``family`` /
``patronymic`` / ``father``; ``birth`` (a date string, a
:class:`~zhusan.matching.dates.PartialDate` or a
:class:`~zhusan.matching.dates.StatedAge`); ``sex``; ``place``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .blocking import Columns, Rule
from .dates import PartialDate, StatedAge
from .model import Field, _as_birth
from .name_families import table
from .names import parse_name, strip_patronymic, surname_stem
from .translit import phonetic_key, skeleton

PERSON_FIELDS = [
    Field("given", "given", tf=True, label="given name"),
    Field("family", "surname", tf=True, label="family name"),
    Field("father", "given", label="father's name"),
    Field("kunya", "given", label="kunya (child's name)"),
    Field("birth", "date", label="date of birth"),
    Field("sex", "exact", label="sex"),
    Field("place", "string", label="place"),
]


def person_columns(records: Iterable[Mapping[str, object]]) -> Columns:
    cols: dict[str, list[object]] = {k: [] for k in ("given", "family", "father", "kunya", "birth", "sex", "place")}
    for rec in records:
        given = str(rec.get("given") or "")
        family = str(rec.get("family") or "")
        father = str(rec.get("father") or "")
        kunya = ""
        if rec.get("patronymic") and not father:
            father = strip_patronymic(str(rec["patronymic"]))
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
        sex = str(rec.get("sex") or "").strip().lower()[:1]
        cols["sex"].append(sex if sex in ("f", "m") else None)
        cols["place"].append(rec.get("place") or None)
    return cols  # type: ignore[return-value]


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


def _surname_key(name: object) -> str:
    return skeleton(surname_stem(str(name)))[:3] if name else ""


def _rule_given_year(spread: int) -> Callable[[Columns], list[list[str]]]:
    def keys(cols: Columns) -> list[list[str]]:
        out = []
        for g, b in zip(cols["given"], cols["birth"], strict=True):
            gk = _given_key(g)
            out.append([f"{gk}|{y}" for y in _years(b, spread)] if gk else [])
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


PERSON_RULES = [
    Rule("given name family + birth year ± 2", _rule_given_year(2), _rule_given_year(0)),
    Rule("surname key + birth year ± 2", _rule_family_year(2), _rule_family_year(0)),
    Rule("given name family + surname key", _rule_given_family, _rule_given_family),
    Rule("kunya child + surname key", _rule_kunya_family, _rule_kunya_family),
]
