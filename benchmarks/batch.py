"""Batch linkage: 10k incoming records against a registry of 1M persons.

    .venv/bin/python benchmarks/batch.py [--registry 1000000] [--records 10000]
        [--only index|zhusan|splink|engine-zhusan|engine-duckdb|engine-spark]

Data from the cross-script generator (benchmarks/synthetic.py). "index" is
the registry index (zhusan/engine/index.py): build it once from the
registry (encode, postings), fit once on the incoming records (u from random
pairs, m by EM on their candidates, no labels), then link the batch through
it in chunks; build, fit and link are timed separately. "zhusan" is the
older one-shot batch linker (zhusan/engine/link.py: encode and block both
sides with pandas merges, train, score). Each record keeps its best registry
match at probability ≥ 0.5.
Splink 5 on DuckDB runs with default comparisons on the names as written, as
in benchmarks/crossscript.py. "engine-…" are the engines of
zhusan/engine/engines.py as `zhusan link --engine` runs them (build, fit
and link all timed: nothing is reused between batches there); engine-duckdb
is Zhusan's model with DuckDB's blocking joins, engine-spark Zhusan's model in
Spark's partitions, local mode on two cores. Wall time excludes generating the data. Peak
memory is the growth of the process's peak resident set over its size after
the data were generated (resource.getrusage ru_maxrss), so each system is run
in its own process.
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report, scores  # noqa: E402
from benchmarks.crossscript import run_engine, run_splink, run_zhusan, truth  # noqa: E402
from benchmarks.interactive import rss_mb  # noqa: E402
from benchmarks.synthetic import make  # noqa: E402
from zhusan.engine.index import RegistryIndex  # noqa: E402
from zhusan.engine.persons import person_columns  # noqa: E402

FIT_SAMPLE = 2_000  # incoming records the model is fitted on (no labels)

SYSTEMS = {
    "index": "Zhusan (registry index: build once, fit, link)",
    "zhusan": "Zhusan (one-shot batch linker)",
    "splink": "Splink 5 (DuckDB), default comparisons",
    "engine-zhusan": "engine zhusan (zhusan link --engine zhusan)",
    "engine-duckdb": "engine duckdb: Zhusan's model, DuckDB's blocking joins",
    "engine-spark": "engine spark: Zhusan's model in Spark's partitions (local[2])",
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_index(registry: list[dict], incoming: list[dict]) -> tuple[object, object, float, dict]:
    """Build (not part of the matching time), fit, link; each timed alone."""
    t0 = time.perf_counter()
    index = RegistryIndex(person_columns(registry))
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    columns = person_columns(incoming)
    index.fit(columns, max_sample=FIT_SAMPLE)
    fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    links = index.link(columns, threshold=0.5)
    link = time.perf_counter() - t0
    extra = {"build s": build, "fit s": fit, "link s": link, "candidates": links.n_candidates}
    return links.left, links.right, fit + link, extra


def run_one(system: str, n_registry: int, n_records: int) -> dict:
    t0 = time.perf_counter()
    registry, incoming = make(n_registry, n_records)
    random.Random(1).shuffle(incoming)
    generate = time.perf_counter() - t0
    base = rss_mb()
    name = SYSTEMS[system]
    row: dict = {"benchmark": f"batch {n_records:,} × {n_registry:,}", "system": name}
    extra: dict = {}
    try:
        if system == "index":
            li, ri, secs, extra = run_index(registry, incoming)
        elif system.startswith("engine-"):
            li, ri, secs = run_engine(system.removeprefix("engine-"))(registry, incoming)
        else:
            li, ri, secs = (run_zhusan if system == "zhusan" else run_splink)(registry, incoming)
    except Exception as exc:  # report a system that fails on this data rather than stop
        row["system"] = f"{name}: failed ({str(exc).split('.')[0][:70]})"
        return row
    correct, n_true = truth(registry, incoming, li, ri)
    row |= {**scores(correct, n_true), "seconds (fit + link)" if extra else "seconds": secs, **extra}
    row |= {"peak MB over data": max(peak_mb() - base, 0.0), "process peak MB": peak_mb(), "generate s": generate}
    return row


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--only", choices=list(SYSTEMS))
    parser.add_argument("--systems", nargs="*", choices=list(SYSTEMS), help="default: index splink")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.WARNING)
    if args.child:  # one system, in this process; print its row for the parent
        print(repr(run_one(args.only or "index", args.registry, args.records)))
        return []
    rows = []
    for system in [args.only] if args.only else args.systems or ["index", "splink"]:
        cmd = [sys.executable, __file__, "--child", "--only", system]
        cmd += ["--registry", str(args.registry), "--records", str(args.records)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        if out.returncode != 0 or not last.startswith("{"):
            rows.append({"benchmark": "batch", "system": f"{system}: crashed ({out.stderr.strip()[-120:]})"})
            continue
        rows.append(eval(last, {"__builtins__": {}}))  # noqa: S307 - our own child's repr of a dict of numbers
    report(rows)
    return rows


if __name__ == "__main__":
    main()
