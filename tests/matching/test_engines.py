"""Linkage engines: the project's one model wherever it runs. ``duckdb`` (the
Linker with DuckDB's blocking joins) gives the pairs of ``zhusan`` below
INDEX_FROM, and ``spark`` (the registry index scored in Spark's partitions)
those of ``zhusan`` on its index path — the same rows, probabilities and
evidence, on records read one way and on records read several ways."""

from __future__ import annotations

import builtins
import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from zhusan.engine import engines
from zhusan.engine.engines import LABELS, EngineUnavailableError, Pairs, link_records
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


def _registry() -> list[dict[str, object]]:
    return [{"id": i, "family": f, "given": g, "patronymic": p, "birth": b, "sex": s} for i, f, g, p, b, s in REGISTRY]


def _list() -> list[dict[str, object]]:
    return [{"id": i, "family": f, "given": g, "birth": b, "sex": s} for i, f, g, b, s in LIST]


def _read_several_ways() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The same people, read several ways: aliases (a kunya, another
    spelling), a full name of uncertain order, and registry persons with
    several names (a married name) — every reading compared, each person once."""
    left = _list()
    left[0] = {"id": "L1", "family": "Smith", "given": "Aisha", "alias": "Umm Abdullah; Aisha Zhusupova",
               "birth": "1990-03-14", "sex": "F"}  # fmt: skip
    left[1] = {"id": "L2", "full_name": "Ivanov Yusup", "birth": "1985-07-02", "sex": "M"}
    right = [dict(r, registry=True) for r in _registry()]
    right.insert(5, {"id": "R05", "registry": True, "family": "Бекова", "given": "Фатима", "birth": "21.01.1995",
                     "sex": "ж"})  # fmt: skip
    return left, right


DATASETS = {"read one way": lambda: (_list(), _registry()), "read several ways": _read_several_ways}


def _found(pairs: Pairs, left: list[dict[str, object]], right: list[dict[str, object]]) -> set[tuple[object, object]]:
    return {(left[i]["id"], right[j]["id"]) for i, j in zip(pairs.left, pairs.right, strict=True)}


def _assert_same(a: Pairs, b: Pairs) -> None:
    """The same pairs in the same order, probabilities and weights to 1e-9, the same evidence."""
    np.testing.assert_array_equal(a.left, b.left)
    np.testing.assert_array_equal(a.right, b.right)
    np.testing.assert_allclose(a.probability, b.probability, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.weight, b.weight, rtol=0, atol=1e-9)
    assert [[(e.field, e.level, e.weight) for e in ev] for ev in a.evidence] == [
        [(e.field, e.level, e.weight) for e in ev] for ev in b.evidence
    ]
    assert a.n_candidates == b.n_candidates


@pytest.fixture
def index_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zhusan engine through the registry index, two left records a chunk."""
    monkeypatch.setattr(engines, "INDEX_FROM", 1)
    monkeypatch.setattr(engines, "CHUNK", 2)


@pytest.fixture(scope="module")
def spark() -> None:
    """Spark can run (pyspark and Java 17; CI has both): else the test is skipped, saying why."""
    try:
        engines.check_engine("spark")
    except EngineUnavailableError as exc:
        pytest.skip(f"Spark cannot run here: {exc}")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("all_pairs", [False, True], ids=["best pair", "all pairs"])
def test_duckdb_gives_the_pairs_of_the_default_engine(dataset: str, all_pairs: bool) -> None:
    left, right = DATASETS[dataset]()
    default = link_records(left, right, threshold=0.05 if all_pairs else 0.5, all_pairs=all_pairs)
    on_duckdb = link_records(left, right, engine="duckdb", threshold=0.05 if all_pairs else 0.5, all_pairs=all_pairs)
    _assert_same(on_duckdb, default)
    assert on_duckdb.engine == "duckdb" and default.engine == "zhusan"
    assert TRUE_PAIRS <= _found(on_duckdb, left, right)
    if not all_pairs:
        assert _found(on_duckdb, left, right) == TRUE_PAIRS


