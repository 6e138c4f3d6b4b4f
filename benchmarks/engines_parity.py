"""The three engines of `zhusan link --engine` on the cross-script set: one model, the same F1.

    .venv/bin/python benchmarks/engines_parity.py                    # 5,000 × 50,000, the three engines
    .venv/bin/python benchmarks/engines_parity.py --registry 1000000 --records 10000 --only spark
    .venv/bin/python benchmarks/engines_parity.py ... --only zhusan --index-from 2000000  # the Linker at 1M

Data: the cross-script generator (benchmarks/synthetic.py, the set of
benchmarks/crossscript.py): a Cyrillic registry and a list in ICAO and
informal Latin, Arabic script, kunyas, year-only dates and stated ages, with
siblings and namesakes. Each engine runs through
`zhusan.engine.engines.link_records` as the command runs it (every step
timed: encoding, blocking, fitting, scoring; nothing reused), each in its own
process: "zhusan" (the one-shot Linker below 500,000 registry rows, the
registry index from there), "duckdb" (the Linker with DuckDB's blocking
joins), "spark" (the registry index scored in Spark's partitions, local[2]; its
time includes starting the JVM). Generating the data is timed apart.

Memory: "peak MB over data" is the growth of the Python process's peak
resident set over its size once the data were generated (ru_maxrss); "tree
peak MB" is the peak resident set of the process and its children (the JVM
and Spark's Python workers), sampled every 0.2 s. For spark, the registry
index's arrays (`RegistryIndex.nbytes`) and the bytes Spark broadcasts to
each executor (the pickled index) are reported too.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report, scores  # noqa: E402
from benchmarks.crossscript import truth  # noqa: E402
from benchmarks.interactive import rss_mb  # noqa: E402
from benchmarks.synthetic import make  # noqa: E402

ENGINES = ("zhusan", "duckdb", "spark")


class TreePeak:
    """The peak resident set of this process and all its descendants, sampled."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.me, self.every, self.peak = psutil.Process(), every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(self.every)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_one(engine: str, n_registry: int, n_records: int, index_from: int | None = None) -> dict[str, Any]:
    from zhusan.engine import engines
    from zhusan.engine import spark as zspark
    from zhusan.engine.engines import link_records

    if index_from is not None:
        engines.INDEX_FROM = index_from

    t0 = time.perf_counter()
    registry, incoming = make(n_registry, n_records)
    generate = time.perf_counter() - t0
    base = rss_mb()
    shared: dict[str, Any] = {}
    if engine == "spark":  # keep what Spark broadcast, to weigh it after the run
        real = zspark.map_chunks

        def spy(fn: Any, scoring: Any, chunks: Any, **kw: Any) -> Any:
            shared["scoring"] = scoring
            return real(fn, scoring, chunks, **kw)

        zspark.map_chunks = spy  # type: ignore[assignment]
    with TreePeak() as tree:
        t0 = time.perf_counter()
        pairs = link_records(incoming, registry, engine=engine, threshold=0.5)
        seconds = time.perf_counter() - t0
    correct, n_true = truth(registry, incoming, pairs.left, pairs.right)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = engine if index_from is None else f"{engine} (index from {index_from:,})"
    row: dict[str, Any] = {"set": f"{n_records:,} × {n_registry:,}", "engine": label, **scores(correct, n_true)}
    row |= {"seconds": seconds, "candidates": pairs.n_candidates, "peak MB over data": max(peak - base, 0.0),
            "tree peak MB": tree.peak, "generate s": generate}  # fmt: skip
    if "scoring" in shared:
        index = shared["scoring"].index
        row |= {"index MB": index.nbytes() / 2**20, "broadcast MB": zspark.broadcast_size(shared["scoring"]) / 2**20}
    return row


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--registry", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--only", choices=ENGINES)
    parser.add_argument("--index-from", type=int, help="right-side rows from which zhusan uses the index")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # one engine, in this process; print its row for the parent
        print(repr(run_one(args.only or "zhusan", args.registry, args.records, args.index_from)))
        return []
    rows = []
    for engine in [args.only] if args.only else ENGINES:
        cmd = [sys.executable, __file__, "--child", "--only", engine]
        cmd += ["--registry", str(args.registry), "--records", str(args.records)]
        cmd += ["--index-from", str(args.index_from)] if args.index_from is not None else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        if out.returncode != 0 or not last.startswith("{"):
            rows.append({"set": f"{args.records:,} × {args.registry:,}", "engine": f"{engine}: crashed",
                         "error": out.stderr.strip()[-200:]})  # fmt: skip
            continue
        rows.append(eval(last, {"__builtins__": {}}))  # noqa: S307 - our own child's repr of a dict of numbers
    report(rows)
    f1 = [r["f1"] for r in rows if "f1" in r]
    if len(f1) > 1:
        print(f"\nF1 spread between engines: {max(f1) - min(f1):.4f}")
    return rows


if __name__ == "__main__":
    main()
