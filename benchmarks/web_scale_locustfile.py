"""The users of ``benchmarks/web_scale.py``: staff signed in, searching, reading, listing, looking at figures.

Each simulated user holds its own session (password and TOTP verified, made by
the loader) and, after a think time of 0.5 to 1.5 s, does one of: search a name
in Cyrillic, Latin or Arabic (as typed from a document), open a person's page,
open a page of the person list, open the dashboard. A response counts as an
error unless it is a 200 of the page asked for (a redirect to sign in is one).

``BENCH_SAMPLES`` names a JSON file: sessions, persons (UUIDs) and queries per script.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

from locust import HttpUser, between, task

SAMPLES: dict[str, list[str]] = json.loads(open(os.environ["BENCH_SAMPLES"], encoding="utf-8").read())
_sessions = itertools.cycle(SAMPLES["sessions"])


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", next(_sessions))
        self.rng = random.Random()
        # A programme manager's day starts on the figures: every user opens the
        # dashboard once, so even a short run (CI's smoke run) measures every kind.
        # Users arrive over a think time, not all in the same millisecond (twenty
        # dashboards at once measure a queue the benchmark made, not the page).
        time.sleep(self.rng.uniform(0.0, 1.5))
        self.dashboard()

    def _get(self, url: str, kind: str, **params: Any) -> None:
        with self.client.get(url, params=params or None, name=kind, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} on {url}")
            elif "/accounts/login" in r.url:
                r.failure("sent to sign in")
            else:
                r.success()

    def _search(self, script: str) -> None:
        queries = SAMPLES[script] or SAMPLES["latin"]
        self._get("/persons/", f"search {script}", q=self.rng.choice(queries))

    @task(3)
    def search_cyrillic(self) -> None:
        self._search("cyrillic")

    @task(3)
    def search_latin(self) -> None:
        self._search("latin")

    @task(3)
    def search_arabic(self) -> None:
        self._search("arabic")

    @task(6)
    def person_page(self) -> None:
        self._get(f"/persons/{self.rng.choice(SAMPLES['persons'])}/", "person page")

    @task(3)
    def list_page(self) -> None:
        # The first page, a page further on, or the list by stage.
        choice = self.rng.random()
        if choice < 0.4:
            self._get("/persons/", "list page")
        elif choice < 0.7:
            self._get("/persons/", "list page", page=str(self.rng.randint(2, 20)))
        else:
            self._get(
                "/persons/", "list page", stage=self.rng.choice(["in_rehabilitation", "reintegrating", "cleared"])
            )

    @task(1)
    def dashboard(self) -> None:
        self._get("/reports/", "dashboard")
