"""Parsing full names into their parts, across naming traditions.

A name arrives as one string: "Иванова Айша Серіковна", "Aisha Serikkyzy
Ivanova", "Umm Abdullah", "Fatima bint Yusuf ibn Ali al-Kazakhi". This module
splits it into a given name, a patronymic (and the father's name it carries),
a lineage chain (ibn / bint), a family name, and a kunya (Umm X / Abu X: a
name by the child, which is never compared as a given name). The original
spelling of every part is kept; comparison keys come from
:mod:`zhusan.engine.translit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .name_families import table
from .translit import match_key

# Kunya and lineage markers, by comparison key or (for Arabic) as written.
_UMM = {"um", "umu", "ume", "ummi", "umi"}
_ABU = {"abu", "abi", "abo", "ebu"}
_UMM_ARABIC = {"أم", "ام", "إم"}
_ABU_ARABIC = {"أبو", "ابو", "أبي", "ابي"}
# A kunya's marker written in full, as a searcher types it, and which marker
# it is (``kunya_marker``). A Latin or Cyrillic "Abu", "Um" may be the start
# of a Central Asian name (Abulkhair, Umit): not among them.
_MARKERS_TYPED = {"umm": "umm", "умм": "umm", **dict.fromkeys(_UMM_ARABIC, "umm"), **dict.fromkeys(_ABU_ARABIC, "abu")}
_LINEAGE = {"ibn", "ibni", "bin", "ben", "bint", "binti", "bent"}
_LINEAGE_ARABIC = {"ابن", "إبن", "بن", "بنت"}
# Separate patronymic words, by match key: Kazakh uly / kyzy (ұлы қызы),
# Uzbek o'g'li / qizi with any apostrophe (ўғли қизи; the key of o'g'li is
# ugli), Kyrgyz uulu / kyzy (уулу кызы), Azeri oglu.
_PATRONYMIC_WORDS = {"uli", "ulu", "kizi", "ogli", "ugli", "oglu", "ogi"}
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ichna", "ich", "uli", "kizi", "ogli", "ugli")
_SURNAME_ENDINGS = (
    "ova",
    "eva",
    "ov",
    "ev",
    "ina",
    "in",
    "ski",
    "skaia",
    "enko",
    "ian",
    "dze",
    "shvili",
    "ko",
    "zoda",
    "zade",
    "zada",
)
# Compound given names: Abd + a divine name (Abd al-Rahman), Abu Bakr.
_ABD = {"abd", "abdul", "abdel", "abdal", "abdu", "abdi", "عبد"}
_ARTICLE = {"al", "el", "ul", "ad", "ar", "as", "at", "an", "az", "ash"}
_GIVEN_KUNYAS = {"abu bakr", "abu bakir"}


@dataclass(frozen=True)
class Kunya:
    kind: str  # "umm" (mother of) or "abu" (father of)
    child: str  # the child's name as written


@dataclass
class ParsedName:
    original: str
    given: str = ""
    patronymic: str = ""
    father: str = ""
    lineage: tuple[str, ...] = ()
    family: str = ""
    kunya: Kunya | None = None
    other: tuple[str, ...] = field(default_factory=tuple)

    @property
    def father_name(self) -> str:
        """The father's given name, from a patronymic or a lineage chain."""
        return self.father or (self.lineage[0] if self.lineage else "")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.replace(",", " ").split():
        head, sep, rest = raw.partition("-")
        # Umm-Abdullah, Abu-Bakr, ibn-Yusuf: split the marker off
        if sep and rest and (match_key(head) in _UMM | _ABU | _LINEAGE):
            out.extend([head, rest])
        else:
            out.append(raw)
    return out


def _key(token: str) -> str:
    return match_key(token).replace(" ", "")


def _is_umm(token: str) -> bool:
    return token in _UMM_ARABIC or _key(token) in _UMM


def _is_abu(token: str) -> bool:
    return token in _ABU_ARABIC or _key(token) in _ABU


