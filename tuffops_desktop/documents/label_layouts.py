"""Label sheet and label printer layouts, kept as data.

A layout says where each sticker sits on the printed page: the page size, the distance
from the page's top-left corner to the first label, the label size, and the pitch
(distance from one label's edge to the next one's, label plus gap).  This is the
vocabulary of the label makers' own spec sheets, so an office admin can copy the
numbers for a sheet we do not ship straight off the box.

Layouts are plain data (``to_dict``/``from_dict``) so custom ones can be kept in a
settings table; the built-in ones live in ``resources/label_layouts.json``.  Every
layout is validated before it is used: overlapping labels or labels that run off the
page are the classic cause of "the stickers drift down the sheet" complaints, and are
refused with a message that names the problem.

Units: every stored number is in millimetres.  ``label_box`` answers in PDF points
(1/72 in) with the origin at the page's bottom-left corner, which is what reportlab
draws in.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "LabelLayout",
    "LayoutError",
    "builtin_layouts",
    "MM_TO_PT",
]

MM_TO_PT = 72.0 / 25.4
"""Points per millimetre."""

LAYOUT_KINDS = ("sheet", "roll")
"""``sheet``: many labels on a Letter/A4 sheet.  ``roll``: a label printer whose page is
one label (die-cut roll or a length of continuous tape)."""

_TOLERANCE_MM = 0.01
"""Rounding slack for the geometry checks; spec sheets round to 0.01 mm or 1/64 in."""

_LAYOUTS_FILE = "label_layouts.json"


def _find_resources() -> Path:
    """The repository's ``resources/`` folder, or the bundled copy in a frozen build."""
    source_tree = Path(__file__).resolve().parents[2] / "resources"
    if source_tree.is_dir():
        return source_tree
    return Path(getattr(sys, "_MEIPASS", "")) / "resources"


_RESOURCES = _find_resources()


class LayoutError(ValueError):
    """A label layout is unusable (bad numbers, overlapping labels, off the page)."""


