"""Paint sticker pages with QPainter from the geometry the PDF code computed.

QtPdf is not available, so the preview and the printer path cannot show the reportlab
PDF itself.  Instead they paint the *same* geometry: ``render_sticker_sheet`` is run into
a throw-away buffer and its :class:`StickerRenderResult` (label boxes, QR boxes and
module sizes, every placed line of text with its font, size and box) is drawn here:

* QR codes from ``qr_vector.encode`` (the matrix the PDF draws) with the same dot-gain
  compensated rectangles, inside a quiet zone painted white;
* text in the bundled DejaVu Sans at the PDF's point size, on the PDF's baseline, and
  stretched by the tiny difference (< 0.5 %) between Qt's and reportlab's advance widths
  so a line covers exactly the box the PDF measured;
* the calibration page by recording what ``render_calibration_page`` draws (a small
  stand-in for reportlab's canvas) and replaying it.

Coordinates: reportlab works in points from the page's bottom-left corner; Qt from the
top-left with y down.  :func:`to_top_down` is the one place that flips.  A page paints
in points; the caller scales by device pixels per point (``dpi / 72``), so printing with
``printer.resolution() / 72`` is exactly 100 %.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from tuffops_desktop.documents import stickers as sticker_documents
from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_REGULAR, font_path, register_fonts
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout
from tuffops_desktop.documents.qr_vector import QUIET_ZONE_MODULES, QrMatrix, compensated_rectangles, encode
from tuffops_desktop.documents.stickers import Box, PlacedSticker, PlacedText, StickerContent, render_sticker_sheet

__all__ = [
    "PrintablePage",
    "StickerPage",
    "StickerSheet",
    "CalibrationPage",
    "calibration_page",
    "to_top_down",
    "render_page_image",
    "page_size_for",
    "configure_printer",
    "print_pages",
    "label_rect_px",
]

METRES_PER_INCH = 0.0254
USED_FILL = QColor("#d9dde3")
OUTLINE = QColor("#b8c0cc")


# ------------------------------------------------------------------- coordinates
def to_top_down(box: Box, page_height_pt: float) -> QRectF:
    """A reportlab box (bottom-left origin, points) as a Qt rectangle (top-left origin)."""
    return QRectF(box.x, page_height_pt - box.top, box.width, box.height)


# ------------------------------------------------------------------- fonts
_font_lock = threading.Lock()
_families: dict[str, str] = {}


def _family(font_name: str) -> str:
    """The Qt family of one of the PDF's font names, loading the bundled TTF once."""
    with _font_lock:
        if font_name not in _families:
            font_id = QFontDatabase.addApplicationFont(str(font_path(font_name)))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            _families[font_name] = families[0] if families else "DejaVu Sans"
        return _families[font_name]


def _qfont(font_name: str, size_pt: float, device_dpi: float) -> QFont:
    """``font_name`` at ``size_pt`` points in a painter whose unit is one point.

    Qt turns a point size into ``size × dpi / 72`` logical units; the painter's world
    transform then scales logical units (= points here) to device pixels.
    """
    if font_name not in (FONT_REGULAR, FONT_BOLD):
        raise ValueError(f"the sticker painter has no font {font_name!r}")
    font = QFont(_family(font_name))
    font.setBold(font_name == FONT_BOLD)
    font.setPointSizeF(size_pt * 72.0 / device_dpi)
    font.setKerning(False)  # reportlab's stringWidth does not kern
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _device_dpi(painter: QPainter) -> float:
    return float(painter.device().logicalDpiY())


def _draw_text(painter: QPainter, text: str, font_name: str, size: float, left: float, baseline: float,
               width: float | None) -> None:
    """One line at ``(left, baseline)`` in top-down points, ``width`` wide if given."""
    font = _qfont(font_name, size, _device_dpi(painter))
    painter.setFont(font)
    if width is not None:
        advance = QFontMetricsF(font, painter.device()).horizontalAdvance(text)
        stretch = width / advance if advance > 0 and width > 0 else 1.0
    else:
        stretch = 1.0
    if abs(stretch - 1.0) < 1e-4:
        painter.drawText(QPointF(left, baseline), text)
        return
    painter.save()
    painter.translate(left, baseline)
    painter.scale(stretch, 1.0)
    painter.drawText(QPointF(0, 0), text)
    painter.restore()


# ------------------------------------------------------------------- QR codes
@lru_cache(maxsize=8192)
def _matrix(url: str, error_correction: str) -> QrMatrix:
    return encode(url, error_correction)


