"""The letter to the school introduces the child and the support contact and
never states or hints at the child's background: each letter's extracted
text is checked against the forbidden words, and a letter containing one is
refused by the generator itself."""

from __future__ import annotations

import pytest

from zhusan.reintegration import letters
from zhusan.reintegration.models import SchoolLanguage

from ..registry.helpers import login
from ..reporting.test_briefing import pdf_text
from . import world


@pytest.mark.parametrize("language", list(SchoolLanguage))
def test_each_letter_in_each_language_passes_the_forbidden_word_check(client, ri_act, ri_social, ri_child, language):
    enrolment = world.enrol(ri_act, ri_child)
    enrolment.school_language = language
    enrolment.save()
    response = login(client, ri_social).get(f"/reintegration/enrolments/{enrolment.uuid}/letter.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert letters.forbidden_in(text) == [], text
    assert "Aigerim Sadykova" in text
    assert ("Amina" in text) or ("Амина" in text)


@pytest.mark.parametrize(
    "sentence",
    [
        "She came back from the al-Hol camp in Syria.",
        "Ребёнок вернулся из лагеря в Сирии.",
        "Бала Сириядағы лагерьден қайтарылған.",
        "A returnee child after rehabilitation.",
        "Прошла реабилитацию после репатриации.",
        "عاد من مخيم الهول في سوريا",
    ],
)
def test_a_text_with_a_forbidden_word_fails_the_check(sentence):
    assert not letters.letter_is_clean(sentence)


def test_ordinary_school_words_pass_the_check():
    assert letters.letter_is_clean("Please enrol Sirina Iraklievna Campbell in grade three; call Zhanar.")


def test_the_generator_refuses_a_letter_containing_a_forbidden_word(ri_act, ri_child):
    enrolment = world.enrol(ri_act, ri_child, school="School at the former camp")
    with pytest.raises(letters.LetterRefusedError) as err:
        letters.school_letter(enrolment)
    assert err.value.words == ["camp"]


def test_the_page_refuses_such_a_letter_with_a_message(client, ri_act, ri_social, ri_child):
    enrolment = world.enrol(ri_act, ri_child, school="Shkola pri lagere")
    enrolment.school = "Школа при лагере"
    enrolment.save()
    response = login(client, ri_social).get(f"/reintegration/enrolments/{enrolment.uuid}/letter.pdf", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "background" in response.content.decode()
