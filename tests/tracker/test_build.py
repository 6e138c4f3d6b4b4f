"""`zhusan tracker build`: the site from the shipped example data, and the
deployment aggregates it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from zhusan.tracker.site import LANGUAGES
from zhusan.tracker.sources import load_curated

from .hxl_samples import good_aggregate, write


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    call_command("tracker", "build", "-o", str(out))
    return out


def _total_2019_kz(html: str) -> str:
    row = re.search(r'<tr data-country="KZ" data-kind="total" data-year="2019".*?</tr>', html, re.S)
    assert row is not None
    cell = re.search(r'<td class="num total">([^<]*)</td>', row.group(0))
    assert cell is not None
    return cell.group(1)


def test_the_site_is_built_in_four_languages_from_the_shipped_figures(site: Path) -> None:
    for code, _name in LANGUAGES:
        for page in ("index.html", "KZ.html", "UZ.html", "TJ.html", "XK.html", "IQ.html"):
            assert (site / code / page).is_file(), f"{code}/{page}"
    assert (site / "index.html").is_file() and (site / "style.css").is_file()


def test_kazakhstans_2019_total_reads_595_on_its_page_and_in_the_overview(site: Path) -> None:
    assert _total_2019_kz((site / "en" / "KZ.html").read_text()) == "595"
    assert _total_2019_kz((site / "en" / "index.html").read_text()) == "595"
    assert _total_2019_kz((site / "ar" / "KZ.html").read_text()) == "595"


def test_the_arabic_pages_are_right_to_left_and_the_others_left_to_right(site: Path) -> None:
    assert '<html lang="ar" dir="rtl">' in (site / "ar" / "KZ.html").read_text()
    assert '<html lang="ar" dir="rtl">' in (site / "ar" / "index.html").read_text()
    assert '<html lang="ru" dir="ltr">' in (site / "ru" / "KZ.html").read_text()
    assert '<html lang="kk" dir="ltr">' in (site / "kk" / "index.html").read_text()


def test_every_page_links_to_the_same_page_in_the_other_languages(site: Path) -> None:
    html = (site / "kk" / "UZ.html").read_text()
    for code in ("en", "ru", "ar"):
        assert f'href="../{code}/UZ.html"' in html
    assert 'href="../kk/UZ.html" lang="kk" hreflang="kk" aria-current="page"' in html


def test_the_site_has_charts_sources_and_no_script(site: Path) -> None:
    for path in site.rglob("*.html"):
        assert "<script" not in path.read_text()
    kz = (site / "en" / "KZ.html").read_text()
    assert kz.count('<svg class="chart"') == 2
    assert "Seed document: public reporting on Kazakhstan" in kz
    assert 'href="#source-1"' in kz


def test_a_figure_the_domain_reference_does_not_give_reads_unknown(site: Path) -> None:
    tj = (site / "en" / "TJ.html").read_text()
    assert "No figure published" in tj and "unknown" in tj
    row = re.search(r'<tr data-country="TJ".*?</tr>', tj, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num \w+">([^<]*)</td>', row.group(0))
    assert cells == ["unknown"] * 6


def test_the_shipped_figures_are_those_of_the_domain_reference() -> None:
    figures = {(f.country, f.label): f for f in load_curated()}
    kz = figures[("KZ", "2019 total")]
    assert (kz.count("total"), kz.count("men"), kz.count("women"), kz.count("children"), kz.count("orphans")) == (
        595,
        33,
        156,
        406,
        31,
    )
    assert figures[("XK", "Kosovo repatriation")].count("total") == 110
    assert figures[("UZ", "Mehr-1")].count("women") == 48
    assert figures[("IQ", "Iraqi women and children in the camps")].count("remaining") == 30972
    # The parts of the 2019 total add up to it.
    parts = [f for f in figures.values() if f.part_of == "2019 total" and f.kind == "operation"]
    assert sum(int(f.count("total") or 0) for f in parts) == 595
    assert all(f.source.title for f in figures.values())


def test_a_deployment_aggregate_is_added_to_its_countrys_page(tmp_path: Path) -> None:
    source = write(tmp_path / "kz.csv", good_aggregate())
    out = tmp_path / "site"
    call_command("tracker", "build", str(source), "-o", str(out))
    html = (out / "en" / "KZ.html").read_text()
    assert "Zhusan-6" in html and "Published by the programme after disclosure control" in html
    assert '<td class="num total">40</td>' in html
    assert '<td class="num women">suppressed</td>' in html
