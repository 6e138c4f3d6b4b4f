"""Transliteration of names between Cyrillic, Arabic and Latin script.

Three renderings are offered, each for its own purpose:

* :func:`icao` -- the machine-readable-zone Latin of ICAO Doc 9303 Part 3
  (Table A for Cyrillic), with the Kazakh letters as Kazakhstan's passports
  render them (ә→A, ғ→G, қ→K, ң→N, ө→O, ұ→U, ү→U, һ→H, і→I).
* :func:`kazakh_latin` -- the Kazakh Latin alphabet of 2021 (ä, ğ, q, ñ, ö, ū,
  ü, ş, ç, ı, i̇), for display where the reader expects it.
* :func:`romanise_arabic` -- a plain romanisation of Arabic script. Arabic
  writes no short vowels, so this is a consonantal skeleton with long vowels.

The scripts of Central Asia go through the same tables and keys: Uzbek
Cyrillic (ў қ ғ ҳ) and Tajik Cyrillic (ҷ ӣ ӯ ҳ ғ қ) and Kyrgyz (ң ө ү) are rows
of :data:`ICAO_CYRILLIC`; Uzbek Latin (o' g' with any apostrophe, sh ch ng,
x for kh, q for k) is folded by :func:`match_key` (see
:func:`_central_asian_latin`), and the Persian spelling of -zoda (زاده) by
:func:`romanise_arabic`. See "Scripts of Central Asia" in docs/matching.md.

:func:`to_latin` picks the right one per script; :func:`match_key` reduces a
Latin form further so that common informal spellings meet (kh/h, zh/j/dzh,
doubled letters, y/i); :func:`phonetic_key` is a short consonant skeleton for
blocking. The original spelling is always kept by the caller; these are keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ICAO Doc 9303 Part 3, Table A (Cyrillic), lower case. Letters of other
# Cyrillic alphabets listed there are included; Kazakh letters follow the
# Kazakh passport practice.
ICAO_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Other Cyrillic letters in Table A
    "є": "ie", "ї": "i", "ґ": "g", "ў": "u", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj",
    "џ": "dz", "ђ": "d", "ћ": "c", "ќ": "kj", "ѓ": "gj",
    # Kazakh (passport practice); і is also Ukrainian/Belarusian I in Table A
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Kyrgyz, Tajik, Uzbek Cyrillic letters seen on camp lists
    "ҳ": "kh", "ҷ": "j", "ӣ": "i", "ӯ": "u", "ҡ": "k", "ҙ": "z", "ҫ": "s", "ӊ": "n",
}  # fmt: skip

# Kazakh Latin alphabet, 2021 version (Presidential decree of 2017 as amended
# in 2021): for display, not for keys. It is the ICAO table above with the
# letters the 2021 alphabet writes otherwise; the other letters (Russian-only
# ones) are written as in the ICAO table.
KAZAKH_LATIN_2021 = ICAO_CYRILLIC | {
    "ә": "ä", "ё": "io", "ж": "j", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü",
    "х": "h", "ч": "ç", "ш": "ş", "щ": "şş", "ъ": "", "і": "ı",
}  # fmt: skip

# Arabic script to Latin, for names. Long vowels only; hamza and ayn dropped
# (they are dropped in almost every informal Latin spelling of a name).
ARABIC_TO_LATIN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "ئ": "",
    "ؤ": "", "ء": "", "ـ": "",
    # Persian / Urdu letters
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ۀ": "a",
    # Harakat, when written, give the short vowels
    "\u064e": "a", "\u064f": "u", "\u0650": "i", "\u0652": "", "\u0651": "",
    "\u064b": "", "\u064c": "", "\u064d": "", "\u0670": "a",
}  # fmt: skip

#: Every apostrophe Uzbek Latin is typed with: the official modifier letters
#: ʻ (U+02BB, in o‘ g‘) and ʼ (U+02BC, the glottal stop), the typographic ‘ ’,
#: the ASCII ' and the backtick and acute accent of older keyboards. None of
#: them is a letter of a key.
UZBEK_APOSTROPHES = "'\u02bb\u02bc\u2018\u2019`\u00b4"
_APOSTROPHE_OUT = str.maketrans(dict.fromkeys(UZBEK_APOSTROPHES, ""))

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# The hard sign before a consonant is the Uzbek and Tajik glottal stop
# (Маъруф, Неъмат, Саъдулла: Ma'ruf, Ne'mat, Sa'dulla), written with an
# apostrophe or not at all in Latin; Russian writes ъ only before a vowel
# letter (е ё ю я), where ICAO's "ie" stays.
_HARD_SIGN_STOP = re.compile("ъ(?=[бвгджзйклмнпрстфхцчшщғқҳҷңһ])", re.IGNORECASE)
_ARABIC = re.compile("[\u0600-\u06ff]")
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z\s]")


def script_of(text: str) -> str:
    """'cyrillic', 'arabic', 'latin' or 'mixed' (by letters present)."""
    cyr = bool(_CYRILLIC.search(text))
    arb = bool(_ARABIC.search(text))
    if cyr and arb:
        return "mixed"
    if cyr:
        return "cyrillic"
    if arb:
        return "arabic"
    return "latin"


def _map(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text).casefold():
        out.append(table.get(ch, ch))
    return "".join(out)


def icao(text: str) -> str:
    """ICAO 9303 Latin of a name, upper case as in a passport's MRZ."""
    return to_latin(text).upper()


