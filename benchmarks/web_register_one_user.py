"""Registering a person through the web form, with its duplicate check, one user at a time.

    .venv/bin/python benchmarks/web_register_one_user.py --db-name zhusan_bench_1m [--registrations 40]

Starts the production server (``deploy/gunicorn.conf.py``, production
settings, one worker that builds the registry's block index as it starts) on
a registry built by ``benchmarks/web_scale.py``, signs in as its bench user
and registers persons as a registration officer does: opens the form, posts
it, and when the page answers with "Possible existing records" (the
duplicate check of ``registry.extensions.likely_existing_for``, the block
index and the scoring of at most ``matching.candidates.MAX_CANDIDATES``
candidates) posts it again with "Register anyway". The names are those of
the registry's sample queries (half in Cyrillic with a Latin passport form,
half in Arabic script), so that most registrations meet their namesakes.

Prints p50/p95/max in ms over HTTP on the loopback: the post that checks
(with the proposals), and the post that registers. The first registration
waits for the block index (minutes at a million persons) and is reported
apart. The registrations stay in the bench database (they are few).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_scale  # noqa: E402  (the bench database's settings, server, worker and user)

FORM = "/persons/new/"
CHECKED = "register_anyway"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-name", default="zhusan_bench")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--registrations", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--index-deadline", type=int, default=900, help="seconds to wait for the block index")
    args = parser.parse_args(argv)
    data_file = web_scale.ROOT / "var" / "bench" / f"{args.db_name}.data.json"
    if not data_file.exists():
        sys.exit(f"{data_file} is missing: build the registry with benchmarks/web_scale.py --db-name {args.db_name}")
    data = json.loads(data_file.read_text())
    port = web_scale.free_port()
    env = web_scale.server_env(web_scale.database_url(args, args.db_name), args.db_name, port, 1)
    env["ZHUSAN_WARM_BLOCK_INDEX"] = "true"  # as in production: the worker builds it as it starts
    web_scale.collect_static(env)
    existing: list[dict[str, str]] = web_scale.bench_call(env, "registered_sample", args.seed, args.registrations + 1)
    user = web_scale.SignedIn(port, web_scale.bench_call(env, "make_sessions", 1)[0])
    rng = random.Random(args.seed)

    def person() -> dict[str, str]:
        # Half of them already in the registry (the same names, sex and year
        # of birth as a registered person: a returnee on an earlier list),
        # half new (a name of the sample queries, a year at random).
        fields = {"lawful_basis": "public_interest", "kind": "legal", "birth_precision": "year"}
        if rng.random() < 0.5:
            known = existing.pop()
            return fields | {
                **{part: str(known[part]) for part in ("script", "given", "patronymic", "family", "sex")},
                "birth_year": str(known["birth_year"]),
            }
        script = rng.choice(["arabic", "cyrillic"])
        given, _space, family = rng.choice(data[script]).partition(" ")
        fields |= {
            "script": script,
            "given": given,
            "family": family,
            "sex": rng.choice(["female", "male"]),
            "birth_year": str(rng.randint(1975, 2015)),
        }
        if script == "cyrillic":
            given, _space, family = rng.choice(data["latin"]).title().partition(" ")
            fields |= {"name2_script": "latin", "name2_given": given, "name2_family": family}
        return fields

    def form() -> dict[str, str]:
        _status, _location, html = user.request(FORM)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        unit = re.search(r'<select name="managing_unit"[^>]*>.*?<option value="([0-9a-f-]{36})"', html, re.S)
        if token is None or unit is None:
            raise SystemExit("the registration form did not come (signed in? may the bench user register?)")
        return {"csrfmiddlewaretoken": token.group(1), "managing_unit": unit.group(1)}

    def post(fields: dict[str, str]) -> tuple[float, int, str]:
        started = time.perf_counter()
        status, _location, html = user.request(FORM, form=fields, timeout=args.index_deadline)
        return (time.perf_counter() - started) * 1000, status, html

    def register() -> tuple[float, float | None]:
        """The post with the duplicate check, and the post "Register anyway" if it showed records."""
        fields = {**form(), **person()}
        checked, status, html = post(fields)
        if status == 302:
            return checked, None
        if CHECKED not in html:
            raise SystemExit(
                f"the form came back with errors ({status}): {re.findall(r'errorlist[^>]*>(.*?)</', html)}"
            )
        registered, status, _html = post({**fields, CHECKED: "1"})
        if status != 302:
            raise SystemExit(f"register anyway answered {status}")
        return checked, registered

    server = web_scale.start_server(env)
    # The task worker, as in production: after a registration it proposes the
    # duplicates and traces the family (the person's "slow" handlers). Left on
    # the queue, those tasks would run in the next benchmark's worker.
    worker = web_scale.start_worker(env)
    try:
        web_scale.wait_for_health(port)
        first, _ = register()
        checks, registrations = [], []
        for _n in range(args.registrations):
            checked, registered = register()
            checks.append(checked)
            if registered is not None:
                registrations.append(registered)
        last = time.monotonic()
        while (left := web_scale.bench_call(env, "tasks_waiting", 1)) and time.monotonic() - last < args.index_deadline:
            time.sleep(2)
        drained = time.monotonic() - last
    finally:
        web_scale.stop(server)
        web_scale.stop(worker)

    def line(step: str, times: list[float]) -> str:
        got = web_scale.summary(times)
        return f"{step:<34}{got['p50']:>8.1f}{got['p95']:>8.1f}{got['max']:>8.1f}"

    print(f"{'step':<34}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}   ({args.db_name}, one user, one worker)")
    print(f"{'first registration (index build)':<34}{first:>8.0f}")
    print(line("post with the duplicate check", checks))
    if registrations:
        print(line("post with register anyway", registrations))
    print(f"{len(registrations)} of {len(checks)} registrations met possible existing records")
    print(
        "the worker's tasks after the registrations (duplicate proposals, tracing): "
        + (f"{left} still waiting after {drained:.0f} s" if left else f"all done {drained:.0f} s after the last one")
        + " (its first one builds the block index in the worker)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
