"""A social worker places an orphan with her grandmother (home visit,
best-interests assessment, guardianship order), enrols her in school and
downloads the letter to the school, which says nothing of her past."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import RecordType, Script
from zhusan.reintegration import letters
from zhusan.reintegration.models import Enrolment, GuardianshipOrder, Placement

from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from ..reporting.test_briefing import pdf_text
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-reintegration-placement"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_social_worker_places_an_orphan_with_her_grandmother_enrols_her_and_downloads_the_school_letter(page):
    today = timezone.localdate()
    org = OrganisationFactory(name="Mangystau Regional Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    unit = UnitFactory(organisation=org, name="Family support", region="Mangystau")
    consul = make_staff(Role.CONSULAR_OFFICER, unit, username="aliya")
    worker = make_staff(Role.SOCIAL_WORKER, unit, username="saule")
    worker.first_name, worker.last_name = "Saule", "Bekova"
    worker.save()
    girl = make_person(consul, given="Айша", family="Нурланова", script=Script.CYRILLIC, birth_year=today.year - 9,
                       vulnerabilities=["orphan"])  # fmt: skip
    granny = make_person(consul, given="Гүлнар", family="Нурланова", script=Script.CYRILLIC, birth_year=1961,
                         record_type=RecordType.RELATIVE, stage=None)  # fmt: skip
    registry.relationship_add(
        actor=Actor.system("tests", user=consul), from_person=granny, to_person=girl, kind="grandparent",
        established_by="dna_kinship",
    )  # fmt: skip
    base = page.base_url

    page.goto(f"{base}/reintegration/persons/{girl.uuid}/")
    log_in(page, worker)
    page.wait_for_url(re.compile(r"/reintegration/persons/"))
    shot(page, "1-tab-empty")

    # The home visit to the grandmother's household.
    page.click("text=Record a home visit")
    page.select_option("select[name=carer]", str(granny.uuid))
    page.select_option("select[name=outcome]", "suitable")
    page.fill("textarea[name=notes]", "Two rooms, the grandmother's sister helps; a school two streets away.")
    shot(page, "2-home-visit")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/reintegration/persons/[0-9a-f-]{36}/$"))

    # The placement, first without the assessment: refused, nothing saved.
    page.click("text=Place the child")
    page.select_option("select[name=kind]", "relatives")
    page.select_option("select[name=carer]", str(granny.uuid))
    page.select_option("select[name=carer_relation]", "grandparent")
    page.fill("input[name=address]", "Aktau, microdistrict Nursat, building B, flat C")
    page.fill("input[name=next_review_on]", (today + timedelta(days=90)).isoformat())
    page.select_option("select[name=childs_assent]", "agrees")
    page.fill("textarea[name=childs_views]", "Wants to live with her grandmother.")
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".form-errors")
    assert "best-interests assessment" in page.inner_text("body")
    assert not Placement.objects.exists()
    shot(page, "3-placement-refused")

    page.fill("input[name=bi_assessed_on]", today.isoformat())
    page.fill("textarea[name=bi_recommendation]", "Kinship care with the grandmother; visits monthly at first.")
    page.fill("textarea[name=bi_childs_views]", "Wants to live with her grandmother and go to school.")
    page.fill("input[name=guardianship_authority]", "Aktau city guardianship authority")
    page.fill("input[name=guardianship_reference]", "GO-AKT-ABC")
    page.fill("input[name=guardianship_issued_on]", today.isoformat())
    page.fill("input[name=guardianship_next_review_on]", (today + timedelta(days=365)).isoformat())
    shot(page, "4-placement-form")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/reintegration/persons/[0-9a-f-]{36}/$"))
    placement = Placement.objects.get()
    assert placement.carer == granny and placement.best_interests.purpose == "placement"
    assert GuardianshipOrder.objects.get().reference == "GO-AKT-ABC"
    assert "GO-AKT-ABC" in page.inner_text("body")

    # School.
    page.click("text=Enrol in school or kindergarten")
    page.select_option("select[name=level]", "school")
    page.fill("input[name=school]", "Aktau school of microdistrict Nursat")
    page.select_option("select[name=school_language]", "kk")
    page.fill("input[name=grade]", "3")
    page.fill("input[name=started_on]", today.isoformat())
    page.fill("input[name=support_contact]", "Saule Bekova, +7 701 555 0141")
    page.check("input[name=catch_up_support]")
    shot(page, "5-enrolment")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/reintegration/persons/[0-9a-f-]{36}/$"))
    assert Enrolment.objects.get().school_language == "kk"
    shot(page, "6-tab-filled")

    # The letter to the school, in Kazakh.
    with page.expect_download() as download_info:
        page.click("text=Letter to the school")
    path = download_info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Айша" in text and "Saule Bekova" in text
    assert letters.forbidden_in(text) == []
    (SHOTS / "school-letter.pdf").write_bytes(data)
    assert not [e for e in page.console_errors if not e.startswith("200")]