def kazakh_latin(text: str) -> str:
    """Kazakh Latin (2021) of a Kazakh Cyrillic name, title case."""
    mapped = _map(text, KAZAKH_LATIN_2021)
    # Dotted and dotless i keep their identity in upper case (İ i, I ı).
    upper = {"i": "İ", "ı": "I"}
    return " ".join(upper.get(w[:1], w[:1].upper()) + w[1:] for w in mapped.split())


def _arabic_vowels(latin: str) -> str:
    # و and ي between consonants are long vowels u and i; at a word start or
    # after a vowel they are the consonants w and y.
    out = []
    for i, ch in enumerate(latin):
        prev = latin[i - 1] if i else " "
        if ch == "w" and prev not in " aeiou":
            out.append("u")
        elif ch == "y" and prev not in " aeiou":
            out.append("i")
        else:
            out.append(ch)
    return "".join(out)


def _persian_final_heh(word: str) -> str:
    """Persian and Tajik spelling ends -zoda / -zade in a silent heh (زاده,
    شهزاده, آزاده: Rahmonzoda, Shahzoda, Ozoda); read it as the vowel it
    writes, as ta marbuta (ة) is read, so that زاده gives "zada", not "zadh"."""
    return word[:-1] + "ة" if len(word) > 2 and word.endswith("ده") else word


def romanise_arabic(text: str) -> str:
    """A plain Latin romanisation of an Arabic-script name, lower case."""
    words = []
    for word in unicodedata.normalize("NFC", text).split():
        word = _persian_final_heh(word)
        # The article al- is written joined; keep it as a separate prefix.
        # An initial ayn carries a vowel in every Latin spelling (Ali, Umar).
        head = "a" if word[:1] == "ع" else ""
        latin = head + "".join(ARABIC_TO_LATIN.get(ch, ch) for ch in word)
        words.append(_arabic_vowels(latin))
    return _SPACES.sub(" ", " ".join(words)).strip()


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn" and ch.isascii())


@lru_cache(maxsize=200_000)
def to_latin(text: str) -> str:
    """Plain lower-case ASCII Latin of a name in any supported script."""
    if not text:
        return ""
    parts = []
    for word in text.split():
        script = script_of(word)
        if script == "cyrillic":
            word = _map(_HARD_SIGN_STOP.sub("", word), ICAO_CYRILLIC)
        elif script == "arabic":
            word = romanise_arabic(word)
        elif script == "mixed":
            word = _map(romanise_arabic(word), ICAO_CYRILLIC)
        parts.append(word)
    latin = _strip_marks(" ".join(parts).translate(_APOSTROPHE_OUT).replace("ı", "i").replace("ğ", "g")).lower()
    latin = latin.replace("-", " ")
    latin = _NOT_WORD.sub(" ", latin)
    return _SPACES.sub(" ", latin).strip()


# Uzbek Latin x is the kh of Cyrillic х (Xadicha, Baxtiyor, Xolmatov); these
# European names keep the ks of their x (Alexander, Maxim, Xenia, Oxana).
_X_AS_KS = re.compile(r"^(alex|max$|maxim|felix|xen|rox[ae]n|oxan|rex$)")


def _x_of(word: str) -> str:
    return word.replace("x", "ks") if _X_AS_KS.match(word) else word.replace("x", "h")


