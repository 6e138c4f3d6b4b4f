import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import make_person
from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Script

REGISTRY_CSV = """ID,Фамилия,Имя,Отчество,Дата рождения,Пол
R1,Жүсіпова,Айша,Серікқызы,14.03.1990,ж
R2,Иванов,Юсуф,Маратович,1985,м
R3,Сарсенова,Айгерим,Нурлановна,30.11.1978,ж
R4,Ахметов,Мухаммед,Ерланович,2001-05-05,м
"""

LIST_CSV = """Ref,Surname,First name,DOB,Sex
L1,ZHUSUPOVA,AISHA,1990-03-14,F
L2,Ivanov,Yusup,1985,M
L3,Smith,John,1950,M
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_links_two_csv_files_across_scripts_and_writes_probabilities(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    left, right = _write(tmp_path, "list.csv", LIST_CSV), _write(tmp_path, "reg.csv", REGISTRY_CSV)
    call_command("link", str(left), str(right), "-o", str(out))
    pairs = {(r["left_id"], r["right_id"]): r for r in _rows(out)}
    assert ("L1", "R1") in pairs and ("L2", "R2") in pairs
    assert not any(left_id == "L3" for left_id, _ in pairs)
    row = pairs[("L1", "R1")]
    assert float(row["match_probability"]) >= 0.5
    assert row["evidence: date of birth"].startswith("same date of birth")
    assert row["evidence: given name"].startswith("same name")


def test_it_reads_xlsx_with_mapped_columns_and_ignores_formulas(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Nom", "Prenom", "Annee", "Calc"])
    ws.append(["Zhusupova", "Aysha", 1990, "=1+1"])
    ws.append(["Ivanov", "Yusuf", 1985, "=A2"])
    left = tmp_path / "list.xlsx"
    wb.save(left)
    out = tmp_path / "pairs.csv"
    right = _write(tmp_path, "reg.csv", REGISTRY_CSV)
    call_command("link", str(left), str(right), "-o", str(out), "--map", "family=Nom,given=Prenom,birth=Annee",
                 "--map-right", "family=Фамилия,given=Имя")  # fmt: skip
    assert {(r["left_row"], r["right_id"]) for r in _rows(out)} == {("2", "R1"), ("3", "R2")}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "unknown file type"),
        ("list.csv", "Surname;Given\nИванов;Юсуф\n".encode("cp1251"), "not UTF-8"),
        ("list.csv", b"Colour,Size\nred,3\n", "no name column"),
        ("list.xlsx", b"not a zip at all", "not a readable XLSX"),
        ("list.csv", b"", "empty"),
    ],
)
def test_a_malformed_file_is_refused_clearly_and_nothing_is_written(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    right = _write(tmp_path, "reg.csv", REGISTRY_CSV)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=message):
        call_command("link", str(bad), str(right), "-o", str(out))
    assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == {name, "reg.csv"}  # no temporary file left either


def test_a_map_naming_a_missing_column_is_refused(tmp_path: Path) -> None:
    left, right = _write(tmp_path, "list.csv", LIST_CSV), _write(tmp_path, "reg.csv", REGISTRY_CSV)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="'Vorname'"):
        call_command("link", str(left), str(right), "-o", str(out), "--map", "given=Vorname")
    assert not out.exists()


def test_it_refuses_both_right_and_registry(tmp_path: Path) -> None:
    left = _write(tmp_path, "list.csv", LIST_CSV)
    with pytest.raises(CommandError, match="exactly one"):
        call_command("link", str(left), str(left), "--registry", "-o", str(tmp_path / "o.csv"))


@pytest.mark.django_db
def test_it_links_a_file_against_the_registry_and_audits_the_export(alice, tmp_path: Path) -> None:
    aisha = make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1990)
    yusuf = make_person(alice, given="Юсуф", family="Иванов", script=Script.CYRILLIC, sex="male", birth_year=1985)
    make_person(alice, given="Айгерим", family="Сарсенова", script=Script.CYRILLIC, birth_year=1978)
    left = _write(tmp_path, "list.csv", LIST_CSV)
    out = tmp_path / "pairs.csv"
    before = AuditEvent.objects.filter(action=Action.EXPORT).count()
    call_command("link", str(left), "--registry", "-o", str(out))
    pairs = {(r["left_id"], r["right_id"]): r for r in _rows(out)}
    assert set(pairs) == {("L1", aisha.case_number), ("L2", yusuf.case_number)}
    # the registry holds a year only: it must not look like an exact date
    assert pairs[("L1", aisha.case_number)]["right_birth"] == "1990"
    assert pairs[("L1", aisha.case_number)]["evidence: date of birth"].startswith("same year of birth")
    event = AuditEvent.objects.filter(action=Action.EXPORT).order_by("-seq").first()
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == before + 1
    assert event is not None and event.object_type == "linkage"
    assert event.detail["left"] == "list.csv" and event.detail["pairs"] == 2
