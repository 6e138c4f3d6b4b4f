"""Task (a) of "Day one in the field": a consular officer registers a boy
found in al-Hol (Arabic name, birth year only, camp and section) with his
Latin passport spelling, links him to his kunya-named mother with the person
picker, then re-enters the Latin spelling "Yusuf Abdurrahman" and is warned
inline of the possible existing record. Real Chromium; screenshots of each
step in a temporary folder (their path is printed)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from zhusan.registry import services as registry
from zhusan.registry.models import LocationStay, NameKind, Person, RelationKind, Script

from ..factories import make_person
from ..operations.conftest import camp, consul, consular_unit  # noqa: F401
from .conftest import page  # noqa: F401 (the fixture)
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_boy(page, *, given, patronymic, latin=None):  # noqa: F811
    page.select_option("select[name=lawful_basis]", "public_interest")
    page.fill("input[name=given]", given)
    page.fill("input[name=patronymic]", patronymic)
    if latin:
        page.fill("input[name=name2_given]", latin[0])
        page.fill("input[name=name2_patronymic]", latin[1])
    page.select_option("select[name=sex]", "male")
    page.select_option("select[name=birth_precision]", "year")
    page.fill("input[name=birth_year]", "2016")


def test_the_boy_is_registered_linked_to_his_mother_and_found_again(page, consul, camp):  # noqa: F811
    mother = make_person(
        consul,
        given="Zarina",
        family="Abdullayeva",
        birth_year=1992,
        extra_names=[registry.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Yusuf")],
    )
    base = page.base_url
    shots = Path(tempfile.mkdtemp(prefix="day-one-registration-"))
    print(f"screenshots: {shots}")

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    # 1. Register the boy: Arabic legal name, Latin passport spelling, birth
    #    year only, the camp and its section, in one form.
    page.goto(f"{base}/persons/new/")
    log_in(page, consul)
    page.wait_for_url(re.compile(r"/persons/new/"))
    _fill_boy(page, given="يوسف", patronymic="عبد الرحمن", latin=("Yusuf", "Abdurrahman"))
    page.select_option("select[name=site]", label="Al-Hol")
    page.fill("input[name=section]", "Annex, phase 5")
    shot("1-registration-form")
    page.click("form.form .form-actions button[type=submit]:not([name])")
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    shot("2-registered")
    boy = Person.objects.exclude(pk=mother.pk).get()
    assert {(n.script, n.given) for n in boy.names.all()} == {(Script.ARABIC, "يوسف"), (Script.LATIN, "Yusuf")}
    stay = LocationStay.objects.get(person=boy)
    assert (stay.site, stay.section) == (camp, "Annex, phase 5")

    # 2. Link him to his mother, found by her kunya with the picker.
    page.goto(f"{base}/persons/{boy.uuid}/family/add/")
    page.fill("input[name=find]", "umm yusuf")
    page.click("button[name=action][value=find]")
    option = page.locator(f"input[name=other][value='{mother.uuid}']")
    option.wait_for()
    shot("3-picker-matches")
    option.check()
    page.select_option("select[name=kind]", RelationKind.MOTHER)
    page.click("form.form > .form-actions button[type=submit]")
    page.wait_for_url(re.compile(rf"/persons/{boy.uuid}/family/$"))
    shot("4-family")
    assert boy.relations_in.get().from_person == mother
    assert "Zarina Abdullayeva" in page.content()

    # 3. Re-enter him by his Latin spelling only: the warning is inline.
    page.goto(f"{base}/persons/new/")
    _fill_boy(page, given="Yusuf", patronymic="Abdurrahman")
    page.click("form.form .form-actions button[type=submit]:not([name])")
    warning = page.locator(".likely-existing")
    warning.wait_for()
    shot("5-possible-existing-record")
    assert "Possible existing record" in warning.inner_text()
    assert warning.locator(f"a[href='/persons/{boy.uuid}/']").count() == 1
    assert page.url.endswith("/persons/new/")
    assert Person.objects.count() == 2
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]
