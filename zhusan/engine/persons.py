"""Person records: from names as written to the columns the model compares.

A person record is a mapping with any of: ``full_name`` (parsed by
:func:`zhusan.engine.names.parse_name`, in either order) or ``given`` /
``family`` / ``patronymic`` / ``father``; ``kunya``; ``alias`` (other names,
several in one cell: kunyas in it are read as the kunya, other aliases as
further readings of the name); ``birth`` (a date string, a
:class:`~zhusan.engine.dates.PartialDate` or a
:class:`~zhusan.engine.dates.StatedAge`), or ``age`` with ``age_on`` (an age
stated on a date); ``sex``; ``place`` (of birth); ``mother``; ``address``;
``district``; ``postcode``; ``phone``.

:func:`person_columns` gives one row per record (its first reading);
:func:`person_variants` one row per reading of a record's name (its aliases,
a full name read in the other order), with the record each row comes from:
a record matches if its name or one of its aliases matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from .blocking import Columns, Rule
from .dates import PartialDate, StatedAge, gettext_noop, parse_date
from .model import Field, _as_birth, phone_key
from .name_families import table
from .names import ParsedName, is_patronymic_word, looks_like_surname, parse_name, strip_patronymic, surname_stem
from .tabular import normalise_sex
from .translit import abjad_consonants, abjad_key, match_key, phonetic_key, skeleton

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
    # exact, same month, same year, within one year, within two years, age consistent, different
    Field("birth", "date", label=gettext_noop("date of birth"),
          m=(0.45, 0.05, 0.30, 0.09, 0.03, 0.06, 0.02), u=(0.0001, 0.0005, 0.015, 0.03, 0.03, 0.02, 0.9044)),
    Field("sex", "exact", label=gettext_noop("sex"), m=(0.98, 0.02), u=(0.5, 0.5)),
    Field("place", "string", label=gettext_noop("place"), m=(0.60, 0.10, 0.10, 0.20), u=(0.01, 0.01, 0.03, 0.95)),
    # Compared whenever both sides carry them (a list's columns, mapped by header or --map).
    Field("mother", "given", label=gettext_noop("mother's name"),
          m=(0.60, 0.15, 0.08, 0.05, 0.12), u=(0.02, 0.01, 0.01, 0.02, 0.94)),
    Field("address", "string", label=gettext_noop("address"),
          m=(0.55, 0.20, 0.10, 0.15), u=(0.001, 0.004, 0.02, 0.975)),
    Field("district", "string", tf=True, label=gettext_noop("district"),
          m=(0.75, 0.08, 0.05, 0.12), u=(0.02, 0.01, 0.03, 0.94)),
    # same, one edit apart, different
    Field("postcode", "number", tf=True, label=gettext_noop("postcode"),
          m=(0.85, 0.08, 0.07), u=(0.01, 0.04, 0.95)),
    Field("phone", "phone", label=gettext_noop("phone"), m=(0.80, 0.05, 0.15), u=(0.0005, 0.002, 0.9975)),
]  # fmt: skip

#: The columns :func:`person_columns` gives, one per field.
COLUMNS = tuple(f.name for f in PERSON_FIELDS)
#: Columns that are a reading of the name (the rest are the record's, shared by its readings).
_NAME_KEYS = ("given", "family", "father")


def person_columns(records: Iterable[Mapping[str, object]]) -> Columns:
    """One row per record: the first reading of its name and every other field."""
    cols: dict[str, list[object]] = {k: [] for k in COLUMNS}
    for rec in records:
        readings, shared = _readings(rec)
        for key, value in zip(_NAME_KEYS, readings[0], strict=True):
            cols[key].append(value or None)
        for key, other in shared.items():
            cols[key].append(other)
    return cols  # type: ignore[return-value]  # dict is invariant: lists built here, read as Sequences


def person_variants(records: Sequence[Mapping[str, object]]) -> tuple[Columns, np.ndarray]:
    """One row per reading of each record's name (its first reading, each
    alias that is a name, a full name of uncertain order read the other way),
    the other fields repeated; and, per row, the record it comes from (rows of
    a record are consecutive)."""
    cols: dict[str, list[object]] = {k: [] for k in COLUMNS}
    origin: list[int] = []
    for i, rec in enumerate(records):
        readings, shared = _readings(rec)
        for reading in readings:
            for key, value in zip(_NAME_KEYS, reading, strict=True):
                cols[key].append(value or None)
            for key, other in shared.items():
                cols[key].append(other)
            origin.append(i)
    return cols, np.asarray(origin, dtype=np.int64)  # type: ignore[return-value]


def _text(rec: Mapping[str, object], key: str) -> str:
    value = rec.get(key)
    return "" if value is None else str(value).strip()


def _readings(rec: Mapping[str, object]) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    """The readings (given, family, father) of a record's name, the first
    one first, and its other columns."""
    given, family, father = _text(rec, "given"), _text(rec, "family"), _text(rec, "father")
    kunya, kunya_kind, patronymic = "", "", _text(rec, "patronymic")
    if rec.get("patronymic") and not father:
        father = father_of_patronymic(_text(rec, "patronymic"))
    readings: list[tuple[str, str, str]] = []
    if full := _text(rec, "full_name"):
        p = parse_name(full)
        first = (given or p.given, family or p.family, father or p.father_name)
        readings.append(first)
        if not given and not family and (other := _other_order(full, p)) is not None:
            readings.append((other.given, other.family, father or other.father_name or p.father_name))
        if p.kunya:
            kunya, kunya_kind = p.kunya.child, p.kunya.kind
        patronymic = patronymic or p.patronymic
    else:
        readings.append((given, family, father))
    if rec.get("kunya"):
        k = parse_name(_text(rec, "kunya")).kunya
        kunya = k.child if k else _text(rec, "kunya")
        kunya_kind = k.kind if k else ""
    for alias in split_aliases(_text(rec, "alias")):
        a = parse_name(alias)
        if a.kunya and not kunya:
            kunya, kunya_kind = a.kunya.child, a.kunya.kind
        if a.given or a.family:
            g0, f0, fa0 = readings[0]
            readings.append((a.given or g0, a.family or f0, a.father_name or fa0))
    unique = list(dict.fromkeys(r for r in readings if any(r))) or [readings[0]]
    shared: dict[str, object] = {
        "kunya": kunya or None,
        "birth": birth_of(rec),
        "sex": _SEX_CODE.get(normalise_sex(_text(rec, "sex")) or "") or sex_of_name(kunya_kind, patronymic),
        "place": rec.get("place") or None,
        "mother": _mother(_text(rec, "mother")) or None,
        "address": rec.get("address") or None,
        "district": rec.get("district") or None,
        "postcode": "".join(_text(rec, "postcode").split()) or None,
        "phone": phone_key(_text(rec, "phone")) or None,
    }
    return unique, shared


def _other_order(full: str, parsed: ParsedName) -> ParsedName | None:
    """A full name read the other way round (family first or given first)
    when nothing in it says which word is the family name; None when the
    order is clear (a patronymic, a surname ending, one known given name)."""
    if not parsed.given or not parsed.family or parsed.patronymic or parsed.lineage:
        return None
    surname_like = looks_like_surname(parsed.family), looks_like_surname(parsed.given)
    if surname_like[0] != surname_like[1]:
        return None
    known = bool(table().ids(parsed.given)), bool(table().ids(parsed.family))
    if known[0] != known[1]:
        return None
    given_first, family_first = parse_name(full, order="given_first"), parse_name(full, order="family_first")
    current = (parsed.given, parsed.family)
    for other in (given_first, family_first):
        if (other.given, other.family) != current and other.given and other.family:
            return other
    return None


def _mother(text: str) -> str:
    if not text:
        return ""
    p = parse_name(text)
    return p.given or text


_ALIAS_SPLIT = re.compile(r"\s*(?:[;|/،؛()\[\]\n]|,|\ba\.?k\.?a\.?(?=\s)|\bалиас\b|\bили\b|\bor\b)\s*", re.IGNORECASE)


def split_aliases(text: str) -> list[str]:
    """The names in an alias cell: ``Umm Abdullah; Aisha K.``, ``Abu Hamza
    / Hamza``, ``Aisha (Umm Yusuf)``, ``aka Ahmad`` …"""
    return [part.strip(" .'\"") for part in _ALIAS_SPLIT.split(text or "") if part.strip(" .'\"")]


def birth_of(rec: Mapping[str, object]) -> PartialDate | StatedAge | None:
    """A record's birth: its date, or its ``age`` stated on ``age_on``."""
    birth = _as_birth(rec.get("birth"))
    if birth is not None:
        return birth
    age, on = rec.get("age"), rec.get("age_on")
    if age is None or on is None or str(age).strip() == "":
        return None
    try:
        when = on if isinstance(on, PartialDate) else parse_date(str(on))
        years = int(str(age).strip())
    except ValueError:
        return None
    return StatedAge(years, when) if when is not None and 0 <= years <= 130 else None


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
    last = words[-1] if words else ""
    if len(words) > 1 and last.casefold() not in _PATRONYMIC_WORDS and not is_patronymic_word(last):
        return " ".join(words)
    return strip_patronymic(patronymic)