def _is_lineage(token: str) -> bool:
    return token in _LINEAGE_ARABIC or _key(token) in _LINEAGE


def _is_article(token: str) -> bool:
    return _key(token) in _ARTICLE


def _take_name(tokens: list[str], i: int) -> tuple[str, int]:
    """The name starting at tokens[i] (joining Abd + al + X), and the next index."""
    if i >= len(tokens):
        return "", i
    parts = [tokens[i]]
    j = i + 1
    if _key(tokens[i]) in _ABD and j < len(tokens):
        if _is_article(tokens[j]) and j + 1 < len(tokens):
            parts.append(tokens[j])
            j += 1
        parts.append(tokens[j])
        j += 1
    return " ".join(parts), j


def kunya_marker(word: str) -> str | None:
    """Which kunya's marker ``word`` is, written in full as its own word:
    ``"umm"`` (أم, ام, إم, umm, умм: mother of) or ``"abu"`` (أبو, ابو, أبي,
    ابي: father of); None otherwise. A Latin or Cyrillic "Abu" or "Um" may
    be the start of another name and is none."""
    return _MARKERS_TYPED.get(word.casefold())


def is_patronymic_word(token: str) -> bool:
    """Whether ``token`` is a patronymic written as its own word after the
    father's name: uly, kyzy, o'g'li (any apostrophe), oʻgʻli, ugli, qizi,
    kizi, uulu, ўғли, қизи, ұлы, қызы, уулу, кызы, oglu."""
    return _key(token) in _PATRONYMIC_WORDS


def strip_patronymic(patronymic: str) -> str:
    """The father's name inside a patronymic: Serikuly → Serik, Ivanovich → Ivan,
    Yahyoyevna → Yahyo (Uzbek Latin ye after a vowel, Cyrillic Яҳёевна)."""
    word = patronymic.split()[0] if patronymic.split() else ""
    latin = re.sub(
        r"((?<=[aeiou])yevich|(?<=[aeiou])yevna|ovich|evich|ovna|evna|ichna|ich|uly|uli|uulu|ұлы|kyzy|qyzy|kizi|qizi|қызы|кызы|қизи|ogly|ogli|ugli|"
        r"o['ʻʼ‘’`]?g['ʻʼ‘’`]?li|ўғли|угли|уулу|ович|евич|овна|евна|ична|ич)$",
        "",
        word,
        flags=re.IGNORECASE,
    )
    return latin or word


def is_patronymic(token: str) -> bool:
    key = _key(token)
    return len(key) > 5 and key.endswith(_PATRONYMIC_ENDINGS) and not table().ids(token)


def looks_like_surname(token: str) -> bool:
    key = _key(token)
    if table().ids(token):
        return False
    if " " in match_key(token) or key.startswith(("al", "el")) and len(key) > 5 and "-" in token:
        return True
    return len(key) > 3 and key.endswith(_SURNAME_ENDINGS)