@pytest.mark.parametrize("engine", ["zhusan", "zhusan-index", "duckdb"])
def test_each_embedded_engine_links_a_cyrillic_registry_to_a_latin_list_and_explains_it(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "zhusan-index":
        monkeypatch.setattr(engines, "INDEX_FROM", 1)
    left, right = _list(), _registry()
    pairs = link_records(left, right, engine=engine.split("-")[0])
    assert _found(pairs, left, right) == TRUE_PAIRS
    assert all(p >= 0.5 for p in pairs.probability)
    evidence = {
        left[int(i)]["id"]: {e.field: e.level for e in ev} for i, ev in zip(pairs.left, pairs.evidence, strict=True)
    }
    assert all(list(ev) == LABELS for ev in evidence.values())
    assert evidence["L1"]["given name"] == "same name" and evidence["L1"]["date of birth"] == "same date of birth"
    assert evidence["L2"]["given name"] == "same name family"  # Yusup, Юсуф
    assert evidence["L2"]["family name"] == "same surname (either gender form)"


def _progress_of(engine: str) -> tuple[str, list[tuple[int, str]]]:
    seen: list[tuple[int, str]] = []
    out = io.StringIO()
    link_to_csv(_list(), _registry(), out, engine=engine, progress=lambda p, m: seen.append((p, m)))
    return out.getvalue(), seen


@pytest.mark.parametrize("engine", ["zhusan", "duckdb"])
def test_every_embedded_engine_reports_progress_up_to_100_and_writes_the_same_file(engine: str) -> None:
    text, seen = _progress_of(engine)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert text == _progress_of("zhusan")[0]
    header, rows = _read(text)
    assert header[:6] == ["left_row", "left_id", "right_row", "right_id", "match_probability", "match_weight"]
    assert header[-len(LABELS) - 3 :] == [f"evidence: {label}" for label in LABELS] + [
        "decision",
        "candidate",
        "review_reason",
    ]
    assert {(r["left_id"], r["right_id"]) for r in rows if r["decision"] == "linked"} == TRUE_PAIRS


def test_the_index_path_keeps_every_pair_above_the_threshold_when_asked(index_path: None) -> None:
    left, right = _list(), _registry()
    best = link_records(left, right, threshold=0.0)
    every = link_records(left, right, threshold=0.0, all_pairs=True)
    assert len(every) > len(best) and len(set(every.left.tolist())) == len(best)
    sisters = {(int(i), int(j)) for i, j in zip(every.left, every.right, strict=True)}
    assert (0, 10) in sisters and (0, 10) not in set(zip(best.left.tolist(), best.right.tolist(), strict=True))
    assert every.n_candidates == best.n_candidates


# --- Through the command ---------------------------------------------------------------


def _csv_files(tmp_path: Path) -> tuple[Path, Path]:
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "ID,Фамилия,Имя,Отчество,Дата рождения,Пол\n" + "".join(",".join(r) + "\n" for r in REGISTRY), encoding="utf-8"
    )
    lst = tmp_path / "list.csv"
    lst.write_text("Ref,Surname,First name,DOB,Sex\n" + "".join(",".join(r) + "\n" for r in LIST), encoding="utf-8")
    return lst, reg


def _read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.mark.spark
def test_spark_in_local_mode_gives_the_index_paths_pairs_progress_and_file(
    tmp_path: Path, spark: None, index_path: None
) -> None:
    """One test, so one JVM start under pytest-xdist: every Spark check in it."""
    # the same pairs, probabilities and evidence, on records read one way and several ways
    for dataset in DATASETS.values():
        left, right = dataset()
        for all_pairs, threshold in ((False, 0.5), (True, 0.0)):
            default = link_records(left, right, threshold=threshold, all_pairs=all_pairs)
            on_spark = link_records(left, right, engine="spark", threshold=threshold, all_pairs=all_pairs)
            _assert_same(on_spark, default)
            assert on_spark.engine == "spark"
            assert TRUE_PAIRS <= _found(on_spark, left, right)
        assert _found(on_spark, left, right) > TRUE_PAIRS  # all pairs: the sister and the other candidates too

    # progress per chunk up to 100, and the file the index path writes
    on_spark_text, seen = _progress_of("spark")
    default_text, seen_default = _progress_of("zhusan")
    assert on_spark_text == default_text
    for steps in (seen, seen_default):
        percents = [p for p, _ in steps]
        assert percents == sorted(percents) and percents[-1] == 100
        assert sum("Linked" in m for _, m in steps) == 3  # six records, two a chunk

    # through the command
    lst, reg = _csv_files(tmp_path)
    on_spark_file, default_file = tmp_path / "spark.csv", tmp_path / "default.csv"
    call_command("link", str(lst), str(reg), "-o", str(default_file))
    call_command("link", str(lst), str(reg), "-o", str(on_spark_file), "--engine", "spark")
    assert on_spark_file.read_text(encoding="utf-8") == default_file.read_text(encoding="utf-8")
    rows = _read(on_spark_file.read_text(encoding="utf-8"))[1]
    assert {(r["left_id"], r["right_id"]) for r in rows if r["decision"] == "linked"} == TRUE_PAIRS
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize("engine", ["zhusan", "duckdb", "spark"])
def test_a_malformed_file_is_refused_clearly_by_every_engine_and_nothing_is_written(
    engine: str, tmp_path: Path
) -> None:
    _, reg = _csv_files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Colour,Size\nred,3\n")
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="no name column|needs"):
        call_command("link", str(bad), str(reg), "-o", str(out), "--engine", engine)
    assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"bad.csv", "reg.csv", "list.csv"}


def test_the_spark_engine_without_java_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    lst, reg = _csv_files(tmp_path)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="needs (Java 17|pyspark)"):
        call_command("link", str(lst), str(reg), "-o", str(out), "--engine", "spark")
    assert not out.exists()


def test_the_duckdb_engine_without_duckdb_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_duckdb(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "duckdb":
            raise ImportError("No module named 'duckdb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    with pytest.raises(EngineUnavailableError, match="the duckdb engine needs duckdb"):
        link_records(_list(), _registry(), engine="duckdb")


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    lst, reg = _csv_files(tmp_path)
    with pytest.raises(CommandError, match="engine"):
        call_command("link", str(lst), str(reg), "-o", str(tmp_path / "o.csv"), "--engine", "oracle")
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(EngineUnavailableError, match="unknown engine 'splink'; choose one of zhusan, duckdb, spark"):
        link_records(_list(), _registry(), engine="splink")


@pytest.mark.parametrize("engine", ["zhusan", "zhusan-index", "duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_an_empty_side_links_nothing_on_every_engine(engine: str, request: pytest.FixtureRequest) -> None:
    if engine == "spark":
        request.getfixturevalue("spark")
    if engine in ("zhusan-index", "spark"):
        request.getfixturevalue("index_path")
    for left, right in (([], _registry()), (_list(), [])):
        pairs = link_records(left, right, engine=engine.split("-")[0])
        assert len(pairs) == 0 and pairs.evidence == [] and pairs.engine == engine.split("-")[0]
