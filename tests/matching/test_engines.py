"""Linkage engines: the NumPy engine (one-shot and through the registry index),
Splink on DuckDB and Splink on Spark in local mode find the same pairs across
scripts and write the same columns."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zhusan.engine import engines
from zhusan.engine.engines import LABELS, link_records
from zhusan.matching.jobs import link_to_csv

REGISTRY = [
    ("R01", "Жүсіпова", "Айша", "Серікқызы", "14.03.1990", "ж"),
    ("R02", "Иванов", "Юсуф", "Маратович", "02.07.1985", "м"),
    ("R03", "Сарсенова", "Айгерим", "Нурлановна", "30.11.1978", "ж"),
    ("R04", "Ахметов", "Мухаммед", "Ерланович", "05.05.2001", "м"),
    ("R05", "Омарова", "Фатима", "Бековна", "21.01.1995", "ж"),
    ("R06", "Омаров", "Ибрагим", "Бекович", "09.09.1992", "м"),
    ("R07", "Касымова", "Мариям", "Асхатовна", "17.06.1988", "ж"),
    ("R08", "Нурланов", "Али", "Серикович", "11.12.2010", "м"),
    ("R09", "Байжанова", "Зейнеп", "Айдаровна", "03.04.1999", "ж"),
    ("R10", "Тулегенов", "Рустем", "Канатович", "25.08.1980", "м"),
    ("R11", "Жүсіпова", "Хадиша", "Серікқызы", "01.02.1991", "ж"),  # Aisha's sister
    ("R12", "Абдуллаева", "Амина", "Руслановна", "19.10.2012", "ж"),
]
LIST = [
    ("L1", "ZHUSUPOVA", "AISHA", "1990-03-14", "F"),
    ("L2", "Ivanov", "Yusup", "1985-07-02", "M"),
    ("L3", "Omarova", "Fatima", "1995-01-21", "F"),
    ("L4", "Kassymova", "Mariam", "1988-06-17", "F"),
    ("L5", "Abdullayeva", "Amina", "2012-10-19", "F"),
    ("L6", "Smith", "John", "1950-01-01", "M"),  # not registered
]
TRUE_PAIRS = {("L1", "R01"), ("L2", "R02"), ("L3", "R05"), ("L4", "R07"), ("L5", "R12")}

HAS_JAVA = shutil.which("java") is not None


def _registry() -> list[dict[str, object]]:
    return [{"id": i, "family": f, "given": g, "patronymic": p, "birth": b, "sex": s} for i, f, g, p, b, s in REGISTRY]


def _list() -> list[dict[str, object]]:
    return [{"id": i, "family": f, "given": g, "birth": b, "sex": s} for i, f, g, b, s in LIST]


def _csv_files(tmp_path: Path) -> tuple[Path, Path]:
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "ID,Фамилия,Имя,Отчество,Дата рождения,Пол\n" + "".join(",".join(r) + "\n" for r in REGISTRY), encoding="utf-8"
    )
    lst = tmp_path / "list.csv"
    lst.write_text("Ref,Surname,First name,DOB,Sex\n" + "".join(",".join(r) + "\n" for r in LIST), encoding="utf-8")
    return lst, reg


def _read(path_or_text: Path | str) -> tuple[list[str], list[dict[str, str]]]:
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.fixture
def index_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zhusan engine through the registry index, two left rows a chunk."""
    monkeypatch.setattr(engines, "INDEX_FROM", 1)
    monkeypatch.setattr(engines, "CHUNK", 2)


@pytest.mark.parametrize("engine", ["zhusan", "zhusan-index", "duckdb"])
def test_each_embedded_engine_links_a_cyrillic_registry_to_a_latin_list(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "zhusan-index":
        monkeypatch.setattr(engines, "INDEX_FROM", 1)
        monkeypatch.setattr(engines, "CHUNK", 2)
    left, right = _list(), _registry()
    pairs = link_records(left, right, engine=engine.split("-")[0])
    found = {(left[i]["id"], right[j]["id"]) for i, j in zip(pairs.left, pairs.right, strict=True)}
    assert found == TRUE_PAIRS
    assert all(p >= 0.5 for p in pairs.probability)
    evidence = {
        left[int(i)]["id"]: {e.field: e.level for e in ev} for i, ev in zip(pairs.left, pairs.evidence, strict=True)
    }
    assert all(list(ev) == LABELS for ev in evidence.values())
    assert evidence["L1"]["given name"] == "same name" and evidence["L1"]["date of birth"] == "same date of birth"
    assert evidence["L2"]["given name"] == "same name family"  # Yusup, Юсуф
    assert evidence["L2"]["family name"] == "same surname (either gender form)"


@pytest.mark.parametrize("engine", ["zhusan", "duckdb"])
def test_every_engine_writes_the_same_columns(engine: str) -> None:
    out = io.StringIO()
    summary = link_to_csv(_list(), _registry(), out, engine=engine)
    header, rows = _read(out.getvalue())
    assert header[:6] == ["left_row", "left_id", "right_row", "right_id", "match_probability", "match_weight"]
    assert header[-len(LABELS) - 3 : -3] == [f"evidence: {label}" for label in LABELS]
    assert header[-3:] == ["decision", "candidate", "review_reason"]
    linked = [r for r in rows if r["decision"] == "linked"]
    assert {(r["left_id"], r["right_id"]) for r in linked} == TRUE_PAIRS and summary.pairs == 5
    assert all(r["evidence: date of birth"].startswith("same date of birth (+") for r in linked)


def test_the_index_path_reports_progress_per_chunk_up_to_completion(index_path: None) -> None:
    seen: list[tuple[int, str]] = []
    link_to_csv(_list(), _registry(), io.StringIO(), progress=lambda p, m: seen.append((p, m)))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert sum("Linked" in m for _, m in seen) == 3  # six rows, two a chunk


def test_the_index_path_keeps_every_pair_above_the_threshold_when_asked(index_path: None) -> None:
    left, right = _list(), _registry()
    best = link_records(left, right, threshold=0.0)
    every = link_records(left, right, threshold=0.0, all_pairs=True)
    assert len(every) > len(best) and len(set(every.left.tolist())) == len(best)
    sisters = {(int(i), int(j)) for i, j in zip(every.left, every.right, strict=True)}
    assert (0, 10) in sisters and (0, 10) not in set(zip(best.left.tolist(), best.right.tolist(), strict=True))
    assert every.n_candidates == best.n_candidates


@pytest.mark.parametrize("engine", ["zhusan", "duckdb", "spark"])
def test_a_malformed_file_is_refused_clearly_by_every_engine_and_nothing_is_written(
    engine: str, tmp_path: Path
) -> None:
    _, reg = _csv_files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Colour,Size\nred,3\n")
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="no name column"):
        call_command("link", str(bad), str(reg), "-o", str(out), "--engine", engine)
    assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"bad.csv", "reg.csv", "list.csv"}


