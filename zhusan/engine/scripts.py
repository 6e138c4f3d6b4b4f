"""Which script a name is written in, from its letters.

The one detector the registry's forms, the API and the imports use to fill a
name's script and to refuse a script that does not match the letters typed.
Only letters count: digits, spaces, hyphens and apostrophes belong to every
script. Arabic harakat and other combining marks count with their letter.
The modifier-letter apostrophes of Uzbek Latin, ʻ (U+02BB, in oʻ gʻ) and
ʼ (U+02BC, the glottal stop), are letters to Unicode but apostrophes to a
reader: they belong to every script too, so Oʻtkir is Latin.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Detected(StrEnum):
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    ARABIC = "arabic"
    OTHER = "other"  # letters of one script Zhusan has no table for (Greek, Georgian …)
    MIXED = "mixed"  # letters of more than one script
    NONE = ""  # no letters at all


_PREFIXES = {"CYRILLIC": Detected.CYRILLIC, "LATIN": Detected.LATIN, "ARABIC": Detected.ARABIC}
#: Modifier letters used as apostrophes: ʻ ʼ and the reversed comma ʽ.
NEUTRAL_LETTERS = frozenset("\u02bb\u02bc\u02bd")


def _script_of_letter(ch: str) -> Detected:
    name = unicodedata.name(ch, "")
    return _PREFIXES.get(name.split(" ", 1)[0], Detected.OTHER)


def detect_script(*texts: str) -> Detected:
    """The script of all letters of ``texts`` together: one of Cyrillic,
    Latin, Arabic, other, ``MIXED`` when letters of several scripts occur,
    ``NONE`` when there is no letter.

    >>> detect_script("Юсуф", "Абдурахман")
    <Detected.CYRILLIC: 'cyrillic'>
    >>> detect_script("Umm Юсуф")
    <Detected.MIXED: 'mixed'>
    """
    found: set[Detected] = set()
    for text in texts:
        for ch in unicodedata.normalize("NFC", text or ""):
            if ch.isalpha() and ch not in NEUTRAL_LETTERS:
                found.add(_script_of_letter(ch))
    if not found:
        return Detected.NONE
    if len(found) > 1:
        return Detected.MIXED
    return found.pop()
