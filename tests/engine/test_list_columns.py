"""Every column a person list carries is read: ages with the date they were
stated, aliases (kunyas inside them), a full name in either order, the
further fields compared when both sides have them, the id column."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhusan.engine.dates import PartialDate, StatedAge
from zhusan.engine.engines import link_records
from zhusan.engine.io import LinkFileError, read_age, read_person_file
from zhusan.engine.model import Comparator
from zhusan.engine.persons import PERSON_FIELDS, person_columns, person_variants, split_aliases


def _file(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_age_column_is_read_with_the_date_of_the_list(tmp_path: Path) -> None:
    path = _file(tmp_path, "Фамилия,Имя,Возраст,Дата списка\nИванова,Айша,34 лет,01.03.2019\n")
    people = read_person_file(path)
    assert people.mapping["age"] == "Возраст" and people.mapping["age_on"] == "Дата списка"
    assert person_columns(people.records)["birth"] == [StatedAge(34, PartialDate(2019, 3, 1))]


def test_an_age_column_takes_the_date_given_for_the_file(tmp_path: Path) -> None:
    people = read_person_file(_file(tmp_path, "name,age\nAisha Ivanova,7\n"), age_on="2020-05")
    assert person_columns(people.records)["birth"] == [StatedAge(7, PartialDate(2020, 5))]


def test_an_age_without_its_date_is_refused_naming_age_on(tmp_path: Path) -> None:
    with pytest.raises(LinkFileError, match="--age-on") as exc:
        read_person_file(_file(tmp_path, "given,family,age\nAisha,Ivanova,34\n"))
    assert "'age'" in str(exc.value)


def test_a_date_of_birth_wins_over_an_age() -> None:
    cols = person_columns([{"given": "Aisha", "birth": "1990-03-14", "age": "34", "age_on": "2019-01-01"}])
    assert cols["birth"] == [PartialDate(1990, 3, 14)]


@pytest.mark.parametrize(
    ("cell", "years"),
    [("34", 34), ("34 years", 34), ("~34", 34), ("34 лет", 34), ("٣٤", 34), ("6 мес", 0), ("1990", None), ("", None)],
)
def test_ages_are_read_as_lists_write_them(cell: str, years: int | None) -> None:
    assert read_age(cell) == years


def test_aliases_are_split_and_kunyas_in_them_are_read_as_the_kunya() -> None:
    assert split_aliases("Umm Abdullah; Aisha K. / aka Hamza (Abu Yusuf)") == [
        "Umm Abdullah", "Aisha K", "Hamza", "Abu Yusuf"
    ]  # fmt: skip
    cols, origin = person_variants([{"given": "Aisha", "family": "Ivanova", "alias": "Umm Abdullah, Fatima"}])
    assert cols["kunya"] == ["Abdullah", "Abdullah"]
    assert list(zip(cols["given"], cols["family"], strict=True)) == [("Aisha", "Ivanova"), ("Fatima", "Ivanova")]
    assert origin.tolist() == [0, 0]


def test_a_record_matches_by_its_alias() -> None:
    left = [{"id": "L1", "given": "Khadija", "family": "Ivanova", "alias": "Aisha", "birth": "1990-03-14"}]
    right = [
        {"id": "R1", "given": "Айша", "family": "Иванова", "birth": "14.03.1990"},
        {"id": "R2", "given": "Мадина", "family": "Касымова", "birth": "1975"},
    ]
    pairs = link_records(left, right)
    assert [(int(i), int(j)) for i, j in zip(pairs.left, pairs.right, strict=True)] == [(0, 0)]
    given = next(e for e in pairs.evidence[0] if e.field == "given name")
    assert given.level in ("same name", "same name family") and given.weight > 0
    without = link_records([{k: v for k, v in left[0].items() if k != "alias"}], right)
    assert next(e for e in without.evidence[0] if e.field == "given name").level == "different"
    assert without.weight[0] < pairs.weight[0]


def test_a_kunya_only_alias_is_compared_as_a_kunya() -> None:
    left = [{"id": "L1", "family": "Ivanova", "alias": "Umm Abdullah", "birth": "1990"}]
    right = [{"id": "R1", "given": "Айша", "family": "Иванова", "kunya": "Умм Абдулла", "birth": "1990"}]
    pairs = link_records(left, right)
    kunya = next(e for e in pairs.evidence[0] if e.field.startswith("kunya"))
    assert kunya.level in ("same name", "same name family") and kunya.weight > 0


def test_a_record_without_a_sex_takes_it_from_its_kunya_or_its_patronymic() -> None:
    records = [
        {"family": "Karimova", "kunya": "Umm Yusuf"},
        {"family": "Karimov", "alias": "Abu Hamza"},
        {"full_name": "Umm Iso Dovudova"},
        {"given": "Malika", "patronymic": "Karim qizi"},
        {"given": "Sardor", "patronymic": "Dilshod oʻgʻli"},
        {"given": "Zarina", "patronymic": "Яҳёевна"},
        {"given": "Serik", "patronymic": "Серікұлы"},
    ]
    assert person_columns(records)["sex"] == ["f", "m", "f", "f", "m", "f", "m"]


def test_a_sex_column_wins_and_a_father_s_name_alone_says_no_sex() -> None:
    records = [
        {"given": "Aisha", "kunya": "Umm Yusuf", "sex": "M"},
        {"given": "Aisha", "patronymic": "Abd al-Rahman"},
        {"given": "Aisha", "patronymic": "Karim"},
        {"given": "Firuza", "patronymic": "Rasuli"},
    ]
    assert person_columns(records)["sex"] == ["m", None, None, None]


def test_a_kunya_only_record_of_a_mother_does_not_link_to_the_father_of_the_same_child() -> None:
    left = [{"id": "L1", "family": "Dovudova", "kunya": "Umm Iso", "birth": "1965"}]
    right = [
        {"id": "R1", "given": "Odil", "family": "Dovudov", "patronymic": "Shuhratovich", "birth": "1965-05-25",
         "sex": "erkak", "kunya": "Abu Iso"},
        {"id": "R2", "given": "Zulfiya", "family": "Dovudova", "patronymic": "Ahmadovna", "birth": "1966-03-13",
         "sex": "ayol", "kunya": "Umm Iso"},
    ]  # fmt: skip
    assert link_records(left, right).right.tolist() == [1]


@pytest.mark.parametrize("full_name", ["Aisha Yusuf", "Yusuf Aisha"])
def test_a_full_name_in_one_column_is_found_in_either_order(full_name: str) -> None:
    right = [{"id": "R1", "given": "Aisha", "family": "Yusuf", "birth": "1990-03-14"}]
    pairs = link_records([{"id": "L1", "full_name": full_name, "birth": "1990-03-14"}], right)
    assert len(pairs) == 1 and pairs.probability[0] >= 0.5


def test_a_full_name_whose_order_is_plain_is_read_once() -> None:
    cols, origin = person_variants([{"full_name": "Zhusupova Aisha"}, {"full_name": "Иванов Юсуф Маратович"}])
    assert origin.tolist() == [0, 1]
    assert cols["family"] == ["Zhusupova", "Иванов"] and cols["father"][1] == "Марат"


def test_extra_fields_are_read_by_their_headers_and_compared(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "rec_id,given_name,surname,street_number,address_1,suburb,postcode,phone,mother's name,place of birth\n"
        "a-1,aisha,ivanova,12,abay street,almaly,050000,+7 (701) 123-45-67,Гульнара,Almaty\n",
    )
    people = read_person_file(path)
    assert people.mapping == {
        "id": "rec_id", "given": "given_name", "family": "surname", "address": "street_number+address_1",
        "district": "suburb", "postcode": "postcode", "phone": "phone", "mother": "mother's name",
        "place": "place of birth",
    }  # fmt: skip
    assert not people.numbered and people.records[0]["address"] == "12 abay street"
    other = [{"given": "Aisha", "family": "Ivanova", "address": "12 Abay str", "district": "Almaly",
              "postcode": "050 000", "phone": "87011234567", "mother": "Gulnara", "place": "Алматы"}]  # fmt: skip
    comparator = Comparator(PERSON_FIELDS)
    import numpy as np

    zero = np.zeros(1, np.int64)
    levels = comparator.compare(
        comparator.encode(person_columns(people.records)), comparator.encode(person_columns(other)), zero, zero
    )[0]
    by_field = {f.name: f.levels[int(lv)] if lv >= 0 else None for f, lv in zip(PERSON_FIELDS, levels, strict=True)}
    assert by_field["phone"] == "same" and by_field["postcode"] == "same" and by_field["district"] == "same"
    assert by_field["mother"] in ("same name", "same name family") and by_field["address"] != "different"
    assert by_field["father"] is None  # neither side has one: not compared


def test_a_mapped_column_and_joined_columns(tmp_path: Path) -> None:
    path = _file(tmp_path, "No.,Nom,Rue,Maison\n7,Aisha Ivanova,Abay,12\n")
    people = read_person_file(path, {"full_name": "Nom", "address": "Maison+Rue"})
    assert people.records[0]["id"] == "7" and people.records[0]["address"] == "12 Abay"


def test_without_an_id_column_rows_are_numbered_and_the_notice_says_how_to_map_one(tmp_path: Path) -> None:
    people = read_person_file(_file(tmp_path, "given,family\nAisha,Ivanova\nYusuf,Ivanov\n"))
    assert [r["id"] for r in people.records] == ["1", "2"]
    assert people.numbered and "numbered from 1" in people.id_notice() and "--map id=COLUMN" in people.id_notice()


def test_empty_id_cells_get_their_row_number_with_a_note(tmp_path: Path) -> None:
    people = read_person_file(_file(tmp_path, "case no,given,family\nK-1,Aisha,Ivanova\n,Yusuf,Ivanov\n"))
    assert [r["id"] for r in people.records] == ["K-1", "2"] and "1 row(s)" in people.notes[0]
