"""Name folding for search: case- and diacritic-insensitive, across scripts.

A name is stored as typed. Its ``search_key`` holds the folded original plus
a plain Latin rendering, so that "Жүсіпова", "ZHUSSIPOVA" and "zhusipova"
meet. The Latin rendering is the engine's (:func:`zhusan.engine.translit.to_latin`,
one table per script), so search, imports and matching romanise a name alike;
the matching engine then goes much further.
"""

from __future__ import annotations

import re
import unicodedata

from zhusan.engine import translit

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
    """A plain-ASCII Latin rendering of Cyrillic, Arabic or Latin text: the
    engine's, one transliteration table per script."""
    return translit.to_latin(text)


def search_key(*parts: str) -> str:
    """What ``PersonName.search_key`` holds: folded original | Latin form."""
    original = fold(" ".join(p for p in parts if p))
    latin = to_latin(" ".join(p for p in parts if p))
    return f"{original} | {latin}" if latin and latin != original else original


def search_forms(query: str) -> list[str]:
    """The folded forms of a query to look for inside search keys."""
    forms = [f for f in {fold(query), to_latin(query)} if f]
    return sorted(forms)
