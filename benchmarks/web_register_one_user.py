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
import http.cookiejar
import json
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_scale  # noqa: E402  (the bench database's settings and server)

CHECKED = "register_anyway"

# Tasks on the queue, not yet done.
WAITING = """
import django
django.setup()
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count())
"""

# Registered persons to register again: their legal name in Cyrillic or Arabic script, sex, year of birth.
SAMPLE = """
import json, random, sys, django
django.setup()
from zhusan.registry.models import PersonName
seed, count = int(sys.argv[1]), int(sys.argv[2])
names = PersonName.objects.filter(kind="legal", script__in=["cyrillic", "arabic"], person__birth_year__isnull=False)
top = names.order_by("-pk").values_list("pk", flat=True).first() or 0
rng, out = random.Random(seed), []
while len(out) < count and top:
    n = names.filter(pk__gte=rng.randint(1, top)).order_by("pk").select_related("person").first()
    if n is not None:
        out.append({"script": n.script, "given": n.given, "patronymic": n.patronymic, "family": n.family,
                    "sex": n.person.sex, "birth_year": n.person.birth_year})
print(json.dumps(out))
"""


def _percentiles(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"{statistics.median(times):>8.1f}{p95:>8.1f}{times[-1]:>8.1f}"


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
    subprocess.run(  # noqa: S603
        [str(web_scale.BIN / "zhusan"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=web_scale.ROOT
    )
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django, web_scale; django.setup(); print(web_scale.make_sessions(1)[0])"],
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parent)},
        cwd=web_scale.ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    sampled = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SAMPLE, str(args.seed), str(args.registrations + 1)],
        env=env,
        cwd=web_scale.ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    existing: list[dict[str, str]] = json.loads(sampled.stdout.strip().splitlines()[-1])
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            "sessionid",
            made.stdout.strip().splitlines()[-1],
            None,
            False,
            "127.0.0.1",
            False,
            False,
            "/",
            True,
            False,
            None,
            True,
            None,
            None,
            {},
        )
    )
    # Redirects are answers here (a registration ends in one), not followed.
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar),
        type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a, **k: None})(),
    )
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(args.seed)
    server = subprocess.Popen(  # noqa: S603
        [str(web_scale.BIN / "gunicorn"), "--config", str(web_scale.ROOT / "deploy" / "gunicorn.conf.py")],
        env=env,
        cwd=web_scale.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The task worker, as in production: after a registration it proposes the
    # duplicates and traces the family (the person's "slow" handlers). Left on
    # the queue, those tasks would run in the next benchmark's worker.
    worker = subprocess.Popen(  # noqa: S603
        [str(web_scale.BIN / "zhusan"), "worker", "--no-daily"],
        env=env,
        cwd=web_scale.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def waiting() -> int:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", WAITING], env=env, cwd=web_scale.ROOT, check=True, capture_output=True, text=True
        )
        return int(done.stdout.strip().splitlines()[-1])

    def form() -> dict[str, str]:
        with opener.open(f"{base}/persons/new/", timeout=60) as response:
            html = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        unit = re.search(r'<select name="managing_unit"[^>]*>.*?<option value="([0-9a-f-]{36})"', html, re.S)
        if token is None or unit is None:
            raise SystemExit("the registration form did not come (signed in? may the bench user register?)")
        return {"csrfmiddlewaretoken": token.group(1), "managing_unit": unit.group(1)}

    def person() -> dict[str, str]:
        # Half of them already in the registry (the same names, sex and year
        # of birth as a registered person: a returnee on an earlier list),
        # half new (a name of the sample queries, a year at random).
        if rng.random() < 0.5:
            known = existing.pop()
            return {
                "lawful_basis": "public_interest",
                "script": known["script"],
                "kind": "legal",
                "given": known["given"],
                "patronymic": known["patronymic"],
                "family": known["family"],
                "sex": known["sex"],
                "birth_precision": "year",
                "birth_year": str(known["birth_year"] or rng.randint(1975, 2015)),
            }
        arabic = rng.random() < 0.5
        given, family = (rng.choice(data["arabic"] if arabic else data["cyrillic"]).split(" ", 1) + [""])[:2]
        fields = {
            "lawful_basis": "public_interest",
            "script": "arabic" if arabic else "cyrillic",
            "kind": "legal",
            "given": given,
            "family": family,
            "sex": rng.choice(["female", "male"]),
            "birth_precision": "year",
            "birth_year": str(rng.randint(1975, 2015)),
        }
        if not arabic:
            latin = rng.choice(data["latin"]).title().split(" ", 1) + [""]
            fields |= {"name2_script": "latin", "name2_given": latin[0], "name2_family": latin[1]}
        return fields

    def post(fields: dict[str, str]) -> tuple[float, int, str]:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{base}/persons/new/", data=body, headers={"Referer": f"{base}/persons/new/"}
        )
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=args.index_deadline) as response:
                status, html = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:  # the 302 of a registration, not followed
            status, html = exc.code, ""
        return (time.perf_counter() - started) * 1000, status, html

    def register() -> tuple[float, float | None]:
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
        while (left := waiting()) and time.monotonic() - last < args.index_deadline:
            time.sleep(2)
        drained = time.monotonic() - last
    finally:
        web_scale.stop(server)
        web_scale.stop(worker)
    print(f"{'step':<34}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}   ({args.db_name}, one user, one worker)")
    print(f"{'first registration (index build)':<34}{first:>8.0f}")
    print(f"{'post with the duplicate check':<34}{_percentiles(checks)}")
    if registrations:
        print(f"{'post with register anyway':<34}{_percentiles(registrations)}")
    print(f"{len(registrations)} of {len(checks)} registrations met possible existing records")
    print(
        "the worker's tasks after the registrations (duplicate proposals, tracing): "
        + (f"{left} still waiting after {drained:.0f} s" if left else f"all done {drained:.0f} s after the last one")
        + " (its first one builds the block index in the worker)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
