"""Name folding for search: case- and diacritic-insensitive, across scripts.

A name is stored as typed. Its ``search_key`` holds the folded original plus
a plain Latin rendering, so that "Жүсіпова", "ZHUSSIPOVA" and "zhusipova"
meet. The Latin rendering is the engine's (:func:`zhusan.engine.translit.to_latin`,
one table per script), so search, imports and matching romanise a name alike.

Its ``match_key`` holds the matching engine's keys of each word, so that search
forgives spelling as matching does: the engine's match key (kh/h, zh/j, y/i,
doubled letters: "umm zaid" meets "Umm Zayd", "Умм Зайд"), the given-name
family (Zhusip meets Yusuf) and, for a word in Arabic script, which writes no
short vowels, its consonant skeleton (Aisha meets عائشة). A name may be typed
in part, so the search takes the start of a match key: ``match_key`` also
holds every start of each key as a token of its own (``p:``), which an index
finds as one entry instead of uniting every key under the start.

The script of a name is detected from its letters by the engine
(:func:`zhusan.engine.scripts.detect_script`); :func:`resolve_script` fills it
in or refuses a script the letters contradict.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations, pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhusan.engine import translit
from zhusan.engine.name_families import table
from zhusan.engine.names import kunya_marker
from zhusan.engine.scripts import Detected, detect_script

from .models import Script

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


_WORDS = re.compile(r"[\s\-‐–—_/.,;:()\[\]\"]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORDS.split(text) if w]


# The shortest start of a match key stored as a token of its own: the start
# of a key of one letter is found as a prefix of the keys (``m:x*``).
PREFIX_FROM = 2


def _word_tokens(word: str) -> set[str]:
    tokens = set()
    key = translit.match_key(word).replace(" ", "")
    if key:
        tokens.add(f"m:{key}")
        tokens.update(f"p:{key[:n]}" for n in range(PREFIX_FROM, len(key) + 1))
    family = table().primary(word)
    if family:
        tokens.add(f"f:{family}")
    if detect_script(word) == Detected.ARABIC:
        skeleton = translit.skeleton(word)
        if skeleton:
            tokens.add(f"s:{skeleton}")
    return tokens


# The mark of a token two words of a name hold (``match_keys``): a query
# typing a word twice ("Muhammad Muhammad") asks for it (``match_terms``).
TWICE = "2:"


def match_keys(*parts: str) -> str:
    """What ``PersonName.match_key`` holds: the tokens of every word of the
    name, each token two of its words hold once more behind :data:`TWICE`,
    and the tokens of a word following a kunya's marker once more behind
    the marker (:func:`_behind`), space-separated with a space at each end
    (so a whole token is found with its spaces)."""
    tokens: set[str] = set()
    twice: set[str] = set()
    words = _name_words(parts)
    of_words = [_word_tokens(word) for word in words]
    for of_word in of_words:
        twice |= tokens & of_word
        tokens |= of_word
    kunya = {
        _behind(marker, token)
        for marker, of_next in zip(_markers(words), of_words[1:], strict=True)
        if marker
        for token in of_next
    }
    tokens |= {TWICE + token for token in twice} | kunya
    return f" {' '.join(sorted(tokens))} " if tokens else ""


def marks_a_kunya(*parts: str) -> bool:
    """Whether a word of the name other than its last is a kunya's marker:
    the names to whose match key :func:`match_keys` adds tokens behind it."""
    return any(_markers(_name_words(parts)))


def _name_words(parts: tuple[str, ...]) -> list[str]:
    return [word for part in parts for word in _words(part or "")]


def _markers(words: list[str]) -> list[str | None]:
    """For each word but the last, the kunya's marker it is (``kunya_marker``)
    or None: a marker typed last may be the start of a name (أمينة, Umida)."""
    return [kunya_marker(fold(word)) for word in words[:-1]]


def _behind(marker: str, token: str) -> str:
    """A token of the word following a kunya's marker (``kunya_marker``:
    ``umm`` or ``abu``), marked as such: ``umm:p:mhmd`` is a word starting
    ``mhmd`` right after Umm, in any spelling of it. "أم محمد" asks for that
    token alone, in a short list, where the marker and the word apart each
    met thousands of names (docs/benchmarks.md)."""
    return f"{marker}:{token}"


Terms = list[tuple[str, bool]]


def _word_terms(word: str) -> Terms:
    terms = []
    key = translit.match_key(word).replace(" ", "")
    if len(key) >= PREFIX_FROM:
        terms.append((f"p:{key}", False))
    elif key:
        terms.append((f"m:{key}", True))
    family = table().primary(word)
    if family:
        terms.append((f"f:{family}", False))
    skeleton = translit.skeleton(word)
    # A skeleton of one letter would find half the register.
    if len(skeleton) >= 2:
        terms.append((f"s:{skeleton}", False))
    return terms


def match_terms(query: str) -> list[Terms]:
    """For each word of a query, the ``match_keys`` tokens that meet it (any
    one suffices), each with whether it is a prefix: the start of a match key
    (a name may be typed in part: the stored start ``p:``, whole, or for a
    key of one letter every key it starts), the word's given-name family and
    its skeleton, whole tokens all. A kunya's marker followed by another
    word (Umm, أبو) asks for that word right behind the marker, in any
    spelling of it (:func:`_behind`): "أم محمد" is Umm Muhammad, not every
    Amina whose father is Muhammad nor every Umm Ahmad Muhammad.

    A word typed twice (the same terms) asks for two words of the name
    meeting it (:data:`TWICE`): "صهيب صهيب" is Suhayb son of Suhayb, not
    every Suhayb. Two words meeting it by different terms only (a start of
    one, the family of the other) are not found that way: the words'
    substring (``search_forms``) may still find them. Two words sharing a
    token ask for two words of the name as well (:func:`_apart`)."""
    words = _words(query)
    markers = [*_markers(words), None]
    out: list[Terms] = []
    for i, word in enumerate(words):
        if markers[i]:
            continue
        terms = _word_terms(word)
        if i and (marker := markers[i - 1]):
            terms = [(_behind(marker, token), prefix) for token, prefix in terms]
        if not terms:
            continue
        twice = [(TWICE + token, False) for token, _prefix in terms]
        if twice in out:  # a third time counts as twice
            continue
        if terms in out and not any(prefix for _token, prefix in terms):
            out[out.index(terms)] = twice
        else:
            out.append(terms)
    return out + _apart(out)


def _apart(words: list[Terms]) -> list[Terms]:
    """For each two query words sharing one whole token (عائشة and عيسى,
    whose skeletons are both ``s:as``), two more clauses: each word is met
    by another of its terms or the name holds the token twice
    (:data:`TWICE`). Else one word of the name meeting one query word by
    the token and the other by anything was taken for two: "عائشة عيسى"
    found every Aisha and every Isa (65,539 persons of a million), not
    Aisha daughter of Isa. Two words sharing more tokens than one, or one with no
    term but the token, are left as they are. A name whose word meets one of
    them by another term alone, without the token, and whose other word
    meets the second by the token alone, is not found that way: its words'
    substring (``search_forms``) may still find it."""
    clauses: list[Terms] = []
    for first, second in combinations(words, 2):
        shared = {token for token, prefix in first if not prefix} & {token for token, prefix in second if not prefix}
        if len(shared) != 1:
            continue
        (token,) = shared
        others = [[term for term in terms if term[0] != token] for terms in (first, second)]
        if all(others):
            clauses += [[*terms, (TWICE + token, False)] for terms in others]
    return clauses


def match_needles(query: str) -> list[list[str]]:
    """:func:`match_terms` as what to look for inside ``match_key`` with
    ``LIKE``: a token starts after a space, and a whole token ends at one."""
    return [[f" {token}" if prefix else f" {token} " for token, prefix in terms] for terms in match_terms(query)]


def _lexeme(token: str) -> str:
    """A ``tsquery`` lexeme: quoted, so that nothing in it is syntax."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def match_tsqueries(query: str) -> list[str]:
    """:func:`match_terms` as PostgreSQL ``tsquery``s over the tokens of
    ``match_key`` (``array_to_tsvector``, registry 0013), one per word (and
    per clause of :func:`_apart`), each met by any of its terms, a prefix
    one as ``:*``; a name meets the query when it meets every one. Empty
    when nothing to look for."""
    return [
        " | ".join(_lexeme(token) + (":*" if prefix else "") for token, prefix in terms) for terms in match_terms(query)
    ]


