"""A small drawing of a label sheet: the start-position picker and the layout preview.

As a picker, the user clicks the first unused label of a partly used sheet; the labels
before it are greyed as "used".  As a layout preview (Settings), labels that overlap or
run off the page are drawn red, so a typo in a pitch is visible before saving.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from tuffops_desktop.documents.label_layouts import LabelLayout
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.theme import ACCENT, ERROR_TEXT, MUTED_TEXT

USED = QColor("#d9dde3")
FREE_EDGE = QColor("#9aa3b0")
START_FILL = QColor("#dbeafe")
BAD_FILL = QColor("#fecaca")
MAX_DRAWN_LABELS = 400


def problem_positions(layout: LabelLayout) -> set[int]:
    """Labels that leave the page or overlap a neighbour (1-based positions)."""
    width_mm, height_mm = layout.page_width_mm, layout.page_height_mm
    rects: list[QRectF] = []
    for position in range(1, min(layout.labels_per_page, MAX_DRAWN_LABELS) + 1):
        row, column = divmod(position - 1, layout.columns)
        rects.append(
            QRectF(
                layout.margin_left_mm + column * layout.pitch_x_mm,
                layout.margin_top_mm + row * layout.pitch_y_mm,
                layout.label_width_mm,
                layout.label_height_mm,
            )
        )
    page = QRectF(0, 0, width_mm, height_mm).adjusted(-0.01, -0.01, 0.01, 0.01)
    bad = {n for n, rect in enumerate(rects, start=1) if not page.contains(rect)}
    for n, rect in enumerate(rects, start=1):
        for m in (n + 1, n + layout.columns):  # right and lower neighbours suffice on a grid
            if m <= len(rects) and rect.adjusted(0.01, 0.01, -0.01, -0.01).intersects(rects[m - 1]):
                bad.update((n, m))
    return bad


class SheetGridView(QWidget):
    """Draws ``layout``'s page with its labels; optionally picks the start position.

    Signals:
        position_chosen(int): the user clicked label ``n`` (picker mode only).
    """

    position_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, interactive: bool = True) -> None:
        super().__init__(parent)
        self._layout: LabelLayout | None = None
        self._start = 1
        self._interactive = interactive
        self._bad: set[int] = set()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        if interactive:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(_("Click the first unused label of the sheet"))

    # ----------------------------------------------------------------- state
    def set_layout(self, layout: LabelLayout | None) -> None:
        self._layout = layout
        self._bad = problem_positions(layout) if layout is not None and not self._interactive else set()
        if layout is not None and self._start > layout.labels_per_page:
            self._start = 1
        self.update()

    def layout_shown(self) -> LabelLayout | None:
        return self._layout

    def start(self) -> int:
        return self._start

    def set_start(self, position: int) -> None:
        if self._layout is not None and 1 <= position <= self._layout.labels_per_page:
            self._start = position
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 300)

    # ----------------------------------------------------------------- geometry
    def _page_rect(self) -> tuple[QRectF, float]:
        """The page in widget pixels and the pixels per millimetre."""
        layout = self._layout
        assert layout is not None
        area = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        scale = min(area.width() / max(layout.page_width_mm, 1e-6), area.height() / max(layout.page_height_mm, 1e-6))
        width, height = layout.page_width_mm * scale, layout.page_height_mm * scale
        left = area.x() + (area.width() - width) / 2
        top = area.y() + (area.height() - height) / 2
        return QRectF(left, top, width, height), scale

    def label_rect(self, position: int) -> QRectF:
        """Label ``position`` in widget coordinates."""
        layout = self._layout
        if layout is None:
            return QRectF()
        page, scale = self._page_rect()
        row, column = divmod(position - 1, layout.columns)
        return QRectF(
            page.x() + (layout.margin_left_mm + column * layout.pitch_x_mm) * scale,
            page.y() + (layout.margin_top_mm + row * layout.pitch_y_mm) * scale,
            layout.label_width_mm * scale,
            layout.label_height_mm * scale,
        )

    def position_at(self, point: QPointF) -> int | None:
        layout = self._layout
        if layout is None:
            return None
        for position in range(1, min(layout.labels_per_page, MAX_DRAWN_LABELS) + 1):
            if self.label_rect(position).contains(point):
                return position
        return None

    # ----------------------------------------------------------------- events
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._interactive or event.button() != Qt.MouseButton.LeftButton or not self.isEnabled():
            super().mousePressEvent(event)
            return
        position = self.position_at(event.position())
        if position is not None:
            self.set_start(position)
            self.position_chosen.emit(position)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.isEnabled():
            painter.setOpacity(0.45)
        layout = self._layout
        if layout is None or layout.page_width_mm <= 0 or layout.page_height_mm <= 0:
            painter.setPen(QColor(MUTED_TEXT))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No layout"))
            return
        page, scale = self._page_rect()
        painter.setPen(QPen(QColor("#aeb6c2"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.fillRect(page.translated(2, 2), QColor("#d5d9df"))
        painter.fillRect(page, Qt.GlobalColor.white)
        painter.drawRect(page)
        count = min(layout.labels_per_page, MAX_DRAWN_LABELS)
        radius = layout.corner_radius_mm * scale
        font = QFont(self.font())
        for position in range(1, count + 1):
            rect = self.label_rect(position)
            self._draw_label(painter, position, rect, radius, font)
        painter.end()

    def _draw_label(self, painter: QPainter, position: int, rect: QRectF, radius: float, font: QFont) -> None:
        if position in self._bad:
            fill, edge, width = BAD_FILL, QColor(ERROR_TEXT), 1.2
        elif not self._interactive:
            fill, edge, width = QColor("#f3f6fa"), FREE_EDGE, 1.0
        elif position < self._start:
            fill, edge, width = USED, QColor("#c2c8d0"), 1.0
        elif position == self._start:
            fill, edge, width = START_FILL, QColor(ACCENT), 2.0
        else:
            fill, edge, width = QColor("#ffffff"), FREE_EDGE, 1.0
        painter.setPen(QPen(edge, width))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, radius, radius)
        if rect.height() < 9 or rect.width() < 12:
            return
        size = max(6.0, min(rect.height() * 0.42, 11.0))
        font.setPointSizeF(size * 72.0 / max(self.logicalDpiY(), 1))
        font.setBold(position == self._start and self._interactive)
        painter.setFont(font)
        if self._interactive and position < self._start:
            painter.setPen(QColor("#7b8493"))
            text = _("used") if rect.width() > 4 * size else ""
        else:
            painter.setPen(QColor(ACCENT) if position == self._start and self._interactive else QColor(MUTED_TEXT))
            text = str(position)
        if text:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def mm_text(value: float) -> str:
    """``66.675`` → ``66.7``; whole numbers without decimals."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value - round(value)) > 0.05 else f"{value:.0f}"


def paper_name(layout: LabelLayout) -> str:
    width, height = sorted((layout.page_width_mm, layout.page_height_mm))
    if abs(width - 215.9) < 0.5 and abs(height - 279.4) < 0.5:
        return _("Letter")
    if abs(width - 210) < 0.5 and abs(height - 297) < 0.5:
        return "A4"
    return f"{mm_text(layout.page_width_mm)} × {mm_text(layout.page_height_mm)} mm"


def describe(layout: LabelLayout) -> str:
    """``30 labels per page · label 66.7 × 25.4 mm · Letter``."""
    per_page = layout.labels_per_page
    if layout.kind == "roll":
        return _("Label printer, one label per page · label {w} × {h} mm").format(
            w=mm_text(layout.label_width_mm), h=mm_text(layout.label_height_mm)
        )
    count = _("1 label per page") if per_page == 1 else _("{n} labels per page").format(n=per_page)
    return _("{count} · label {w} × {h} mm · {paper}").format(
        count=count, w=mm_text(layout.label_width_mm), h=mm_text(layout.label_height_mm), paper=paper_name(layout)
    )


__all__ = ["SheetGridView", "problem_positions", "describe", "paper_name", "mm_text"]
