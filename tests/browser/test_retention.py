"""The data-protection officer reviews a retention batch (case numbers, kinds,
rules and counts; never content), approves it, watches it finish and
downloads the signed certificate of the deletion."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest

from zhusan.audit.services import verify_certificates, verify_chain
from zhusan.dataprotection import services as retention
from zhusan.registry.models import ProtectedNote

from ..dataprotection.retention_helpers import act, close_case, person_with_notes, world
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-retention"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_officer_approves_a_retention_batch_and_downloads_the_certificate(page):
    w = world()
    retention.rules_seed(actor=act(w["officer"]))
    person = person_with_notes(w, given="Aisha")
    close_case(w, person, date(2019, 3, 1))  # justice data: five years after closure
    batch = retention.file_due(actor=act(w["officer"]))
    assert batch is not None

    page.goto(page.base_url + "/data-protection/")
    log_in(page, w["officer"])
    page.wait_for_url(re.compile(r"/data-protection/$"))
    assert "wait for your approval" in page.content()
    shot(page, "1-home")

    page.get_by_role("link", name="Batches").click()
    page.get_by_role("link", name=batch.listed_on.strftime("%Y-%m-%d")).click()
    page.wait_for_url(re.compile(r"/batches/[0-9a-f-]{36}/$"))
    content = page.content()
    assert person.case_number in content and "Justice and security" in content
    assert "Court file" not in content and "Asthma" not in content
    shot(page, "2-batch-review")

    page.get_by_role("button", name="Approve the deletion").click()
    page.wait_for_selector("text=Batch approved")
    assert "Done" in page.content()
    shot(page, "3-approved")

    page.get_by_role("link", name="certificate").first.click()
    page.wait_for_selector("h1:has-text('Deletion certificate')")
    shot(page, "4-certificate")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the signed certificate (JSON)").click()
    document = json.loads(Path(info.value.path()).read_text())
    assert document["algorithm"] == "HMAC-SHA256" and document["certificate"]["case_number"] == person.case_number
    assert document["certificate"]["counts"] == {"registry.ProtectedNote": 1}

    assert list(ProtectedNote.objects.filter(person=person).values_list("compartment", flat=True)) == ["health"]
    assert verify_chain().ok and verify_certificates() == []
    assert page.console_errors == []
