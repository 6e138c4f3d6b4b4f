"""Name folding for search: case- and diacritic-insensitive, across scripts.

A name is stored as typed. Its ``search_key`` holds the folded original plus
a plain Latin rendering, so that "Жүсіпова", "ZHUSSIPOVA" and "zhusipova"
meet. The matching engine (zhusan.matching) goes much further; this is what
the registry search needs.
"""

from __future__ import annotations

import re
import unicodedata

# Cyrillic (Russian and Kazakh) to plain Latin, close to ICAO 9303 / Kazakh
# official romanisation, reduced to ASCII so informal spellings meet it.
CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

# Arabic letters to a plain consonantal romanisation; short vowels are not
# written in Arabic, so this key is compared loosely by the matcher.
ARABIC_TO_LATIN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "u", "ي": "i", "ى": "a", "ئ": "i", "ؤ": "u",
    "ء": "", "ـ": "",
}  # fmt: skip

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, no diacritics (Latin and Cyrillic combining marks, Arabic
    harakat), no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("ـ", "")  # Arabic tatweel
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def to_latin(text: str) -> str:
    """A plain-ASCII Latin rendering of folded Cyrillic, Arabic or Latin text."""
    folded = fold(text)
    # Kazakh letters decompose oddly under NFKD (й → и), so map from the
    # NFC form of the original, folded without stripping marks.
    nfc = unicodedata.normalize("NFC", text).casefold()
    source = nfc if any("\u0400" <= ch <= "\u04ff" for ch in nfc) else folded
    out = []
    for ch in source:
        if ch in CYRILLIC_TO_LATIN:
            out.append(CYRILLIC_TO_LATIN[ch])
        elif ch in ARABIC_TO_LATIN:
            out.append(ARABIC_TO_LATIN[ch])
        elif unicodedata.category(ch) == "Mn":
            continue
        else:
            out.append(ch)
    latin = unicodedata.normalize("NFKD", "".join(out))
    latin = "".join(ch for ch in latin if ch.isascii())
    latin = _NOT_WORD.sub(" ", latin.lower())
    return _SPACES.sub(" ", latin).strip()


def search_key(*parts: str) -> str:
    """What ``PersonName.search_key`` holds: folded original | Latin form."""
    original = fold(" ".join(p for p in parts if p))
    latin = to_latin(" ".join(p for p in parts if p))
    return f"{original} | {latin}" if latin and latin != original else original


def search_forms(query: str) -> list[str]:
    """The folded forms of a query to look for inside search keys."""
    forms = [f for f in {fold(query), to_latin(query)} if f]
    return sorted(forms)
