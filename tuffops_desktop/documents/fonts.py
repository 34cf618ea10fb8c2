"""The fonts our PDFs print with.

reportlab's 14 built-in PDF fonts only cover Latin-1, so a unit called "Küche Łódź" or a
Cyrillic customer name would print as black boxes.  We bundle DejaVu Sans (regular and
bold) in ``resources/fonts/`` and register it once per process; the fonts are embedded
(subset) into each PDF, so the printer needs nothing installed.

``registerFontFamily`` ties regular and bold together: without it, a bold request made
through platypus markup (invoices) silently renders as regular.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["FONT_REGULAR", "FONT_BOLD", "FONT_FAMILY", "register_fonts", "font_path"]

FONT_FAMILY = "DejaVuSans"
FONT_REGULAR = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

_FONT_FILES = {
    FONT_REGULAR: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
}


def _find_resources() -> Path:
    """The repository's ``resources/`` folder, or the bundled copy in a frozen build."""
    source_tree = Path(__file__).resolve().parents[2] / "resources"
    if source_tree.is_dir():
        return source_tree
    return Path(getattr(sys, "_MEIPASS", "")) / "resources"


_RESOURCES = _find_resources()


def font_path(font_name: str) -> Path:
    """Where the TTF file behind one of our font names lives."""
    try:
        return _RESOURCES / "fonts" / _FONT_FILES[font_name]
    except KeyError:
        raise ValueError(f"unknown font {font_name!r}; known: {', '.join(_FONT_FILES)}") from None


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans regular and bold with reportlab; safe to call many times.

    Returns ``(regular_name, bold_name)`` for ``canvas.setFont``.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in _FONT_FILES:
        if name not in registered:
            path = font_path(name)
            if not path.is_file():
                raise FileNotFoundError(f"bundled font missing: {path}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
    if not _family_registered():
        pdfmetrics.registerFontFamily(
            FONT_FAMILY,
            normal=FONT_REGULAR,
            bold=FONT_BOLD,
            italic=FONT_REGULAR,
            boldItalic=FONT_BOLD,
        )
    return FONT_REGULAR, FONT_BOLD


def _family_registered() -> bool:
    """Whether bold in the DejaVu family already maps to the bold face."""
    try:
        return tt2ps(FONT_FAMILY, 1, 0) == FONT_BOLD
    except ValueError:
        return False
