"""Colour contrast as WCAG 2 defines it, for the colours PDFs print text in.

WCAG 2.1 success criterion 1.4.3 (level AA) asks for a contrast ratio of at
least 4.5:1 between text and its background (3:1 for large text).
"""

from __future__ import annotations

RGB = tuple[int, int, int]

AA_TEXT = 4.5
AA_LARGE_TEXT = 3.0
WHITE: RGB = (255, 255, 255)


def relative_luminance(colour: RGB) -> float:
    """The relative luminance of an sRGB colour, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: RGB, background: RGB) -> float:
    """From 1 (no contrast) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
