"""Kazakh and Arabic are complete, like Russian: every message translated (every
plural form included), none left fuzzy, and the Arabic catalogue gives all six
plural forms its Plural-Forms header announces."""

from __future__ import annotations

import re

import pytest

from .pofile import parse
from .test_translations import LOCALE, catalogue, describe

# The HTML a message may carry ("<number>" or "<token>" in a message is text, not a tag).
HTML_TAG = re.compile(r"</?(?:a|abbr|b|br|code|em|i|kbd|p|span|strong)\b[^>]*>")


def header(language: str) -> str:
    entries = parse(LOCALE / language / "LC_MESSAGES" / "django.po")
    return next(entry.msgstr for entry in entries if entry.is_header)


def plural_count(language: str) -> int:
    match = re.search(r"nplurals=(\d+)", header(language))
    assert match, f"{language}: no Plural-Forms header"
    return int(match.group(1))


@pytest.mark.parametrize("language", ["kk", "ar"])
def test_kazakh_and_arabic_translate_every_message(language: str) -> None:
    entries = catalogue(language)
    assert len(entries) > 1000
    untranslated = [describe(entry) for entry in entries if not entry.translated or entry.fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("language", ["kk", "ar"])
def test_kazakh_and_arabic_list_the_same_messages_as_russian(language: str) -> None:
    def keys(name: str) -> set[tuple[str | None, str]]:
        return {(entry.msgctxt, entry.msgid) for entry in catalogue(name)}

    assert keys(language) == keys("ru")


@pytest.mark.parametrize(("language", "forms"), [("ru", 4), ("kk", 2), ("ar", 6)])
def test_every_plural_message_gives_each_form_of_the_language(language: str, forms: int) -> None:
    assert plural_count(language) == forms
    short = [
        describe(entry)
        for entry in catalogue(language)
        if entry.msgid_plural is not None and sorted(entry.msgstr_plural) != list(range(forms))
    ]
    assert short == []


@pytest.mark.parametrize("language", ["ru", "kk", "ar"])
def test_translations_keep_the_html_tags_and_line_breaks_of_the_original(language: str) -> None:
    broken = []
    for entry in catalogue(language):
        strings = list(entry.msgstr_plural.values()) if entry.msgid_plural is not None else [entry.msgstr]
        tags = sorted(HTML_TAG.findall(entry.msgid))
        for text in strings:
            if text and (sorted(HTML_TAG.findall(text)) != tags or text.count("\n") != entry.msgid.count("\n")):
                broken.append(f"{describe(entry)} -> {text!r}")
    assert broken == []


def test_kazakh_uses_kazakh_letters_and_arabic_uses_arabic_script() -> None:
    kazakh = "".join(entry.msgstr for entry in catalogue("kk"))
    assert set("әғқңөұүі") <= set(kazakh)
    arabic = [
        describe(entry)
        for entry in catalogue("ar")
        if entry.msgid_plural is None
        and re.search(r"[a-z]{4,}", entry.msgid)
        and not re.search(r"[\u0600-\u06ff]", entry.msgstr)
    ]
    assert arabic == []


@pytest.mark.parametrize("language", ["ru", "kk", "ar"])
def test_the_evidence_of_a_match_is_translated(language: str) -> None:
    """Field labels and comparison levels come from the engine (no Django
    settings there) and are translated where the evidence table shows them."""
    from django.utils import translation

    from zhusan.engine.model import LEVELS
    from zhusan.engine.persons import PERSON_FIELDS

    texts = {f.label for f in PERSON_FIELDS} | {level for levels in LEVELS.values() for level in levels}
    texts.add("missing on one side")
    with translation.override(language):
        untranslated = sorted(t for t in texts if translation.gettext(t) == t)
    assert untranslated == []
