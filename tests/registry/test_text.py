from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.registry.text import match_keys, match_needles, resolve_script


def _found(query: str, *parts: str) -> bool:
    stored = match_keys(*parts)
    return all(any(n in stored for n in needles) for needles in match_needles(query))


@pytest.mark.parametrize(
    ("query", "parts"),
    [
        ("umm zaid", ("Umm Zayd",)),
        ("Умм Зайд", ("Umm Zayd",)),
        ("umm zaid", ("أم زيد",)),
        ("Aisha", ("عائشة",)),
        ("Yusuf Abdurrahman", ("Юсуф", "Абдурахман")),
        ("Zhusip", ("Yusuf",)),
        ("yus", ("Yusuf",)),
    ],
)
def test_a_query_meets_a_name_spelt_otherwise(query, parts):
    assert _found(query, *parts)


def test_a_query_does_not_meet_an_unrelated_name():
    assert not _found("Aisha", "Mariam")
    assert not _found("umm zaid", "Umm Yusuf")


def test_the_script_is_detected_when_not_chosen():
    assert resolve_script("", "عائشة") == "arabic"
    assert resolve_script("", "Юсуф") == "cyrillic"
    assert resolve_script("latin", "Yusuf") == "latin"


def test_a_chosen_script_the_letters_contradict_is_refused():
    with pytest.raises(ValidationError) as exc:
        resolve_script("cyrillic", "أم يوسف")
    assert exc.value.message_dict["script"] == ["The letters of this name are Arabic, not Cyrillic."]


def test_a_name_mixing_scripts_is_refused():
    with pytest.raises(ValidationError) as exc:
        resolve_script("", "Umm", "Юсуф")
    assert "mixes letters of several scripts" in exc.value.message_dict["script"][0]
