"""Boxes and strokes on a printed page, in PDF points with the origin at the bottom-left corner.

reportlab draws in this system; the Qt painter flips it once (``ui/stickers/painter.py``
``to_top_down``).  Pure data: no reportlab, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Box", "Segment", "Outline"]


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

    def contains(self, other: Box, tolerance: float = 1e-6) -> bool:
        """Whether ``other`` lies entirely inside this box."""
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.top <= self.top + tolerance
        )

    def inset(self, amount: float) -> Box:
        return Box(self.x + amount, self.y + amount, self.width - 2 * amount, self.height - 2 * amount)

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.width, self.height)


@dataclass(frozen=True)
class Segment:
    """A straight stroke from ``(x1, y1)`` to ``(x2, y2)``, butt-capped.

    ``width`` in points; ``gray`` from 0 (black) to 1 (white).
    """

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    gray: float = 0.0


@dataclass(frozen=True)
class Outline:
    """The stroked outline of ``box`` with corners rounded by ``radius`` (not filled)."""

    box: Box
    radius: float
    width: float
    gray: float = 0.0
