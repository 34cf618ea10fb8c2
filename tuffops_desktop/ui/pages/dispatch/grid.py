"""The board itself: a custom-painted ``QWidget`` with one row per technician and one column
per hour of the day (working hours shaded white, the rest grey), each booking a block
coloured by its status with its SLA state as a stripe along its foot.

Blocks are dragged with the mouse inside the widget; work orders from the queue arrive as
Qt drag and drop (``MIME_TYPE``: the work order's id). Either way the widget only reports
``dropped(work_order_id, technician_id, minutes)`` (minutes since midnight, snapped to the
half hour); the page decides what happens.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QApplication, QWidget

from tuffops_desktop.domain.scheduling import snap
from tuffops_desktop.domain.work_orders import SlaState
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.work_orders import WorkOrderRow
from tuffops_desktop.ui.pages.dispatch.plan import DayPlan, duration, local_start
from tuffops_desktop.ui.pages.work_orders.columns import OVERDUE_COLOUR, status_colour, status_label
from tuffops_desktop.ui.theme import ATTENTION, GOOD, MUTED_TEXT, TEXT

MIME_TYPE = "application/x-tuffops-work-order"
NAME_WIDTH = 160
HEADER_HEIGHT = 26
ROW_HEIGHT = 58  # the least; rows grow (up to MAX_ROW_HEIGHT) to fill a tall window
MAX_ROW_HEIGHT = 96
MIN_HOUR_WIDTH = 48
SLA_COLOURS = {SlaState.ON_TIME: GOOD, SlaState.AT_RISK: ATTENTION, SlaState.OVERDUE: OVERDUE_COLOUR}
OFF_HOURS = "#e5e7eb"
WORKING = "#ffffff"
GRID_LINE = "#d1d5db"


def work_order_mime(work_order_id: int) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, str(work_order_id).encode("ascii"))
    return data


def dropped_id(data: QMimeData) -> int | None:
    if not data.hasFormat(MIME_TYPE):
        return None
    try:
        return int(bytes(data.data(MIME_TYPE).data()).decode("ascii"))
    except ValueError:
        return None


class BoardGrid(QWidget):
    """Technicians × hours of one day.

    Signals:
        dropped(int, int, int): work order, technician, start in minutes since midnight.
        selected(object): the block now selected (``WorkOrderRow``) or None.
        activated(object): Enter or a double click on a block (``WorkOrderRow``).
    """

    dropped = Signal(int, int, int)
    selected = Signal(object)
    activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Dispatch board"))
        self.plan: DayPlan | None = None
        self.first_hour, self.last_hour = 7, 19
        self.selected_id: int | None = None
        self._press: tuple[QPointF, WorkOrderRow, float] | None = None  # where, which block, grab offset (min)
        self._dragging = False
        self._ghost: tuple[int, int, float] | None = None  # row, start minutes, hours

    # ----------------------------------------------------------------- data
    def set_plan(self, plan: DayPlan) -> None:
        self.plan = plan
        starts = [h.starts.hour for week in plan.hours.values() for h in week if h.weekday == plan.day.weekday()]
        ends = [
            h.ends.hour + (1 if h.ends.minute else 0)
            for week in plan.hours.values()
            for h in week
            if h.weekday == plan.day.weekday()
        ]
        for row in plan.bookings:
            begins = local_start(row)
            if begins is not None:
                starts.append(begins.hour)
                finish = begins + duration(row)
                ends.append(24 if finish.date() > begins.date() else finish.hour + (1 if finish.minute else 0))
        self.first_hour = max(0, min([7, *[s - 1 for s in starts]]))
        self.last_hour = min(24, max([19, *[e + 1 for e in ends]]))
        if self.selected_id is not None and not any(r.id == self.selected_id for r in plan.bookings):
            self.select(None)
        self.setMinimumSize(self.sizeHint())
        self.updateGeometry()
        self.update()

    def select(self, row: WorkOrderRow | None) -> None:
        self.selected_id = row.id if row is not None else None
        self.selected.emit(row)
        self.update()

    def selected_row(self) -> WorkOrderRow | None:
        plan = self.plan
        if plan is None or self.selected_id is None:
            return None
        return next((r for r in plan.bookings if r.id == self.selected_id), None)

    # ----------------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:  # noqa: N802
        rows = len(self.plan.technicians) if self.plan is not None else 0
        return QSize(
            NAME_WIDTH + MIN_HOUR_WIDTH * (self.last_hour - self.first_hour),
            HEADER_HEIGHT + ROW_HEIGHT * max(rows, 1) + 1,
        )

    def row_height(self) -> int:
        rows = len(self.plan.technicians) if self.plan is not None else 0
        return max(ROW_HEIGHT, min(MAX_ROW_HEIGHT, (self.height() - HEADER_HEIGHT - 1) // max(rows, 1)))

    def hour_width(self) -> float:
        return max(1.0, (self.width() - NAME_WIDTH - 1) / max(1, self.last_hour - self.first_hour))

    def x_for(self, minutes: float) -> float:
        return NAME_WIDTH + (minutes - self.first_hour * 60) * self.hour_width() / 60

    def minutes_at(self, x: float) -> float:
        return self.first_hour * 60 + (x - NAME_WIDTH) * 60 / self.hour_width()

    def row_of(self, technician_id: int | None) -> int:
        plan = self.plan
        if plan is None or technician_id is None:
            return -1
        return next((n for n, t in enumerate(plan.technicians) if t.id == technician_id), -1)

    def point_for(self, technician_id: int, minutes: int) -> QPoint:
        """Where in the widget ``minutes`` since midnight of the technician's row is (for a drop)."""
        row = self.row_of(technician_id)
        return QPoint(round(self.x_for(minutes)) + 1, HEADER_HEIGHT + row * self.row_height() + self.row_height() // 2)

    def slot_at(self, pos: QPointF | QPoint, offset_minutes: float = 0, hours: float = 0) -> tuple[int, int] | None:
        """(technician row, snapped start minutes) under ``pos``; None outside the rows and hours."""
        plan = self.plan
        if plan is None or pos.x() < NAME_WIDTH or pos.y() < HEADER_HEIGHT:
            return None
        row = int((pos.y() - HEADER_HEIGHT) // self.row_height())
        if not 0 <= row < len(plan.technicians):
            return None
        minutes = snap(self.minutes_at(pos.x()) - offset_minutes)
        latest = max(self.first_hour * 60, self.last_hour * 60 - max(30, round(hours * 60)))
        return row, min(max(minutes, self.first_hour * 60), latest)

    def block_rect(self, row: WorkOrderRow) -> QRectF | None:
        begins = local_start(row)
        index = self.row_of(row.technician_id)
        if begins is None or index < 0:
            return None
        minutes = begins.hour * 60 + begins.minute
        left = self.x_for(minutes)
        width = max(6.0, float(row.estimated_hours) * self.hour_width())
        return QRectF(left + 1, HEADER_HEIGHT + index * self.row_height() + 4, width - 2, self.row_height() - 8)

    def block_at(self, pos: QPointF | QPoint) -> WorkOrderRow | None:
        plan = self.plan
        if plan is None:
            return None
        for row in reversed(plan.bookings):  # the one painted last is on top
            rect = self.block_rect(row)
            if rect is not None and rect.contains(QPointF(pos)):
                return row
        return None

    # ----------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(OFF_HOURS))
        plan = self.plan
        if plan is None:
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        right = self.x_for(self.last_hour * 60)
        for index, tech in enumerate(plan.technicians):
            top = HEADER_HEIGHT + index * self.row_height()
            for period in plan.hours.get(tech.id, ()):
                if period.weekday == plan.day.weekday():
                    left = self.x_for(period.starts.hour * 60 + period.starts.minute)
                    end = self.x_for(period.ends.hour * 60 + period.ends.minute)
                    painter.fillRect(QRectF(left, top, end - left, self.row_height()), QColor(WORKING))
            if not any(p.weekday == plan.day.weekday() for p in plan.hours.get(tech.id, ())):
                painter.setPen(QColor(MUTED_TEXT))
                painter.drawText(
                    QRectF(NAME_WIDTH + 10, top, right - NAME_WIDTH - 20, self.row_height()),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    _("Day off"),
                )
            painter.fillRect(QRectF(0, top, NAME_WIDTH, self.row_height()), QColor("#f9fafb"))
            painter.setPen(QColor(TEXT))
            painter.drawText(
                QRectF(10, top, NAME_WIDTH - 14, self.row_height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                painter.fontMetrics().elidedText(
                    tech.full_name or tech.username, Qt.TextElideMode.ElideRight, NAME_WIDTH - 14
                ),
            )
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(0, top + self.row_height()), QPointF(right, top + self.row_height()))
        bottom = HEADER_HEIGHT + len(plan.technicians) * self.row_height()
        painter.fillRect(QRectF(0, 0, self.width(), HEADER_HEIGHT), QColor("#f3f4f6"))
        painter.setFont(small)
        for hour in range(self.first_hour, self.last_hour + 1):
            x = self.x_for(hour * 60)
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(x, HEADER_HEIGHT if hour < self.last_hour else 0), QPointF(x, bottom))
            if hour < self.last_hour:
                painter.setPen(QColor(MUTED_TEXT))
                painter.drawText(
                    QRectF(x + 4, 0, self.hour_width() - 4, HEADER_HEIGHT),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    f"{hour:02d}:00",
                )
        painter.setPen(QColor(GRID_LINE))
        painter.drawLine(QPointF(NAME_WIDTH, 0), QPointF(NAME_WIDTH, bottom))
        if plan.day == plan.now.astimezone().date():
            now = plan.now.astimezone()
            x = self.x_for(now.hour * 60 + now.minute)
            if NAME_WIDTH <= x <= right:
                painter.setPen(QPen(QColor(OVERDUE_COLOUR), 2))
                painter.drawLine(QPointF(x, HEADER_HEIGHT), QPointF(x, bottom))
        for row in plan.bookings:
            self._paint_block(painter, row, small)
        if self._ghost is not None:
            index, minutes, hours = self._ghost
            left = self.x_for(minutes)
            ghost = QRectF(
                left + 1,
                HEADER_HEIGHT + index * self.row_height() + 3,
                hours * self.hour_width() - 2,
                self.row_height() - 6,
            )
            painter.setPen(QPen(QColor(TEXT), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(37, 99, 235, 40))
            painter.drawRoundedRect(ghost, 4, 4)

    def _paint_block(self, painter: QPainter, row: WorkOrderRow, font: QFont) -> None:
        rect = self.block_rect(row)
        plan = self.plan
        if rect is None or plan is None:
            return
        painter.setPen(QPen(QColor(TEXT), 2.5) if row.id == self.selected_id else Qt.PenStyle.NoPen)
        painter.setBrush(QColor(status_colour(row.status)))
        painter.drawRoundedRect(rect, 4, 4)
        sla = SLA_COLOURS.get(plan.sla(row))
        if sla is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(sla))
            painter.drawRoundedRect(QRectF(rect.left() + 2, rect.bottom() - 7, rect.width() - 4, 5), 2, 2)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(font)
        text = QRectF(rect.left() + 5, rect.top() + 2, rect.width() - 8, rect.height() - 10)
        metrics = painter.fontMetrics()
        lines = [f"{row.number} · {status_label(row.status)}", row.customer_name or row.unit_label, row.unit_label]
        y = text.top()
        for line in lines:
            if y + metrics.height() > text.bottom() + 1:
                break
            painter.drawText(
                QRectF(text.left(), y, text.width(), metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(text.width())),
            )
            y += metrics.height()

    # ----------------------------------------------------------------- mouse: moving blocks
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        row = self.block_at(event.position())
        self.select(row)
        self._press = None
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            rect = self.block_rect(row)
            grab = (event.position().x() - rect.left()) * 60 / self.hour_width() if rect is not None else 0
            self._press = (event.position(), row, grab)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._press is None:
            return
        start, row, grab = self._press
        if not self._dragging and (event.position() - start).manhattanLength() < QApplication.startDragDistance():
            return
        self._dragging = True
        slot = self.slot_at(event.position(), grab, float(row.estimated_hours))
        self._ghost = (slot[0], slot[1], float(row.estimated_hours)) if slot is not None else None
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        press, dragging = self._press, self._dragging
        self._press, self._dragging, self._ghost = None, False, None
        self.update()
        if press is None or not dragging:
            return
        _start, row, grab = press
        slot = self.slot_at(event.position(), grab, float(row.estimated_hours))
        if slot is not None and self.plan is not None:
            self.dropped.emit(row.id, self.plan.technicians[slot[0]].id, slot[1])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        row = self.block_at(event.position())
        if row is not None:
            self.activated.emit(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        plan = self.plan
        if plan is None:
            super().keyPressEvent(event)
            return
        row = self.selected_row()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row is not None:
            self.activated.emit(row)
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Left) and plan.bookings:
            ordered = sorted(plan.bookings, key=lambda r: (self.row_of(r.technician_id), r.scheduled_start))
            at = next((n for n, r in enumerate(ordered) if row is not None and r.id == row.id), -1)
            step = 1 if event.key() == Qt.Key.Key_Right else -1
            self.select(ordered[(at + step) % len(ordered)] if at >= 0 else ordered[0])
        else:
            super().keyPressEvent(event)

    # ----------------------------------------------------------------- drops from the queue
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_id(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        work_order_id = dropped_id(event.mimeData())
        row = self.plan.find(work_order_id) if self.plan is not None and work_order_id is not None else None
        hours = float(row.estimated_hours) if row is not None else 2.0
        slot = self.slot_at(event.position(), 0, hours)
        self._ghost = (slot[0], slot[1], hours) if slot is not None else None
        self.update()
        if slot is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802
        self._ghost = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._ghost = None
        self.update()
        work_order_id = dropped_id(event.mimeData())
        slot = self.slot_at(event.position())
        if work_order_id is None or slot is None or self.plan is None:
            return
        event.acceptProposedAction()
        self.dropped.emit(work_order_id, self.plan.technicians[slot[0]].id, slot[1])
