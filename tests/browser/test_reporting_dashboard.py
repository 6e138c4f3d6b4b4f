"""An analyst logs in with a password and a TOTP code, filters the reporting
dashboard, and downloads the briefing PDF and an HXL export — in real Chromium."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from zhusan.accounts.permissions import Role
from zhusan.audit.models import Action, AuditEvent

from ..factories import letters, make_person, make_staff
from ..reporting.test_briefing import pdf_text
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_filters_the_dashboard_and_downloads_the_briefing_and_hxl(page, alice):
    for k in range(12):
        make_person(alice, sex="female" if k % 3 else "male", birth_year=1960 + 5 * k, given=f"Person{letters(k)}")
    analyst = make_staff(Role.ANALYST, alice.unit, username="dana")
    base = page.base_url

    page.goto(f"{base}/reports/")
    assert "/accounts/login/" in page.url
    log_in(page, analyst)
    page.wait_for_url(re.compile(r"/reports/"))
    assert "Persona" not in page.content()  # aggregates only

    page.select_option("select[name=sex]", "female")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"sex=female"))
    assert "sex=female" in (page.get_attribute("#briefing-pdf", "href") or "")

    with page.expect_download() as pdf_info:
        page.click("#briefing-pdf")
    pdf = Path(pdf_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Computed from the Zhusan registry records on" in text
    assert "Region: all regions. Sex: Female." in text
    assert "Counts from 1 to 4 are suppressed" in text
    assert "Persona" not in text

    with page.expect_download() as hxl_info:
        page.locator("a", has_text="HXL").first.click()
    assert hxl_info.value.suggested_filename.endswith("-hxl.csv")
    rows = list(csv.reader(io.StringIO(Path(hxl_info.value.path()).read_text(encoding="utf-8"))))
    # Notes and published totals sit above the hashtag row, where HXL tools skip them.
    tags = next(i for i, row in enumerate(rows) if row and row[0].startswith("#"))
    assert all(tag.startswith("#") for tag in rows[tags])
    assert rows[tags - 1] and not rows[tags - 1][0].startswith("#")  # the column headers above the tags
    assert any("sex female" in " ".join(row) for row in rows)  # the filter travelled with the link

    exports = AuditEvent.objects.filter(action=Action.EXPORT, actor_username="dana")
    assert {(e.object_type, e.object_ref) for e in exports} >= {("briefing", "pdf")}
    assert exports.filter(object_type="report", detail__format="hxl").exists()
    assert page.console_errors == []  # no CSP violations or script errors
