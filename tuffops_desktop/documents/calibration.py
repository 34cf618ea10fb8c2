"""The calibration page: label outlines, numbers and millimetre scales to measure a
printer's offset, planned as plain data (outlines, strokes, placed text).

Print it on plain paper at 100 %, hold it against a label sheet in front of a light,
and read where the real label edges fall on the scales of the first and last labels:
that reading (+ = right / down) is added to the current offset.  If the two labels read
differently, the printer is scaling the page ("Fit to page" is on); the 100 mm bar shows
the same.  Label-printer pages (one label per page) get scales through the label's
centre instead, since their edges are the page edges.

The PDF writer (``sticker_pdf``) and the desktop painter (``ui/stickers/painter.py``)
both draw the :class:`CalibrationPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.geometry import Box, Outline, Segment
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout
from tuffops_desktop.documents.sticker_plan import check_offsets, offset_label_box
from tuffops_desktop.documents.text_fit import HorizontalAlign, PlacedText, ellipsize, place_line

__all__ = ["CalibrationPlan", "plan_calibration_page"]

_SCALE_REACH_MM = 5
_PRINTABLE_EDGE_MM = 6.0  # scales closer than this to the paper edge would not print
_SCALE_FONT_SIZE = 4.5


@dataclass(frozen=True)
class CalibrationPlan:
    """What the calibration page of ``layout`` shows, offsets applied.

    Drawn in this order: ``outlines`` (grey), ``segments``, ``texts`` (black).
    """

    layout: LabelLayout
    offset_x_mm: float
    offset_y_mm: float
    label_boxes: tuple[Box, ...]
    outlines: tuple[Outline, ...]
    segments: tuple[Segment, ...]
    texts: tuple[PlacedText, ...]

    @property
    def size_pt(self) -> tuple[float, float]:
        return self.layout.page_size_pt


@dataclass
class _Drawing:
    outlines: list[Outline] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    texts: list[PlacedText] = field(default_factory=list)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float) -> None:
        self.segments.append(Segment(x1, y1, x2, y2, width))

    def text(
        self, text: str, font: str, size: float, x: float, baseline: float, align: HorizontalAlign = "left"
    ) -> None:
        self.texts.append(place_line(text, font, size, x, baseline, align))


def plan_calibration_page(
    layout: LabelLayout, *, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0
) -> CalibrationPlan:
    """The calibration page of ``layout`` as printed with the given offsets."""
    layout.validate()
    check_offsets(offset_x_mm, offset_y_mm)
    regular, bold = register_fonts()
    page_width, page_height = layout.page_size_pt
    boxes = tuple(
        offset_label_box(layout, position, offset_x_mm, offset_y_mm)
        for position in range(1, layout.labels_per_page + 1)
    )
    drawing = _Drawing()
    radius = layout.corner_radius_mm * MM_TO_PT
    for position, box in enumerate(boxes, start=1):
        drawing.outlines.append(Outline(box, radius, 0.5, 0.3))
        _crosshair(drawing, box)
        number_size = min(14.0, max(6.0, box.height * 0.22))
        pad = layout.padding_mm * MM_TO_PT + radius * 0.3
        drawing.text(str(position), bold, number_size, box.x + pad, box.top - pad - number_size * 0.8)

    page = Box(0, 0, page_width, page_height)
    if not _edge_scales(drawing, boxes[0], page, regular, first=True):
        _centre_scales(drawing, boxes[0], regular)
    if len(boxes) > 1:
        _edge_scales(drawing, boxes[-1], page, regular, first=False)
    _instructions(drawing, layout, offset_x_mm, offset_y_mm, regular, bold)
    return CalibrationPlan(
        layout, offset_x_mm, offset_y_mm, boxes, tuple(drawing.outlines), tuple(drawing.segments), tuple(drawing.texts)
    )


def _crosshair(drawing: _Drawing, box: Box) -> None:
    arm = min(3 * MM_TO_PT, box.width / 4, box.height / 4)
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    drawing.line(cx - arm, cy, cx + arm, cy, 0.3)
    drawing.line(cx, cy - arm, cx, cy + arm, 0.3)


def _pick_edge(near: float, far: float, near_room: float, far_room: float, prefer_near: bool) -> float | None:
    """Of a label's two parallel edges, one that is far enough from the paper edge."""
    need = _PRINTABLE_EDGE_MM * MM_TO_PT
    options = [(near, near_room), (far, far_room)] if prefer_near else [(far, far_room), (near, near_room)]
    for edge, room in options:
        if room >= need:
            return edge
    return None


