"""Sticker sheets and calibration pages as PDF (reportlab), drawn from their plans.

The plans (``sticker_plan``, ``calibration``) decide every box, code and line of text;
this module only draws them: QR codes as one vector path per code (``qr_vector.draw_qr``)
and text with plain ``drawString`` calls in the embedded DejaVu fonts, so a title like
``<b>x</b> & "y"`` prints exactly as typed.  The desktop painter draws the same plans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.calibration import CalibrationPlan, plan_calibration_page
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import LabelLayout
from tuffops_desktop.documents.qr_vector import draw_qr
from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheetPlan, plan_sticker_sheet
from tuffops_desktop.documents.text_fit import PlacedText

__all__ = ["write_sticker_pdf", "write_calibration_pdf", "render_sticker_sheet", "render_calibration_page"]

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


def write_sticker_pdf(plan: StickerSheetPlan, out: PdfTarget) -> None:
    """Draw every page of ``plan`` into a PDF at ``out`` (a path or a binary stream)."""
    canvas = _canvas(out, plan.layout.page_size_pt, f"QR stickers — {plan.layout.name}")
    for page in plan.page_plans:
        for sticker in page.stickers:
            draw_qr(canvas, sticker.matrix, sticker.qr_box.x, sticker.qr_box.y, sticker.module_pt)
            _draw_texts(canvas, sticker.texts)
        canvas.showPage()
    canvas.save()


def write_calibration_pdf(plan: CalibrationPlan, out: PdfTarget) -> None:
    """Draw the calibration page into a one-page PDF at ``out``."""
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
) -> StickerSheetPlan:
    """Plan a print job and write its PDF: one sticker per label, pages in label order.

    ``start_position`` (1-based) is the first free label on the first sheet; earlier
    labels on that sheet stay blank, later pages start at label 1.  Everything is
    planned (and refused with ``ValueError``) before the file is opened.
    """
    plan = plan_sticker_sheet(stickers, layout, start_position=start_position, error_correction=error_correction,
                              offset_x_mm=offset_x_mm, offset_y_mm=offset_y_mm)
    write_sticker_pdf(plan, out)
    return plan


def render_calibration_page(layout: LabelLayout, out: PdfTarget, *, offset_x_mm: float = 0,
                            offset_y_mm: float = 0) -> tuple[Box, ...]:
    """Write the calibration page of ``layout``; returns the label boxes as drawn."""
    plan = plan_calibration_page(layout, offset_x_mm=offset_x_mm, offset_y_mm=offset_y_mm)
    write_calibration_pdf(plan, out)
    return plan.label_boxes
