"""Small icons drawn at run time (no image files, no font glyphs that may be missing)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap


def link_icon(colour: str = "#4b5563") -> QIcon:
    """Two interlocking rings: a unit that is part of a linked system."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour), 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(1.5, 5, 8, 6), 3, 3)
    painter.drawRoundedRect(QRectF(6.5, 5, 8, 6), 3, 3)
    painter.end()
    return QIcon(pixmap)


def app_icon() -> QIcon:
    """The window icon: a blue rounded square with a white snowflake-like cross."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#2563eb"))
    painter.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14)
    pen = QPen(QColor("#ffffff"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(32, 14, 32, 50)
    painter.drawLine(16, 23, 48, 41)
    painter.drawLine(16, 41, 48, 23)
    painter.end()
    return QIcon(pixmap)
