"""Cross-script linkage: a Cyrillic registry against a list written in ICAO
Latin, informal Latin, Arabic script, kunyas, year-only dates and stated ages,
with siblings and namesakes as hard negatives. Zhusan, Splink 5 with default
comparisons on the names as written (a well-known reference), a rapidfuzz
baseline, and the linkage engines of zhusan/engine/engines.py (`zhusan link
--engine`): Zhusan's own model with DuckDB's blocking joins, and run in
Spark's partitions (local mode); benchmarks/engines_parity.py compares the
three engines alone.

    .venv/bin/python benchmarks/crossscript.py [--quick] [--only zhusan|splink|baseline|duckdb|spark|reader]
        [--population kazakh|uzbek|tajik|mixed]

``--population`` picks whose registry and list (benchmarks/synthetic.py): a
Kazakh Cyrillic registry (the default), an Uzbek one (Uzbek Latin with any
apostrophe, some Uzbek Cyrillic), a Tajik one (Tajik Cyrillic, -zoda), or
the three nations' families in one registry; the lists are written as camp
and consular lists write these names.

``--only reader`` writes the registry and the list as files (the list as a
camp list writes it: ages with the list's date, kunyas in an alias column,
a tenth of the records without any date), reads them back through the
reader ``zhusan link`` uses and links them as it does; it reports F1 by kind
of record (full date, year only, age only, no date, kunya only).

Spark is run only when asked for (`--only spark`): it needs Java and starts a
JVM.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report, scores  # noqa: E402
from benchmarks.synthetic import POPULATIONS, make  # noqa: E402
from zhusan.engine.dates import StatedAge  # noqa: E402
from zhusan.engine.engines import best_per_left  # noqa: E402
from zhusan.engine.link import Linker  # noqa: E402
from zhusan.engine.persons import PERSON_FIELDS, PERSON_RULES, person_columns  # noqa: E402


def truth(registry, lst, li, ri):
    rp = np.array([r["pid"] for r in registry])
    lp = np.array([r["pid"] for r in lst])
    n_true = int(np.isin(lp, rp).sum())
    return lp[li] == rp[ri], n_true


def run_zhusan(registry, lst, one_to_one=False):
    t0 = time.perf_counter()
    linker = Linker(PERSON_FIELDS, PERSON_RULES)
    res = linker.link(
        person_columns(lst),
        person_columns(registry),
        threshold=0.5,
        one_to_one=one_to_one,
        each_left_matches_at_most_one=True,
    )
    # each list record names one person: keep its best registry match
    best = best_per_left(res.left, res.weight)
    return res.left[best], res.right[best], time.perf_counter() - t0


def _flat(records):
    import pandas as pd

    rows = []
    for i, r in enumerate(records):
        b = r.get("birth")
        year = None
        if b is not None:
            year = b.year if hasattr(b, "year") else b.at.year - b.years
        rows.append({"unique_id": i, "given": r.get("given") or r.get("kunya"), "family": r.get("family"),
                     "father": r.get("father"), "birth_year": year, "sex": r.get("sex")})  # fmt: skip
    return pd.DataFrame(rows)


def run_splink(registry, lst):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, SettingsCreator, block_on
    from splink import Linker as SLinker

    a, b = _flat(lst), _flat(registry)
    t0 = time.perf_counter()
    settings = SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=1 / len(b),
        blocking_rules_to_generate_predictions=[block_on("birth_year"), block_on("family"), block_on("given")],
        comparisons=[
            cl.NameComparison("given"),
            cl.NameComparison("family"),
            cl.NameComparison("father"),
            cl.AbsoluteDifferenceAtThresholds("birth_year", [1, 2]) if hasattr(cl, "AbsoluteDifferenceAtThresholds") else cl.ExactMatch("birth_year"),
            cl.ExactMatch("sex"),
        ],
    )  # fmt: skip
    db = DuckDBAPI()
    linker = SLinker([db.register(a, dataset_display_name="l"), db.register(b, dataset_display_name="r")], settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family"))
    df = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    left_is_l = df["source_dataset_l"] == "l"
    li = np.where(left_is_l, df["unique_id_l"], df["unique_id_r"]).astype(np.int64)
    ri = np.where(left_is_l, df["unique_id_r"], df["unique_id_l"]).astype(np.int64)
    best = best_per_left(li, df["match_weight"].to_numpy())
    return li[best], ri[best], elapsed


def run_engine(engine):
    """A linkage engine of zhusan/engine/engines.py, best pair per list record."""

    def run(registry, lst):
        from zhusan.engine.engines import link_records

        t0 = time.perf_counter()
        pairs = link_records(lst, registry, engine=engine, threshold=0.5)
        return pairs.left, pairs.right, time.perf_counter() - t0

    return run


# --- Through the reader the command uses -------------------------------------------------

LIST_HEADER = ["id", "family_name", "given_name", "father_name", "alias", "sex", "birth_date", "age", "list_date"]
REGISTRY_HEADER = ["ID", "Фамилия", "Имя", "Имя отца", "Дата рождения", "Пол", "Место рождения", "Кунья"]
#: Each population's registry export: its header, its words for male and
#: female, and the --map a user gives for headers the reader does not know.
REGISTRY_EXPORTS: dict[str, tuple[list[str], tuple[str, str], dict[str, str]]] = {
    "kazakh": (REGISTRY_HEADER, ("м", "ж"), {}),
    "uzbek": (["ID", "Familiya", "Ismi", "Otasining ismi", "Tug'ilgan sana", "Jinsi", "Tug'ilgan joyi", "Kunya"],
              ("erkak", "ayol"), {}),
    "tajik": (["ID", "Насаб", "Ном", "Номи падар", "Санаи таваллуд", "Ҷинс", "Ҷои таваллуд", "Кунья"],
              ("мард", "зан"), {}),
    "mixed": (["ID", "Фамилия", "Имя", "Имя отца", "Отчество", "Дата рождения", "Пол", "Место рождения", "Кунья"],
              ("м", "ж"), {}),
}  # fmt: skip
NO_DATE_SHARE = 0.1


def kind_of(rec) -> str:
    """The kind of a list record, for F1 by kind."""
    b = rec.get("birth")
    if not rec.get("given") and rec.get("kunya"):
        return "kunya only"
    if b is None:
        return "no date"
    if isinstance(b, StatedAge):
        return "age only"
    return "full date" if getattr(b, "day", None) else "year only"


def _dmy(b) -> str:
    return f"{b.day:02d}.{b.month:02d}.{b.year}" if b.day else str(b)


def write_lists(registry, lst, directory: Path, seed: int = 11, population: str = "kazakh") -> tuple[Path, Path]:
    """The registry and the list as files: the list as a camp list writes it
    (ages with the list's date, kunyas in an alias column, no date for some),
    the registry as the population's registry exports it (Russian, Uzbek or
    Tajik headers; father's name or patronymic)."""
    rng = random.Random(seed)
    header, (male, female), _ = REGISTRY_EXPORTS[population]
    reg_path, list_path = directory / "registry.csv", directory / "camp.csv"
    with reg_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in registry:
            if population == "mixed":
                names = [r["family"], r["given"], r.get("father") or "", r.get("patronymic") or ""]
            else:
                names = [r["family"], r["given"], r.get("father") or r.get("patronymic") or ""]
            w.writerow([f"R{r['pid']}", *names, _dmy(r["birth"]), female if r["sex"] == "f" else male,
                        r["place"], r["kunya"]])  # fmt: skip
    with list_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LIST_HEADER)
        for n, r in enumerate(lst):
            b = r.get("birth")
            if b is not None and r.get("given") and rng.random() < NO_DATE_SHARE:
                b = r["birth"] = None  # some lists know no date at all
            age = list_date = birth = ""
            if isinstance(b, StatedAge):
                age, list_date = str(b.years), str(b.at)
            elif b is not None:
                birth = str(b)
            alias = r.get("kunya") or ""
            sex = {"f": "F", "m": "M"}.get(r.get("sex") or "", "")
            w.writerow([f"L{n + 1}", r.get("family") or "", r.get("given") or "", r.get("father") or "", alias,
                        sex, birth, age, list_date])  # fmt: skip
    return reg_path, list_path