@lru_cache(maxsize=8192)
def _module_path(url: str, error_correction: str) -> QPainterPath:
    """The dark modules as one path in module units (origin: the symbol's top-left)."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # the PDF fills with non-zero winding too
    for col, row, width, height in compensated_rectangles(_matrix(url, error_correction)):
        path.addRect(QRectF(col, row, width, height))
    return path


def _draw_qr(painter: QPainter, sticker: PlacedSticker, error_correction: str, page_height: float) -> None:
    matrix = _matrix(sticker.url, error_correction)
    side = (matrix.size + 2 * QUIET_ZONE_MODULES) * sticker.module_pt
    if not math.isclose(side, sticker.qr_box.width, rel_tol=1e-6, abs_tol=1e-6):
        raise ValueError(
            f"the QR code of {sticker.url!r} does not match the PDF's ({side:.3f} pt vs "
            f"{sticker.qr_box.width:.3f} pt): error correction {error_correction!r} differs"
        )
    quiet = to_top_down(sticker.qr_box, page_height)
    painter.fillRect(quiet, Qt.GlobalColor.white)  # the ≥ 4-module quiet zone stays white
    painter.save()
    painter.translate(quiet.x() + QUIET_ZONE_MODULES * sticker.module_pt,
                      quiet.y() + QUIET_ZONE_MODULES * sticker.module_pt)
    painter.scale(sticker.module_pt, sticker.module_pt)
    painter.fillPath(_module_path(sticker.url, error_correction), QBrush(Qt.GlobalColor.black))
    painter.restore()


def _draw_placed_text(painter: QPainter, line: PlacedText, page_height: float) -> None:
    descent = -getAscentDescent(line.font, line.size)[1]
    baseline = page_height - (line.box.y + descent)
    _draw_text(painter, line.text, line.font, line.size, line.box.x, baseline, line.box.width)


# ------------------------------------------------------------------- pages
class PrintablePage(Protocol):
    """A page that paints itself in points (top-left origin); see :func:`render_page_image`."""

    @property
    def size_pt(self) -> tuple[float, float]: ...

    def paint(self, painter: QPainter, *, preview: bool) -> None: ...


def _label_outlines(painter: QPainter, layout: LabelLayout, used_before: int) -> None:
    """Preview only: the physical labels (no offset), used ones greyed."""
    page_height = layout.page_size_pt[1]
    radius = layout.corner_radius_mm * MM_TO_PT
    pen = QPen(OUTLINE, 0.6)
    pen.setCosmetic(False)
    painter.save()
    painter.setPen(pen)
    for position in range(1, layout.labels_per_page + 1):
        rect = to_top_down(Box(*layout.label_box(position)), page_height)
        painter.setBrush(QBrush(USED_FILL) if position < used_before else Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, radius, radius)
    painter.restore()


@dataclass(frozen=True)
class StickerPage:
    """One page of stickers: the PDF's placed stickers of that page."""

    layout: LabelLayout
    number: int  # 0-based
    stickers: tuple[PlacedSticker, ...]
    error_correction: str
    first_free: int  # positions before this one are already used (first page only)

    @property
    def size_pt(self) -> tuple[float, float]:
        return self.layout.page_size_pt

    def paint(self, painter: QPainter, *, preview: bool) -> None:
        page_height = self.size_pt[1]
        if preview:
            _label_outlines(painter, self.layout, self.first_free)
        painter.setPen(QPen(Qt.GlobalColor.black))
        for sticker in self.stickers:
            _draw_qr(painter, sticker, self.error_correction, page_height)
            for line in sticker.texts:
                _draw_placed_text(painter, line, page_height)


class StickerSheet:
    """All pages of one print job, each computed by the PDF code when first needed.

    A sticker's geometry depends only on its label position and its own content, so
    page ``n`` is ``render_sticker_sheet`` of just that page's stickers: a 2,000-sticker
    job previews its first page as fast as a 30-sticker one.
    """

    def __init__(self, contents: Sequence[StickerContent], layout: LabelLayout, *, start_position: int = 1,
                 error_correction: str = "M", offset_x_mm: float = 0.0, offset_y_mm: float = 0.0) -> None:
        if not contents:
            raise ValueError("there are no stickers to print")
        per_page = layout.labels_per_page
        if not 1 <= start_position <= per_page:
            raise ValueError(f"start position must be between 1 and {per_page}, got {start_position}")
        self.contents = tuple(contents)
        self.layout = layout
        self.start_position = start_position
        self.error_correction = error_correction
        self.offset_x_mm = offset_x_mm
        self.offset_y_mm = offset_y_mm
        self._pages: dict[int, StickerPage] = {}

    @property
    def page_count(self) -> int:
        return math.ceil((self.start_position - 1 + len(self.contents)) / self.layout.labels_per_page)

    def page_slice(self, number: int) -> slice:
        """Which of ``contents`` page ``number`` (0-based) holds."""
        per_page = self.layout.labels_per_page
        first_page = per_page - (self.start_position - 1)
        start = 0 if number == 0 else first_page + (number - 1) * per_page
        stop = first_page if number == 0 else start + per_page
        return slice(start, min(stop, len(self.contents)))

    def page(self, number: int) -> StickerPage:
        if not 0 <= number < self.page_count:
            raise IndexError(f"page {number + 1} of {self.page_count}")
        if number not in self._pages:
            part = self.page_slice(number)
            start = self.start_position if number == 0 else 1
            result = render_sticker_sheet(
                self.contents[part], self.layout, io.BytesIO(), start_position=start,
                error_correction=self.error_correction, offset_x_mm=self.offset_x_mm,
                offset_y_mm=self.offset_y_mm)
            placed = tuple(replace(s, index=part.start + s.index, page=number) for s in result.stickers)
            self._pages[number] = StickerPage(self.layout, number, placed, self.error_correction, start)
        return self._pages[number]

    def pages(self) -> Iterator[StickerPage]:
        for number in range(self.page_count):
            yield self.page(number)


