"""QR sticker sheets: the PDF office staff print and stick on customers' units.

Each sticker carries the unit's public URL as a QR code (a customer scans it to ask for
service), the unit's friendly label ("Lobby AC #2"), a short code staff can read over
the phone, and a footer (company name or phone number).

Printing realities this module is built around (see the label complaints in the peer
research):

* **Start position.**  Offices reuse partly used sheets; ``start_position`` leaves the
  already-peeled slots of the *first* page empty.
* **Printer offset.**  Printers feed paper a millimetre or two off; ``offset_x_mm`` /
  ``offset_y_mm`` shift everything (positive = right / down the page).
  :func:`render_calibration_page` prints outlines and scales to read the offset from.
* **Scannable codes.**  The QR code keeps its 4-module quiet zone inside the label's
  printable area, modules are whole printer dots, and text never enters the quiet zone.
* **Text never overflows.**  Lines shrink to fit, then end in "…".  Text is drawn with
  plain canvas calls, so a title like ``<b>x</b> & "y"`` prints exactly as typed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, NamedTuple, Sequence

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout
from tuffops_desktop.documents.qr_vector import (
    QUIET_ZONE_MODULES,
    draw_qr,
    encode,
    fit_module_size,
    grid_unit_pt,
    snap_to_grid,
)

__all__ = [
    "Box",
    "StickerContent",
    "PlacedText",
    "PlacedSticker",
    "StickerRenderResult",
    "render_sticker_sheet",
    "render_calibration_page",
    "MAX_OFFSET_MM",
]

MAX_OFFSET_MM = 20.0
"""Calibration offsets beyond this are a typo (inches for mm?), not a printer."""

_ELLIPSIS = "…"
_TITLE_SIZES = (16.0, 6.0)  # (largest, smallest) in points; the largest is scaled down
_CODE_RATIO, _CODE_MIN = 0.82, 5.5
_FOOTER_RATIO, _FOOTER_MIN = 0.72, 5.0
_LINE_GAP = 0.18  # space between lines, as a fraction of the smaller font size
_SIDE_BY_SIDE_MIN_TEXT = 0.6  # text column must be ≥ this × label height, else stack
_TEXT_GAP_MM = 1.0  # between the quiet zone and the text: glyphs like "Ł" overhang a little


class Box(NamedTuple):
    """A rectangle in PDF points, origin bottom-left: ``(x, y, width, height)``."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def contains(self, other: "Box", tolerance: float = 1e-6) -> bool:
        """Whether ``other`` lies entirely inside this box."""
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.top <= self.top + tolerance
        )

    def inset(self, amount: float) -> "Box":
        return Box(self.x + amount, self.y + amount, self.width - 2 * amount, self.height - 2 * amount)


@dataclass(frozen=True)
class StickerContent:
    """What one sticker says.

    ``url``: the unit's public page (what the QR encodes).  ``title``: the friendly unit
    label, e.g. "Lobby AC #2".  ``code``: serial number or short code.  ``footer``:
    company name or phone number.
    """

    url: str
    title: str
    code: str
    footer: str


@dataclass(frozen=True)
class PlacedText:
    """One printed line: its text, font and the box its glyphs occupy."""

    text: str
    font: str
    size: float
    box: Box


@dataclass(frozen=True)
class PlacedSticker:
    """Where one sticker ended up, for previews and for tests."""

    index: int  # position in the input sequence
    page: int  # 0-based page index
    position: int  # 1-based label position on that page
    url: str
    label_box: Box  # the label, offsets applied
    qr_box: Box  # the QR code including its quiet zone
    module_pt: float
    texts: tuple[PlacedText, ...]


@dataclass(frozen=True)
class StickerRenderResult:
    """What :func:`render_sticker_sheet` printed."""

    pages: int
    stickers: tuple[PlacedSticker, ...]

    def on_page(self, page: int) -> list[PlacedSticker]:
        return [sticker for sticker in self.stickers if sticker.page == page]


