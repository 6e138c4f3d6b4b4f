"""A case manager prepares an export of chosen fields of her cases, follows
it to its page and downloads the encrypted archive under a passphrase typed
there, in real Chromium; the archive opens only with the passphrase."""

from __future__ import annotations

import re
from pathlib import Path

import py7zr
import pytest

from zhusan.audit.models import Action, AuditEvent
from zhusan.registry.models import Script
from zhusan.reporting import case_exports
from zhusan.reporting.case_exports import run_case_export
from zhusan.reporting.models import CaseExport

from ..factories import make_person
from ..reporting.test_case_exports import PASSPHRASE, csv_rows, open_archive
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_prepares_and_downloads_an_encrypted_archive_of_chosen_fields(page, alice):
    aisha = make_person(alice, given="Айша", family="Жүсіпова", script=Script.CYRILLIC, birth_year=1990)
    base = page.base_url

    page.goto(f"{base}/reports/cases/export/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/reports/cases/export/"))
    assert page.locator("input[name=passphrase]").count() == 0  # asked at the download

    page.check("input[name=columns][value=case_number]")
    page.check("input[name=columns][value=name]")
    page.check("input[name=fmt][value=csv]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/reports/cases/export/\?job="))
    # The live server's tasks run at once (ZHUSAN_TASKS=immediate): the file is ready.
    assert "Ready to download" in page.content()

    page.fill("input[name=passphrase]", PASSPHRASE)
    page.fill("input[name=passphrase_confirm]", "not the same passphrase")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()  # the refusal's page, loaded
    assert "The two passphrases do not match." in page.content()
    assert PASSPHRASE not in page.content()  # never written back into the page

    page.fill("input[name=passphrase]", PASSPHRASE)
    page.fill("input[name=passphrase_confirm]", PASSPHRASE)
    with page.expect_download() as info:
        page.locator("main form button[type=submit]").last.click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(".7z")
    with pytest.raises(py7zr.exceptions.PasswordRequired):
        py7zr.SevenZipFile(info.value.path(), "r")
    rows = csv_rows(open_archive(data))
    assert rows[0] == ["Case number", "Name"]
    assert rows[1] == [aisha.case_number, "Айша Жүсіпова"]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="case_export", actor_username="alice").exists()

    job_url = page.url
    page.goto(f"{base}/reports/cases/export/")
    assert "Downloaded" in page.locator("main table").inner_text()
    # The refused download form came back as 400 Bad Request (Chromium logs that too);
    # nothing else failed: no CSP violation, no script error.
    assert sorted(page.console_errors) == sorted(
        [
            f"400 {job_url}",
            "Failed to load resource: the server responded with a status of 400 (Bad Request)",
        ]
    )


def test_the_page_of_an_export_being_prepared_follows_it_until_it_is_ready(page, alice, monkeypatch):
    make_person(alice, given="Aisha", family="Nurlanova")
    monkeypatch.setattr(case_exports, "_enqueue", lambda job: None)  # as before a worker takes it
    base = page.base_url
    page.goto(f"{base}/reports/cases/export/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/reports/cases/export/"))
    page.check("input[name=columns][value=case_number]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"\?job="))
    assert "Waiting for a worker" in page.locator("[role=status]").inner_text()
    job = CaseExport.objects.get()
    run_case_export(str(job.uuid), "t-1")  # the worker prepares it; the page reloads by itself
    page.locator("input[name=passphrase]").wait_for(timeout=15000)
    assert "Ready to download" in page.locator("[role=status]").inner_text()
    assert page.console_errors == []