#: Patronymic endings and words by the sex they give, compared on the match
#: key (o'g'li in any apostrophe and ўғли are ugli, qizi and қызы are kizi,
#: Яҳёевна is iahivna).
_FEMALE_PATRONYMIC = ("ovna", "evna", "ivna", "ichna", "kizi", "kyzy")
_MALE_PATRONYMIC = ("ovich", "evich", "ich", "ogli", "ugli", "oglu")
#: Kazakh and Kyrgyz "son" as written (Serikuly, Серікұлы): its key, uli, also
#: ends a Tajik name (Rasuli, Расулӣ), which says nothing of sex.
_SON_AS_WRITTEN = ("uly", "ұлы", "улы", "uulu", "уулу")


def sex_of_name(kunya_kind: str, patronymic: str) -> str | None:
    """``f`` or ``m`` when the name says it and the sex column does not: a
    kunya (Umm Yusuf is a mother, Abu Yusuf a father) or a patronymic
    (Karimovna, Karim qizi, Қарим қызы are a daughter's; Karimovich, Karim
    o'g'li, Серік ұлы a son's); None otherwise."""
    if kunya_kind:
        return "f" if kunya_kind == "umm" else "m"
    words = patronymic.split()
    if not words:
        return None
    last = match_key(words[-1]).replace(" ", "")
    if not is_patronymic_word(words[-1]) and (len(words) > 1 or len(last) <= 5 or table().ids(words[0])):
        return None  # a father's name (Karim, Abd al-Rahman) says nothing
    if last.endswith(_FEMALE_PATRONYMIC):
        return "f"
    if last.endswith(_MALE_PATRONYMIC) or words[-1].casefold().endswith(_SON_AS_WRITTEN):
        return "m"
    return None


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