def _edge_scales(drawing: _Drawing, box: Box, page: Box, font: str, *, first: bool) -> bool:
    """Millimetre scales across one vertical and one horizontal edge of a label.

    0 sits on the printed edge, ticks run ±5 mm; + is right (horizontal scale) or down
    (vertical scale), the sign of the offsets.  The first label prefers its left/top
    edges, the last its right/bottom ones, skipping edges too close to the paper edge
    for a printer to reach.  Returns False when no edge qualified.
    """
    edge_x = _pick_edge(box.x, box.right, box.x - page.x, page.right - box.right, prefer_near=first)
    edge_y = _pick_edge(box.top, box.y, page.top - box.top, box.y - page.y, prefer_near=first)
    if edge_x is None and edge_y is None:
        return False
    along_y = box.y + box.height * (0.35 if first else 0.65)
    along_x = box.x + box.width * (0.3 if first else 0.7)
    if edge_x is not None:
        _scale(drawing, edge_x, along_y, font, horizontal=True)
    if edge_y is not None:
        _scale(drawing, along_x, edge_y, font, horizontal=False)
    return True


def _centre_scales(drawing: _Drawing, box: Box, font: str) -> None:
    """Scales through the label's centre, for pages that are a single label."""
    centre_x, centre_y = box.x + box.width / 2, box.y + box.height / 2
    _scale(drawing, centre_x, box.y + box.height * 0.25, font, horizontal=True)
    _scale(drawing, box.x + box.width * 0.75, centre_y, font, horizontal=False)


def _scale(drawing: _Drawing, x0: float, y0: float, font: str, *, horizontal: bool) -> None:
    """A ±5 mm scale with 0 at ``(x0, y0)``: left→right if horizontal, else top→down."""
    size = _SCALE_FONT_SIZE
    for step in range(-_SCALE_REACH_MM, _SCALE_REACH_MM + 1):
        length = (3.5 if step == 0 else 2.5 if step % 5 == 0 else 1.6) * MM_TO_PT
        label = f"{step:+d}" if step else "0"
        if horizontal:
            x = x0 + step * MM_TO_PT
            drawing.line(x, y0 - length / 2, x, y0 + length / 2, 0.25)
            if step % 5 == 0:
                drawing.text(label, font, size, x, y0 - 1.75 * MM_TO_PT - size, "center")
        else:
            y = y0 - step * MM_TO_PT
            drawing.line(x0 - length / 2, y, x0 + length / 2, y, 0.25)
            if step % 5 == 0:
                drawing.text(label, font, size, x0 + 1.75 * MM_TO_PT + 0.5, y - size * 0.35)


def _instructions(
    drawing: _Drawing, layout: LabelLayout, offset_x_mm: float, offset_y_mm: float, regular: str, bold: str
) -> None:
    """Title in the top margin; the 100 mm bar and how-to in the bottom margin."""
    page_width, page_height = layout.page_size_pt
    usable = page_width - 16 * MM_TO_PT
    if layout.margin_top_mm * MM_TO_PT >= 9 * MM_TO_PT:
        title = (
            f"Label calibration — {layout.name} — printed with offset x {offset_x_mm:+.1f} mm, y {offset_y_mm:+.1f} mm"
        )
        drawing.text(ellipsize(title, bold, 7, usable), bold, 7, page_width / 2, page_height - 7 * MM_TO_PT, "center")
    bottom_space = (
        page_height - (layout.margin_top_mm + (layout.rows - 1) * layout.pitch_y_mm + layout.label_height_mm) * MM_TO_PT
    )
    if bottom_space >= 10 * MM_TO_PT and page_width >= 120 * MM_TO_PT:
        bar_y = bottom_space - 3 * MM_TO_PT
        _reference_bar(drawing, page_width, bar_y)
        for number, line in enumerate(
            (
                "Print at 100 % (Actual size, not Fit to page): the bar above must measure exactly 100 mm.",
                "Hold against a label sheet in front of a light. Where a real label edge crosses a scale, "
                "add that reading to the offset (+ = right / down).",
            )
        ):
            drawing.text(
                ellipsize(line, regular, 5.5, usable),
                regular,
                5.5,
                page_width / 2,
                bar_y - (2.6 + 2.3 * number) * MM_TO_PT,
                "center",
            )


def _reference_bar(drawing: _Drawing, page_width: float, y: float) -> None:
    """A 100 mm bar: if it does not measure 100 mm, the print dialog is scaling."""
    length = 100 * MM_TO_PT
    x0 = (page_width - length) / 2
    drawing.line(x0, y, x0 + length, y, 0.4)
    for tick in range(0, 101, 10):
        height = (2.0 if tick % 50 == 0 else 1.2) * MM_TO_PT
        drawing.line(x0 + tick * MM_TO_PT, y, x0 + tick * MM_TO_PT, y + height, 0.4)
