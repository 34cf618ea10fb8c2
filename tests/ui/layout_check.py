"""A generic "is anything clipped?" walk over a shown window.

Every visible label, button, line edit, combo box and check box must get at least the
size it asks for: its ``sizeHint`` width (the text and its margins), or for a wrapping
label the height its text needs at the width it got (``heightForWidth``), or for a line
edit its minimum (typing scrolls; a search box declares a readable minimum width). A
widget smaller than that shows "ave statu" instead of "Save status". Table headers: every
column (but a stretched one) is at least as wide as its title and sort arrow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

TOLERANCE = 1  # px: rounding in fractional font metrics


def _describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        text = widget.text() or (widget.placeholderText() if isinstance(widget, QLineEdit) else "")
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    name = widget.objectName()
    return f"{type(widget).__name__}{'#' + name if name else ''} {text[:40]!r}"


def _inside_viewport(widget: QWidget) -> bool:
    """Widgets that are another widget's own parts (a combo's or spin box's line edit, a
    table's editors) are not checked; widgets placed in a QScrollArea's content are."""
    parent = widget.parentWidget()
    return isinstance(parent, (QComboBox, QAbstractSpinBox)) or (
        isinstance(parent, QAbstractScrollArea) and widget is not parent.viewport()
    )


def clipped_headers(header: QHeaderView) -> list[str]:
    """Column titles cut off: a visible section narrower than its title and sort arrow."""
    problems = []
    model = header.model()
    stretched = header.stretchLastSection()
    last = max((n for n in range(header.count()) if not header.isSectionHidden(n)), default=-1)
    for n in range(header.count()):
        if (
            header.isSectionHidden(n)
            or header.sectionResizeMode(n) == QHeaderView.ResizeMode.Stretch
            or (stretched and n == last)
        ):
            continue
        need = header.sectionSizeFromContents(n).width()
        if header.sectionSize(n) + TOLERANCE < need:
            title = model.headerData(n, header.orientation()) if model is not None else n
            problems.append(f"column {title!r}: {header.sectionSize(n)} < {need}")
    return problems


def clipped_widgets(root: QWidget) -> list[str]:
    """Descriptions of every visible widget under ``root`` smaller than it needs."""
    problems: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isVisible():
            continue
        if isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            problems += clipped_headers(widget)
            continue
        if (
            isinstance(widget, QScrollArea)
            and widget.widget() is not None
            and (
                widget.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
                and widget.widget().width() > widget.viewport().width() + TOLERANCE
            )
        ):
            problems.append(
                f"{_describe(widget)}: content {widget.widget().width()} px wide in a "
                f"{widget.viewport().width()} px view that cannot scroll sideways"
            )
        if _inside_viewport(widget):
            continue
        size = widget.size()
        if isinstance(widget, QLabel):
            if not widget.text() or widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            if widget.wordWrap():
                need = widget.heightForWidth(size.width())
                if size.height() + TOLERANCE < need:
                    problems.append(f"{_describe(widget)}: height {size.height()} < {need} for width {size.width()}")
                continue
            need_w, need_h = widget.sizeHint().width(), widget.sizeHint().height()
        elif isinstance(widget, QLineEdit):
            need_w = max(widget.minimumSizeHint().width(), widget.minimumWidth())
            need_h = widget.minimumSizeHint().height()
        elif isinstance(widget, (QPushButton, QComboBox, QCheckBox)):
            need_w, need_h = widget.sizeHint().width(), widget.minimumSizeHint().height()
        else:
            continue
        if size.width() + TOLERANCE < need_w or size.height() + TOLERANCE < need_h:
            problems.append(f"{_describe(widget)}: {size.width()}x{size.height()} < {need_w}x{need_h}")
    return problems