def test_the_spark_engine_without_java_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    lst, reg = _csv_files(tmp_path)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="needs Java 17"):
        call_command("link", str(lst), str(reg), "-o", str(out), "--engine", "spark")
    assert not out.exists()


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    lst, reg = _csv_files(tmp_path)
    with pytest.raises(CommandError, match="engine"):
        call_command("link", str(lst), str(reg), "-o", str(tmp_path / "o.csv"), "--engine", "oracle")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.spark
@pytest.mark.skipif(not HAS_JAVA, reason="Spark needs Java 17 (CI installs openjdk-17-jre-headless)")
def test_zhusan_link_on_spark_in_local_mode_writes_the_pairs_the_default_engine_writes(tmp_path: Path) -> None:
    lst, reg = _csv_files(tmp_path)
    on_spark, default = tmp_path / "spark.csv", tmp_path / "default.csv"
    call_command("link", str(lst), str(reg), "-o", str(default))
    call_command("link", str(lst), str(reg), "-o", str(on_spark), "--engine", "spark")
    header, rows = _read(on_spark)
    assert header == _read(default)[0]
    assert {(r["left_id"], r["right_id"]) for r in rows} == TRUE_PAIRS
    assert all(float(r["match_probability"]) >= 0.5 for r in rows)
    by_left = {r["left_id"]: r for r in rows}
    assert by_left["L1"]["evidence: given name"].startswith("same name (+")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_splink_is_fed_the_blocking_keys_of_the_numpy_rules_widened_on_the_incoming_side_only() -> None:
    incoming = engines.features([{"given": "Aisha", "family": "Zhusupova", "birth": "1990-03-14"}], side="left")[0]
    registered = engines.features([{"given": "Айша", "family": "Жүсіпова", "birth": "14.03.1990"}], side="right")[0]
    given = registered["blk_given_year"]
    assert len(given) == 1 and given[0] in incoming["blk_given_year"] and len(incoming["blk_given_year"]) == 5
    assert len(registered["blk_family_year"]) == 1 and len(incoming["blk_family_year"]) == 3  # surname: ± 1
    assert registered["blk_family_year"][0] in incoming["blk_family_year"]
    assert incoming["blk_given_family"] == registered["blk_given_family"] is not None
    assert len(incoming["family_block"]) == 4  # four consonants, as PERSON_RULES
    assert registered["blk_kunya_family"] is None and registered["blk_kunya_year"] == []


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_splink_finds_a_pair_only_through_the_birth_year_spread_and_each_pair_once(engine: str) -> None:
    if engine == "spark" and not HAS_JAVA:
        pytest.skip("Spark needs Java 17")
    left = [{"id": "married", "given": "Aisha", "family": "Smith", "kunya": "Umm Bakr", "birth": "1990-03-14"}]
    right = [
        # another surname (married): only the given name's and the kunya's rules
        # with birth year ± 2 bring her, both of them: compared once
        {"id": "two years", "given": "Айша", "family": "Жүсіпова", "kunya": "Умм Бакир", "birth": "12.05.1992"},
        {"id": "three years", "given": "Айша", "family": "Омарова", "birth": "12.05.1993"},
        # given name and surname with or without years bring this one: compared once
        {"id": "same", "given": "Айша", "family": "Смит", "birth": "14.03.1990"},
        # born a day apart: no key in common (the same full date would be one)
        {"id": "other", "given": "Фатима", "family": "Касымова", "birth": "15.03.1990"},
    ]
    pairs = link_records(left, right, engine=engine, threshold=0.0, all_pairs=True)
    found = [right[j]["id"] for j in pairs.right]
    assert sorted(found) == ["same", "two years"]
    assert pairs.n_candidates == 2
