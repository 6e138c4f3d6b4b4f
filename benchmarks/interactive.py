"""Interactive matching: one new record against a registry of 100k and 1M
persons, through the in-memory index (zhusan/engine/index.py).

    .venv/bin/python benchmarks/interactive.py [--quick] [--queries 1000]

The registry and the queries come from the cross-script generator
(benchmarks/synthetic.py): a Cyrillic registry, queries written in ICAO or
informal Latin, Arabic script, kunyas and stated ages, 20 % of them people who
are not registered. The model is fitted once on 2,000 other incoming records;
each query is then timed alone (encode, candidates, compare, score, evidence
for the top 5). Memory is the growth of the process's resident set while the
index is built (the registry records themselves are excluded).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report  # noqa: E402
from benchmarks.synthetic import make  # noqa: E402
from zhusan.engine.index import RegistryIndex  # noqa: E402
from zhusan.engine.persons import person_columns  # noqa: E402

FIT_SAMPLE = 2_000


def rss_mb() -> float:
    """Current resident set size of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(n_registry: int, n_queries: int) -> dict:
    t0 = time.perf_counter()
    registry, incoming = make(n_registry, n_queries + FIT_SAMPLE)
    random.Random(1).shuffle(incoming)  # make() lists the unregistered people last
    generate = time.perf_counter() - t0
    columns = person_columns(registry)
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    index = RegistryIndex(columns)
    build = time.perf_counter() - t0
    gc.collect()
    grown = rss_mb() - before
    t0 = time.perf_counter()
    index.fit(person_columns(incoming[:FIT_SAMPLE]))
    fit = time.perf_counter() - t0

    queries = incoming[FIT_SAMPLE:]
    pids = np.array([r["pid"] for r in registry])
    registered = set(pids.tolist())
    index.query(queries[0])  # warm the caches once, as a running server would be
    latencies, correct, found, wanted = [], 0, 0, 0
    for rec in queries:
        t = time.perf_counter()
        hits = index.query(rec, k=5)
        latencies.append(time.perf_counter() - t)
        best = hits[0] if hits and hits[0].share >= 0.5 else None
        wanted += rec["pid"] in registered
        if best is not None:
            found += 1
            correct += int(pids[best.row] == rec["pid"])
    ms = np.asarray(latencies) * 1000
    precision = correct / max(found, 1)
    recall = correct / max(wanted, 1)
    return {
        "registry": n_registry,
        "queries": len(queries),
        "p50 ms": float(np.percentile(ms, 50)),
        "p95 ms": float(np.percentile(ms, 95)),
        "max ms": float(ms.max()),
        "build s": build,
        "fit s": fit,
        "index MB (RSS growth)": grown,
        "index arrays MB": index.nbytes() / 2**20,
        "F1 (best hit, share ≥ 0.5)": 2 * precision * recall / max(precision + recall, 1e-12),
        "generate s": generate,
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k only")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--sizes", type=int, nargs="*", help="registry sizes (default 100000 1000000)")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([100_000] if args.quick else [100_000, 1_000_000])
    rows = []
    for n in sizes:
        row = run(n, args.queries)
        report([row])
        rows.append({"benchmark": f"interactive 1 × {n:,}", "system": "Zhusan index", **row})
    return rows


if __name__ == "__main__":
    main()
