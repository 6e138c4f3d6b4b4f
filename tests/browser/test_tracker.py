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

from zhusan.accounts.permissions import Role
from zhusan.tracker.aggregate import FILENAME

from ..conftest import chromium_or_skip
from ..factories import UnitFactory, make_person, make_staff
from ..reporting.conftest import _returned
from .conftest import CHROMIUM_ARGS
from .helpers import log_in

pytestmark = pytest.mark.browser

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


@pytest.mark.django_db(transaction=True)
def test_a_programme_manager_previews_the_aggregate_and_publishes_it_to_a_folder(page, settings, tmp_path):
    settings.ZHUSAN_PUBLISH_ROOT = str(tmp_path)
    unit = UnitFactory(name="West", region="Mangystau")
    manager = make_staff(Role.PROGRAMME_MANAGER, unit, username="pm")
    for _ in range(6):
        _returned(make_person(manager, sex="female", birth_year=1990), "2019-01-01", "2019-05-07")
    page.goto(f"{page.base_url}/tracker/publish/")
    log_in(page, manager)
    page.wait_for_url("**/tracker/publish/")
    preview = page.locator("#preview-table")
    assert preview.locator("thead code").first.inner_text() == "#country+code"
    assert preview.locator("tbody tr").count() == 1

    page.get_by_label("Name").fill("Public site")
    page.get_by_label("Folder on this server").check()
    page.get_by_label("Folder", exact=True).fill("site/kz")
    page.get_by_role("button", name="Save the target").click()
    page.get_by_role("button", name="Publish now to Public site").click()
    page.wait_for_selector(".messages")
    assert "Published 1 row to site/kz" in page.locator(".messages").inner_text()
    assert (tmp_path / "site" / "kz" / FILENAME).is_file()
    assert "Published" in page.locator("#recent-h + div table").inner_text()
    page.screenshot(path=str(SHOTS / "tracker-publish.png"), full_page=True)
