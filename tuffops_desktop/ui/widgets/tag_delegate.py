"""Draws a cell's text as a soft coloured tag (customer type, warranty state).

The colour comes from ``TagColourRole``. Tags are tinted, not solid: a light wash of the
colour with darker text of the same hue, so a list of 20,000 rows stays calm while the
colours still read at a glance (Residential green, Commercial blue, Government yellow).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from tuffops_desktop.ui.models.roles import TagColourRole
from tuffops_desktop.ui.widgets.swatch import tag_colours


class TagDelegate(QStyledItemDelegate):
    """Paints ``DisplayRole`` text as a rounded tag when ``TagColourRole`` is set."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        colour = index.data(TagColourRole)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not colour or not text:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        fill, border, ink = tag_colours(colour)
        font = QFontMetrics(opt.font)
        bold = opt.font
        bold.setWeight(bold.Weight.DemiBold)
        metrics = QFontMetrics(bold)
        pad_x = 8
        height = min(opt.rect.height() - 8, font.height() + 4)
        width = min(metrics.horizontalAdvance(text) + 2 * pad_x, opt.rect.width() - 10)
        rect = QRectF(opt.rect.left() + 5, opt.rect.center().y() - height / 2 + 0.5, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(ink)
        painter.setFont(bold)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width - 2 * pad_x + 1))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()