def run_reader(registry, lst, *, engine: str = "zhusan", population: str = "kazakh"):
    """The lists written as files and read back by the command's reader
    (zhusan.engine.io.read_person_file), then linked as ``zhusan link`` links."""
    from zhusan.engine.engines import link_records
    from zhusan.engine.io import read_person_file

    with tempfile.TemporaryDirectory(prefix="zhusan-bench-") as tmp:
        reg_path, list_path = write_lists(registry, lst, Path(tmp), population=population)
        t0 = time.perf_counter()
        left = read_person_file(list_path).records
        right = read_person_file(reg_path, REGISTRY_EXPORTS[population][2]).records
        pairs = link_records(left, right, engine=engine, threshold=0.5)
        return pairs.left, pairs.right, time.perf_counter() - t0


def by_kind(registry, lst, li, ri) -> list[dict]:
    kinds = np.array([kind_of(r) for r in lst])
    correct, _ = truth(registry, lst, li, ri)
    rp = {r["pid"] for r in registry}
    rows = []
    for kind in ("full date", "year only", "age only", "no date", "kunya only"):
        mine = kinds[li] == kind
        n_true = sum(1 for r, k in zip(lst, kinds, strict=True) if k == kind and r["pid"] in rp)
        n = int((kinds == kind).sum())
        rows.append({"kind": kind, "records": n, **scores(correct[mine], n_true)})
    return rows


