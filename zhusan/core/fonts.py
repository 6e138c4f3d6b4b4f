"""The TrueType font for PDFs that print Cyrillic, Kazakh and Arabic letters.

DejaVu Sans from Debian's ``fonts-dejavu-core``, shared by every app that
draws a PDF (the reporting briefing, the operations manifest). Without the
files ``FontMissingError`` names them and the package to install.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

FONT_PACKAGE = "fonts-dejavu-core"
FONT_REGULAR = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT = "DejaVu"


class FontMissingError(RuntimeError):
    """The TrueType font needed for Unicode text is not installed."""

    def __init__(self, missing: Sequence[Path]) -> None:
        self.missing = list(missing)
        self.package = FONT_PACKAGE
        super().__init__(f"Missing font files {', '.join(map(str, missing))}: install the package {FONT_PACKAGE}.")


def missing_fonts(paths: Iterable[Path] | None = None) -> list[Path]:
    """The font files (by default regular and bold) that are not installed."""
    wanted = (FONT_REGULAR, FONT_BOLD) if paths is None else paths
    return [path for path in wanted if not path.is_file()]
