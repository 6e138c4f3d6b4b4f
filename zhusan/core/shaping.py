"""Text in PDFs: Arabic shaped and right to left, and text fitted to a width.

fpdf2 sets text with HarfBuzz (``uharfbuzz``) once shaping is on: Arabic
letters take their joined forms, each paragraph gets its direction from its
first strong letter (Unicode bidi), so an Arabic name runs right to left
with its words in order while dates and codes inside stay left to right.
Shared by every PDF (the reporting briefing, the operations manifest).

``wrap`` measures with the font in use (shaped when the text needs it), so a
table cell never runs over its column: words move to the next line and a
word wider than the column is split between letters.
"""

from __future__ import annotations

import logging
import unicodedata

from fpdf import FPDF

# fontTools logs every glyph of every font subset at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def enable_shaping(pdf: FPDF) -> None:
    """HarfBuzz shaping, the direction of each paragraph taken from its text."""
    pdf.set_text_shaping(use_shaping_engine=True)


def needs_shaping(text: str) -> bool:
    """``text`` has letters written right to left (Arabic script), which HarfBuzz must join."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def shape_for(pdf: FPDF, text: str) -> None:
    """Shaping on for text that needs it, off otherwise.

    fpdf2 writes shaped text glyph by glyph; Latin and Cyrillic text written
    unshaped stays one string, which PDF readers search and copy as words.
    """
    if needs_shaping(text):
        enable_shaping(pdf)
    else:
        pdf.set_text_shaping(use_shaping_engine=False)


def is_rtl(text: str) -> bool:
    """True if the first strong letter of ``text`` is written right to left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def fits(pdf: FPDF, text: str, width: float) -> bool:
    """``text`` at the current font is no wider than ``width``."""
    return float(pdf.get_string_width(text)) <= width + 1e-6


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` as lines no wider than ``width`` at the current font (at least one line)."""
    lines: list[str] = []
    shape_for(pdf, text)  # measured as it will be drawn
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if fits(pdf, candidate, width):
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _split_word(pdf, word, width)
            lines += pieces[:-1]
            line = pieces[-1]
        lines.append(line)
    return lines


def _split_word(pdf: FPDF, word: str, width: float) -> list[str]:
    """A word too wide for the column, cut between letters (joining marks stay on their letter)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and not unicodedata.combining(char) and not fits(pdf, piece + char, width):
            pieces.append(piece)
            piece = ""
        piece += char
    pieces.append(piece)
    return pieces
