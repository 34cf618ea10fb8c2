"""Planned pages of an office document, and the PDF writer that draws them.

A priced document (invoice, quotation) or a customer statement is first laid out into a
:class:`DocumentPlan`: for each page, every line of text with its font, size, baseline and
colour, every stroke, every filled band and the logo's box.  That plan is pure data, so
the tests check it directly, the PDF writer (:func:`write_plan_pdf`) only draws it, and
the app's preview and printer path (``ui/pdf_preview.py``) paint the *same* plan with Qt
(QtPdf is not part of PySide6-Essentials, so the app cannot show the PDF itself).

Coordinates are PDF points from the page's bottom-left corner (``documents.geometry``).

Amounts print with :func:`money_print`: a fixed, locale-free form (``1,234.50``,
``-12.00``) because the paper goes to customers and accounting packages that expect it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.geometry import Box, Segment
from tuffops_desktop.documents.text_fit import PlacedText

__all__ = [
    "Rgb",
    "BLACK",
    "PlanText",
    "Fill",
    "PlacedImage",
    "PlanPage",
    "DocumentPlan",
    "write_plan_pdf",
    "money_print",
    "quantity_print",
    "percent_print",
    "join_nonblank",
]

Rgb = tuple[float, float, float]
"""A colour as red, green, blue from 0 to 1."""

BLACK: Rgb = (0.0, 0.0, 0.0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PlanText:
    """One printed line and its colour."""

    line: PlacedText
    color: Rgb = BLACK


@dataclass(frozen=True)
class Fill:
    """A filled rectangle (a table's heading band, the stamp's frame is a stroke instead)."""

    box: Box
    color: Rgb


@dataclass(frozen=True)
class PlacedImage:
    """An image (the company logo: the content of a PNG or JPEG file) scaled into
    ``box``, aspect ratio kept."""

    data: bytes = field(repr=False)
    box: Box


@dataclass(frozen=True)
class PlanPage:
    """Everything drawn on one page, in drawing order: fills, strokes, images, texts."""

    size_pt: tuple[float, float]
    texts: tuple[PlanText, ...]
    segments: tuple[Segment, ...] = ()
    fills: tuple[Fill, ...] = ()
    images: tuple[PlacedImage, ...] = ()

    def text(self) -> str:
        """The page's lines, top to bottom then left to right (for tests and searches)."""
        ordered = sorted(self.texts, key=lambda t: (-round(t.line.baseline, 1), t.line.box.x))
        return "\n".join(t.line.text for t in ordered)


@dataclass(frozen=True)
class DocumentPlan:
    """A whole document: its title (the PDF's title and the printer's job name) and pages."""

    title: str
    page_size: tuple[float, float]
    margin_box: Box
    pages: tuple[PlanPage, ...]


def write_plan_pdf(plan: DocumentPlan, out: str | Path | BinaryIO) -> None:
    """Draw every page of ``plan`` into a PDF at ``out`` (a path or a binary stream)."""
    register_fonts()
    canvas = Canvas(str(out) if isinstance(out, (str, Path)) else out, pagesize=plan.page_size)
    canvas.setTitle(plan.title)
    canvas.setCreator("TuffOps Desktop")
    readers: dict[bytes, ImageReader] = {}  # one per image: decoded once, stored once in the PDF
    for page in plan.pages:
        _draw_page(canvas, page, readers)
        canvas.showPage()
    canvas.save()


def _draw_page(canvas: Canvas, page: PlanPage, readers: dict[bytes, ImageReader]) -> None:
    for fill in page.fills:
        canvas.setFillColorRGB(*fill.color)
        canvas.rect(fill.box.x, fill.box.y, fill.box.width, fill.box.height, stroke=0, fill=1)
    for segment in page.segments:
        canvas.setLineWidth(segment.width)
        canvas.setStrokeGray(segment.gray)
        canvas.line(segment.x1, segment.y1, segment.x2, segment.y2)
    for image in page.images:
        box = image.box
        reader = readers.get(image.data)
        if reader is None:
            reader = readers[image.data] = ImageReader(BytesIO(image.data))
        canvas.drawImage(
            reader, box.x, box.y, box.width, box.height, preserveAspectRatio=True, anchor="sw", mask="auto"
        )
    for text in page.texts:
        canvas.setFillColorRGB(*text.color)
        canvas.setFont(text.line.font, text.line.size)
        canvas.drawString(text.line.box.x, text.line.baseline, text.line.text)


# ------------------------------------------------------------------ printed numbers
def money_print(value: Decimal, currency: str = "") -> str:
    """An amount as printed on paper: two places (half up), thousands separated by commas,
    a leading minus; ``currency`` (a code such as ``USD`` or a symbol) goes in front."""
    if not isinstance(value, Decimal):
        raise TypeError("money is printed from Decimal, never float")
    amount = value.quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.2f}"
    sign = "-" if amount < 0 else ""
    if not currency:
        return sign + text
    return f"{sign}{currency}{'' if len(currency) == 1 else ' '}{text}"


def quantity_print(value: Decimal) -> str:
    """A quantity without trailing zeros: ``2``, ``1.5``, ``0.125``, ``1,000``."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    return f"{normal:,f}"


def percent_print(value: Decimal | None) -> str:
    """A rate such as ``10%`` or ``12.5%``; "" for none or zero."""
    if value is None or value == 0:
        return ""
    return f"{quantity_print(value)}%"


def join_nonblank(parts: Sequence[str], separator: str = " · ") -> str:
    """The non-blank parts joined (a phone and an e-mail on one line)."""
    return separator.join(part.strip() for part in parts if part and part.strip())
