"""The fonts our PDFs print with.

reportlab's 14 built-in PDF fonts only cover Latin-1, so a unit called "Küche Łódź" or a
Cyrillic customer name would print as black boxes.  We bundle DejaVu Sans (regular and
bold) in ``resources/fonts/`` and register it once per process; the fonts are embedded
(subset) into each PDF, so the printer needs nothing installed.

``registerFontFamily`` ties regular and bold together: without it, a bold request made
through platypus markup (invoices) silently renders as regular.

reportlab writes the text layer (the ToUnicode map that copy, search and ``pdftotext``
read) with four hex digits per character, so a character beyond U+FFFF such as "😀"
prints right but reads back as "ὠ" (U+1F60).  ``register_fonts`` installs a map that
writes those characters as UTF-16 surrogate pairs, as the PDF format requires.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics, ttfonts
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
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
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


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap of one font subset, with characters beyond U+FFFF written
    as UTF-16 surrogate pairs (``<D83DDE00>`` for U+1F600) instead of five hex digits."""

    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{index:02X}> <{utf16(code)}>" for index, code in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _family_registered() -> bool:
    """Whether bold in the DejaVu family already maps to the bold face."""
    try:
        return tt2ps(FONT_FAMILY, 1, 0) == FONT_BOLD
    except ValueError:
        return False
