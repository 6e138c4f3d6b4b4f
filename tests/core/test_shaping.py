"""PDF text: Arabic is shaped right to left only where it appears, and text is
wrapped to a width as measured in the font."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from zhusan.core.fonts import FONT, FONT_REGULAR, missing_fonts
from zhusan.core.shaping import is_rtl, needs_shaping, shape_for, wrap

pytestmark = pytest.mark.skipif(bool(missing_fonts()), reason="fonts-dejavu-core is not installed")


@pytest.fixture
def pdf() -> FPDF:
    document = FPDF()
    document.add_font(FONT, "", str(FONT_REGULAR))
    document.add_page()
    document.set_font(FONT, "", 9)
    return document


def test_arabic_needs_shaping_and_runs_right_to_left() -> None:
    assert needs_shaping("أم زيد") and is_rtl("أم زيد")
    assert is_rtl("٢٠١٩ يوسف")  # digits are weak: the first letter decides


def test_latin_and_cyrillic_need_no_shaping_and_run_left_to_right() -> None:
    assert not needs_shaping("Айгерім Aisha") and not is_rtl("Айгерім Aisha")
    assert not is_rtl("2019-05-01")


def test_shaping_is_on_only_for_text_that_needs_it(pdf: FPDF) -> None:
    shape_for(pdf, "يوسف")
    assert pdf.text_shaping is not None
    shape_for(pdf, "Yusuf")
    assert pdf.text_shaping is None


@pytest.mark.parametrize(
    "text",
    [
        "Umm Zayd al-Kazakhiya bint Abd al-Rahman",
        "أم زيد الكازاخية بنت عبد الرحمن",
        "Айгерім Нұрсұлтанқызы Жүсіпова",
        "LP-2019-000000000000000000000042",
    ],
)
def test_every_wrapped_line_fits_and_nothing_is_lost(pdf: FPDF, text: str) -> None:
    lines = wrap(pdf, text, 20)

    assert len(lines) > 1
    assert all(pdf.get_string_width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_text_that_fits_stays_one_line(pdf: FPDF) -> None:
    assert wrap(pdf, "Aisha", 50) == ["Aisha"]
    assert wrap(pdf, "", 50) == [""]