@dataclass(frozen=True)
class LabelLayout:
    """Where the labels of one kind of label stock sit on the printed page.

    ``padding_mm`` is a band inside each label where nothing is printed: it absorbs the
    printer's paper-feed tolerance on sheets (about 1 mm) and the unprintable edge of
    label printers, so the QR's quiet zone is never cut by the label edge.
    """

    key: str
    name: str
    page_width_mm: float
    page_height_mm: float
    margin_left_mm: float
    margin_top_mm: float
    label_width_mm: float
    label_height_mm: float
    pitch_x_mm: float
    pitch_y_mm: float
    columns: int
    rows: int
    corner_radius_mm: float = 0.0
    kind: Literal["sheet", "roll"] = "sheet"
    padding_mm: float = 1.0

    # ------------------------------------------------------------------ geometry
    @property
    def labels_per_page(self) -> int:
        """How many stickers one printed page (one sheet, or one roll label) holds."""
        return self.columns * self.rows

    @property
    def page_size_pt(self) -> tuple[float, float]:
        """Page (width, height) in PDF points, for ``canvas.Canvas(pagesize=...)``."""
        return self.page_width_mm * MM_TO_PT, self.page_height_mm * MM_TO_PT

    def label_box(self, position: int) -> tuple[float, float, float, float]:
        """The (x, y, width, height) of label ``position`` in PDF points.

        ``position`` counts from 1 at the top-left label, left to right, then row by
        row (the order people count the labels on a sheet).  ``(x, y)`` is the label's
        bottom-left corner measured from the page's bottom-left corner.
        """
        if isinstance(position, bool) or not isinstance(position, int):
            raise ValueError(f"label position must be a whole number, got {position!r}")
        if not 1 <= position <= self.labels_per_page:
            raise ValueError(
                f"label position {position} is outside {self.name} (positions 1 to {self.labels_per_page})"
            )
        row, column = divmod(position - 1, self.columns)
        left_mm = self.margin_left_mm + column * self.pitch_x_mm
        top_mm = self.margin_top_mm + row * self.pitch_y_mm
        bottom_mm = self.page_height_mm - top_mm - self.label_height_mm
        return (
            left_mm * MM_TO_PT,
            bottom_mm * MM_TO_PT,
            self.label_width_mm * MM_TO_PT,
            self.label_height_mm * MM_TO_PT,
        )

    # ---------------------------------------------------------------- validation
    def validate(self) -> LabelLayout:
        """Check the numbers describe real, printable labels; return ``self``.

        Raises :class:`LayoutError` naming the first problem found.
        """
        label = f"layout {self.key or '?'!r}"
        if not isinstance(self.key, str) or not self.key.strip():
            raise LayoutError("a label layout needs a non-empty key")
        if not isinstance(self.name, str) or not self.name.strip():
            raise LayoutError(f"{label} needs a non-empty name")
        if self.kind not in LAYOUT_KINDS:
            raise LayoutError(f"{label}: kind must be one of {LAYOUT_KINDS}, got {self.kind!r}")
        for count_name in ("columns", "rows"):
            value = getattr(self, count_name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise LayoutError(f"{label}: {count_name} must be a whole number ≥ 1, got {value!r}")
        positive = ("page_width_mm", "page_height_mm", "label_width_mm", "label_height_mm", "pitch_x_mm", "pitch_y_mm")
        non_negative = ("margin_left_mm", "margin_top_mm", "corner_radius_mm", "padding_mm")
        for number_name in positive + non_negative:
            value = getattr(self, number_name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise LayoutError(f"{label}: {number_name} must be a number, got {value!r}")
            if number_name in positive and value <= 0:
                raise LayoutError(f"{label}: {number_name} must be greater than 0, got {value}")
            if value < 0:
                raise LayoutError(f"{label}: {number_name} must not be negative, got {value}")

        smaller_side = min(self.label_width_mm, self.label_height_mm)
        if self.corner_radius_mm > smaller_side / 2:
            raise LayoutError(
                f"{label}: corner radius {self.corner_radius_mm} mm is more than half the "
                f"label's smaller side ({smaller_side} mm)"
            )
        if self.padding_mm * 2 >= smaller_side:
            raise LayoutError(
                f"{label}: padding {self.padding_mm} mm leaves no printable space in a "
                f"{self.label_width_mm} × {self.label_height_mm} mm label"
            )
        if self.columns > 1 and self.pitch_x_mm + _TOLERANCE_MM < self.label_width_mm:
            raise LayoutError(
                f"{label}: labels overlap side by side: horizontal pitch {self.pitch_x_mm} mm "
                f"is less than the label width {self.label_width_mm} mm"
            )
        if self.rows > 1 and self.pitch_y_mm + _TOLERANCE_MM < self.label_height_mm:
            raise LayoutError(
                f"{label}: labels overlap top to bottom: vertical pitch {self.pitch_y_mm} mm "
                f"is less than the label height {self.label_height_mm} mm"
            )
        right_edge = self.margin_left_mm + (self.columns - 1) * self.pitch_x_mm + self.label_width_mm
        if right_edge > self.page_width_mm + _TOLERANCE_MM:
            raise LayoutError(
                f"{label}: the last column ends at {right_edge:.2f} mm, past the page width {self.page_width_mm} mm"
            )
        bottom_edge = self.margin_top_mm + (self.rows - 1) * self.pitch_y_mm + self.label_height_mm
        if bottom_edge > self.page_height_mm + _TOLERANCE_MM:
            raise LayoutError(
                f"{label}: the last row ends at {bottom_edge:.2f} mm, past the page height {self.page_height_mm} mm"
            )
        return self

    # ------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (str, int, float only), for a settings table or a file."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelLayout:
        """Build and validate a layout from :meth:`to_dict` output.

        Unknown keys are ignored (a newer app version may store more); missing required
        keys or wrong types raise :class:`LayoutError`.
        """
        if not isinstance(data, Mapping):
            raise LayoutError(f"a label layout must be a mapping, got {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        required = [name for name, f in known.items() if f.default is MISSING]
        missing = [name for name in required if name not in data]
        if missing:
            raise LayoutError(f"label layout {data.get('key', '?')!r} is missing {', '.join(missing)}")
        values: dict[str, Any] = {}
        for name in known:
            if name not in data:
                continue
            value = data[name]
            if name in ("key", "name", "kind"):
                if not isinstance(value, str):
                    raise LayoutError(f"label layout field {name} must be text, got {value!r}")
            elif name in ("columns", "rows"):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise LayoutError(f"label layout field {name} must be a whole number, got {value!r}")
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise LayoutError(f"label layout field {name} must be a number, got {value!r}")
                value = float(value)
            values[name] = value
        return cls(**values).validate()


@lru_cache(maxsize=1)
def _load_builtin() -> tuple[LabelLayout, ...]:
    path = _RESOURCES / _LAYOUTS_FILE
    with path.open("r", encoding="utf-8") as handle:
        document = json.load(handle)
    return tuple(LabelLayout.from_dict(item) for item in document["layouts"])


def builtin_layouts() -> dict[str, LabelLayout]:
    """The label stock TuffOps knows out of the box, by key, in display order."""
    return {layout.key: layout for layout in _load_builtin()}
