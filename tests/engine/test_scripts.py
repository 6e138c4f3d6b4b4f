from __future__ import annotations

import pytest

from zhusan.engine.scripts import Detected, detect_script


@pytest.mark.parametrize(
    ("parts", "script"),
    [
        (("Юсуф", "Абдурахман"), Detected.CYRILLIC),
        (("Жүсіпова",), Detected.CYRILLIC),
        (("Yusuf", "Abdurrahman"), Detected.LATIN),
        (("Zhusipová", "O'Neil-Smith"), Detected.LATIN),
        (("Oʻtkir", "Gʻafurov", "Qurʼonov"), Detected.LATIN),  # Uzbek Latin's modifier-letter apostrophes
        (("Иброҳим", "Раҳмонзода", "Ҷамшед"), Detected.CYRILLIC),
        (("Өмүрбек", "Жеңиш", "Ўткир"), Detected.CYRILLIC),
        (("يوسف", "عبد الرحمن"), Detected.ARABIC),
        (("أمّ يُوسُف",), Detected.ARABIC),
        (("Ἀλέξανδρος",), Detected.OTHER),
    ],
)
def test_it_detects_the_script_from_the_letters(parts, script):
    assert detect_script(*parts) == script


def test_letters_of_two_scripts_are_mixed():
    assert detect_script("Umm", "Юсуф") == Detected.MIXED
    assert detect_script("Yusuf يوسف") == Detected.MIXED


def test_digits_spaces_and_punctuation_belong_to_no_script():
    assert detect_script("Юсуф-2", " ") == Detected.CYRILLIC
    assert detect_script("", "123 -") == Detected.NONE
