"""A social worker refers a woman to a livelihood NGO (her consent for
sharing with NGOs is on file); the NGO's worker finds the referral on "My
work", accepts it and later completes it with feedback, which the social
worker reads on the referral."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from zhusan.accounts.models import OrganisationKind
from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import ConsentPurpose
from zhusan.reintegration.support.models import Referral, ReferralStatus

from ..dataprotection.sharing.agreements import agree
from ..factories import OrganisationFactory, UnitFactory, make_person, make_staff
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-referral"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_social_worker_refers_a_woman_to_a_livelihood_ngo_which_accepts_and_completes(page):
    services_org = OrganisationFactory(name="Mangystau Social Services", kind=OrganisationKind.SOCIAL_SERVICES)
    home = UnitFactory(organisation=services_org, name="Reintegration team")
    ngo = OrganisationFactory(name="Women at Work", kind=OrganisationKind.NGO)
    ngo_unit = UnitFactory(organisation=ngo, name="Aktau office")
    saule = make_staff(Role.SOCIAL_WORKER, home, username="saule")
    aigerim = make_staff(Role.SOCIAL_WORKER, ngo_unit, username="aigerim")
    consul = make_staff(Role.CONSULAR_OFFICER, home, username="consul")
    agree(ngo)  # the sharing gate: an agreement in force with the NGO
    woman = make_person(consul, given="Dana", family="Serikova", birth_year=1991)
    registry.consent_record(
        actor=Actor.system("tests", user=consul), person=woman, purpose=ConsentPurpose.SHARE_NGO,
        status="granted", given_by="self",
    )  # fmt: skip
    base = page.base_url

    # The social worker opens the woman's Support tab and refers her.
    page.goto(f"{base}/reintegration/support/persons/{woman.uuid}/")
    log_in(page, saule)
    page.wait_for_url(re.compile(r"/reintegration/support/persons/"))
    page.get_by_role("link", name="Refer to an agency or service").click()
    page.wait_for_url(re.compile(r"/refer/"))
    page.get_by_label("Kind of referral").select_option("livelihood")
    page.get_by_label("Receiving organisation").select_option(str(ngo.uuid))
    page.get_by_label("Reason for the referral").fill("Wants a tailoring course and a job in Aktau.")
    shot(page, "1-referral-form")
    page.click("#referral-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reintegration/support/referrals/[0-9a-f-]{36}/"))
    assert page.locator("#referral-status").inner_text() == "Waiting for an answer"
    shot(page, "2-referral-sent")

    # The NGO's worker finds it on "My work", accepts, then completes it.
    page.context.clear_cookies()
    page.goto(f"{base}/my-work/")
    log_in(page, aigerim)
    page.wait_for_url(re.compile(r"/my-work/"))
    panel = page.locator("section", has_text="Referrals waiting for your organisation's answer")
    assert woman.case_number in panel.inner_text()
    shot(page, "3-ngo-my-work")
    panel.get_by_role("link", name=re.compile(woman.case_number)).click()
    page.wait_for_url(re.compile(r"/reintegration/support/referrals/[0-9a-f-]{36}/"))
    assert "tailoring course" in page.content()
    page.get_by_label("Accept", exact=True).check()
    page.click("#answer-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#referral-status").inner_text() == "Accepted"
    page.get_by_label("Complete with feedback").check()
    page.get_by_label("Reason for declining, or feedback").fill("Completed the course; hired by a sewing workshop.")
    page.click("#answer-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#referral-status").inner_text() == "Completed"
    shot(page, "4-completed")

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.COMPLETED and referral.responded_by == aigerim

    # The social worker reads the feedback.
    page.context.clear_cookies()
    page.goto(f"{base}{referral.get_absolute_url()}")
    log_in(page, saule)
    page.wait_for_url(re.compile(rf"/referrals/{referral.uuid}/$"))
    assert "hired by a sewing workshop" in page.locator("#referral-feedback").inner_text()
    shot(page, "5-feedback-read")
    assert not [e for e in page.console_errors if not e.startswith("4")], page.console_errors
