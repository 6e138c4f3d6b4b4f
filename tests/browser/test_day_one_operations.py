"""Task (c) of "Day one in the field": a consular officer puts a boy found
in al-Hol on a planned flight with his mother; boarding him is refused while
she is held; she boards, both arrive, and the boy's current location is the
rehabilitation centre (the person page's Locations tab). Real Chromium;
screenshots of each step in a temporary folder (their path is printed)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhusan.operations import services
from zhusan.operations.models import EntryStatus, ManifestEntry, MovementStatus, OperationStatus
from zhusan.registry import services as registry
from zhusan.registry.models import (
    AssentChoice,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    EstablishedBy,
    NameKind,
    RelationKind,
    Script,
    SiteKind,
    Stage,
)

from ..factories import make_person
from ..operations.conftest import camp, centre, consul, consular_unit, liaison, movement, operation  # noqa: F401
from ..operations.helpers import act, clear_fully
from .conftest import page  # noqa: F401 (the fixture)
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _family_in_the_camp(consul, camp):  # noqa: F811
    mother = make_person(consul, given="Zarina", family="Abdullayeva", birth_year=1992)
    boy = make_person(
        consul,
        given="يوسف",
        family="عبد الرحمن",
        script=Script.ARABIC,
        sex="male",
        birth_year=2017,
        extra_names=[
            registry.NameInput(script=Script.LATIN, kind=NameKind.TRANSLITERATION, given="Yusuf", family="Abdurrahman")
        ],  # fmt: skip
    )
    registry.relationship_add(
        actor=act(consul), from_person=mother, to_person=boy, kind=RelationKind.MOTHER,
        established_by=EstablishedBy.DECLARED,
    )  # fmt: skip
    for person in (mother, boy):
        registry.stay_add(actor=act(consul), person=person, kind=SiteKind.CAMP, site=camp, section="Annex, phase 5")
    registry.consent_record(
        actor=act(consul), person=mother, purpose=ConsentPurpose.RETURN, status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.SELF,
    )  # fmt: skip
    registry.consent_record(
        actor=act(consul), person=boy, purpose=ConsentPurpose.RETURN, status=ConsentStatus.GRANTED,
        given_by=ConsentGiver.PARENT, given_by_person=mother,
    )  # fmt: skip
    registry.assent_record(actor=act(consul), person=boy, purpose=ConsentPurpose.RETURN, assent=AssentChoice.AGREES)
    return mother, boy


def test_the_boy_boards_and_arrives_only_with_his_mother(page, consul, liaison, camp, movement):  # noqa: F811
    mother, boy = _family_in_the_camp(consul, camp)
    shots = Path(tempfile.mkdtemp(prefix="day-one-operations-"))
    print(f"screenshots: {shots}")
    base = page.base_url

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    def add(query: str) -> None:
        page.fill("#find-person-form input[name=find]", query)
        page.click("#find-person-form button[type=submit]")
        page.click("#add-person-form button[type=submit]")
        page.wait_for_load_state()

    def move(to: str, reason: str = "") -> None:
        page.select_option("#advance-form select[name=to_status]", to)
        if reason:
            page.fill("#advance-form input[name=reason]", reason)
        page.click("#advance-form button[type=submit]")
        page.wait_for_load_state()

    page.goto(f"{base}/operations/movements/{movement.uuid}/")
    log_in(page, consul)
    page.wait_for_url(re.compile(r"/operations/movements/"))

    # The boy alone is refused: the refusal names his mother.
    add("Yusuf Abdurrahman")
    assert "Zarina Abdullayeva" in page.locator(".messages").inner_text()
    shot("1-boy-alone-refused")
    add(mother.case_number)
    add("Yusuf Abdurrahman")
    expect(page.locator("table.manifest tbody tr")).to_have_count(2)  # waits for the page the last add loads
    shot("2-both-on-the-manifest")

    # Checklists complete (consents recorded, items ticked, security cleared), both cleared.
    for person in (mother, boy):
        entry = ManifestEntry.objects.get(person=person)
        clear_fully(consul, liaison, entry)
        for status in (EntryStatus.VERIFIED, EntryStatus.CLEARED):
            entry.refresh_from_db()
            services.entry_advance(actor=act(consul), entry=entry, to_status=status, expected_version=entry.version)
    mother_entry, boy_entry = (ManifestEntry.objects.get(person=p) for p in (mother, boy))

    # The mother is held; the boy cannot board.
    page.goto(f"{base}{mother_entry.get_absolute_url()}")
    move("held", "Second interview pending")
    assert page.locator(".entry-status").inner_text() == "Held"
    page.goto(f"{base}{boy_entry.get_absolute_url()}")
    assert "is held (Second interview pending)" in page.locator("#family-rule").inner_text()
    move("boarded")
    refusal = page.locator(".messages").inner_text()
    assert "cannot board before a carer" in refusal and mother.case_number in refusal
    assert page.locator(".entry-status").inner_text() == "Cleared"
    shot("3-boy-refused-while-mother-held")

    # She is cleared again and boards; then he boards.
    page.goto(f"{base}{mother_entry.get_absolute_url()}")
    move("cleared")
    move("boarded")
    assert page.locator(".entry-status").inner_text() == "Boarded"
    page.goto(f"{base}{boy_entry.get_absolute_url()}")
    move("boarded")
    assert page.locator(".entry-status").inner_text() == "Boarded"
    shot("4-boy-boarded")

    # The flight leaves (the operation is approved first).
    page.goto(f"{base}{movement.operation.get_absolute_url()}")
    page.select_option("select[name=status]", OperationStatus.APPROVED)
    page.click("form[action$='/edit/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/operations/movements/{movement.uuid}/")
    page.select_option("#movement-status-form select[name=status]", MovementStatus.UNDER_WAY)
    page.click("#movement-status-form button[type=submit]")
    page.wait_for_load_state()

    # Both arrive at the centre, mother first; custody is not offered for the boy.
    for entry in (mother_entry, boy_entry):
        page.goto(f"{base}{entry.get_absolute_url()}")
        options = page.locator("#arrival-form select[name=placement] option").all_inner_texts()
        assert ("Custody" in options) == (entry == mother_entry)
        page.select_option("#arrival-form select[name=placement]", "rehabilitation_centre")
        page.click("#arrival-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".entry-status").inner_text() == "Arrived"
    shot("5-boy-arrived")
    movement.refresh_from_db()
    assert movement.status == MovementStatus.ARRIVED

    # His location is now the centre; the camp stay is closed.
    page.goto(f"{base}/persons/{boy.uuid}/locations/")
    current = page.locator("tr", has=page.locator("strong", has_text="current"))
    assert current.count() == 1
    assert "Aktau rehabilitation centre" in current.inner_text()
    shot("6-boy-locations-tab")
    boy.refresh_from_db()
    assert boy.stage == Stage.IN_REHABILITATION
    assert page.console_errors == []