# ------------------------------------------------------------------- calibration
class _RecordingCanvas:
    """Just enough of reportlab's ``Canvas`` to record ``render_calibration_page``.

    Anything else it is asked to do raises, so a change on the PDF side shows up as a
    failing preview (and test) instead of a silently different page.
    """

    def __init__(self, _out: Any = None, pagesize: tuple[float, float] = (0, 0), **_options: Any) -> None:
        self.pagesize = pagesize
        self.pages: list[list[tuple]] = []
        self._ops: list[tuple] = []
        self._line_width = 1.0
        self._stroke = 0.0
        self._fill = 0.0
        self._font: tuple[str, float] = (FONT_REGULAR, 10.0)
        self._stack: list[tuple] = []

    def setTitle(self, _title: str) -> None:  # noqa: N802 - reportlab's names
        pass

    def setCreator(self, _creator: str) -> None:  # noqa: N802
        pass

    def saveState(self) -> None:  # noqa: N802
        self._stack.append((self._line_width, self._stroke, self._fill, self._font))

    def restoreState(self) -> None:  # noqa: N802
        self._line_width, self._stroke, self._fill, self._font = self._stack.pop()

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        self._line_width = float(width)

    def setStrokeGray(self, gray: float) -> None:  # noqa: N802
        self._stroke = float(gray)

    def setFillGray(self, gray: float) -> None:  # noqa: N802
        self._fill = float(gray)

    def setFont(self, name: str, size: float, leading: float | None = None) -> None:  # noqa: N802
        self._font = (name, float(size))

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self._ops.append(("line", (x1, y1, x2, y2), self._line_width, self._stroke))

    def roundRect(self, x: float, y: float, width: float, height: float, radius: float,  # noqa: N802
                  stroke: int = 1, fill: int = 0) -> None:
        self._ops.append(("rect", Box(x, y, width, height), radius, self._line_width,
                          self._stroke if stroke else None, self._fill if fill else None))

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0) -> None:
        self.roundRect(x, y, width, height, 0.0, stroke, fill)

    def drawString(self, x: float, y: float, text: str, *_args: Any, **_kwargs: Any) -> None:  # noqa: N802
        font, size = self._font
        self._ops.append(("text", text, font, size, x, y, stringWidth(text, font, size), self._fill))

    def drawCentredString(self, x: float, y: float, text: str, *_args: Any, **_kwargs: Any) -> None:  # noqa: N802
        font, size = self._font
        self.drawString(x - stringWidth(text, font, size) / 2, y, text)

    def drawRightString(self, x: float, y: float, text: str, *_args: Any, **_kwargs: Any) -> None:  # noqa: N802
        font, size = self._font
        self.drawString(x - stringWidth(text, font, size), y, text)

    def showPage(self) -> None:  # noqa: N802
        self.pages.append(self._ops)
        self._ops = []

    def save(self) -> None:
        if self._ops:
            self.showPage()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the calibration preview cannot replay canvas.{name}()")