# ------------------------------------------------------------------- arguments
def _check_offsets(offset_x_mm: float, offset_y_mm: float) -> None:
    for name, value in (("offset_x_mm", offset_x_mm), ("offset_y_mm", offset_y_mm)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a number of millimetres, got {value!r}")
        if abs(value) > MAX_OFFSET_MM:
            raise ValueError(
                f"{name} = {value} mm is more than ±{MAX_OFFSET_MM:g} mm; printer offsets are "
                "a few millimetres (print the calibration page to measure it)"
            )


def _check_stickers(stickers: Sequence[StickerContent]) -> None:
    if isinstance(stickers, (str, bytes)) or not isinstance(stickers, Sequence):
        raise ValueError("stickers must be a sequence of StickerContent")
    if not stickers:
        raise ValueError("there are no stickers to print")
    for index, sticker in enumerate(stickers):
        if not isinstance(sticker, StickerContent):
            raise ValueError(f"sticker {index + 1} is a {type(sticker).__name__}, not StickerContent")
        if not isinstance(sticker.url, str) or not sticker.url.strip():
            raise ValueError(f"sticker {index + 1} ({sticker.title!r}) has an empty URL")
        for field in ("title", "code", "footer"):
            if not isinstance(getattr(sticker, field), str):
                raise ValueError(f"sticker {index + 1}: {field} must be text")


def _output_target(out: str | Path | BinaryIO) -> str | BinaryIO:
    return str(out) if isinstance(out, (str, Path)) else out


def _shifted_label_box(layout: LabelLayout, position: int, offset_x_mm: float, offset_y_mm: float) -> Box:
    x, y, width, height = layout.label_box(position)
    return Box(x + offset_x_mm * MM_TO_PT, y - offset_y_mm * MM_TO_PT, width, height)


# ------------------------------------------------------------------- text fitting
@dataclass(frozen=True)
class _LineSpec:
    """One text item of a sticker and how far it may shrink or wrap."""

    text: str
    font: str
    largest: float
    smallest: float
    max_lines: int
    wrap_below: float = 0.8
    """Each extra line must make the text larger than 1 / this (0: wrap only when one
    line would be below the smallest size)."""
    keep_parts_whole: bool = False
    """Break two lines at a separator (" · ", ", ") rather than mid-phrase."""


@lru_cache(maxsize=4096)
def _unit_width(text: str, font: str) -> float:
    """Width of ``text`` at 1 pt; widths scale linearly with the font size."""
    return stringWidth(text, font, 1.0)


def _width(text: str, font: str, size: float) -> float:
    return _unit_width(text, font) * size


def _ellipsize(text: str, font: str, size: float, width: float) -> str:
    """The longest start of ``text`` that fits ``width`` with "…" appended ('' if none)."""
    if _width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # largest k with text[:k] + … fitting
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + _ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return _ELLIPSIS if _width(_ELLIPSIS, font, size) <= width else ""
    return text[:low].rstrip() + _ELLIPSIS


def _wrap(text: str, font: str, size: float, width: float, max_lines: int, truncate: bool) -> list[str] | None:
    """Greedy word wrap into at most ``max_lines`` lines of ``width``.

    Without ``truncate``: ``None`` when the text does not fit.  With it: whatever does
    not fit is cut and the last line ends in "…".
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font, size) <= width:
            current = candidate
            index += 1
            continue
        if not truncate:
            if not current or len(lines) == max_lines - 1:
                return None  # a word wider than the line, or more lines than allowed
            lines.append(current)
            current = ""
            continue
        if len(lines) == max_lines - 1:  # last allowed line: cut here
            rest = " ".join(([current] if current else []) + words[index:])
            return lines + [_ellipsize(rest, font, size, width)]
        if current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the line
            lines.append(_ellipsize(word, font, size, width))
            index += 1
    if current:
        lines.append(current)
    return lines


_SEPARATORS = (" · ", " | ", " — ", " – ", " - ", ", ")


def _split_at_separator(text: str, font: str, size: float, width: float) -> list[str] | None:
    """Two lines split at the last separator where both halves fit, if any."""
    for separator in _SEPARATORS:
        cut = text.rfind(separator)
        while cut > 0:
            keep = "," if separator == ", " else ""
            first, second = text[:cut] + keep, text[cut + len(separator):]
            if second and _width(first, font, size) <= width and _width(second, font, size) <= width:
                return [first, second]
            cut = text.rfind(separator, 0, cut)
    return None


def _line_height(font: str, size: float) -> tuple[float, float]:
    ascent, descent = getAscentDescent(font, size)
    return ascent, -descent  # both positive


def _block_height(lines: list[tuple[str, str, float]]) -> float:
    if not lines:
        return 0.0
    total = 0.0
    for index, (_, font, size) in enumerate(lines):
        ascent, descent = _line_height(font, size)
        total += ascent + descent
        if index:
            total += _LINE_GAP * min(size, lines[index - 1][2])
    return total


def _largest_fit(spec: _LineSpec, ceiling: float, width: float) -> tuple[float, list[str]]:
    """The size (≤ ``ceiling``) and lines that show the text best within ``width``.

    One line is preferred; each extra line must buy text larger by more than
    1 / ``wrap_below`` (so "Lobby AC #2" does not stack word by word).  Two-line breaks
    try a separator such as " · " first, so "Cool Breeze HVAC · (555) 010-2030" keeps its
    phone number whole.  When nothing fits even at the smallest size, the text is cut
    at that size and ends in "…".
    """
    one_line = width / max(_unit_width(spec.text, spec.font), 1e-9)
    if one_line >= ceiling:
        return ceiling, [spec.text]
    best: tuple[float, float, list[str]] | None = None  # (score, size, lines)
    if one_line >= spec.smallest:
        best = (one_line, one_line, [spec.text])
    for line_count in range(2, spec.max_lines + 1):
        fit = _largest_wrap(spec, min(ceiling, line_count * one_line), width, line_count)
        if fit is None:
            continue
        score = fit[0] * spec.wrap_below ** (line_count - 1)
        if best is None or score > best[0]:
            best = (score, fit[0], fit[1])
    if best is not None:
        return best[1], best[2]
    lines = _wrap(spec.text, spec.font, spec.smallest, width, spec.max_lines, truncate=True) or []
    return spec.smallest, [line for line in lines if line]


def _largest_wrap(spec: _LineSpec, start: float, width: float, line_count: int) -> tuple[float, list[str]] | None:
    """Largest size from ``start`` down to the smallest at which ``line_count`` lines fit.

    With ``keep_parts_whole`` a two-line break at a separator wins even if it needs a
    smaller size than a plain word wrap would.
    """
    def at_separator(size: float) -> list[str] | None:
        return _split_at_separator(spec.text, spec.font, size, width) if line_count == 2 else None

    def at_words(size: float) -> list[str] | None:
        return at_separator(size) or _wrap(spec.text, spec.font, size, width, line_count, truncate=False)

    if spec.keep_parts_whole and line_count == 2:
        found = _descend(spec, start, at_separator)
        if found is not None:
            return found
    return _descend(spec, start, at_words)


def _descend(
    spec: _LineSpec, start: float, attempt: Callable[[float], list[str] | None]
) -> tuple[float, list[str]] | None:
    """Try ``attempt(size)`` from ``start`` down to the spec's smallest size."""
    size = max(start, spec.smallest)
    while True:
        lines = attempt(size)
        if lines is not None:
            return size, lines
        if size <= spec.smallest:
            return None
        size = max(spec.smallest, size * 0.93)


def _fit_block(specs: list[_LineSpec], width: float, height: float) -> list[tuple[str, str, float]]:
    """Choose sizes and line breaks so every line fits ``width`` and the block ``height``.

    Each line takes the largest size that fits the width (no line larger than the
    line above it); if the block is too tall, all ceilings come down together.
    At the smallest sizes, wrapped lines are given up (title first down to one line)
    and then lines are dropped from the bottom (footer first) rather than print
    outside the label.
    """
    specs = [spec for spec in specs if spec.text.strip()]
    if not specs or width <= 0 or height <= 0:
        return []
    scale = 1.0
    while True:
        block = _block_at(specs, scale, width)
        if _block_height(block) <= height:
            return block
        if all(spec.largest * scale <= spec.smallest for spec in specs):
            break
        scale *= 0.93
    for keep in range(len(specs), 0, -1):
        for max_lines in range(max(spec.max_lines for spec in specs), 0, -1):
            squeezed = [
                _LineSpec(spec.text, spec.font, spec.smallest, spec.smallest, min(spec.max_lines, max_lines))
                for spec in specs[:keep]
            ]
            block = _block_at(squeezed, 1.0, width)
            if block and _block_height(block) <= height:
                return block
    return []


def _block_at(specs: list[_LineSpec], scale: float, width: float) -> list[tuple[str, str, float]]:
    """Lay out every spec at its largest fitting size under ``largest × scale``."""
    block: list[tuple[str, str, float]] = []
    previous_size: float | None = None
    for spec in specs:
        ceiling = spec.largest * scale
        if previous_size is not None:  # keep the hierarchy: never larger than the line above
            ceiling = min(ceiling, previous_size)
        size, lines = _largest_fit(spec, max(ceiling, spec.smallest), width)
        previous_size = size
        block.extend((line, spec.font, size) for line in lines)
    return block


def _place_block(block: list[tuple[str, str, float]], area: Box, align: str) -> tuple[PlacedText, ...]:
    """Position lines top-down, the block centred vertically in ``area``."""
    top = area.top - (area.height - _block_height(block)) / 2
    placed: list[PlacedText] = []
    previous_size = None
    for text, font, size in block:
        ascent, descent = _line_height(font, size)
        if previous_size is not None:
            top -= _LINE_GAP * min(size, previous_size)
        baseline = top - ascent
        text_width = _width(text, font, size)
        x = area.x + (area.width - text_width) / 2 if align == "center" else area.x
        placed.append(PlacedText(text, font, size, Box(x, baseline - descent, text_width, ascent + descent)))
        top = baseline - descent
        previous_size = size
    return tuple(placed)


# ------------------------------------------------------------------- label layout
def _snap_within(start: float, free: float) -> float:
    """A grid coordinate in ``[start, start + free]``, as near its middle as possible."""
    low = snap_to_grid(start, mode="ceil")
    high = snap_to_grid(start + free, mode="floor")
    middle = snap_to_grid(start + free / 2)
    return min(max(middle, low), high)


@dataclass(frozen=True)
class _Plan:
    qr_box: Box
    module_pt: float
    text_area: Box
    align: str


def _plan_label(label: Box, layout: LabelLayout, symbol_size: int, page_height: float) -> _Plan:
    """Split a label into the QR square (left, or top on square-ish labels) and text."""
    content = label.inset(layout.padding_mm * MM_TO_PT)
    unit = grid_unit_pt()
    modules = symbol_size + 2 * QUIET_ZONE_MODULES
    side_by_side = content.width - content.height >= _SIDE_BY_SIDE_MIN_TEXT * content.height
    if side_by_side:
        module = fit_module_size(min(content.height, content.width) - unit, symbol_size)
        side = modules * module
        x = snap_to_grid(content.x, mode="ceil")
        # Snap measured from the page top: printers (and rasterisers) count dots from there.
        top_gap = _snap_within(page_height - content.top, content.height - side)
        qr_box = Box(x, page_height - top_gap - side, side, side)
        # Measured from the label, not the snapped code, so offsets move text rigidly.
        text_left = content.x + side + unit + _TEXT_GAP_MM * MM_TO_PT
        text_area = Box(text_left, content.y, content.right - text_left, content.height)
        return _Plan(qr_box, module, text_area, "left")
    # Stacked: keep about a quarter of the height (at least three small lines) for text.
    text_reserve = max(0.24 * content.height, 3 * 1.25 * _TITLE_SIZES[1])
    module = fit_module_size(min(content.width, content.height - text_reserve) - unit, symbol_size)
    side = modules * module
    x = _snap_within(content.x, content.width - side)
    top_gap = snap_to_grid(page_height - content.top, mode="ceil")
    qr_box = Box(x, page_height - top_gap - side, side, side)
    text_top = content.top - side - unit - _TEXT_GAP_MM / 2 * MM_TO_PT
    text_area = Box(content.x, content.y, content.width, text_top - content.y)
    return _Plan(qr_box, module, text_area, "center")


def _clean(text: str) -> str:
    """One printable line: tabs, newlines and control characters become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _text_specs(sticker: StickerContent, text_height: float, fonts: tuple[str, str]) -> list[_LineSpec]:
    """Title (bold, up to 3 lines), code (1 line), footer (up to 2 lines, kept whole)."""
    regular, bold = fonts
    title_largest = min(_TITLE_SIZES[0], max(8.0, 0.18 * text_height))
    return [
        _LineSpec(_clean(sticker.title), bold, title_largest, _TITLE_SIZES[1], 3),
        _LineSpec(_clean(sticker.code), regular, title_largest * _CODE_RATIO, _CODE_MIN, 1),
        _LineSpec(_clean(sticker.footer), regular, title_largest * _FOOTER_RATIO, _FOOTER_MIN, 2,
                  wrap_below=0.0, keep_parts_whole=True),
    ]


def _draw_texts(canvas: Canvas, texts: tuple[PlacedText, ...]) -> None:
    canvas.setFillGray(0)
    for line in texts:
        descent = _line_height(line.font, line.size)[1]
        canvas.setFont(line.font, line.size)
        canvas.drawString(line.box.x, line.box.y + descent, line.text)


# ------------------------------------------------------------------- public API
def render_sticker_sheet(
    stickers: Sequence[StickerContent],
    layout: LabelLayout,
    out: str | Path | BinaryIO,
    *,
    start_position: int = 1,
    error_correction: str = "M",
    offset_x_mm: float = 0,
    offset_y_mm: float = 0,
) -> StickerRenderResult:
    """Write a PDF with one sticker per label, filling pages in label order.

    ``start_position`` (1-based) is the first free label on the first sheet; earlier
    labels on that sheet stay blank, later pages start at label 1.
    """
    _check_stickers(stickers)
    layout.validate()
    per_page = layout.labels_per_page
    if isinstance(start_position, bool) or not isinstance(start_position, int) or not (
        1 <= start_position <= per_page
    ):
        raise ValueError(
            f"start position must be between 1 and {per_page} for {layout.name}, got {start_position!r}"
        )
    _check_offsets(offset_x_mm, offset_y_mm)
    matrices = [encode(sticker.url, error_correction) for sticker in stickers]  # validates ECC
    fonts = register_fonts()
    page_width, page_height = layout.page_size_pt

    canvas = Canvas(_output_target(out), pagesize=(page_width, page_height))
    canvas.setTitle(f"QR stickers — {layout.name}")
    canvas.setCreator("TuffOps Desktop")
    placed: list[PlacedSticker] = []
    current_page = 0
    for index, (sticker, matrix) in enumerate(zip(stickers, matrices)):
        page, slot = divmod(start_position - 1 + index, per_page)
        if page != current_page:
            canvas.showPage()
            current_page = page
        position = slot + 1
        label = _shifted_label_box(layout, position, offset_x_mm, offset_y_mm)
        plan = _plan_label(label, layout, matrix.size, page_height)
        draw_qr(canvas, matrix, plan.qr_box.x, plan.qr_box.y, plan.module_pt)
        block = _fit_block(_text_specs(sticker, plan.text_area.height, fonts),
                           plan.text_area.width, plan.text_area.height)
        texts = _place_block(block, plan.text_area, plan.align)
        _draw_texts(canvas, texts)
        placed.append(PlacedSticker(index, page, position, sticker.url, label, plan.qr_box,
                                    plan.module_pt, texts))
    canvas.showPage()
    canvas.save()
    return StickerRenderResult(pages=current_page + 1, stickers=tuple(placed))


def render_calibration_page(
    layout: LabelLayout,
    out: str | Path | BinaryIO | None,
    *,
    offset_x_mm: float = 0,
    offset_y_mm: float = 0,
    canvas_factory: Callable[..., Any] | None = None,
) -> tuple[Box, ...]:
    """Print label outlines, numbers and millimetre scales to measure a printer's offset.

    Print it on plain paper at 100 %, hold it against a label sheet in front of a light,
    and read where the real label edges fall on the scales of the first and last
    labels: that reading (+ = right / down) is added to the current offset.  If the two
    labels read differently, the printer is scaling the page ("Fit to page" is on); the
    100 mm bar shows the same.  Label-printer pages (one label per page) get scales
    through the label's centre instead, since their edges are the page edges.
    Returns the label boxes as drawn (offsets applied). ``canvas_factory`` replaces
    reportlab's ``Canvas`` (same signature), e.g. to record the drawing for an on-screen
    preview; ``out`` is then passed to it as is.
    """
    layout.validate()
    _check_offsets(offset_x_mm, offset_y_mm)
    regular, bold = register_fonts()
    page_width, page_height = layout.page_size_pt
    if canvas_factory is not None:
        canvas = canvas_factory(out, pagesize=(page_width, page_height))
    else:
        canvas = Canvas(_output_target(out), pagesize=(page_width, page_height))
    canvas.setTitle(f"Label calibration — {layout.name}")
    canvas.setCreator("TuffOps Desktop")

    boxes = tuple(
        _shifted_label_box(layout, position, offset_x_mm, offset_y_mm)
        for position in range(1, layout.labels_per_page + 1)
    )
    radius = layout.corner_radius_mm * MM_TO_PT
    for position, box in enumerate(boxes, start=1):
        canvas.setLineWidth(0.5)
        canvas.setStrokeGray(0.3)
        canvas.roundRect(box.x, box.y, box.width, box.height, radius, stroke=1, fill=0)
        _draw_crosshair(canvas, box)
        number_size = min(14.0, max(6.0, box.height * 0.22))
        canvas.setFillGray(0)
        canvas.setFont(bold, number_size)
        pad = layout.padding_mm * MM_TO_PT + radius * 0.3
        canvas.drawString(box.x + pad, box.top - pad - number_size * 0.8, str(position))

    page = Box(0, 0, page_width, page_height)
    if not _draw_edge_scales(canvas, boxes[0], page, regular, first=True):
        _draw_centre_scales(canvas, boxes[0], regular)
    if len(boxes) > 1:
        _draw_edge_scales(canvas, boxes[-1], page, regular, first=False)
    _draw_instructions(canvas, layout, offset_x_mm, offset_y_mm, regular, bold)
    canvas.showPage()
    canvas.save()
    return boxes


# ------------------------------------------------------------------- calibration art
_SCALE_REACH_MM = 5
_PRINTABLE_EDGE_MM = 6.0  # scales closer than this to the paper edge would not print


def _draw_crosshair(canvas: Canvas, box: Box) -> None:
    arm = min(3 * MM_TO_PT, box.width / 4, box.height / 4)
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0)
    canvas.line(cx - arm, cy, cx + arm, cy)
    canvas.line(cx, cy - arm, cx, cy + arm)


def _pick_edge(near: float, far: float, near_room: float, far_room: float, prefer_near: bool) -> float | None:
    """Of a label's two parallel edges, one that is far enough from the paper edge."""
    need = _PRINTABLE_EDGE_MM * MM_TO_PT
    options = [(near, near_room), (far, far_room)] if prefer_near else [(far, far_room), (near, near_room)]
    for edge, room in options:
        if room >= need:
            return edge
    return None


def _draw_edge_scales(canvas: Canvas, box: Box, page: Box, font: str, *, first: bool) -> bool:
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
        _draw_scale(canvas, edge_x, along_y, font, horizontal=True)
    if edge_y is not None:
        _draw_scale(canvas, along_x, edge_y, font, horizontal=False)
    return True


def _draw_centre_scales(canvas: Canvas, box: Box, font: str) -> None:
    """Scales through the label's centre, for pages that are a single label."""
    centre_x, centre_y = box.x + box.width / 2, box.y + box.height / 2
    _draw_scale(canvas, centre_x, box.y + box.height * 0.25, font, horizontal=True)
    _draw_scale(canvas, box.x + box.width * 0.75, centre_y, font, horizontal=False)


def _draw_scale(canvas: Canvas, x0: float, y0: float, font: str, *, horizontal: bool) -> None:
    """A ±5 mm scale with 0 at ``(x0, y0)``: left→right if horizontal, else top→down."""
    canvas.setStrokeGray(0)
    canvas.setFillGray(0)
    canvas.setLineWidth(0.25)
    font_size = 4.5
    canvas.setFont(font, font_size)
    reach = _SCALE_REACH_MM
    for step in range(-reach, reach + 1):
        length = (3.5 if step == 0 else 2.5 if step % 5 == 0 else 1.6) * MM_TO_PT
        label = f"{step:+d}" if step else "0"
        if horizontal:
            x = x0 + step * MM_TO_PT
            canvas.line(x, y0 - length / 2, x, y0 + length / 2)
            if step % 5 == 0:
                canvas.drawCentredString(x, y0 - 1.75 * MM_TO_PT - font_size, label)
        else:
            y = y0 - step * MM_TO_PT
            canvas.line(x0 - length / 2, y, x0 + length / 2, y)
            if step % 5 == 0:
                canvas.drawString(x0 + 1.75 * MM_TO_PT + 0.5, y - font_size * 0.35, label)


def _draw_instructions(
    canvas: Canvas, layout: LabelLayout, offset_x_mm: float, offset_y_mm: float, regular: str, bold: str
) -> None:
    """Title in the top margin; the 100 mm bar and how-to in the bottom margin."""
    page_width, page_height = layout.page_size_pt
    usable = page_width - 16 * MM_TO_PT
    top_space = layout.margin_top_mm * MM_TO_PT
    if top_space >= 9 * MM_TO_PT:
        title = (f"Label calibration — {layout.name} — printed with offset x {offset_x_mm:+.1f} mm, "
                 f"y {offset_y_mm:+.1f} mm")
        canvas.setFillGray(0)
        canvas.setFont(bold, 7)
        canvas.drawCentredString(page_width / 2, page_height - 7 * MM_TO_PT,
                                 _ellipsize(title, bold, 7, usable))
    bottom_space = page_height - (layout.margin_top_mm + (layout.rows - 1) * layout.pitch_y_mm
                                  + layout.label_height_mm) * MM_TO_PT
    if bottom_space >= 10 * MM_TO_PT and page_width >= 120 * MM_TO_PT:
        bar_y = bottom_space - 3 * MM_TO_PT
        _draw_reference_bar(canvas, page_width, bar_y)
        canvas.setFont(regular, 5.5)
        for number, line in enumerate((
            "Print at 100 % (Actual size, not Fit to page): the bar above must measure exactly 100 mm.",
            "Hold against a label sheet in front of a light. Where a real label edge crosses a scale, "
            "add that reading to the offset (+ = right / down).",
        )):
            canvas.drawCentredString(page_width / 2, bar_y - (2.6 + 2.3 * number) * MM_TO_PT,
                                     _ellipsize(line, regular, 5.5, usable))


def _draw_reference_bar(canvas: Canvas, page_width: float, y: float) -> None:
    """A 100 mm bar: if it does not measure 100 mm, the print dialog is scaling."""
    length = 100 * MM_TO_PT
    x0 = (page_width - length) / 2
    canvas.setLineWidth(0.4)
    canvas.setStrokeGray(0)
    canvas.line(x0, y, x0 + length, y)
    for tick in range(0, 101, 10):
        height = (2.0 if tick % 50 == 0 else 1.2) * MM_TO_PT
        canvas.line(x0 + tick * MM_TO_PT, y, x0 + tick * MM_TO_PT, y + height)
