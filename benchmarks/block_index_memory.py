"""The duplicate-proposal block index (``matching.candidates.BlockIndex``) at scale:
its build time, the memory it holds, and the time of a lookup.

    .venv/bin/python benchmarks/block_index_memory.py --db-name zhusan_bench_1m [--lookups 200]

Reads a registry built by ``benchmarks/web_scale.py`` (its database, and its
encryption key kept in ``var/bench/<name>.json``), builds the index once as a
web worker does on its first registration, and prints:

- build time (one pass over persons and names, and the model's fit on a sample);
- the resident memory of the process before and after the build (``VmRSS``,
  after a garbage collection), i.e. what each web worker holds;
- the index's own size as the index reports it (``BlockIndex.nbytes``), its
  keys and postings;
- lookups: the candidate persons of registry persons taken as queries, the
  median and 95th percentile time of ``candidates`` and the candidates found;
- the peak resident memory of the build (``VmHWM``), and the time of the
  duplicate proposals of ``--score`` of those persons as a registration
  makes them (``score_blocked``: at most ``MAX_CANDIDATES`` persons, the
  most telling), beside scoring every person found ("uncapped"), and how
  many of the uncapped proposals the limit kept.

Needs PostgreSQL (``--database-url`` or ``BENCH_DATABASE_URL``/``DATABASE_URL``,
the server's ``postgres`` database of a role that reads the bench database).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import web_scale  # noqa: E402  (the bench database's settings)


def rss_mb() -> float:
    """The process's resident memory (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-name", default="zhusan_bench")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--lookups", type=int, default=200, help="registry persons looked up after the build")
    parser.add_argument("--score", type=int, default=20, help="of those, persons whose proposals are scored")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--limits",
        default="",
        help="also score with these candidate limits instead of MAX_CANDIDATES, e.g. 600,400: "
        "time and proposals kept per limit",
    )
    parser.add_argument(
        "--implementation",
        default="",
        help="measure the BlockIndex of this file instead, e.g. an earlier one: "
        "git show f090ae6:zhusan/matching/candidates.py > /tmp/old_candidates.py",
    )
    args = parser.parse_args(argv)
    url = web_scale.database_url(args, args.db_name)
    os.environ.update(web_scale.server_env(url, args.db_name, 0, 1))

    import django

    django.setup()
    import numpy as np

    from zhusan.matching import candidates
    from zhusan.registry.models import Person

    if args.implementation:  # a module of its own, beside the current one
        spec = importlib.util.spec_from_file_location("block_index_measured", args.implementation)
        assert spec is not None and spec.loader is not None
        candidates = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = candidates
        spec.loader.exec_module(candidates)

    persons = Person.objects.filter(merged_into__isnull=True).count()
    gc.collect()
    before = rss_mb()
    index = candidates.BlockIndex()
    started = time.perf_counter()
    with index._lock:
        index._build()  # as the first lookup does
    build_s = time.perf_counter() - started
    build_peak = peak_mb()
    gc.collect()
    after = rss_mb()

    step = max(1, persons // max(args.lookups, 1))
    every = Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True)
    sample = list(Person.objects.filter(pk__in=list(every)[::step][: args.lookups]).order_by("pk"))
    timings, found = [], []
    for person in sample:
        query = candidates.query_from_person(person)
        started = time.perf_counter()
        ids = index.candidates(query)
        timings.append((time.perf_counter() - started) * 1000)
        found.append(len(ids))
    # Duplicate proposals as a registration makes them (``score_blocked``: at
    # most MAX_CANDIDATES persons, the most telling), and, to see what the
    # limit leaves out, of every person found.
    scored, uncapped, kept, proposed = [], [], 0, 0
    limits = [int(x) for x in args.limits.split(",") if x.strip()]
    by_limit: dict[int, dict[str, Any]] = {n: {"ms": [], "kept": 0, "best_kept": 0} for n in limits}
    best_kept, best_proposed = 0, 0  # of each person's ten most likely uncapped proposals
    everyone = Person.objects.filter(merged_into__isnull=True)
    capped = hasattr(candidates, "MAX_CANDIDATES")
    if capped:
        candidates._INDEX = index  # score_blocked reads the process's index
    for person in sample[: args.score]:
        query = candidates.query_from_person(person)
        started = time.perf_counter()
        full = candidates.score(
            query,
            everyone.filter(pk__in=index.candidates(query) - {person.pk}),
            threshold=0.5,
            model=index.model,
            fitted=index.fitted,
        )
        uncapped.append((time.perf_counter() - started) * 1000)
        if capped:
            started = time.perf_counter()
            hits = candidates.score_blocked(query, everyone.exclude(pk=person.pk))
            scored.append((time.perf_counter() - started) * 1000)
            proposed += len(full)
            kept_ids = {h.person.pk for h in hits}
            kept += len(kept_ids & {h.person.pk for h in full})
            best = sorted(full, key=lambda h: -h.probability)[:10]
            best_proposed += len(best)
            best_kept += len(kept_ids & {h.person.pk for h in best})
            default_limit = candidates.MAX_CANDIDATES
            for limit in limits:
                candidates.MAX_CANDIDATES = limit
                started = time.perf_counter()
                other = {h.person.pk for h in candidates.score_blocked(query, everyone.exclude(pk=person.pk))}
                by_limit[limit]["ms"].append((time.perf_counter() - started) * 1000)
                by_limit[limit]["kept"] += len(other & {h.person.pk for h in full})
                by_limit[limit]["best_kept"] += len(other & {h.person.pk for h in best})
            candidates.MAX_CANDIDATES = default_limit
        else:
            scored.append(uncapped[-1])
    figures = {
        "persons": persons,
        "build_s": round(build_s, 1),
        "rss_before_mb": round(before),
        "rss_after_mb": round(after),
        "rss_growth_mb": round(after - before),
        "arrays_mb": round(index.nbytes() / 2**20, 1) if hasattr(index, "size") else None,
        "keys": index.size()[0] if hasattr(index, "size") else len(index._postings),
        "postings": index.size()[1] if hasattr(index, "size") else sum(map(len, index._postings.values())),
        "lookup_p50_ms": round(statistics.median(timings), 2) if timings else None,
        "lookup_p95_ms": round(float(np.percentile(timings, 95)), 2) if timings else None,
        "candidates_median": int(statistics.median(found)) if found else None,
        "rss_peak_of_build_mb": round(build_peak),
        "proposals_p50_ms": round(statistics.median(scored), 1) if scored else None,
        "proposals_max_ms": round(max(scored), 1) if scored else None,
        "uncapped_p50_ms": round(statistics.median(uncapped), 1) if uncapped else None,
        "uncapped_max_ms": round(max(uncapped), 1) if uncapped else None,
        "proposals_uncapped": proposed if capped else None,
        "proposals_kept": kept if capped else None,
        "best_ten_proposed": best_proposed if capped else None,
        "best_ten_kept": best_kept if capped else None,
    }
    for limit, got in by_limit.items():
        figures[f"limit_{limit}"] = {
            "p50_ms": round(statistics.median(got["ms"]), 1) if got["ms"] else None,
            "p95_ms": round(float(np.percentile(got["ms"], 95)), 1) if got["ms"] else None,
            "max_ms": round(max(got["ms"]), 1) if got["ms"] else None,
            "proposals_kept": got["kept"],
            "best_ten_kept": got["best_kept"],
        }
    if scored:
        figures["proposals_p95_ms"] = round(float(np.percentile(scored, 95)), 1)
    for key, value in figures.items():
        print(f"{key:<20}{value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
