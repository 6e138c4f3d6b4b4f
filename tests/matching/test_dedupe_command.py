import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

# Two people each listed twice, in different scripts; two others once.
CAMP_LIST = """ID,Surname,Given name,Father,DOB,Sex
C1,Zhusupova,Aisha,Serik,1990-03-14,F
C2,Иванов,Юсуф,Марат,1985-07-02,M
C3,Sarsenova,Aigerim,Nurlan,1978-11-30,F
C4,Жусупова,Айша,Серик,14.03.1990,ж
C5,Ivanov,Yusuf,Marat,1985,M
C6,Akhmetov,Mukhammed,Yerlan,2001-05-05,M
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_two_people_listed_twice_across_scripts_make_two_clusters(tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(_write(tmp_path, "camp.csv", CAMP_LIST)), "-o", str(out))
    rows = _rows(out)
    clusters: dict[str, set[str]] = {}
    for r in rows:
        clusters.setdefault(r["cluster_id"], set()).add(r["id"])
    assert sorted(map(sorted, clusters.values())) == [["C1", "C4"], ["C2", "C5"]]
    aisha = next(r for r in rows if r["id"] == "C1")
    assert aisha["row"] == "2" and aisha["linked_to_row"] == "5" and aisha["linked_to_id"] == "C4"
    assert float(aisha["match_probability"]) >= 0.5
    assert aisha["evidence: date of birth"].startswith("same date of birth")


def test_a_person_listed_once_is_in_no_cluster(tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(_write(tmp_path, "camp.csv", CAMP_LIST)), "-o", str(out))
    assert not {"C3", "C6"} & {r["id"] for r in _rows(out)}


def test_a_formula_typed_as_a_name_is_written_as_text(tmp_path: Path) -> None:
    text = CAMP_LIST.replace("C1,Zhusupova", "C1,=HYPERLINK(1)").replace("C4,Жусупова", "C4,=HYPERLINK(1)")
    out = tmp_path / "clusters.csv"
    call_command("dedupe", str(_write(tmp_path, "camp.csv", text)), "-o", str(out))
    assert all(not cell.startswith(("=", "+", "@")) for r in _rows(out) for cell in r.values())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "unknown file type"),
        ("list.csv", "Surname;Given\nИванов;Юсуф\n".encode("cp1251"), "not UTF-8"),
        ("list.csv", b"Colour,Size\nred,3\n", "no name column"),
        ("list.xlsx", b"not a zip at all", "not a readable XLSX"),
        ("list.csv", b"", "empty"),
        ("list.csv", b"Surname,Given name\n", "no rows"),
    ],
)
def test_a_malformed_file_is_refused_clearly_and_nothing_is_written(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "clusters.csv"
    with pytest.raises(CommandError, match=message):
        call_command("dedupe", str(bad), "-o", str(out))
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no partial file either


def test_a_failure_while_writing_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhusan.matching.management.commands import dedupe

    def broken(*args: object, **kwargs: object) -> object:
        yield ["cluster_id"]
        raise RuntimeError("disk full")

    monkeypatch.setattr(dedupe, "result_rows", broken)
    out = tmp_path / "clusters.csv"
    with pytest.raises(RuntimeError):
        call_command("dedupe", str(_write(tmp_path, "camp.csv", CAMP_LIST)), "-o", str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["camp.csv"]


def test_a_threshold_outside_zero_and_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command(
            "dedupe", str(_write(tmp_path, "camp.csv", CAMP_LIST)), "-o", str(tmp_path / "o.csv"), "--threshold", "1.5"
        )