def run_baseline(registry, lst):
    """Names as written, token-sort ratio ≥ 85 within the same birth year."""
    from rapidfuzz import fuzz, process

    t0 = time.perf_counter()
    by_year: dict[int, list[int]] = {}

    def year(r):
        b = r.get("birth")
        return None if b is None else b.year if hasattr(b, "year") else b.at.year - b.years

    def text(r):
        return " ".join(str(r.get(k) or "") for k in ("given", "family", "father"))

    for j, r in enumerate(registry):
        by_year.setdefault(year(r), []).append(j)
    li, ri = [], []
    for i, r in enumerate(lst):
        cands = by_year.get(year(r), [])
        if not cands:
            continue
        hit = process.extractOne(
            text(r), [text(registry[j]) for j in cands], scorer=fuzz.token_sort_ratio, score_cutoff=85
        )
        if hit:
            li.append(i)
            ri.append(cands[hit[2]])
    return np.array(li, np.int64), np.array(ri, np.int64), time.perf_counter() - t0


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 registry records instead of 50,000")
    parser.add_argument("--only", choices=["zhusan", "splink", "baseline", "duckdb", "spark", "reader"])
    parser.add_argument("--population", choices=POPULATIONS, default="kazakh",
                        help="whose registry and list: Kazakh, Uzbek, Tajik or the three mixed")  # fmt: skip
    args = parser.parse_args(argv)
    n_reg, n_list = (5_000, 1_000) if args.quick else (50_000, 5_000)
    registry, lst = make(n_reg, n_list, population=args.population)
    bench = f"cross-script {args.population} {n_list}×{n_reg}"
    rows = []
    if args.only == "reader":
        # Files as a camp list and a registry export write them, through the command's reader.
        li, ri, secs = run_reader(registry, lst, population=args.population)
        correct, n_true = truth(registry, lst, li, ri)
        report([{"benchmark": f"{bench}, files", "system": "zhusan link (reader + engine)",
                 **scores(correct, n_true), "seconds": secs}])  # fmt: skip
        print()
        kinds = by_kind(registry, lst, li, ri)
        report(kinds)
        return kinds
    runs = [
        ("zhusan", "Zhusan", run_zhusan),
        ("splink", "Splink 5 (DuckDB), default comparisons", run_splink),
        ("baseline", "rapidfuzz baseline", run_baseline),
        ("duckdb", "engine duckdb: Zhusan's model, DuckDB's blocking joins", run_engine("duckdb")),
        ("spark", "engine spark: Zhusan's model in Spark's partitions (local[2])", run_engine("spark")),
    ]
    for key, name, fn in runs:
        if args.only != key and (args.only or key == "spark"):
            continue
        try:
            li, ri, secs = fn(registry, lst)
        except Exception as exc:  # report a system that fails on this data rather than stop
            rows.append(
                {
                    "benchmark": bench,
                    "system": f"{name}: failed ({str(exc).split('.')[0][:70]})",
                }
            )
            continue
        correct, n_true = truth(registry, lst, li, ri)
        rows.append({"benchmark": bench, "system": name, **scores(correct, n_true), "seconds": secs})
    report(rows)
    return rows


if __name__ == "__main__":
    main()
