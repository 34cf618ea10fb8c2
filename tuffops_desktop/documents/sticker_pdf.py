"""Sticker sheets and calibration pages as PDF (reportlab), drawn from their plans.

The plans (``sticker_plan``, ``calibration``) decide every box, code and line of text;
this module only draws them: QR codes as one vector path per code (``qr_vector.draw_qr``)
and text with plain ``drawString`` calls in the embedded DejaVu fonts, so a title like
``<b>x</b> & "y"`` prints exactly as typed.  The desktop painter draws the same plans.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.calibration import CalibrationPlan, plan_calibration_page
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import LabelLayout
from tuffops_desktop.documents.qr_vector import draw_qr
from tuffops_desktop.documents.sticker_plan import (
    StickerContent,
    StickerPagePlan,
    StickerSheet,
    StickerSheetPlan,
)
from tuffops_desktop.documents.text_fit import PlacedText
from tuffops_desktop.domain.progress import Progress, Steps
from tuffops_desktop.files import whole_file

__all__ = [
    "write_sticker_pdf",
    "write_calibration_pdf",
    "render_sticker_sheet",
    "render_calibration_page",
    "write_sheet_pdf",
]

PdfTarget = str | Path | BinaryIO


def _canvas(out: PdfTarget, size: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(str(out) if isinstance(out, (str, Path)) else out, pagesize=size)
    canvas.setTitle(title)
    canvas.setCreator("TuffOps Desktop")
    return canvas


def _draw_texts(canvas: Canvas, texts: Iterable[PlacedText]) -> None:
    canvas.setFillGray(0)
    for line in texts:
        canvas.setFont(line.font, line.size)
        canvas.drawString(line.box.x, line.baseline, line.text)


@contextlib.contextmanager
def _whole_file(out: PdfTarget) -> Iterator[PdfTarget]:
    """A path target appears only when the whole PDF is written (``files.whole_file``);
    a stream is the caller's own and is used as it is."""
    if isinstance(out, (str, Path)):
        with whole_file(out) as temp:
            yield temp
    else:
        yield out


def _draw_sticker_page(canvas: Canvas, page: StickerPagePlan) -> None:
    for sticker in page.stickers:
        draw_qr(canvas, sticker.matrix, sticker.qr_box.x, sticker.qr_box.y, sticker.module_pt)
        _draw_texts(canvas, sticker.texts)
    canvas.showPage()


def write_sticker_pdf(plan: StickerSheetPlan, out: PdfTarget) -> None:
    """Draw every page of ``plan`` into a PDF at ``out`` (a path or a binary stream)."""
    with _whole_file(out) as target:
        canvas = _canvas(target, plan.layout.page_size_pt, f"QR stickers — {plan.layout.name}")
        for page in plan.page_plans:
            _draw_sticker_page(canvas, page)
        canvas.save()


def write_calibration_pdf(plan: CalibrationPlan, out: PdfTarget) -> None:
    """Draw the calibration page into a one-page PDF at ``out``."""
    with _whole_file(out) as target:
        _write_calibration(plan, target)


def _write_calibration(plan: CalibrationPlan, out: PdfTarget) -> None:
    canvas = _canvas(out, plan.size_pt, f"Label calibration — {plan.layout.name}")
    for outline in plan.outlines:
        canvas.setLineWidth(outline.width)
        canvas.setStrokeGray(outline.gray)
        box = outline.box
        canvas.roundRect(box.x, box.y, box.width, box.height, outline.radius, stroke=1, fill=0)
    for segment in plan.segments:
        canvas.setLineWidth(segment.width)
        canvas.setStrokeGray(segment.gray)
        canvas.line(segment.x1, segment.y1, segment.x2, segment.y2)
    _draw_texts(canvas, plan.texts)
    canvas.showPage()
    canvas.save()


def render_sticker_sheet(
    stickers: Sequence[StickerContent],
    layout: LabelLayout,
    out: PdfTarget,
    *,
    start_position: int = 1,
    error_correction: str = "M",
    offset_x_mm: float = 0,
    offset_y_mm: float = 0,
    progress: Progress | None = None,
) -> StickerSheetPlan:
    """Plan a print job and write its PDF: one sticker per label, pages in label order.

    ``start_position`` (1-based) is the first free label on the first sheet; earlier
    labels on that sheet stay blank, later pages start at label 1.  Pages are planned
    and drawn one at a time, ``progress(pages done, pages)`` after each; the arguments
    are refused (``ValueError``) before anything is written, and a path target only
    appears when the whole file is written (a refusal found on a later page, an error or
    a cancel raised by ``progress`` leave no file).
    """
    sheet = StickerSheet(
        stickers,
        layout,
        start_position=start_position,
        error_correction=error_correction,
        offset_x_mm=offset_x_mm,
        offset_y_mm=offset_y_mm,
    )
    return write_sheet_pdf(sheet, out, progress=progress)


def write_sheet_pdf(
    sheet: StickerSheet, out: PdfTarget, *, title: str = "QR stickers", progress: Progress | None = None
) -> StickerSheetPlan:
    """Plan and draw ``sheet`` page by page into a PDF (as :func:`render_sticker_sheet`)."""
    layout = sheet.layout
    steps = Steps(progress, sheet.page_count)
    steps.start()
    pages: list[StickerPagePlan] = []
    with _whole_file(out) as target:
        canvas = _canvas(target, layout.page_size_pt, f"{title} — {layout.name}")
        for number in range(sheet.page_count):
            page = sheet.page(number)
            _draw_sticker_page(canvas, page)
            pages.append(page)
            steps.advance()
        canvas.save()
    return StickerSheetPlan(layout, tuple(pages))


def render_calibration_page(
    layout: LabelLayout, out: PdfTarget, *, offset_x_mm: float = 0, offset_y_mm: float = 0
) -> tuple[Box, ...]:
    """Write the calibration page of ``layout``; returns the label boxes as drawn."""
    plan = plan_calibration_page(layout, offset_x_mm=offset_x_mm, offset_y_mm=offset_y_mm)
    write_calibration_pdf(plan, out)
    return plan.label_boxes
