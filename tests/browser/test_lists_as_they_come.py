"""Lists as they come (issue 17), as a reviewer works with them in the browser.

A camp list in Latin script, with an alias column where the clerk wrote the
kunya, ages instead of dates and no id column anyone mapped, is linked to the
Cyrillic registry from the linkage page: the job reads its columns as
``zhusan link`` does, links the woman known by her kunya and her age, and
sends the woman with two namesakes in the registry to review with both
candidates. The same kind of list, with one person written twice, is
deduplicated on the dedupe page."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest

from zhusan.matching.models import LinkageJob, LinkageStatus
from zhusan.registry import services as registry
from zhusan.registry.models import NameKind, Script

from ..factories import make_person
from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "zhusan-lists-as-they-come"

CAMP_LIST = """No,Family name,Given name,Alias,Sex,Age
C1,Serikova,Zhanar,Umm Abdullah,F,29
C2,Ivanova,Mariyam,,F,27
"""
REPEATED_LIST = """No,Family name,Given name,Alias,Sex,Year of birth
D1,Serikova,Zhanar,Umm Abdullah,F,1990
D2,Nurlanova,Dana,,F,1985
D3,Серикова,Жанар,,F,1990
"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_camp_list_with_kunyas_and_ages_is_linked_its_namesakes_reviewed_and_a_list_deduplicated(
    page, alice, tmp_path
):
    kunya = registry.NameInput(script=Script.LATIN, kind=NameKind.KUNYA, given="Umm Abdullah")
    zhanar = make_person(
        alice, given="Жанар", family="Серикова", script=Script.CYRILLIC, birth_year=1990, extra_names=[kunya]
    )
    for _ in range(2):
        make_person(alice, given="Мариям", family="Иванова", script=Script.CYRILLIC, birth_year=1992)
    base = page.base_url

    # The reviewer uploads the camp list as it came, saying the day the ages were stated.
    page.goto(f"{base}/matching/linkage/")
    log_in(page, alice)
    page.wait_for_url(re.compile(r"/matching/linkage/"))
    page.check("input[name=mode][value=registry]")
    page.set_input_files("input[name=left]", upload(tmp_path, "camp.csv", CAMP_LIST))
    page.fill("input[name=ages_stated_on]", "2019-05-07")
    shot(page, "1-linkage-form")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/matching/linkage/[0-9a-f-]{36}/"))
    job = LinkageJob.objects.get()
    assert job.status == LinkageStatus.DONE, job.error
    shot(page, "2-linkage-done")
    assert page.locator("a", has_text="Records to review").count() == 1

    # The pairs file links the woman known by her kunya and age, to her registry record.
    with page.expect_download() as download:
        page.click("a.button")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    linked = [r for r in rows if r["decision"] == "linked"]
    assert [(r["left_id"], r["right_id"]) for r in linked] == [("C1", zhanar.case_number)]

    # The woman with two namesakes in the registry waits for a person to decide.
    page.click("a:has-text('Records to review')")
    page.wait_for_url(re.compile(r"/review/"))
    shot(page, "3-records-to-review")
    body = page.inner_text("main")
    assert "Mariyam" in body and "C2" in body
    assert body.count("Иванова") >= 2  # both candidates are shown
    assert "Serikova" not in body  # the linked woman is not sent to review

    # A list with one person written twice, in two scripts, is deduplicated.
    page.goto(f"{base}/matching/dedupe/")
    page.set_input_files("input[name=upload]", upload(tmp_path, "repeated.csv", REPEATED_LIST))
    page.click("button[name=action][value=show]")
    page.wait_for_selector("#clusters-heading")
    shot(page, "4-dedupe-clusters")
    status = page.inner_text("[role=status]")
    assert "1 person listed more than once (2 of 3 rows)" in status
    table = page.inner_text("section[aria-labelledby=clusters-heading]")
    assert "D1" in table and "D3" in table and "D2" not in table
    assert not [e for e in page.console_errors if not e.startswith("404")], page.console_errors