def _rule_with(column: str, name: str) -> Callable[[Columns], list[list[str]]]:
    """``column`` (a postcode) with a name's key: the given name's family or the surname key."""
    key_of = _given_key if name == "given" else _surname_key

    def keys(cols: Columns) -> list[list[str]]:
        out = []
        for value, n in zip(cols[column], cols[name], strict=True):
            nk = key_of(n)
            out.append([f"{value}|{nk}"] if value and nk else [])
        return out

    return keys


def _rule_names_swapped(cols: Columns) -> list[list[str]]:
    """Given name and surname keys, and the same read the other way round:
    lists that wrote the family name in the given name's column (and the
    given name in the family's) are found by the names they do share."""
    out = []
    for g, f in zip(cols["given"], cols["family"], strict=True):
        keys = []
        if g and f:
            keys.append(f"{_given_key(f)}|{_surname_key(g)}")
        out.append(keys)
    return out


@lru_cache(maxsize=200_000)
def _address_key(address: object) -> str:
    key = "".join(match_key(str(address)).split()) if address else ""
    return key[:8] if len(key) >= 6 else ""


def _rule_address(cols: Columns) -> list[list[str]]:
    """The start of the address (house number and street), written alike."""
    return [[k] if (k := _address_key(a)) else [] for a in cols["address"]]


@lru_cache(maxsize=200_000)
def _consonants(name: object) -> str:
    return abjad_consonants(abjad_key(str(name))) if name else ""


def _rule_consonants(cols: Columns) -> list[list[str]]:
    """Given name and surname by their consonants as Arabic script writes
    them: one key for Гулумова, Gulomova and غولوموفا, which records with no
    date of birth need when their spellings share no other key."""
    out = []
    for g, f in zip(cols["given"], cols["family"], strict=True):
        gk, fk = _consonants(g), _consonants(f)
        out.append([f"{gk}|{fk}"] if len(gk) >= 2 and len(fk) >= 3 else [])
    return out


def _rule_phone(cols: Columns) -> list[list[str]]:
    """The last seven digits of a phone number."""
    return [[str(p)[-7:]] if p else [] for p in cols["phone"]]


def _rule_full_date(cols: Columns) -> list[list[str]]:
    """A full date of birth (names spelt too differently to share a key)."""
    out = []
    for b in cols["birth"]:
        full = isinstance(b, PartialDate) and b.day is not None
        out.append([str(b)] if full else [])
    return out


PERSON_RULES = [
    Rule("given name family + birth year ± 2", _rule_name_year("given", 2), _rule_name_year("given", 0)),
    Rule("surname key + birth year ± 1", _rule_family_year(1), _rule_family_year(0)),
    Rule("given name family + surname key", _rule_given_family, _rule_given_family),
    Rule("kunya child + surname key", _rule_kunya_family, _rule_kunya_family),
    Rule("kunya child + birth year ± 2", _rule_name_year("kunya", 2), _rule_name_year("kunya", 0)),
    Rule("given name family + father's name family", _rule_given_father, _rule_given_father),
    Rule("full date of birth", _rule_full_date, _rule_full_date),
    Rule("postcode + surname key", _rule_with("postcode", "family"), _rule_with("postcode", "family")),
    Rule("postcode + given name family", _rule_with("postcode", "given"), _rule_with("postcode", "given")),
    Rule("phone (last seven digits)", _rule_phone, _rule_phone),
    Rule("start of the address", _rule_address, _rule_address),
    Rule("given name and surname swapped", _rule_names_swapped, _rule_given_family),
    Rule("given name and surname consonants across scripts", _rule_consonants, _rule_consonants),
]