@dataclass(frozen=True)
class CalibrationPage:
    """The calibration page as ``render_calibration_page`` draws it."""

    layout: LabelLayout
    operations: tuple[tuple, ...]
    label_boxes: tuple[Box, ...]

    @property
    def size_pt(self) -> tuple[float, float]:
        return self.layout.page_size_pt

    def paint(self, painter: QPainter, *, preview: bool) -> None:
        page_height = self.size_pt[1]
        for operation in self.operations:
            kind = operation[0]
            if kind == "line":
                _, (x1, y1, x2, y2), width, gray = operation
                painter.setPen(_pen(width, gray, painter))
                painter.drawLine(QPointF(x1, page_height - y1), QPointF(x2, page_height - y2))
            elif kind == "rect":
                _, box, radius, width, stroke, fill = operation
                painter.setPen(_pen(width, stroke, painter) if stroke is not None else Qt.PenStyle.NoPen)
                painter.setBrush(_grey(fill) if fill is not None else Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(to_top_down(box, page_height), radius, radius)
            elif kind == "text":
                _, text, font, size, x, y, width, gray = operation
                painter.setPen(QPen(_grey(gray)))
                _draw_text(painter, text, font, size, x, page_height - y, width)


def _grey(gray: float) -> QColor:
    level = round(max(0.0, min(1.0, gray)) * 255)
    return QColor(level, level, level)


def _pen(width: float, gray: float, painter: QPainter) -> QPen:
    """reportlab's butt-capped line; never thinner than one device pixel (as PDF viewers
    and printers draw hairlines), so a coarse screen preview does not lose the scales."""
    pen = QPen(_grey(gray), width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if width * painter.worldTransform().m11() < 1.0:
        pen.setWidthF(1.0)
        pen.setCosmetic(True)
    return pen


def calibration_page(layout: LabelLayout, *, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0) -> CalibrationPage:
    """Record the calibration page of ``layout`` (with the printer's offsets)."""
    register_fonts()
    made: list[_RecordingCanvas] = []

    def factory(*args: Any, **kwargs: Any) -> _RecordingCanvas:
        canvas = _RecordingCanvas(*args, **kwargs)
        made.append(canvas)
        return canvas

    boxes = sticker_documents.render_calibration_page(layout, None, offset_x_mm=offset_x_mm,
                                                      offset_y_mm=offset_y_mm, canvas_factory=factory)
    if len(made) != 1 or len(made[0].pages) != 1:
        raise ValueError("the calibration page did not draw exactly one page")
    return CalibrationPage(layout, tuple(made[0].pages[0]), tuple(boxes))


# ------------------------------------------------------------------- output
def _paint_at(painter: QPainter, page: PrintablePage, px_per_pt: float, *, preview: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.scale(px_per_pt, px_per_pt)
    page.paint(painter, preview=preview)
    painter.restore()


def render_page_image(page: PrintablePage, dpi: float, *, preview: bool = True) -> QImage:
    """The page as a white image at ``dpi`` (its dots-per-metre say so, too)."""
    width_pt, height_pt = page.size_pt
    scale = dpi / 72.0
    image = QImage(max(1, round(width_pt * scale)), max(1, round(height_pt * scale)), QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / METRES_PER_INCH)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        _paint_at(painter, page, scale, preview=preview)
    finally:
        painter.end()
    return image


def page_size_for(layout: LabelLayout) -> tuple[QPageSize, QPageLayout.Orientation]:
    """The paper of ``layout``: Letter/A4 by name, anything else exact, and its orientation."""
    width_mm, height_mm = layout.page_width_mm, layout.page_height_mm
    landscape = width_mm > height_mm
    short, long_ = (height_mm, width_mm) if landscape else (width_mm, height_mm)
    size = QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)
    matched = size.size(QPageSize.Unit.Millimeter)
    if abs(matched.width() - short) > 0.5 or abs(matched.height() - long_) > 0.5:
        size = QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, layout.name,
                         QPageSize.SizeMatchPolicy.ExactMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return size, orientation


def configure_printer(printer: QPrinter, layout: LabelLayout, title: str = "") -> None:
    """Paper and orientation of ``layout``, no margins, origin at the paper's corner."""
    size, orientation = page_size_for(layout)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    if title:
        printer.setDocName(title)


def print_pages(printer: QPrinter, pages: Sequence[PrintablePage] | Iterator[PrintablePage]) -> bool:
    """Paint ``pages`` at exactly 100 %: one point is ``resolution / 72`` device pixels.

    With ``setFullPage(True)`` the painter's origin is the paper's top-left corner, which
    is where the layout measures from.  Returns False when the printer would not start.
    """
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    scale = printer.resolution() / 72.0
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                return False
            _paint_at(painter, page, scale, preview=False)
    finally:
        painter.end()
    return printer.printerState() != QPrinter.PrinterState.Error


def label_rect_px(layout: LabelLayout, position: int, dpi: float) -> QRectF:
    """Where label ``position`` (no offset) lands in an image rendered at ``dpi``."""
    rect = to_top_down(Box(*layout.label_box(position)), layout.page_size_pt[1])
    scale = dpi / 72.0
    return QRectF(rect.x() * scale, rect.y() * scale, rect.width() * scale, rect.height() * scale)
