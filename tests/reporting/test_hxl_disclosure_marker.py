"""Every HXL export says, in a machine-readable row above its header, that its
figures passed disclosure control and with which threshold: the public tracker
(zhusan/tracker/sources.py) refuses a file without it."""

from __future__ import annotations

import csv
import io
from typing import Any

import hxl
import pytest
from django.test import Client

from zhusan.accounts.permissions import Role
from zhusan.reporting.exports import DISCLOSURE_MARKER, hxl_lines
from zhusan.reporting.indicators import compute

from ..factories import make_staff
from ..registry.helpers import login


@pytest.fixture
def analyst_client(client: Client, programme: dict[str, Any]) -> Client:
    return login(client, make_staff(Role.ANALYST, programme["west"], username="dana"))


def _marker(lines: list[list[str]]) -> list[str]:
    return next(line for line in lines if line and line[0] == DISCLOSURE_MARKER)


def test_the_hxl_export_carries_the_disclosure_marker_above_its_header(analyst_client: Client, settings) -> None:
    settings.ZHUSAN_DISCLOSURE_THRESHOLD = 10
    content = analyst_client.get("/reports/returnees.hxl?by=age_band,sex").content
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    marker = _marker(lines)
    tag_row = next(k for k, line in enumerate(lines) if line and line[0].startswith("#"))
    assert lines.index(marker) == tag_row - 2  # right above the header row
    assert marker[1:] == [
        "method=suppression+secondary+cellkey",
        "threshold=10",
        "noise=2",
        "rounding=0",
        "suppressed=x",
    ]
    # HXL tools still find the hashtag row and read no marker as data.
    dataset = hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True)).cache()
    assert str(dataset.columns[0]) == "#meta+age_band"
    assert all(row.values[0] != DISCLOSURE_MARKER for row in dataset)


def test_the_marker_says_when_counts_are_exact(programme: dict[str, Any], exact_counts: None) -> None:
    lines = hxl_lines(compute("persons", by=["region"]), synthetic=False, rule="rule")
    assert "noise=0" in _marker([[str(c) for c in line] for line in lines])
    assert "threshold=5" in _marker([[str(c) for c in line] for line in lines])
