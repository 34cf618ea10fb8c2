"""The sticker sheet plan: which sticker goes on which label of which page, and every
box, QR matrix and line of text on it, as plain data.

Each sticker carries the unit's public URL as a QR code (a customer scans it to ask for
service), the unit's friendly label ("Lobby AC #2"), a short code staff can read over
the phone, and a footer (company name or phone number).  The plan is computed once and
drawn twice: by the PDF writer (``sticker_pdf``, reportlab) and by the desktop's preview
and printer path (``ui/stickers/painter.py``, Qt).  Neither measures anything itself.

Printing realities the plan is built around:

* **Start position.**  Offices reuse partly used sheets; ``start_position`` leaves the
  already-peeled labels of the *first* page empty.
* **Printer offset.**  Printers feed paper a millimetre or two off; ``offset_x_mm`` /
  ``offset_y_mm`` shift everything (positive = right / down the page).  The calibration
  page (``calibration``) is how staff measure it.
* **Scannable codes.**  The QR code keeps its 4-module quiet zone inside the label's
  printable area, modules are whole printer dots, and text never enters the quiet zone.
* **Text never overflows** (``text_fit``): lines shrink, wrap, then end in "…".

Coordinates are PDF points from the page's bottom-left corner (:class:`Box`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tuffops_desktop.documents.fonts import register_fonts
from tuffops_desktop.documents.geometry import Box
from tuffops_desktop.documents.label_layouts import MM_TO_PT, LabelLayout
from tuffops_desktop.documents.qr_vector import (
    QUIET_ZONE_MODULES,
    QrMatrix,
    encode,
    fit_module_size,
    grid_unit_pt,
    normalise_level,
    snap_to_grid,
)
from tuffops_desktop.documents.text_fit import HorizontalAlign, PlacedText, TextStyle, fit_block, single_line

__all__ = [
    "MAX_OFFSET_MM",
    "StickerContent",
    "PlacedSticker",
    "StickerPagePlan",
    "StickerSheetPlan",
    "StickerSheet",
    "plan_sticker_sheet",
    "check_offsets",
    "offset_label_box",
]

MAX_OFFSET_MM = 20.0
"""Calibration offsets beyond this are a typo (inches for mm?), not a printer."""

_TITLE_SIZES = (16.0, 6.0)  # (largest, smallest) in points; the largest is scaled down
_CODE_RATIO, _CODE_MIN = 0.82, 5.5
_FOOTER_RATIO, _FOOTER_MIN = 0.72, 5.0
_SIDE_BY_SIDE_MIN_TEXT = 0.6  # text column must be ≥ this × label height, else stack
_TEXT_GAP_MM = 1.0  # between the quiet zone and the text: glyphs like "Ł" overhang a little


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
class PlacedSticker:
    """One sticker as it will print."""

    index: int  # position in the job's sequence of contents
    page: int  # 0-based page index
    position: int  # 1-based label position on that page
    url: str
    label_box: Box  # the label, offsets applied
    qr_box: Box  # the QR code including its quiet zone
    module_pt: float
    texts: tuple[PlacedText, ...]
    matrix: QrMatrix  # the symbol drawn in qr_box, quiet zone excluded


@dataclass(frozen=True)
class StickerPagePlan:
    """One page: the layout, which label is the first printed one, its stickers."""

    layout: LabelLayout
    number: int  # 0-based
    first_position: int  # labels before this one stay empty (a partly used first sheet)
    stickers: tuple[PlacedSticker, ...]

    @property
    def size_pt(self) -> tuple[float, float]:
        return self.layout.page_size_pt


@dataclass(frozen=True)
class StickerSheetPlan:
    """Every page of one print job, in order."""

    layout: LabelLayout
    page_plans: tuple[StickerPagePlan, ...]

    @property
    def pages(self) -> int:
        return len(self.page_plans)

    @property
    def stickers(self) -> tuple[PlacedSticker, ...]:
        return tuple(sticker for page in self.page_plans for sticker in page.stickers)

    def on_page(self, page: int) -> list[PlacedSticker]:
        return list(self.page_plans[page].stickers)


# ------------------------------------------------------------------- arguments
def check_offsets(offset_x_mm: float, offset_y_mm: float) -> None:
    """Refuse offsets that are not finite numbers of millimetres within ±``MAX_OFFSET_MM``."""
    for name, value in (("offset_x_mm", offset_x_mm), ("offset_y_mm", offset_y_mm)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a number of millimetres, got {value!r}")
        if abs(value) > MAX_OFFSET_MM:
            raise ValueError(
                f"{name} = {value} mm is more than ±{MAX_OFFSET_MM:g} mm; printer offsets are "
                "a few millimetres (print the calibration page to measure it)"
            )


def _check_contents(stickers: Sequence[StickerContent]) -> None:
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


def offset_label_box(layout: LabelLayout, position: int, offset_x_mm: float, offset_y_mm: float) -> Box:
    """Label ``position`` where the printer puts it: + x is right, + y is down the page."""
    return Box(*layout.label_box(position)).moved(offset_x_mm * MM_TO_PT, -offset_y_mm * MM_TO_PT)


# ------------------------------------------------------------------- the sheet
class StickerSheet:
    """Plans a print job page by page, each page when first asked for.

    A sticker's plan depends only on its label position and its own content, so page
    ``n`` is computed from just that page's stickers: a 2,000-sticker job previews its
    first page as fast as a 30-sticker one.  The arguments are checked here, at once;
    what only planning finds (a URL too long for a QR code, a label too small for one)
    raises ``ValueError`` from :meth:`page`.
    """

    def __init__(
        self,
        contents: Sequence[StickerContent],
        layout: LabelLayout,
        *,
        start_position: int = 1,
        error_correction: str = "M",
        offset_x_mm: float = 0.0,
        offset_y_mm: float = 0.0,
    ) -> None:
        _check_contents(contents)
        layout.validate()
        per_page = layout.labels_per_page
        if (
            isinstance(start_position, bool)
            or not isinstance(start_position, int)
            or not (1 <= start_position <= per_page)
        ):
            raise ValueError(
                f"start position must be between 1 and {per_page} for {layout.name}, got {start_position!r}"
            )
        check_offsets(offset_x_mm, offset_y_mm)
        self.contents = tuple(contents)
        self.layout = layout
        self.start_position = start_position
        self.error_correction = normalise_level(error_correction)
        self.offset_x_mm = offset_x_mm
        self.offset_y_mm = offset_y_mm
        self._fonts = register_fonts()
        self._pages: dict[int, StickerPagePlan] = {}

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

    def page(self, number: int) -> StickerPagePlan:
        if not 0 <= number < self.page_count:
            raise IndexError(f"page {number + 1} of {self.page_count}")
        if number not in self._pages:
            self._pages[number] = self._plan_page(number)
        return self._pages[number]

    def pages(self) -> Iterator[StickerPagePlan]:
        for number in range(self.page_count):
            yield self.page(number)

    def plan(self) -> StickerSheetPlan:
        """Every page, planned before anything is drawn."""
        return StickerSheetPlan(self.layout, tuple(self.pages()))

    def text_items(self, content: StickerContent, text_height: float) -> list[tuple[str, TextStyle]]:
        """The sticker's lines and how each may be set (a sheet of other labels, e.g. part
        labels, says other things in the same box)."""
        return _text_items(content, text_height, self._fonts)

    def _plan_page(self, number: int) -> StickerPagePlan:
        part = self.page_slice(number)
        first = self.start_position if number == 0 else 1
        page_height = self.layout.page_size_pt[1]
        placed = []
        for offset, content in enumerate(self.contents[part]):
            position = first + offset
            label = offset_label_box(self.layout, position, self.offset_x_mm, self.offset_y_mm)
            matrix = encode(content.url, self.error_correction)
            split = _split_label(label, self.layout, matrix.size, page_height)
            block = fit_block(
                self.text_items(content, split.text_area.height), split.text_area.width, split.text_area.height
            )
            texts = block.place(split.text_area, align=split.align)
            placed.append(
                PlacedSticker(
                    part.start + offset,
                    number,
                    position,
                    content.url,
                    label,
                    split.qr_box,
                    split.module_pt,
                    texts,
                    matrix,
                )
            )
        return StickerPagePlan(self.layout, number, first, tuple(placed))


def plan_sticker_sheet(
    contents: Sequence[StickerContent],
    layout: LabelLayout,
    *,
    start_position: int = 1,
    error_correction: str = "M",
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
) -> StickerSheetPlan:
    """The whole plan of a print job (see :class:`StickerSheet` for the arguments)."""
    return StickerSheet(
        contents,
        layout,
        start_position=start_position,
        error_correction=error_correction,
        offset_x_mm=offset_x_mm,
        offset_y_mm=offset_y_mm,
    ).plan()


# ------------------------------------------------------------------- one label
@dataclass(frozen=True)
class _LabelSplit:
    qr_box: Box
    module_pt: float
    text_area: Box
    align: HorizontalAlign


def _snap_within(start: float, free: float) -> float:
    """A grid coordinate in ``[start, start + free]``, as near its middle as possible."""
    low = snap_to_grid(start, mode="ceil")
    high = snap_to_grid(start + free, mode="floor")
    middle = snap_to_grid(start + free / 2)
    return min(max(middle, low), high)


def _split_label(label: Box, layout: LabelLayout, symbol_size: int, page_height: float) -> _LabelSplit:
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
        return _LabelSplit(qr_box, module, text_area, "left")
    # Stacked: keep about a quarter of the height (at least three small lines) for text.
    text_reserve = max(0.24 * content.height, 3 * 1.25 * _TITLE_SIZES[1])
    module = fit_module_size(min(content.width, content.height - text_reserve) - unit, symbol_size)
    side = modules * module
    x = _snap_within(content.x, content.width - side)
    top_gap = snap_to_grid(page_height - content.top, mode="ceil")
    qr_box = Box(x, page_height - top_gap - side, side, side)
    text_top = content.top - side - unit - _TEXT_GAP_MM / 2 * MM_TO_PT
    text_area = Box(content.x, content.y, content.width, text_top - content.y)
    return _LabelSplit(qr_box, module, text_area, "center")


def _text_items(sticker: StickerContent, text_height: float, fonts: tuple[str, str]) -> list[tuple[str, TextStyle]]:
    """Title (bold, up to 3 lines), code (1 line), footer (up to 2 lines, kept whole)."""
    regular, bold = fonts
    title_largest = min(_TITLE_SIZES[0], max(8.0, 0.18 * text_height))
    return [
        (single_line(sticker.title), TextStyle(bold, title_largest, _TITLE_SIZES[1], 3)),
        (single_line(sticker.code), TextStyle(regular, title_largest * _CODE_RATIO, _CODE_MIN, 1)),
        (
            single_line(sticker.footer),
            TextStyle(
                regular, title_largest * _FOOTER_RATIO, _FOOTER_MIN, 2, extra_line_factor=0.0, keep_parts_whole=True
            ),
        ),
    ]