# Ordered rewrites that bring informal spellings together. Applied to the
# lower-case ASCII Latin form.
_KEY_RULES = [
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("ph", "f"), ("q", "k"),
    # ee is the i of English spellings (Fareed, Saeed), but before v it is
    # Cyrillic ее or ёе (Сергеев SERGEEV, Сергеевна, Зиёев ZIEEV), which Latin
    # also writes eyev, yoyev or yoev: ev, the ending of -ev, -eva, -evich.
    ("ck", "k"), ("c", "k"), ("w", "v"), ("ou", "u"), ("oo", "u"), ("eev", "ev"), ("ee", "i"),
    ("iy", "i"), ("yi", "i"), ("y", "i"), ("kk", "k"),
]  # fmt: skip
# After the rules (y → i among them), ij → i: Айжан, Aizhan and Ayzhan all give
# aian (ij before y → i left Ayzhan's aijan apart, and йыжа apart from yyzha).
# Every i before the j goes with it: Cyrillic йи and ий are ii where Latin yi
# and iy are i, so йижо (iijo) meets yizho (ijo), бийижо meets biyizho.
_I_BEFORE_J = re.compile("i+j")
_DOUBLES = re.compile(r"(.)\1+")

_UZBEK_O = re.compile(f"([Oo])[{UZBEK_APOSTROPHES}]")
# An Irish O' (O'Brien, O'Neil) starts a word and is followed by a capital.
_IRISH_O = re.compile(f"^O[{UZBEK_APOSTROPHES}][A-Z][a-z]")


def _central_asian_latin(text: str) -> str:
    """Uzbek Latin o' (any apostrophe) as the u that Cyrillic ў and Russian у
    write: O'tkir, Oʻtkir, Ўткир and Уткир meet. g' needs nothing (the
    apostrophe is dropped: G'afurov, Ғафуров → gafurov)."""
    if not any(ch in text for ch in UZBEK_APOSTROPHES):
        return text
    words = []
    for word in text.split():
        if not _IRISH_O.match(word):
            word = _UZBEK_O.sub(lambda m: "U" if m.group(1) == "O" else "u", word)
        words.append(word)
    return " ".join(words)


# yo, but not the y of you / yoo (Yousouf, Yoosuf: the French and English u)
_YO = re.compile("yo(?![uo])")
# Uzbek Latin (and English spellings of Russian names) write the Cyrillic е
# after a vowel as ye: Abdullayev Абдуллаев ABDULLAEV, Mirzoyev Мирзоев,
# Nikolayev Николаев; a rare Cyrillic йе there (ICAO ie) is the same sound.
# \x05 is the e that yo became.
_VOWEL_YE = re.compile("([aeiou\x05])[yi]([e\x05])")
# ый + о (yio) where Latin writes yyo: the io is a yo (as _YO reads it).
_YIO = re.compile("yio(?![uo])")
# The Cyrillic е that starts a word or follows ь, which ICAO writes E and
# informal Latin Ye (Ерлан ERLAN Yerlan, Елена Yelena, Васильев VASILEV
# Vasilyev, Юрьевна Yuryevna): e. A rare Cyrillic Йе or Йё starting a word
# (IE) is the same e, as is Latin Yyo there. After a vowel it is _VOWEL_YE's.
_SOFT_YE = re.compile("(?:^|(?<=[ bcdfghjklmnpqrstvwxz]))ye|(?:^|(?<= ))(?:ie|y\x05)")


def _fold(text: str, *, loose: bool) -> str:
    key = to_latin(_central_asian_latin(text))
    if loose:
        # ICAO writes ё as e, Uzbek and Tajik Latin and informal Russian as yo
        # (Ниёзов NIEZOV Niyozov, Бахтиёр Baxtiyor, Ёдгор Yodgor, Фёдор
        # Fyodor), Cyrillic sometimes as йо (IO): one key, e.
        key = _YO.sub("\x05", key)  # an e that the rules below leave alone
        key = _VOWEL_YE.sub("\\1\x05", key)  # the e of ye, left alone like yo's
        # Kyrgyz and Kazakh ый before о is yio here and yyo in Latin (Быйо
        # BYYO): the io is the yo that became e above, not the i of yi.
        key = _YIO.sub("y\x05", key)
        key = _SOFT_YE.sub("e", key)
    key = " ".join(_x_of(word) for word in key.split()) if "x" in key else key
    # 'sh', 'ch' and 'ts' must survive the c→k rewrite
    key = key.replace("shch", "\x01").replace("sh", "\x02").replace("ch", "\x03").replace("ts", "\x04")
    for old, new in _KEY_RULES:
        key = key.replace(old, new)
    key = _I_BEFORE_J.sub("i", key)
    key = key.replace("\x01", "sh").replace("\x02", "sh").replace("\x03", "ch").replace("\x04", "ts")
    if loose:
        # ICAO writes Kazakh and Kyrgyz ң as n, informal Latin as ng (Жеңиш
        # ZHENISH Jengish), Uzbek Latin ng is Uzbek Cyrillic нг: one key.
        key = key.replace("io", "e").replace("\x05", "e").replace("ng", "n")
    return _DOUBLES.sub(r"\1", key)