# How much of two neighbouring words of ``search_key`` a pair holds
# (:func:`pairs_tsquery`, registry 0019): the last letters of one and the
# first of the next, one or two of each, and three of each.
PAIR_LONG = 3
PAIR_SHORT = 2


def word_pair(first: str, then: str) -> str:
    """The pair of ``first`` followed by ``then`` a query looks for: three
    letters of each when both have three, else up to two of each. The index
    (``registry_name_word_pairs``, registry 0019) holds every one of these of
    every two neighbouring words of a name, so each is found."""
    size = PAIR_LONG if len(first) >= PAIR_LONG and len(then) >= PAIR_LONG else PAIR_SHORT
    return f"{first[-size:]}:{then[:size]}"


def pairs_tsquery(form: str) -> str:
    """For a search form (:func:`search_forms`) of two words or more, a
    ``tsquery`` every ``search_key`` containing it meets, over the pairs of
    neighbouring words of the key (registry 0019): the form's first word
    ends a word of the key, its words between are whole, its last starts
    one, each next to the one before — so each two neighbouring words of
    the form end and start two neighbouring words of the key. A key meeting
    it may still not hold the form (the pairs elsewhere): the caller checks
    the substring. Empty for one word (found inside a word: the trigram
    index's case) and for spaces at an end or in a row (the scan's)."""
    words = form.split(" ")
    if len(words) < 2 or not all(words):
        return ""
    return " & ".join(sorted({_lexeme(word_pair(first, then)) for first, then in pairwise(words)}))


def resolve_script(chosen: str, *parts: str) -> str:
    """The script of a name: the one its letters are in. ``chosen`` empty
    means "detect"; a chosen script the letters contradict, or letters of
    several scripts in one name, raise a ValidationError on ``script``."""
    detected = detect_script(*parts)
    if detected == Detected.MIXED:
        raise ValidationError(
            {
                "script": _(
                    "This name mixes letters of several scripts. Enter each spelling "
                    "(Cyrillic, Latin, Arabic) as a name of its own."
                )
            }
        )
    if detected == Detected.NONE:
        return chosen or Detected.OTHER.value
    if chosen and chosen != detected.value:
        raise ValidationError(
            {
                "script": _("The letters of this name are %(detected)s, not %(chosen)s.")
                % {"detected": Script(detected.value).label, "chosen": Script(chosen).label}
                if chosen in Script.values
                else _("Unknown script.")
            }
        )
    return detected.value
