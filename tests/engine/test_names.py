import pytest

from zhusan.engine.names import Kunya, kunya_marker, parse_name, surname_stem


@pytest.mark.parametrize(
    ("text", "kind", "child"),
    [
        ("Umm Abdullah", "umm", "Abdullah"),
        ("Umm-Yusuf", "umm", "Yusuf"),
        ("Умм Абдулла", "umm", "Абдулла"),
        ("Abu Hamza", "abu", "Hamza"),
        ("Абу Муса", "abu", "Муса"),
        ("أم عبد الله", "umm", "عبد الله"),
        ("أبو حمزة", "abu", "حمزة"),
        ("Umm Abd al-Rahman", "umm", "Abd al-Rahman"),
    ],
)
def test_a_kunya_is_the_childs_name_and_never_a_given_name(text, kind, child):
    parsed = parse_name(text)
    assert parsed.kunya == Kunya(kind, child)
    assert parsed.given == ""


def test_a_kunya_beside_a_real_name_leaves_the_given_name_alone():
    parsed = parse_name("Aisha Ivanova Umm Yusuf")
    assert parsed.given == "Aisha"
    assert parsed.family == "Ivanova"
    assert parsed.kunya == Kunya("umm", "Yusuf")


def test_abu_bakr_is_a_given_name_not_a_kunya():
    parsed = parse_name("Abu Bakr Zhusupov")
    assert parsed.kunya is None
    assert parsed.given == "Abu Bakr"


@pytest.mark.parametrize(
    ("text", "given", "patronymic", "father", "family"),
    [
        ("Иванова Айша Серіковна", "Айша", "Серіковна", "Серік", "Иванова"),
        ("Zhusipova Aigerim Nurlanovna", "Aigerim", "Nurlanovna", "Nurlan", "Zhusipova"),
        ("Aisha Serikkyzy Ivanova", "Aisha", "Serikkyzy", "Serik", "Ivanova"),
        ("Мадина Серікқызы Жүсіпова", "Мадина", "Серікқызы", "Серік", "Жүсіпова"),
        ("Nurlan Serik uly Abenov", "Nurlan", "Serik uly", "Serik", "Abenov"),
        ("Ivan Petrovich Sidorov", "Ivan", "Petrovich", "Petr", "Sidorov"),
        ("Alisher Rustam o'g'li Karimov", "Alisher", "Rustam o'g'li", "Rustam", "Karimov"),
    ],
)
def test_patronymics_are_parsed_in_either_order(text, given, patronymic, father, family):
    parsed = parse_name(text)
    assert (parsed.given, parsed.patronymic, parsed.father_name, parsed.family) == (given, patronymic, father, family)


def test_a_lineage_chain_gives_father_and_grandfather():
    parsed = parse_name("Fatima bint Yusuf ibn Ali al-Kazakhi")
    assert parsed.given == "Fatima"
    assert parsed.lineage == ("Yusuf", "Ali")
    assert parsed.father_name == "Yusuf"
    assert parsed.family == "al-Kazakhi"


def test_an_arabic_lineage_chain_is_parsed():
    parsed = parse_name("أحمد بن يوسف")
    assert parsed.given == "أحمد"
    assert parsed.lineage == ("يوسف",)


@pytest.mark.parametrize(
    ("male", "female"),
    [
        ("Ivanov", "Ivanova"),
        ("Жусупов", "Zhusupova"),
        ("Aliev", "Алиева"),
        ("Pushkin", "Pushkina"),
        ("Ostrovsky", "Островская"),
        ("Kowalski", "Kowalska"),
        ("Serikuly", "Serikkyzy"),
    ],
)
def test_male_and_female_surname_forms_compare_as_one(male, female):
    assert surname_stem(male) == surname_stem(female)


def test_different_surnames_keep_different_stems():
    assert surname_stem("Ivanova") != surname_stem("Ivashova")


def test_a_kunyas_marker_written_in_full_is_known_in_any_spelling():
    assert (
        kunya_marker("أم")
        == kunya_marker("ام")
        == kunya_marker("إم")
        == kunya_marker("Umm")
        == kunya_marker("умм")
        == "umm"
    )
    assert kunya_marker("ابو") == kunya_marker("أبو") == kunya_marker("أبي") == kunya_marker("ابي") == "abu"
    # Short Latin or Cyrillic forms may start another name: Umit, Abulkhair.
    assert kunya_marker("um") is kunya_marker("abu") is kunya_marker("Зайд") is None