def parse_name(text: str, *, order: str = "auto") -> ParsedName:
    """Split a full name. ``order`` is "auto", "given_first" or "family_first"."""
    parsed = ParsedName(original=text)
    tokens = _tokens(text.strip())
    rest: list[str] = []
    lineage: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (_is_umm(tok) or _is_abu(tok)) and i + 1 < len(tokens):
            pair = f"{_key(tok)} {_key(tokens[i + 1])}"
            if _is_abu(tok) and pair in _GIVEN_KUNYAS:
                rest.append(f"{tok} {tokens[i + 1]}")
                i += 2
                continue
            j = i + 1
            if _is_article(tokens[j]) and j + 1 < len(tokens):
                j += 1
            child, i = _take_name(tokens, j)
            parsed.kunya = Kunya("umm" if _is_umm(tok) else "abu", child)
            continue
        if _is_lineage(tok) and i + 1 < len(tokens):
            name, i = _take_name(tokens, i + 1)
            lineage.append(name)
            continue
        if is_patronymic_word(tok) and rest:
            rest[-1] = f"{rest[-1]} {tok}"
            parsed.patronymic = rest.pop()
            i += 1
            continue
        if _is_article(tok) and i + 1 < len(tokens):
            # al-Kazakhi written apart: a nisba, kept as one family-name token
            rest.append(f"{tok} {tokens[i + 1]}")
            i += 2
            continue
        name, i = _take_name(tokens, i)
        rest.append(name)
    parsed.lineage = tuple(lineage)

    patronymic_at = None
    if not parsed.patronymic:
        for idx, tok in enumerate(rest):
            if is_patronymic(tok):
                patronymic_at = idx
                parsed.patronymic = tok
                break
        if patronymic_at is not None:
            rest.pop(patronymic_at)
    if parsed.patronymic:
        parsed.father = strip_patronymic(parsed.patronymic)

    _assign_given_and_family(parsed, rest, order=order, patronymic_last=patronymic_at == len(rest))
    return parsed


def _assign_given_and_family(parsed: ParsedName, rest: list[str], *, order: str, patronymic_last: bool) -> None:
    if not rest:
        return
    if len(rest) == 1:
        # A lone word is a given name, unless it is plainly a surname and a
        # given name is implied elsewhere (a kunya or lineage names the person).
        if looks_like_surname(rest[0]) and (parsed.kunya or parsed.patronymic):
            parsed.family = rest[0]
        else:
            parsed.given = rest[0]
        return
    if order == "given_first":
        parsed.given, parsed.family, parsed.other = rest[0], rest[-1], tuple(rest[1:-1])
        return
    if order == "family_first":
        parsed.family, parsed.given, parsed.other = rest[0], rest[1], tuple(rest[2:])
        return
    surnames = [t for t in rest if looks_like_surname(t)]
    known = [t for t in rest if table().ids(t)]
    if surnames:
        family = surnames[-1] if rest[-1] in surnames else surnames[0]
    elif known and len(known) < len(rest):
        family = next(t for t in reversed(rest) if t not in known)
    elif patronymic_last:
        family = rest[0]  # Russian official order: Family Given Patronymic
    else:
        family = rest[-1]
    remaining = [t for t in rest if t is not family]
    given = next((t for t in remaining if t in known), remaining[0])
    parsed.family, parsed.given = family, given
    parsed.other = tuple(t for t in remaining if t is not given)


_SURNAME_STEMS = [
    (re.compile(r"(ts|)ska(ia|ya|ja)?$"), r"\1ski"),
    (re.compile(r"(ts|)ski(i|y|j)?$"), r"\1ski"),
    (re.compile(r"(ov|ev|in|yn)a$"), r"\1"),
    # Tajik -zoda, Persian and Azeri -zade / -zadeh, Arabic-script زاده (zada): "son of"
    (re.compile(r"z[ao]d(a|e|eh|ah)$"), "zoda"),
    (re.compile(r"(uli|ulu|kizi|ugli|ogli|oglu)$"), ""),
]


def surname_stem(name: str) -> str:
    """One key for the male and female forms of a surname: Ivanov / Ivanova,
    Zhusupova / Жусупов, Kowalski / Kowalska, Serikuly / Serikkyzy, and for
    the spellings of "son of": Раҳмонзода / Rahmonzoda / Rahmonzade / زاده,
    Asan uulu, Rustam o'g'li."""
    key = match_key(name)
    words = [w for w in key.split() if w not in _ARTICLE]
    key = "".join(words)
    if key.startswith("al") and len(key) > 6 and " " not in name and "-" in name:
        key = key[2:]
    for pattern, repl in _SURNAME_STEMS:
        new = pattern.sub(repl, key)
        if new != key and len(new) >= 3:
            if key.endswith("kizi") and new[-1] in "aeiou":
                new += "k"  # Serik+kyzy folds to serikizi: give the k back
            return new
    return key
