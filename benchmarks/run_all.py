"""Run every benchmark side by side: Zhusan, Splink 5 on DuckDB and a
rapidfuzz baseline.

    .venv/bin/python benchmarks/run_all.py [--quick]

FEBRL4, cross-script, interactive (one record against 100k and 1M persons;
--quick: 100k only) and batch (10k records against 1M; --quick: 2,000
against 100k). See docs/benchmarks.md for the recorded figures.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import batch, crossscript, febrl4, interactive  # noqa: E402
from benchmarks.common import report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    rows = febrl4.main([])
    rows += crossscript.main(["--quick"] if args.quick else [])
    rows += interactive.main(["--quick", "--queries", "500"] if args.quick else [])
    rows += batch.main(["--registry", "100000", "--records", "2000"] if args.quick else [])
    print()
    report(rows)


if __name__ == "__main__":
    main()
