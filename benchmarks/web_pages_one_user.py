"""What each page costs with no one else on the server: one user, one request at a time.

    .venv/bin/python benchmarks/web_pages_one_user.py --db-name zhusan_bench_1m_10000 [--requests 40]

Starts the production server (``deploy/gunicorn.conf.py``, production
settings) on a registry built by ``benchmarks/web_scale.py`` (its database,
its keys and its sample queries in ``var/bench/``), signs in as its bench
user, and asks for each page kind of the web benchmark in turn — a search in
Cyrillic, Latin and Arabic, a person page, the list's first page, the
dashboard — first a few times (each worker's first requests), then
``--requests`` times. Prints p50/p95/max per kind, in ms, over HTTP on the
loopback: the floor under the latencies of ``web_scale.py``'s 20 users.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_scale  # noqa: E402  (the bench database's settings and server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-name", default="zhusan_bench")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=40, help="requests per page kind (default 40)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    data_file = web_scale.ROOT / "var" / "bench" / f"{args.db_name}.data.json"
    if not data_file.exists():
        sys.exit(f"{data_file} is missing: build the registry with benchmarks/web_scale.py --db-name {args.db_name}")
    data = json.loads(data_file.read_text())
    port = web_scale.free_port()
    env = web_scale.server_env(web_scale.database_url(args, args.db_name), args.db_name, port, args.workers)
    web_scale.collect_static(env)
    server = web_scale.start_server(env)
    rng = random.Random(args.seed)
    pages = {
        "search cyrillic": lambda: ("/persons/", {"q": rng.choice(data["cyrillic"])}),
        "search latin": lambda: ("/persons/", {"q": rng.choice(data["latin"])}),
        "search arabic": lambda: ("/persons/", {"q": rng.choice(data["arabic"])}),
        "person page": lambda: (f"/persons/{rng.choice(data['persons'])}/", {}),
        "list page": lambda: ("/persons/", {}),
        "dashboard": lambda: ("/reports/", {}),
    }
    # A fresh session of the bench user (those of the build expire after the idle timeout).
    user = web_scale.SignedIn(port, web_scale.bench_call(env, "make_sessions", 1)[0])
    try:
        web_scale.wait_for_health(port)

        def get(path: str, params: dict[str, str]) -> float:
            started = time.perf_counter()
            status, location, _body = user.request(path, params)
            if status != 200:
                raise SystemExit(f"{status} {location} for {path} {params}")
            return (time.perf_counter() - started) * 1000

        print(f"{'page kind':<18}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}   ({args.db_name}, one user)")
        for kind, make in pages.items():
            for _ in range(2 * args.workers):  # each worker's first requests
                get(*make())
            times = web_scale.summary([get(*make()) for _ in range(args.requests)])
            print(f"{kind:<18}{times['p50']:>8.1f}{times['p95']:>8.1f}{times['max']:>8.1f}")
    finally:
        web_scale.stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
