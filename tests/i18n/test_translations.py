"""The translation catalogues: Russian complete, Kazakh and Arabic covering the
core screens, compiled catalogues in step with their sources, and the pages
rendered in each language (Arabic right to left)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ..factories import make_person
from ..registry.helpers import login
from .pofile import Entry, parse

LOCALE = Path(settings.LOCALE_PATHS[0])

# The screens every language must cover, as they appear in the "#:" references.
CORE_FILES = {
    "templates/base.html",
    "templates/accounts/login.html",
    "templates/accounts/verify.html",
    "templates/accounts/enrol.html",
    "templates/registry/person_list.html",
    "templates/registry/person_base.html",
    "templates/registry/person_summary.html",
    "registry/forms.py",
    "accounts/permissions.py",
}
# The model choices the core screens show (Stage, Sex, NameKind, Script, RelationKind).
CORE_CHOICES = [
    "Identified",
    "Repatriated",
    "In rehabilitation",
    "Female",
    "Male",
    "Legal name",
    "Kunya",
    "Cyrillic",
    "Latin",
    "Mother",
    "Guardian",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def catalogue(language: str) -> list[Entry]:
    return [entry for entry in parse(LOCALE / language / "LC_MESSAGES" / "django.po") if not entry.is_header]


def describe(entry: Entry) -> str:
    return f"{entry.msgid!r} ({', '.join(entry.locations)})"


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


# --- The catalogues ---------------------------------------------------------


def test_the_po_reader_understands_multiline_strings_plurals_and_flags(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
        "#: a.py:1 templates/b.html:2\n#, fuzzy, python-format\n"
        'msgid ""\n"Two "\n"lines %(n)s"\nmsgstr "Две строки %(n)s"\n\n'
        '#: c.py:3\nmsgid "%(n)s event"\nmsgid_plural "%(n)s events"\nmsgstr[0] "%(n)s событие"\nmsgstr[1] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Старое"\n',
        encoding="utf-8",
    )
    header, multiline, plural = parse(po)
    assert header.is_header
    assert multiline.msgid == "Two lines %(n)s"
    assert multiline.fuzzy and multiline.translated
    assert multiline.files == {"a.py", "templates/b.html"}
    assert plural.msgid_plural == "%(n)s events"
    assert plural.msgstr_plural == {0: "%(n)s событие", 1: ""}
    assert not plural.translated


def test_the_russian_catalogue_translates_every_message():
    entries = catalogue("ru")
    assert len(entries) > 300
    untranslated = [describe(entry) for entry in entries if not entry.translated]
    assert untranslated == []


@pytest.mark.parametrize("language", ["ru", "kk", "ar"])
def test_no_translation_is_left_fuzzy(language):
    assert [describe(entry) for entry in catalogue(language) if entry.fuzzy] == []


@pytest.mark.parametrize("language", ["kk", "ar"])
def test_kazakh_and_arabic_translate_every_core_screen_message(language):
    core = {entry.msgid for entry in catalogue("ru") if entry.files & CORE_FILES} | set(CORE_CHOICES)
    assert len(core) > 100
    translated = {entry.msgid for entry in catalogue(language) if entry.translated and not entry.fuzzy}
    assert sorted(core - translated) == []


@pytest.mark.parametrize("language", ["ru", "kk", "ar"])
def test_translations_keep_the_placeholders_of_the_original(language):
    broken = []
    for entry in catalogue(language):
        strings = list(entry.msgstr_plural.values()) if entry.msgid_plural is not None else [entry.msgstr]
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for text in strings:
            if text and placeholders(text) != expected:
                broken.append(f"{describe(entry)} -> {text!r}")
    assert broken == []


@pytest.mark.parametrize("language", ["ru", "kk", "ar"])
def test_the_compiled_catalogue_matches_its_source(language):
    directory = LOCALE / language / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue(language):
        if not entry.translated or entry.fuzzy:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled._catalog.get(key) != entry.msgstr:  # noqa: SLF001
                stale.append(describe(entry))
        elif any(compiled._catalog.get((key, n)) != text for n, text in entry.msgstr_plural.items()):  # noqa: SLF001
            stale.append(describe(entry))
    assert stale == [], "run `manage.py compilemessages` from zhusan/ and commit the .mo files"


# --- The pages ------------------------------------------------------------------

PERSONS = reverse("registry:person_list")


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_person_list_in_russian_shows_russian_titles_and_counts(client, alice):
    make_person(alice, given="Aisha", family="Nurlanova")
    html = in_language(login(client, alice), "ru").get(PERSONS).content.decode()
    assert '<html lang="ru" dir="ltr">' in html
    assert "<h1>Лица</h1>" in html
    assert "Зарегистрировать лицо" in html
    assert "1 лицо" in html
    assert "Register a person" not in html


def test_the_accept_language_header_alone_selects_russian(client, alice):
    html = login(client, alice).get(PERSONS, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").content.decode()
    assert "<h1>Лица</h1>" in html


def test_the_person_list_in_arabic_reads_right_to_left(client, alice):
    html = in_language(login(client, alice), "ar").get(PERSONS).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>الأشخاص</h1>" in html


def test_the_person_record_in_kazakh_shows_kazakh_tabs_and_choices(client, alice):
    person = make_person(alice, given="Aisha", family="Nurlanova")
    url = reverse("registry:person_detail", args=[person.uuid])
    html = in_language(login(client, alice), "kk").get(url).content.decode()
    assert '<html lang="kk" dir="ltr">' in html
    assert "Жиынтық" in html  # Summary
    assert "Есімдер" in html  # Names
    assert "Әйел" in html  # Female
    assert "Summary" not in html


def test_the_login_page_in_kazakh_shows_kazakh(client, db):
    html = in_language(client, "kk").get(reverse("accounts:login")).content.decode()
    assert '<html lang="kk"' in html
    assert "Кіру" in html  # Sign in
    assert "Пайдаланушы аты" in html  # User name
    assert "Sign in" not in html


def test_an_unsupported_language_falls_back_to_english(client, db):
    html = in_language(client, "de").get(reverse("accounts:login")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Sign in" in html
