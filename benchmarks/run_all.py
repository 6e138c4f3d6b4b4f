"""Run every benchmark side by side: Zhusan, Splink 5 on DuckDB and a
rapidfuzz baseline.

    .venv/bin/python benchmarks/run_all.py [--quick]

Interactive (one record against 100k / 1M) and batch (10k against 1M)
benchmarks are not written yet; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import crossscript, febrl4  # noqa: E402
from benchmarks.common import report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    rows = febrl4.main([])
    rows += crossscript.main(["--quick"] if args.quick else [])
    print()
    report(rows)


if __name__ == "__main__":
    main()
