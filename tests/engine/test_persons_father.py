from __future__ import annotations

import pytest

from zhusan.engine.blocking import candidate_pairs
from zhusan.engine.dates import PartialDate
from zhusan.engine.persons import PERSON_RULES, father_of_patronymic, person_columns


@pytest.mark.parametrize(
    ("patronymic", "father"),
    [
        ("Serikuly", "Serik"),
        ("Serik uly", "Serik"),
        ("Ivanovich", "Ivan"),
        ("Abdurrahman", "Abdurrahman"),
        ("Abd al-Rahman", "Abd al-Rahman"),
        ("عبد الرحمن", "عبد الرحمن"),
        ("Abu Bakr", "Abu Bakr"),
        ("Rustam o'g'li", "Rustam"),
        ("Rustam oʻgʻli", "Rustam"),
        ("Rustam qizi", "Rustam"),
        ("Асан уулу", "Асан"),
    ],
)
def test_the_fathers_name_is_read_whole_from_a_patronymic(patronymic, father):
    assert father_of_patronymic(patronymic) == father


def test_a_compound_arabic_fathers_name_is_not_cut_to_abd():
    cols = person_columns([{"given": "يوسف", "patronymic": "عبد الرحمن"}])
    assert cols["father"] == ["عبد الرحمن"]


def test_given_and_fathers_name_find_a_child_without_family_name_or_birth_year():
    stored = person_columns([{"given": "يوسف", "patronymic": "عبد الرحمن"}, {"given": "Yusuf", "family": "Other"}])
    query = person_columns([{"given": "Yusuf", "patronymic": "Abdurrahman"}])
    left, right = candidate_pairs(query, stored, PERSON_RULES)
    assert 0 in right.tolist()


def test_given_name_and_year_find_a_child_without_family_name():
    stored = person_columns([{"given": "Юсуф", "patronymic": "Абдурахман", "birth": PartialDate(2016)}])
    query = person_columns([{"given": "Yusuf", "birth": PartialDate(2016)}])
    _left, right = candidate_pairs(query, stored, PERSON_RULES)
    assert right.tolist() == [0]
