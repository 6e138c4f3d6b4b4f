"""``zhusan link`` reads every column a list carries, and the UI's linkage job
reads a list as the command does: the same two files give the same pairs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from zhusan.matching.models import LinkageJob, LinkageMode, LinkageStatus

from ..registry.helpers import login

REGISTRY = """case no,Фамилия,Имя,Отчество,Дата рождения,Пол,Прозвище
K-1,Жүсіпова,Айша,Серікқызы,14.03.1990,ж,Умм Абдулла
K-2,Иванов,Юсуф,Маратович,1985,м,
K-3,Сарсенова,Айгерим,Нурлановна,30.11.1978,ж,
K-4,Ахметов,Мухаммед,Ерланович,2001-05-05,м,Абу Хамза
K-5,Касымова,Мадина,Ерлановна,12.02.2010,ж,
"""

# A camp list: ages stated on the list's date, aliases with kunyas, one name column.
CAMP = """name,alias,sex,age,list_date
ZHUSUPOVA Aisha,Umm Abdullah,F,28,2019-01-10
Yusuf Ivanov,,M,33,2019-01-10
Kasymova Madina,,F,8,2019-01-10
,Abu Hamza,M,17,2019-01-10
John Smith,,M,70,2019-01-10
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(text: str) -> set[tuple[str, str]]:
    return {(r["left_id"], r["right_id"]) for r in csv.DictReader(io.StringIO(text))}


def test_a_camp_list_with_ages_aliases_and_one_name_column_links(tmp_path: Path, capsys) -> None:
    out = tmp_path / "pairs.csv"
    call_command("link", str(_write(tmp_path, "camp.csv", CAMP)), str(_write(tmp_path, "reg.csv", REGISTRY)),
                 "-o", str(out))  # fmt: skip
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert {("1", "K-1"), ("2", "K-2"), ("3", "K-5")} <= found and not any(a == "5" for a, _ in found)
    madina = next(r for r in rows if r["left_id"] == "3")
    assert madina["evidence: date of birth"].startswith("stated age consistent")
    assert madina["left_birth"] == "aged 8 on 2019-01-10"
    # the list has no id column: the command says so, and how to map one
    err = capsys.readouterr().err
    assert "camp.csv: no id column found; rows are numbered from 1" in err and "--map id=COLUMN" in err
    assert "reg.csv: no id column" not in err


def test_an_age_column_without_its_date_is_refused_naming_age_on_and_nothing_is_written(tmp_path: Path) -> None:
    camp = _write(tmp_path, "camp.csv", "name,age\nAisha Zhusupova,28\n")
    reg = _write(tmp_path, "reg.csv", REGISTRY)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="--age-on"):
        call_command("link", str(camp), str(reg), "-o", str(out))
    assert not out.exists() and {p.name for p in tmp_path.iterdir()} == {"camp.csv", "reg.csv"}
    call_command("link", str(camp), str(reg), "-o", str(out), "--age-on", "2019-01-10")
    assert ("1", "K-1") in _pairs(out.read_text(encoding="utf-8"))


def test_a_bad_age_on_date_is_refused(tmp_path: Path) -> None:
    camp, reg = _write(tmp_path, "camp.csv", CAMP), _write(tmp_path, "reg.csv", REGISTRY)
    with pytest.raises(CommandError, match="--age-on 'spring' is not a date"):
        call_command("link", str(camp), str(reg), "-o", str(tmp_path / "o.csv"), "--age-on", "spring")


@pytest.mark.django_db
def test_the_command_and_the_linkage_job_give_the_same_pairs_on_the_same_files(
    client: Client, alice, tmp_path: Path
) -> None:
    out = tmp_path / "pairs.csv"
    call_command("link", str(_write(tmp_path, "camp.csv", CAMP)), str(_write(tmp_path, "reg.csv", REGISTRY)),
                 "-o", str(out))  # fmt: skip
    by_command = out.read_text(encoding="utf-8")

    login(client, alice)
    client.post(
        reverse("matching:linkage_create"),
        {
            "mode": LinkageMode.TWO_FILES,
            "left": SimpleUploadedFile("camp.csv", CAMP.encode(), content_type="text/csv"),
            "right": SimpleUploadedFile("reg.csv", REGISTRY.encode(), content_type="text/csv"),
        },
    )
    job = LinkageJob.objects.get()
    assert job.status == LinkageStatus.DONE
    assert _pairs(job.result) == _pairs(by_command) and len(_pairs(by_command)) >= 4
    by_row = {r["left_id"]: r for r in csv.DictReader(io.StringIO(job.result))}
    for r in csv.DictReader(io.StringIO(by_command)):
        assert by_row[r["left_id"]]["match_probability"] == r["match_probability"]


def test_the_manifest_import_reads_a_full_name_a_date_of_birth_and_an_age_with_its_date() -> None:
    from zhusan.operations.imports import read_rows

    text = "ФИО,Пол,Дата рождения,Возраст,Дата списка\nЖүсіпова Айша Серікқызы,ж,14.03.1990,,\nIvanov Yusuf,м,,33,2019-01-10\n"
    upload = SimpleUploadedFile("manifest.csv", text.encode(), content_type="text/csv")
    header, rows = read_rows(upload, "csv")
    data = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(d["family_name"], d["given_name"], d["birth_year"]) for d in data] == [
        ("Жүсіпова", "Айша", "1990"),
        ("Ivanov", "Yusuf", "1986"),
    ]
    assert data[0]["patronymic"] == "Серікқызы" and data[1]["sex"] == "male"
