"""Paint sticker pages and the calibration page with QPainter, from their plans.

QtPdf is not available, so the preview and the printer path cannot show the reportlab
PDF itself.  Both draw the *same plan* the PDF writer draws (``documents.sticker_plan``,
``documents.calibration``); nothing here measures text or lays anything out:

* QR codes from each sticker's planned matrix with the same dot-gain compensated
  rectangles as the PDF, inside a quiet zone painted white;
* text in the bundled DejaVu Sans at the planned point size, on the planned baseline,
  stretched by the tiny difference (< 0.5 %) between Qt's and reportlab's advance
  widths so a line covers exactly its planned box;
* the calibration page's outlines, strokes and text.

Coordinates: the plans work in points from the page's bottom-left corner; Qt from the
top-left with y down.  :func:`to_top_down` is the one place that flips.  A page paints
in points; the caller scales by device pixels per point (``dpi / 72``), so printing with
``printer.resolution() / 72`` is exactly 100 %.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

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

from tuffops_desktop.documents.calibration import CalibrationPlan
from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_REGULAR, font_path
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout
from tuffops_desktop.documents.qr_vector import QUIET_ZONE_MODULES, QrMatrix, compensated_rectangles
from tuffops_desktop.documents.sticker_plan import PlacedSticker, StickerPagePlan
from tuffops_desktop.documents.text_fit import PlacedText
from tuffops_desktop.errors import KnownError
from tuffops_desktop.i18n import _

__all__ = [
    "PrintablePage",
    "paint_page",
    "to_top_down",
    "render_page_image",
    "page_size_for",
    "configure_printer",
    "print_pages",
    "print_steps",
    "PrinterRefused",
    "load_fonts",
    "label_rect_px",
]

PrintablePage = StickerPagePlan | CalibrationPlan
"""What the painter draws: a page of stickers or the calibration page."""

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


def load_fonts(*font_names: str) -> None:
    """Load the bundled fonts now (on the GUI thread), so worker threads that paint text
    into images only read the loaded families."""
    for name in font_names:
        _family(name)


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


def _draw_text(
    painter: QPainter, text: str, font_name: str, size: float, left: float, baseline: float, width: float
) -> None:
    """One line at ``(left, baseline)`` in top-down points, stretched to ``width``."""
    font = _qfont(font_name, size, _device_dpi(painter))
    painter.setFont(font)
    advance = QFontMetricsF(font, painter.device()).horizontalAdvance(text)
    stretch = width / advance if advance > 0 and width > 0 else 1.0
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
def _module_path(matrix: QrMatrix) -> QPainterPath:
    """The dark modules as one path in module units (origin: the symbol's top-left)."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # the PDF fills with non-zero winding too
    for col, row, width, height in compensated_rectangles(matrix):
        path.addRect(QRectF(col, row, width, height))
    return path


def _draw_qr(painter: QPainter, sticker: PlacedSticker, page_height: float) -> None:
    quiet = to_top_down(sticker.qr_box, page_height)
    painter.fillRect(quiet, Qt.GlobalColor.white)  # the ≥ 4-module quiet zone stays white
    painter.save()
    painter.translate(
        quiet.x() + QUIET_ZONE_MODULES * sticker.module_pt, quiet.y() + QUIET_ZONE_MODULES * sticker.module_pt
    )
    painter.scale(sticker.module_pt, sticker.module_pt)
    painter.fillPath(_module_path(sticker.matrix), QBrush(Qt.GlobalColor.black))
    painter.restore()


def _draw_texts(painter: QPainter, texts: Iterable[PlacedText], page_height: float) -> None:
    painter.setPen(QPen(Qt.GlobalColor.black))
    for line in texts:
        _draw_text(painter, line.text, line.font, line.size, line.box.x, page_height - line.baseline, line.box.width)


# ------------------------------------------------------------------- pages
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


def _paint_stickers(painter: QPainter, page: StickerPagePlan, preview: bool) -> None:
    page_height = page.size_pt[1]
    if preview:
        _label_outlines(painter, page.layout, page.first_position)
    for sticker in page.stickers:
        _draw_qr(painter, sticker, page_height)
        _draw_texts(painter, sticker.texts, page_height)


def _paint_calibration(painter: QPainter, page: CalibrationPlan) -> None:
    page_height = page.size_pt[1]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for outline in page.outlines:
        painter.setPen(_pen(outline.width, outline.gray, painter))
        painter.drawRoundedRect(to_top_down(outline.box, page_height), outline.radius, outline.radius)
    for segment in page.segments:
        painter.setPen(_pen(segment.width, segment.gray, painter))
        painter.drawLine(QPointF(segment.x1, page_height - segment.y1), QPointF(segment.x2, page_height - segment.y2))
    _draw_texts(painter, page.texts, page_height)


def paint_page(painter: QPainter, page: PrintablePage, *, preview: bool) -> None:
    """Paint ``page`` in points (top-left origin); ``preview`` adds the sheet's label outlines."""
    if isinstance(page, StickerPagePlan):
        _paint_stickers(painter, page, preview)
    elif isinstance(page, CalibrationPlan):
        _paint_calibration(painter, page)
    else:
        raise TypeError(f"cannot paint a {type(page).__name__}")


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


# ------------------------------------------------------------------- output
def _paint_at(painter: QPainter, page: PrintablePage, px_per_pt: float, *, preview: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.scale(px_per_pt, px_per_pt)
    paint_page(painter, page, preview=preview)
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
    size = QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    matched = size.size(QPageSize.Unit.Millimeter)
    if abs(matched.width() - short) > 0.5 or abs(matched.height() - long_) > 0.5:
        size = QPageSize(
            QSizeF(short, long_), QPageSize.Unit.Millimeter, layout.name, QPageSize.SizeMatchPolicy.ExactMatch
        )
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return size, orientation


def configure_printer(printer: QPrinter, layout: LabelLayout, title: str = "") -> None:
    """Paper and orientation of ``layout``, no margins, origin at the paper's corner."""
    size, orientation = page_size_for(layout)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    if title:
        printer.setDocName(title)


class PrinterRefused(KnownError):
    """The printer would not start, take a page or finish the job."""

    def __init__(self) -> None:
        super().__init__(_("The printer did not accept the job. Check that it is switched on and try again."))


def print_steps(printer: QPrinter, pages: Sequence[PrintablePage]) -> Iterator[tuple[int, int]]:
    """Paint ``pages`` at exactly 100 % (one point is ``resolution / 72`` device pixels),
    one page per step, yielding ``(pages painted, pages)``; ``PrinterRefused`` when the
    printer fails. Closing the generator early aborts the print job.

    With ``setFullPage(True)`` the painter's origin is the paper's top-left corner, which
    is where the layout measures from.  A real printer is painted on the GUI thread, so
    the caller drives this one short step at a time (``Ops.steps_with_progress``).
    """
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterRefused()
    scale = printer.resolution() / 72.0
    finished = False
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                raise PrinterRefused()
            _paint_at(painter, page, scale, preview=False)
            yield number + 1, len(pages)
        finished = True
    finally:
        if not finished:
            printer.abort()
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrinterRefused()


def print_pages(printer: QPrinter, pages: Iterable[PrintablePage]) -> bool:
    """Paint every page at once (see :func:`print_steps`); False when the printer refused."""
    try:
        for _step in print_steps(printer, list(pages)):
            pass
    except PrinterRefused:
        return False
    return True


def label_rect_px(layout: LabelLayout, position: int, dpi: float) -> QRectF:
    """Where label ``position`` (no offset) lands in an image rendered at ``dpi``."""
    rect = to_top_down(Box(*layout.label_box(position)), layout.page_size_pt[1])
    scale = dpi / 72.0
    return QRectF(rect.x() * scale, rect.y() * scale, rect.width() * scale, rect.height() * scale)
