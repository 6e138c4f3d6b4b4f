"""The public tracker built from the shipped example data and opened from
files (file://) in Chromium: Kazakhstan's 2019 total reads 595, the language
switcher leads to the Arabic page, laid out right to left."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from ..conftest import chromium_or_skip
from .conftest import CHROMIUM_ARGS

SHOTS = Path(os.environ.get("ZHUSAN_SCREENSHOTS", tempfile.gettempdir()))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    call_command("tracker", "build", "-o", str(out))
    return out


@pytest.fixture
def file_page() -> Iterator[object]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.console_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()


def test_the_built_site_opened_from_files_reads_kazakhstans_2019_total_and_switches_language(site, file_page):
    page = file_page
    page.goto((site / "index.html").as_uri())
    page.wait_for_url("**/en/index.html")
    page.get_by_role("link", name="Kazakhstan").first.click()
    page.wait_for_url("**/en/KZ.html")
    row = page.locator('tr[data-kind="total"][data-year="2019"]')
    assert row.locator("th").inner_text() == "2019 total"
    assert row.locator("td.total").inner_text() == "595"
    assert page.locator("svg.chart").count() == 2
    page.screenshot(path=str(SHOTS / "tracker-kz-en.png"), full_page=True)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربية").click()
    page.wait_for_url("**/ar/KZ.html")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator('tr[data-kind="total"][data-year="2019"] td.total').inner_text() == "595"
    # Right to left: the table's first column (the figure's name) sits on the right.
    heading = page.locator('tr[data-kind="total"][data-year="2019"] th').bounding_box()
    total = page.locator('tr[data-kind="total"][data-year="2019"] td.total').bounding_box()
    assert heading["x"] > total["x"]
    page.screenshot(path=str(SHOTS / "tracker-kz-ar.png"), full_page=True)
    assert page.console_errors == []
