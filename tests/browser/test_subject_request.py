"""A guardian asks for a copy of her son's record: the case manager registers
the request from the person page and records the identity check; the
data-protection officer decides; the copy is prepared by a task and
downloaded as a PDF in Russian."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pypdf
import pytest
from django.utils import translation

from zhusan.accounts.permissions import Compartment, Role
from zhusan.audit.models import Action, AuditEvent, ObjectType
from zhusan.audit.services import Actor
from zhusan.registry import services as registry

from ..factories import make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-subject-request"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_guardians_copy_request_is_answered_with_a_pdf_in_russian(page, alice, bob):
    child = make_person(alice, given="Timur", family="Abenov", sex="male", birth_year=2013)
    registry.protected_note_add(
        actor=Actor.system("tests", user=bob), person=child, compartment="psychosocial", body="Sleeps better now"
    )
    officer = make_staff(Role.DATA_PROTECTION_OFFICER, alice.unit, username="olga")
    base = page.base_url

    page.goto(f"{base}/data-protection/rights/person/{child.uuid}/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/person/"))
    page.click("text=Register a request")
    page.select_option("select[name=kind]", "copy")
    page.select_option("select[name=requester_kind]", "guardian")
    page.fill("input[name=requester_name]", "Gulnara Abenova")
    page.fill("input[name=requester_relation]", "mother")
    page.select_option("select[name=answer_language]", "ru")
    shot(page, "1-register")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/"))
    assert "30 days left" in page.inner_text("#deadline")
    page.select_option("select[name=method]", "guardianship_papers")
    page.fill("input[name=document]", "ID card and guardianship order")
    shot(page, "2-identity")
    page.click("text=Record the identity check")
    page.wait_for_selector("text=The identity check is recorded.")
    request_url = page.url

    page.context.clear_cookies()
    page.goto(request_url)
    log_in(page, officer)
    page.wait_for_url(re.compile(r"/requests/"))
    page.select_option("select[name=decision]", "granted")
    page.fill("textarea[name=reason]", "The mother receives a copy of the whole record the law allows.")
    shot(page, "3-decide")
    page.click("text=Record the decision")
    page.wait_for_selector("text=Download the PDF")
    assert "Ready to download" in page.inner_text("#copy-status")
    shot(page, "4-ready")
    with page.expect_download() as info:
        page.click("text=Download the PDF")
    download = info.value
    content = Path(download.path()).read_bytes()
    assert download.suggested_filename == f"{child.case_number}-copy.pdf"
    assert content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    with translation.override("ru"):
        russian = [str(Compartment.IDENTITY.label), str(Compartment.PSYCHOSOCIAL.label)]
    assert all(label in text for label in russian), text[:300]
    assert "Sleeps better now" in text
    assert AuditEvent.objects.filter(object_type=ObjectType.SUBJECT_COPY, action=Action.EXPORT).count() == 1
    page.reload()
    shot(page, "5-downloaded")
    assert "Download the PDF" not in page.content()
