"""Batch linkage through the registry index, scored by how the list wrote
each person (ICAO Latin, informal Latin, Arabic script, kunya only, stated
age): which kinds of record the F1 of benchmarks/batch.py loses on.

    .venv/bin/python benchmarks/by_style.py [--registry 1000000] [--records 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.batch import FIT_SAMPLE  # noqa: E402
from benchmarks.common import report  # noqa: E402
from benchmarks.synthetic import make  # noqa: E402
from zhusan.engine.index import RegistryIndex  # noqa: E402
from zhusan.engine.persons import person_columns  # noqa: E402


def by_style(registry: list[dict], incoming: list[dict], best: dict[int, int]) -> list[dict]:
    registered = {r["pid"] for r in registry}
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(incoming):
        groups.setdefault(r["style"], []).append(i)
    groups["all but kunya-only"] = [i for i, r in enumerate(incoming) if r["style"] != "kunya"]
    groups["all"] = list(range(len(incoming)))
    rows = []
    for style, members in groups.items():
        n_true = sum(incoming[i]["pid"] in registered for i in members)
        linked = [i for i in members if i in best]
        tp = sum(registry[best[i]]["pid"] == incoming[i]["pid"] for i in linked)
        fp = len(linked) - tp
        rows.append(
            {
                "style": style,
                "records": len(members),
                "in registry": n_true,
                "precision": tp / max(tp + fp, 1),
                "recall": tp / max(n_true, 1),
                "f1": 2 * tp / max(tp + fp + n_true, 1),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args(argv)
    registry, incoming = make(args.registry, args.records)
    random.Random(1).shuffle(incoming)  # as benchmarks/batch.py
    t0 = time.perf_counter()
    index = RegistryIndex(person_columns(registry))
    columns = person_columns(incoming)
    index.fit(columns, max_sample=FIT_SAMPLE)
    links = index.link(columns, threshold=0.5)
    print(f"built, fitted and linked in {time.perf_counter() - t0:.1f} s; share estimated {index.model.share:.3f}")
    best = dict(zip(links.left.tolist(), links.right.tolist(), strict=True))
    rows = by_style(registry, incoming, best)
    report(rows)
    return rows


if __name__ == "__main__":
    main()
