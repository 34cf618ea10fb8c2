"""Meaningful colours as small visual elements: swatches and soft tags."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap


def type_icon(colour: str) -> QIcon:
    """A 12 px rounded square of ``colour`` (customer type in combo boxes and lists)."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(1, 1, 10, 10, 3, 3)
    painter.end()
    return QIcon(pixmap)


def _mix(colour: QColor, other: QColor, amount: float) -> QColor:
    return QColor(
        round(colour.red() * (1 - amount) + other.red() * amount),
        round(colour.green() * (1 - amount) + other.green() * amount),
        round(colour.blue() * (1 - amount) + other.blue() * amount),
    )


def tag_colours(colour: str) -> tuple[QColor, QColor, QColor]:
    """(fill, border, text) of a soft tag: a light wash, a mid border, dark same-hue text."""
    base = QColor(colour)
    white, black = QColor("#ffffff"), QColor("#111827")
    return _mix(base, white, 0.84), _mix(base, white, 0.45), _mix(base, black, 0.45)


def tag_style(colour: str) -> str:
    """Style sheet of a soft tag ``QLabel`` (detail panels)."""
    fill, border, ink = tag_colours(colour)
    return (
        f"background: {fill.name()}; color: {ink.name()}; border: 1px solid {border.name()}; "
        "border-radius: 4px; padding: 1px 8px; font-weight: 600;"
    )
