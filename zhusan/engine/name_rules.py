"""What a person's name may be made of: one rule for every name field.

A name is letters and combining marks of any script, spaces, hyphens,
apostrophes (``'``, ``’``, ``‘`` and the modifier letters ``ʼ`` ``ʻ`` of Uzbek
Latin) and dots after a letter (initials: "A. B. Nurlanova"). The zero-width
non-joiner (U+200C) is allowed only between two Arabic-script letters, where
Persian spelling needs it ("می‌رود"). Everything else is refused: controls
(DEL, C1), bidirectional overrides and isolates (a reversed name in a
heading), other zero-width, format and invisible characters (they defeat
search and duplicate detection), digits, symbols and emoji, markup and punctuation.

Plain Python (no Django): :func:`first_problem` says which character is
refused, by its Unicode name; the application words the message.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ZWNJ = "\u200c"
SPACE = " "
HYPHEN = "-"
DOT = "."
APOSTROPHES = frozenset("'\u2019\u2018")  # ' ’ ‘ (ʼ U+02BC and ʻ U+02BB are letters: category Lm)
_PUNCTUATION = frozenset({SPACE, HYPHEN, DOT}) | APOSTROPHES

# Letters and marks by category that show nothing: they would hide inside a
# name as zero-width characters do (Hangul fillers, the combining grapheme
# joiner, variation selectors, Mongolian free variation selectors, Khmer
# inherent vowels).
INVISIBLE = frozenset(
    "\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u180b\u180c\u180d\u180f"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)

# Controls have no Unicode name of their own; these are their usual ones.
_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


@dataclass(frozen=True)
class NameProblem:
    """The first character a name may not hold, and why."""

    char: str
    position: int  # 0-based index in the value
    reason: str  # "character", "zwnj", "dot", "mark", "no_letter", "too_long"

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}" if self.char else ""

    @property
    def unicode_name(self) -> str:
        return character_name(self.char) if self.char else ""


def character_name(char: str) -> str:
    """The Unicode name of ``char`` (controls and unnamed code points get a descriptive one)."""
    name = unicodedata.name(char, "")
    if name:
        return name
    if char in _CONTROL_NAMES:
        return _CONTROL_NAMES[char]
    category = unicodedata.category(char)
    if category == "Cc":
        return "CONTROL CHARACTER"
    if category == "Co":
        return "PRIVATE USE CHARACTER"
    if category == "Cs":
        return "SURROGATE"
    return "UNASSIGNED CHARACTER"


def _is_letter(char: str) -> bool:
    return bool(char) and unicodedata.category(char).startswith("L")


def _is_mark(char: str) -> bool:
    return bool(char) and unicodedata.category(char).startswith("M")


def _is_arabic_letter(char: str) -> bool:
    return _is_letter(char) and unicodedata.name(char, "").startswith("ARABIC")


def _previous_base(value: str, index: int) -> str:
    """The character before ``index`` with combining marks skipped ("" at the start)."""
    k = index - 1
    while k >= 0 and _is_mark(value[k]):
        k -= 1
    return value[k] if k >= 0 else ""


def first_problem(value: str, *, max_length: int | None = None) -> NameProblem | None:
    """The first reason ``value`` is not a valid name part, or None if it is.

    An empty value is valid (a name has optional parts); the caller decides
    whether a part is required."""
    if max_length is not None and len(value) > max_length:
        return NameProblem("", max_length, "too_long")
    for index, char in enumerate(value):
        if char in INVISIBLE:
            return NameProblem(char, index, "character")
        if _is_letter(char) or char in _PUNCTUATION and char != DOT:
            continue
        if _is_mark(char):
            if index == 0 or not (_is_letter(value[index - 1]) or _is_mark(value[index - 1])):
                return NameProblem(char, index, "mark")
            continue
        if char == DOT:
            if not _is_letter(_previous_base(value, index)):
                return NameProblem(char, index, "dot")
            continue
        if char == ZWNJ:
            after = value[index + 1] if index + 1 < len(value) else ""
            if not (_is_arabic_letter(_previous_base(value, index)) and after and _is_arabic_letter(after)):
                return NameProblem(char, index, "zwnj")
            continue
        return NameProblem(char, index, "character")
    if value.strip() and not any(_is_letter(c) for c in value):
        return NameProblem("", 0, "no_letter")
    return None


def is_valid_name(value: str, *, max_length: int | None = None) -> bool:
    return first_problem(value, max_length=max_length) is None
