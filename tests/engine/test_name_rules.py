"""One rule for what a name is made of: letters and marks of any script,
spaces, hyphens, apostrophes, dots after initials, and a zero-width non-joiner
only between Arabic-script letters. Everything else is refused, naming the
character."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhusan.engine.name_rules import INVISIBLE, ZWNJ, character_name, first_problem, is_valid_name

GOOD = [
    "Aisha",
    "Жүсіпова",
    "Серікқызы",
    "Мұхаммед",
    "عائشة",
    "أم عبد الله",
    "O'Brien",
    "D’Arcy",
    "Oʻgʻiloy",  # Uzbek Latin, U+02BB
    "G‘ulom",  # Uzbek typed with U+2018
    "Qurʼon",  # U+02BC
    "Abd al-Rahman",
    "A. B.",
    "Zoë",
    "Mu\u0308ller",  # a combining diaeresis after its letter
    "Nguyễn",
    "می\u200cرود",  # Persian: ZWNJ between two Arabic-script letters
    "李小龙",
    "Ἀλέξανδρος",
    "",
]

#: Fifty inputs a name must refuse, in the style of the probe that found 17 accepted.
BAD = [
    # control characters: C0, DEL, C1
    "\x00",
    "Ais\x7fha",
    "Ais\x85ha",
    "\x9bAisha",
    "Ai\x1bsha",
    "Ai\tsha",
    "Ai\nsha",
    "Ai\rsha",
    # bidirectional overrides, embeddings, isolates and marks
    "\u202eahsiA",
    "\u202dAisha",
    "\u202aAisha",
    "\u202bAisha",
    "Aisha\u202c",
    "\u2066Aisha",
    "\u2067Aisha",
    "\u2068Aisha",
    "Aisha\u2069",
    "\u200eAisha",
    "\u200fعائشة",
    "\u061cعائشة",
    # zero-width and other invisible format characters
    "Ai\u200bsha",
    "Ai\u200dsha",
    "Ai\u200csha",  # ZWNJ in Latin letters
    "\u200cعائشة",  # ZWNJ leading
    "عائشة\u200c",  # ZWNJ trailing
    "عائ\u200cAisha",  # ZWNJ between Arabic and Latin
    "Ai\ufeffsha",
    "Ai\u2060sha",
    "Ai\u00adsha",
    "Ai\u3164sha",  # a Hangul filler: a "letter" that shows nothing
    "Ai\u034fsha",
    "Aisha\ufe0f",
    # emoji and symbols
    "Aisha😀",
    "👩",
    "Aisha\u2764",
    "Ai\ufffdsha",
    # digits and numerals
    "Aisha1",
    "٣عائشة",
    "Ⅳ",
    # markup, template and SQL injection, spreadsheet formulas
    "<script>alert(1)</script>",
    "Aisha<b>",
    "{{ 7*7 }}",
    "Robert'); DROP TABLE persons;--",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    # other spaces, separators, private use, stray marks and punctuation
    "Aisha\u00a0Nur",
    "Ai\u3000sha",
    "Aisha\u2028Nur",
    "\ue000",
    "\u0301Aisha",
    ".Aisha",
    "Aisha_Nur",
    "Aisha/Nur",
    "-",
    "'",
    "a" * 201,
]


def test_the_bad_list_is_fifty_inputs_or_more() -> None:
    assert len(BAD) >= 50 and len(set(BAD)) == len(BAD)


@pytest.mark.parametrize("name", GOOD)
def test_names_of_every_script_are_accepted(name: str) -> None:
    assert first_problem(name, max_length=200) is None


@pytest.mark.parametrize("name", BAD, ids=lambda n: ascii(n)[:40])
def test_every_bad_input_is_refused(name: str) -> None:
    assert first_problem(name, max_length=200) is not None


@pytest.mark.parametrize(
    ("name", "char_name"),
    [
        ("\u202eahsiA", "RIGHT-TO-LEFT OVERRIDE"),
        ("Ai\u200bsha", "ZERO WIDTH SPACE"),
        ("Ais\x7fha", "DELETE"),
        ("Ais\x85ha", "NEXT LINE"),
        ("\x9bAisha", "CONTROL CHARACTER"),
        ("Aisha1", "DIGIT ONE"),
        ("Aisha<b>", "LESS-THAN SIGN"),
        ("Ai\u200csha", "ZERO WIDTH NON-JOINER"),
    ],
)
def test_the_refused_character_is_named_by_its_unicode_name(name: str, char_name: str) -> None:
    problem = first_problem(name)
    assert problem is not None and problem.unicode_name == char_name
    assert problem.codepoint == f"U+{ord(problem.char):04X}"


def test_too_long_and_letterless_names_say_so() -> None:
    assert first_problem("a" * 11, max_length=10).reason == "too_long"  # type: ignore[union-attr]
    assert first_problem("- '").reason == "no_letter"  # type: ignore[union-attr]


# --- Properties over generated strings -----------------------------------------------

ALLOWED_PUNCTUATION = set(" -.'\u2018\u2019")


def _allowed(char: str) -> bool:
    category = unicodedata.category(char)
    return (category[0] in "LM" and char not in INVISIBLE) or char in ALLOWED_PUNCTUATION or char == ZWNJ


@given(st.text(max_size=40))
def test_an_accepted_string_holds_only_letters_marks_and_name_punctuation(text: str) -> None:
    if is_valid_name(text):
        assert all(_allowed(c) for c in text)
        assert ZWNJ not in text or all(
            "ARABIC" in unicodedata.name(text[k - 1], "") and "ARABIC" in unicodedata.name(text[k + 1], "")
            for k, c in enumerate(text)
            if c == ZWNJ
        )


letters = st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo"], exclude_characters="\u115f\u1160\u3164\uffa0")
words = st.text(letters, min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=4), st.sampled_from([" ", "-", " ", "'"]))
def test_words_of_letters_joined_by_spaces_hyphens_or_apostrophes_are_accepted(parts: list[str], joiner: str) -> None:
    assert is_valid_name(joiner.join(parts))


forbidden = st.characters(
    categories=["Cc", "Cf", "Co", "Nd", "Nl", "No", "Sm", "Sc", "Sk", "So", "Zl", "Zp", "Pc", "Ps", "Pe", "Pi", "Pf"],
    exclude_characters=ZWNJ + "\u2018\u2019",
) | st.sampled_from(["\u00a0", "\u3000", "<", ">", "{", "}", "/", "@", "=", "+", "_", "!", ";", "\ufffd", *INVISIBLE])


@given(words, forbidden, st.integers(min_value=0, max_value=12))
def test_a_forbidden_character_anywhere_in_a_name_is_refused_and_named(word: str, bad: str, at: int) -> None:
    at = min(at, len(word))
    problem = first_problem(word[:at] + bad + word[at:])
    assert problem is not None
    assert problem.char == bad and problem.position == at
    assert problem.unicode_name == character_name(bad) != ""