@lru_cache(maxsize=200_000)
def match_key(text: str) -> str:
    """The comparison key of a name: Latin, informal variants folded."""
    return _fold(text, loose=True)


_VOWELS = re.compile(r"[aeiouy]")


@lru_cache(maxsize=200_000)
def phonetic_key(text: str, length: int = 4) -> str:
    """First letter plus the consonant skeleton: a coarse key for blocking."""
    key = match_key(text).replace(" ", "")
    if not key:
        return ""
    # h and v are weak (dropped or vocalic in many transliterations)
    skeleton = _VOWELS.sub("", key[1:]).replace("h", "").replace("v", "")
    first = key[0]
    if first in "aeiou":
        first = "a"
    return (first + _DOUBLES.sub(r"\1", skeleton))[:length]


_SKELETON_RULES = str.maketrans({"p": "b", "v": "f", "o": "u", "e": "i", "g": "k", "q": "k"})


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """The consonant skeleton of a name, loose enough that an Arabic-script
    spelling (no short vowels, no p or v) meets its Latin or Cyrillic form:
    Жусупова, Zhusupova and جوسوبوفا all give 'jsbf'."""
    key = match_key(text).replace(" ", "").translate(_SKELETON_RULES).replace("h", "")
    if not key:
        return ""
    rest = _VOWELS.sub("", key[1:])
    first = "a" if key[0] in "aeiou" else key[0]
    return _DOUBLES.sub(r"\1", first + rest)


# The abjad key: a name as Arabic script would spell it, in Latin letters.
# Arabic writes a foreign name's vowels, when at all, with the letters
# alif (a), waw (o, u) and ya (e, i); it has no p, v, e or o. Bringing the
# other side to that spelling, rather than romanising the Arabic (which
# cannot know whether و is a consonant or a vowel), lets Даурен meet
# داورين and Умарали meet اومارالي.
_ABJAD_LATIN = [
    ("shch", "S"), ("sh", "S"), ("ch", "tS"), ("kh", "h"),
    ("p", "b"), ("v", "f"), ("q", "k"), ("c", "k"), ("x", "ks"),
    ("o", "w"), ("u", "w"), ("e", "y"), ("i", "y"),
]  # fmt: skip


def _abjad_of_latin(latin: str) -> str:
    key = _fold(latin, loose=False).replace(" ", "")
    for old, new in _ABJAD_LATIN:
        key = key.replace(old, new)
    return key


# The letters whose abjad spelling is not their romanisation's: alif, waw and
# ya are the vowel letters a, w, y (also on a hamza seat); ayn carries an a in
# every Latin spelling; tha and dhal are said s and z in Central Asia.
_ABJAD_EXCEPTIONS = {"إ": "a", "ع": "a", "و": "w", "ى": "y", "ئ": "y", "ؤ": "w", "ث": "s", "ذ": "z"}
_HARAKAT = {"\u064e", "\u064f", "\u0650", "\u0652", "\u0651", "\u064b", "\u064c", "\u064d", "\u0670"}
#: The abjad spelling of each Arabic letter, from the one Arabic table.
_ABJAD_ARABIC = {
    ch: _ABJAD_EXCEPTIONS.get(ch, _abjad_of_latin(latin)) for ch, latin in ARABIC_TO_LATIN.items() if ch not in _HARAKAT
}


@lru_cache(maxsize=200_000)
def abjad_key(text: str) -> str:
    """A name as Arabic script spells it, in Latin letters: consonants in
    their Arabic equivalents, a as alif, o/u as waw, e/i as ya, a word that
    starts with a vowel gets its alif. ``abjad_key('Даурен') ==
    abjad_key('داورين') == 'dawryn'``."""
    words = []
    for word in unicodedata.normalize("NFC", text).split():
        if script_of(word) == "arabic":
            key = "".join(_ABJAD_ARABIC.get(ch, "") for ch in _persian_final_heh(word))
        else:
            key = _fold(word, loose=False).replace(" ", "")
            # ю я ё (iu ia io) start with the consonant ya, not a vowel
            initial_vowel = key[:1] in ("o", "u", "e", "i") and not (
                key[:1] == "i" and key[1:2] in ("a", "o", "u", "e")
            )
            for old, new in _ABJAD_LATIN:
                key = key.replace(old, new)
            if initial_vowel:
                key = "a" + key
        words.append(_DOUBLES.sub(r"\1", key))
    return "".join(words)


_ABJAD_VOWELS = re.compile("[awy]")


def abjad_consonants(key: str) -> str:
    """An abjad key without its vowel letters (alif, waw, ya): how Arabic
    writes a name it knows, with no vowels at all (محمد for Мухаммед)."""
    return key[:1] + _ABJAD_VOWELS.sub("", key[1:])
