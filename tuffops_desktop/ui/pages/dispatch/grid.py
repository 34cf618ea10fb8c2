"""The board itself: custom-painted widgets with one row per technician.

``BoardGrid`` holds what both views share: the technicians' rows (their names in a column
that stays put while the board scrolls sideways, the header staying put while it scrolls
down, so 30 technicians stay readable), blocks that can be selected (mouse, arrow keys),
opened (Enter, double click) and dragged, drops of queue items (Qt drag and drop,
``MIME_TYPE``: the work order's id) and the marks of bookings in trouble. The two views
differ in their time axis:

* ``DayGrid``: one column per hour of one day (working hours shaded white, the rest grey),
  each booking a block as long as its estimated duration, in its status colour with its SLA
  state as a stripe along its foot; a drop lands on the half hour under the pointer.
* ``WeekGrid``: one column per day of the week, each booking a chip in its day's cell (start
  time, number, customer when there is room) with the SLA state as a bar on its left; a
  block dragged to another day keeps its time of day, a queue item dropped on a day goes to
  that technician's first free time (the page decides).

Either way the widget only reports ``dropped(work_order_id, Target)``; the page decides what
happens. Bookings that overlap another of the technician's are outlined in red with a warning
mark, bookings outside the working hours are hatched.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QEvent, QLocale, QMimeData, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QMoveEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QScrollArea, QToolTip, QWidget

from tuffops_desktop.domain.scheduling import snap
from tuffops_desktop.domain.work_orders import SlaState
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.work_orders import WorkOrderRow
from tuffops_desktop.ui.formatting import date_text, date_time_text, number_text, time_text
from tuffops_desktop.ui.pages.dispatch.plan import BoardPlan, Flag, duration, local_start
from tuffops_desktop.ui.pages.work_orders.columns import OVERDUE_COLOUR, status_colour, status_label
from tuffops_desktop.ui.theme import ACCENT, ATTENTION, ERROR_TEXT, GOOD, MUTED_TEXT, TEXT

MIME_TYPE = "application/x-tuffops-work-order"
NAME_WIDTH = 160
HEADER_HEIGHT = 26
ROW_HEIGHT = 58  # the least; rows grow (up to MAX_ROW_HEIGHT) to fill a tall window
MAX_ROW_HEIGHT = 96
MIN_HOUR_WIDTH = 48
MIN_DAY_WIDTH = 118  # a week day at the least (more when the font needs it for "09:00 WO-001234")
CHIP_HEIGHT = 20
CHIP_GAP = 3
CELL_PAD = 4
MAX_LANES = 3  # overlapping bookings side by side in a day row before they lie on top of each other
MAX_CHIPS = 6  # chips in one week cell before the last line says "+N more"
WEEK_ROW_HEIGHT = CELL_PAD * 2 + 2 * (CHIP_HEIGHT + CHIP_GAP)  # the least: two chips
EDGE = 24  # a drag this close to the visible edge scrolls the board
SLA_COLOURS = {SlaState.ON_TIME: GOOD, SlaState.AT_RISK: ATTENTION, SlaState.OVERDUE: OVERDUE_COLOUR}
OFF_HOURS = "#e5e7eb"
WORKING = "#ffffff"
GRID_LINE = "#d1d5db"
NAME_BG = "#f9fafb"
HEADER_BG = "#f3f4f6"
SELECTED_DAY_BG = "#dbeafe"
FLAG_COLOUR = ERROR_TEXT  # the outline and mark of an overlapping booking


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


@dataclass(frozen=True)
class Target:
    """Where a drop lands: ``technician_id``'s row on ``day`` at ``minutes`` since midnight
    (None: the technician's first free time that day; the page finds it)."""

    technician_id: int
    day: date
    minutes: int | None


class BoardGrid(QWidget):
    """Technicians in rows, time across; the shared base of ``DayGrid`` and ``WeekGrid``.

    Signals:
        dropped(int, object): a work order and the ``Target`` it was dropped on.
        selected(object): the block now selected (``WorkOrderRow``) or None.
        activated(object): Enter or a double click on a block (``WorkOrderRow``).
        day_chosen(object, bool): a day picked in the header (``date``); True when it should
            open in the day view (a double click, "+N more").
    """

    dropped = Signal(int, object)
    selected = Signal(object)
    activated = Signal(object)
    day_chosen = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.plan: BoardPlan | None = None
        self.marked_day: date | None = None  # the page's selected date
        self.selected_id: int | None = None
        self._tops: list[int] = [HEADER_HEIGHT]  # each row's top, then the bottom of the last
        self._by_row: list[list[WorkOrderRow]] = []
        self._row_index: dict[int, int] = {}  # technician id → row
        self._press: tuple[QPointF, WorkOrderRow, float] | None = None  # where, which block, grab offset (min)
        self._dragging = False
        self._ghost: QRectF | None = None
        self._laid_out: tuple[BoardPlan | None, tuple[int, int]] | None = None  # the plan and size laid out

    # ----------------------------------------------------------------- data
    def set_plan(self, plan: BoardPlan) -> None:
        self.plan = plan
        self.prepare(plan)
        rows: list[list[WorkOrderRow]] = [[] for _ in plan.technicians]
        index = self._row_index = {t.id: n for n, t in enumerate(plan.technicians)}
        for row in plan.bookings:
            at = index.get(row.technician_id) if row.technician_id is not None else None
            if at is not None:
                rows[at].append(row)
        self._by_row = rows
        if self.selected_id is not None and not any(r.id == self.selected_id for r in plan.bookings):
            self.select(None)
        self.setMinimumSize(self.sizeHint())
        self.relayout()
        self.updateGeometry()
        self.update()

    def prepare(self, plan: BoardPlan) -> None:
        """Work out the time axis for ``plan`` (before the rows are laid out)."""

    def select(self, row: WorkOrderRow | None, *, reveal: bool = False) -> None:
        """Select a block (None: none); ``reveal`` scrolls it into view (the keyboard's choice)."""
        self.selected_id = row.id if row is not None else None
        self.selected.emit(row)
        if row is not None and reveal:
            self.reveal(row)
        self.update()

    def selected_row(self) -> WorkOrderRow | None:
        plan = self.plan
        if plan is None or self.selected_id is None:
            return None
        return next((r for r in plan.bookings if r.id == self.selected_id), None)

    def mark_day(self, day: date) -> None:
        self.marked_day = day
        self.update()

    # ----------------------------------------------------------------- rows
    def natural_heights(self) -> list[int]:
        """Each technician's row height before the rows grow to fill the window."""
        rows = len(self.plan.technicians) if self.plan is not None else 0
        return [ROW_HEIGHT] * rows

    def max_growth(self) -> int:
        return MAX_ROW_HEIGHT - ROW_HEIGHT

    def relayout(self) -> None:
        """Lay the rows (and the week's chips) out for the plan and size; once per change."""
        size = (self.width(), self.height())
        if self._laid_out is not None and self._laid_out[0] is self.plan and self._laid_out[1] == size:
            return
        self._laid_out = (self.plan, size)
        self.lay_out()

    def lay_out(self) -> None:
        heights = self.natural_heights()
        spare = self.height() - HEADER_HEIGHT - 1 - sum(heights)
        if heights and spare > 0:
            grow = min(self.max_growth(), spare // len(heights))
            heights = [h + grow for h in heights]
        tops = [HEADER_HEIGHT]
        for height in heights:
            tops.append(tops[-1] + height)
        self._tops = tops

    def row_top(self, index: int) -> int:
        return self._tops[index]

    def row_height(self, index: int = 0) -> int:
        if index + 1 >= len(self._tops):
            return ROW_HEIGHT
        return self._tops[index + 1] - self._tops[index]

    def rows_bottom(self) -> int:
        return self._tops[-1]

    def row_at(self, y: float) -> int:
        """The technician row at ``y`` (-1: the header or below the last row)."""
        index = bisect_right(self._tops, y) - 1
        return index if 0 <= index < len(self._tops) - 1 else -1

    def row_of(self, technician_id: int | None) -> int:
        if technician_id is None:
            return -1
        return self._row_index.get(technician_id, -1)

    def natural_height(self) -> int:
        return HEADER_HEIGHT + sum(self.natural_heights()) + 1

    # ----------------------------------------------------------------- scrolling
    def view(self) -> QRect:
        """The part of the board on screen (all of it unless it sits in a scroll area)."""
        parent = self.parentWidget()
        if parent is None or not isinstance(parent.parentWidget(), QScrollArea):
            return self.rect()
        return QRect(-self.x(), -self.y(), parent.width(), parent.height()).intersected(self.rect())

    def body_left(self) -> int:
        """Where the time axis starts on screen: right of the (frozen) names."""
        return self.view().left() + NAME_WIDTH

    def body_top(self) -> int:
        return self.view().top() + HEADER_HEIGHT

    def in_body(self, pos: QPointF | QPoint) -> bool:
        return pos.x() >= self.body_left() and pos.y() >= self.body_top()

    def scroll_area(self) -> QScrollArea | None:
        parent = self.parentWidget()
        area = parent.parentWidget() if parent is not None else None
        return area if isinstance(area, QScrollArea) else None

    def reveal(self, row: WorkOrderRow) -> None:
        """Scroll a block into view clear of the frozen names and header."""
        rect, area = self.block_rect(row), self.scroll_area()
        if rect is None or area is None:
            return
        view = self.view()
        bar = area.horizontalScrollBar()
        if rect.left() < view.left() + NAME_WIDTH:
            bar.setValue(max(0, int(rect.left()) - NAME_WIDTH - 8))
        elif rect.right() > view.right():
            bar.setValue(int(min(rect.right() + 8 - view.width(), rect.left() - NAME_WIDTH - 8)))
        bar = area.verticalScrollBar()
        if rect.top() < view.top() + HEADER_HEIGHT:
            bar.setValue(max(0, int(rect.top()) - HEADER_HEIGHT - 8))
        elif rect.bottom() > view.bottom():
            bar.setValue(int(rect.bottom()) + 8 - view.height())

    def _scroll_near_edge(self, pos: QPointF | QPoint) -> None:
        """While dragging, the pointer near an edge of the visible board scrolls it."""
        area = self.scroll_area()
        if area is None:
            return
        view = self.view()
        for bar, at, low, high in (
            (area.verticalScrollBar(), pos.y(), view.top() + HEADER_HEIGHT, view.bottom()),
            (area.horizontalScrollBar(), pos.x(), view.left() + NAME_WIDTH, view.right()),
        ):
            if at < low + EDGE:
                bar.setValue(bar.value() - EDGE)
            elif at > high - EDGE:
                bar.setValue(bar.value() + EDGE)

    # ----------------------------------------------------------------- the time axis (per view)
    def block_rect(self, row: WorkOrderRow) -> QRectF | None:
        raise NotImplementedError

    def target_at(
        self, pos: QPointF | QPoint, moving: WorkOrderRow | None = None, grab: float = 0, hours: float = 2.0
    ) -> tuple[Target, QRectF] | None:
        """Where a drop at ``pos`` lands and the outline to show meanwhile (None: nowhere).
        ``moving`` is the block being dragged (grabbed ``grab`` minutes from its start)."""
        raise NotImplementedError

    def paint_rows(self, painter: QPainter, first: int, last: int, view: QRect) -> None:
        """Backgrounds of technician rows ``first``..``last`` (inclusive) and the axis lines."""
        raise NotImplementedError

    def paint_header(self, painter: QPainter, view: QRect) -> None:
        raise NotImplementedError

    def paint_block(self, painter: QPainter, row: WorkOrderRow) -> None:
        raise NotImplementedError

    def block_at(self, pos: QPointF | QPoint) -> WorkOrderRow | None:
        if self.plan is None or not self.in_body(pos):
            return None
        index = self.row_at(pos.y())
        if index < 0 or index >= len(self._by_row):
            return None
        for row in reversed(self._by_row[index]):  # the one painted last is on top
            rect = self.block_rect(row)
            if rect is not None and rect.contains(QPointF(pos)):
                return row
        return None

    # ----------------------------------------------------------------- painting
    def small_font(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        return small

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        view = self.view()
        painter.fillRect(event.rect(), QColor(OFF_HOURS))
        plan = self.plan
        if plan is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        first = max(0, self.row_at(view.top() + HEADER_HEIGHT))
        last = self.row_at(view.bottom())
        last = len(plan.technicians) - 1 if last < 0 else last
        painter.save()
        painter.setClipRect(QRect(view.left() + NAME_WIDTH, view.top() + HEADER_HEIGHT, view.width(), view.height()))
        self.paint_rows(painter, first, last, view)
        painter.setFont(self.small_font())
        for index in range(first, min(last + 1, len(self._by_row))):
            for row in self._by_row[index]:
                self.paint_block(painter, row)
        if self._ghost is not None:
            painter.setPen(QPen(QColor(TEXT), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(37, 99, 235, 40))
            painter.drawRoundedRect(self._ghost, 4, 4)
        painter.restore()
        self._paint_names(painter, first, last, view)
        painter.save()
        painter.setClipRect(QRect(view.left(), view.top(), view.width(), HEADER_HEIGHT))
        painter.fillRect(QRect(view.left(), view.top(), view.width(), HEADER_HEIGHT), QColor(HEADER_BG))
        painter.setFont(self.small_font())
        self.paint_header(painter, view)
        painter.restore()
        painter.fillRect(QRect(view.left(), view.top(), NAME_WIDTH, HEADER_HEIGHT), QColor(HEADER_BG))
        painter.setPen(QColor(GRID_LINE))
        painter.drawLine(view.left(), view.top() + HEADER_HEIGHT, view.right(), view.top() + HEADER_HEIGHT)
        painter.drawLine(view.left() + NAME_WIDTH, view.top(), view.left() + NAME_WIDTH, self.rows_bottom())

    def _paint_names(self, painter: QPainter, first: int, last: int, view: QRect) -> None:
        plan = self.plan
        assert plan is not None
        left = view.left()
        painter.save()
        painter.setClipRect(QRect(left, view.top() + HEADER_HEIGHT, NAME_WIDTH, view.height()))
        bottom = self.rows_bottom()
        painter.fillRect(QRect(left, view.top(), NAME_WIDTH, max(0, bottom - view.top())), QColor(NAME_BG))
        metrics = painter.fontMetrics()
        for index in range(first, min(last + 1, len(plan.technicians))):
            tech = plan.technicians[index]
            top, height = self.row_top(index), self.row_height(index)
            painter.setPen(QColor(TEXT))
            painter.drawText(
                QRectF(left + 10, top, NAME_WIDTH - 14, min(height, 40)),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                metrics.elidedText(tech.full_name or tech.username, Qt.TextElideMode.ElideRight, NAME_WIDTH - 14),
            )
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(left, top + height), QPointF(left + NAME_WIDTH, top + height))
        painter.restore()

    def paint_chip(self, painter: QPainter, plan: BoardPlan, row: WorkOrderRow, rect: QRectF, sla_bar: QRectF) -> None:
        """A work order's block in its status colour (outlined when selected), its SLA bar at
        ``sla_bar`` and its flags; the grids write their own text on it."""
        painter.setPen(self.selection_pen(row))
        painter.setBrush(QColor(status_colour(row.status)))
        painter.drawRoundedRect(rect, 4, 4)
        sla = SLA_COLOURS.get(plan.sla(row))
        if sla is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(sla))
            painter.drawRoundedRect(sla_bar, 2, 2)
        self.paint_flags(painter, row, rect)

    def paint_flags(self, painter: QPainter, row: WorkOrderRow, rect: QRectF) -> None:
        """Hatching for a booking outside the working hours; a red outline and a warning mark
        for one that overlaps another booking of the technician."""
        plan = self.plan
        flags = plan.flags_of(row) if plan is not None else frozenset()
        if Flag.OUTSIDE in flags:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(255, 255, 255, 110), Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, 4, 4)
        if Flag.OVERLAP in flags:
            painter.setPen(QPen(QColor(FLAG_COLOUR), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
            side = min(12.0, rect.height() - 4)
            if rect.width() > side + 8 and side >= 8:
                mark = QRectF(rect.right() - side - 3, rect.top() + 2, side, side)
                triangle = QPainterPath()
                triangle.moveTo(mark.center().x(), mark.top())
                triangle.lineTo(mark.right(), mark.bottom())
                triangle.lineTo(mark.left(), mark.bottom())
                triangle.closeSubpath()
                painter.setPen(QPen(QColor("#ffffff"), 1))
                painter.setBrush(QColor(FLAG_COLOUR))
                painter.drawPath(triangle)
                painter.setPen(QPen(QColor("#ffffff"), 1.5))
                x = mark.center().x()
                painter.drawLine(QPointF(x, mark.top() + side * 0.35), QPointF(x, mark.bottom() - side * 0.35))
                painter.drawPoint(QPointF(x, mark.bottom() - side * 0.18))

    def selection_pen(self, row: WorkOrderRow) -> QPen | Qt.PenStyle:
        return QPen(QColor(TEXT), 2.5) if row.id == self.selected_id else Qt.PenStyle.NoPen

    # ----------------------------------------------------------------- tooltips
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.block_at(event.pos())
            if row is not None:
                QToolTip.showText(event.globalPos(), self.describe(row), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def describe(self, row: WorkOrderRow) -> str:
        """The tooltip of a block: everything the block may be too small to say."""
        plan = self.plan
        begins = local_start(row)
        lines = [f"{row.number} · {status_label(row.status)}", row.customer_name or _("(stock)"), row.unit_label]
        if begins is not None:
            lines.append(
                _("{start} – {end} ({hours} h)").format(
                    start=date_time_text(begins),
                    end=time_text((begins + duration(row)).time()),
                    hours=number_text(row.estimated_hours),
                )
            )
        if row.due_at is not None:
            lines.append(_("Due {when}").format(when=date_time_text(row.due_at)))
        flags = plan.flags_of(row) if plan is not None else frozenset()
        if Flag.OVERLAP in flags:
            lines.append(_("Overlaps another booking of the technician"))
        if Flag.OUTSIDE in flags:
            lines.append(_("Outside the technician's working hours"))
        return "\n".join(lines)

    # ----------------------------------------------------------------- mouse: moving blocks
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        row = self.block_at(event.position())
        self.select(row)
        self._press = None
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            rect = self.block_rect(row)
            grab = self.grab_minutes(row, event.position(), rect) if rect is not None else 0
            self._press = (event.position(), row, grab)
        elif row is None and event.position().y() < self.body_top():
            self.header_clicked(event.position(), double=False)

    def grab_minutes(self, row: WorkOrderRow, pos: QPointF, rect: QRectF) -> float:
        """How far into the block (in minutes) it was grabbed (it keeps that offset when dropped)."""
        return 0.0

    def header_clicked(self, pos: QPointF, *, double: bool) -> None:
        """A click in the header (the week view picks a day)."""

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._press is None:
            return
        start, row, grab = self._press
        if not self._dragging and (event.position() - start).manhattanLength() < QApplication.startDragDistance():
            return
        self._dragging = True
        self._scroll_near_edge(event.position())
        found = self.target_at(event.position(), row, grab, float(row.estimated_hours))
        self._ghost = found[1] if found is not None else None
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        press, dragging = self._press, self._dragging
        self._press, self._dragging, self._ghost = None, False, None
        self.update()
        if press is None or not dragging:
            return
        _start, row, grab = press
        found = self.target_at(event.position(), row, grab, float(row.estimated_hours))
        if found is not None:
            self.dropped.emit(row.id, found[0])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        row = self.block_at(event.position())
        if row is not None:
            self.activated.emit(row)
        elif event.position().y() < self.body_top():
            self.header_clicked(event.position(), double=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        plan = self.plan
        if plan is None:
            super().keyPressEvent(event)
            return
        row = self.selected_row()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row is not None:
            self.activated.emit(row)
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Left) and plan.bookings:
            ordered = sorted(plan.bookings, key=lambda r: (self.row_of(r.technician_id), r.scheduled_start, r.id))
            at = next((n for n, r in enumerate(ordered) if row is not None and r.id == row.id), -1)
            step = 1 if event.key() == Qt.Key.Key_Right else -1
            self.select(ordered[(at + step) % len(ordered)] if at >= 0 else ordered[0], reveal=True)
        else:
            super().keyPressEvent(event)

    # ----------------------------------------------------------------- drops from the queue
    def _queued_hours(self, data: QMimeData) -> float:
        work_order_id = dropped_id(data)
        row = self.plan.find(work_order_id) if self.plan is not None and work_order_id is not None else None
        return float(row.estimated_hours) if row is not None else 2.0

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_id(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        self._scroll_near_edge(event.position())
        found = self.target_at(event.position(), None, 0, self._queued_hours(event.mimeData()))
        self._ghost = found[1] if found is not None else None
        self.update()
        if found is not None:
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
        found = self.target_at(event.position(), None, 0, self._queued_hours(event.mimeData()))
        if work_order_id is None or found is None:
            return
        event.acceptProposedAction()
        self.dropped.emit(work_order_id, found[0])

    # ----------------------------------------------------------------- Qt overrides
    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802
        """Scrolled: the names and the header are painted where the view is now."""
        super().moveEvent(event)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.relayout()


def lanes(plan: BoardPlan) -> dict[int, tuple[int, int]]:
    """Overlapping bookings of a technician side by side in the day view: each booking's lane
    and the number of lanes of its group of overlapping bookings (at most ``MAX_LANES``; more
    share lanes and lie on top of each other, each still outlined as overlapping)."""
    found: dict[int, tuple[int, int]] = {}
    for rows in plan.cells.values():
        group: list[tuple[int, int]] = []  # (work order id, lane) of the group being collected
        ends: list[datetime] = []  # when each lane of the group is free again
        group_end: datetime | None = None
        for row in rows:  # in start order
            begins = local_start(row)
            assert begins is not None
            finish = begins + duration(row)
            if group_end is not None and begins >= group_end:  # nothing before it reaches it: a new group
                found.update({wid: (lane, min(len(ends), MAX_LANES)) for wid, lane in group})
                group, ends, group_end = [], [], None
            free = next((n for n, end in enumerate(ends) if end <= begins), None)
            if free is None:
                ends.append(finish)
                free = len(ends) - 1
            else:
                ends[free] = finish
            group.append((row.id, free % MAX_LANES))
            group_end = finish if group_end is None else max(group_end, finish)
        found.update({wid: (lane, min(len(ends), MAX_LANES)) for wid, lane in group})
    return found


class DayGrid(BoardGrid):
    """Technicians × hours of one day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Dispatch board, day"))
        self.first_hour, self.last_hour = 7, 19
        self._lanes: dict[int, tuple[int, int]] = {}

    @property
    def day(self) -> date | None:
        return self.plan.first if self.plan is not None else None

    def prepare(self, plan: BoardPlan) -> None:
        weekday = plan.first.weekday()
        starts = [h.starts.hour for week in plan.hours.values() for h in week if h.weekday == weekday]
        ends = [
            h.ends.hour + (1 if h.ends.minute else 0)
            for week in plan.hours.values()
            for h in week
            if h.weekday == weekday
        ]
        for row in plan.bookings:
            begins = local_start(row)
            if begins is not None:
                starts.append(begins.hour)
                finish = begins + duration(row)
                ends.append(24 if finish.date() > begins.date() else finish.hour + (1 if finish.minute else 0))
        self.first_hour = max(0, min([7, *[s - 1 for s in starts]]))
        self.last_hour = min(24, max([19, *[e + 1 for e in ends]]))
        self._lanes = lanes(plan)

    # ----------------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(NAME_WIDTH + MIN_HOUR_WIDTH * (self.last_hour - self.first_hour), self.natural_height())

    def hour_width(self) -> float:
        return max(1.0, (self.width() - NAME_WIDTH - 1) / max(1, self.last_hour - self.first_hour))

    def x_for(self, minutes: float) -> float:
        return NAME_WIDTH + (minutes - self.first_hour * 60) * self.hour_width() / 60

    def minutes_at(self, x: float) -> float:
        return self.first_hour * 60 + (x - NAME_WIDTH) * 60 / self.hour_width()

    def point_for(self, technician_id: int, minutes: int) -> QPoint:
        """Where in the widget ``minutes`` since midnight of the technician's row is (for a drop)."""
        row = self.row_of(technician_id)
        return QPoint(round(self.x_for(minutes)) + 1, self.row_top(row) + self.row_height(row) // 2)

    def slot_at(self, pos: QPointF | QPoint, offset_minutes: float = 0, hours: float = 0) -> tuple[int, int] | None:
        """(technician row, snapped start minutes) under ``pos``; None outside the rows and hours."""
        plan = self.plan
        if plan is None or not self.in_body(pos):
            return None
        row = self.row_at(pos.y())
        if row < 0:
            return None
        minutes = snap(self.minutes_at(pos.x()) - offset_minutes)
        latest = max(self.first_hour * 60, self.last_hour * 60 - max(30, round(hours * 60)))
        return row, min(max(minutes, self.first_hour * 60), latest)

    def target_at(
        self, pos: QPointF | QPoint, moving: WorkOrderRow | None = None, grab: float = 0, hours: float = 2.0
    ) -> tuple[Target, QRectF] | None:
        plan = self.plan
        slot = self.slot_at(pos, grab, hours)
        if plan is None or slot is None:
            return None
        index, minutes = slot
        top = self.row_top(index)
        ghost = QRectF(self.x_for(minutes) + 1, top + 3, hours * self.hour_width() - 2, self.row_height(index) - 6)
        return Target(plan.technicians[index].id, plan.first, minutes), ghost

    def grab_minutes(self, row: WorkOrderRow, pos: QPointF, rect: QRectF) -> float:
        return (pos.x() - rect.left()) * 60 / self.hour_width()

    def block_rect(self, row: WorkOrderRow) -> QRectF | None:
        begins = local_start(row)
        index = self.row_of(row.technician_id)
        if begins is None or index < 0:
            return None
        left = self.x_for(begins.hour * 60 + begins.minute)
        width = max(6.0, float(row.estimated_hours) * self.hour_width())
        lane, count = self._lanes.get(row.id, (0, 1))
        height = (self.row_height(index) - 8) / count
        return QRectF(left + 1, self.row_top(index) + 4 + lane * height, width - 2, height - (1 if count > 1 else 0))

    # ----------------------------------------------------------------- painting
    def paint_rows(self, painter: QPainter, first: int, last: int, view: QRect) -> None:
        plan = self.plan
        assert plan is not None
        weekday = plan.first.weekday()
        right = self.x_for(self.last_hour * 60)
        for index in range(first, last + 1):
            tech = plan.technicians[index]
            top, height = self.row_top(index), self.row_height(index)
            period = plan.working(tech.id, plan.first)
            if period is not None and period.weekday == weekday:
                left = self.x_for(period.starts.hour * 60 + period.starts.minute)
                end = self.x_for(period.ends.hour * 60 + period.ends.minute)
                painter.fillRect(QRectF(left, top, end - left, height), QColor(WORKING))
            else:
                painter.setPen(QColor(MUTED_TEXT))
                painter.drawText(
                    QRectF(view.left() + NAME_WIDTH + 10, top, right - NAME_WIDTH - 20, height),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    _("Day off"),
                )
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(NAME_WIDTH, top + height), QPointF(right, top + height))
        bottom = self.rows_bottom()
        for hour in range(self.first_hour, self.last_hour + 1):
            x = self.x_for(hour * 60)
            painter.drawLine(QPointF(x, HEADER_HEIGHT), QPointF(x, bottom))
        if plan.first == plan.now.astimezone().date():
            now = plan.now.astimezone()
            x = self.x_for(now.hour * 60 + now.minute)
            if NAME_WIDTH <= x <= right:
                painter.setPen(QPen(QColor(OVERDUE_COLOUR), 2))
                painter.drawLine(QPointF(x, HEADER_HEIGHT), QPointF(x, bottom))

    def paint_header(self, painter: QPainter, view: QRect) -> None:
        top = view.top()
        for hour in range(self.first_hour, self.last_hour + 1):
            x = self.x_for(hour * 60)
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(x, top), QPointF(x, top + HEADER_HEIGHT))
            if hour < self.last_hour:
                painter.setPen(QColor(MUTED_TEXT))
                painter.drawText(
                    QRectF(x + 4, top, self.hour_width() - 4, HEADER_HEIGHT),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    f"{hour:02d}:00",
                )

    def paint_block(self, painter: QPainter, row: WorkOrderRow) -> None:
        rect = self.block_rect(row)
        plan = self.plan
        if rect is None or plan is None:
            return
        self.paint_chip(painter, plan, row, rect, QRectF(rect.left() + 2, rect.bottom() - 7, rect.width() - 4, 5))
        painter.setPen(QColor("#ffffff"))
        flagged = Flag.OVERLAP in plan.flags_of(row)
        text = QRectF(rect.left() + 5, rect.top() + 2, rect.width() - (24 if flagged else 8), rect.height() - 10)
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


class WeekGrid(BoardGrid):
    """Technicians × the seven days of a week (Monday to Sunday)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Dispatch board, week"))
        self._chips: dict[int, QRectF] = {}  # work order id → its chip (laid out with the rows)
        self._more: list[tuple[QRectF, date]] = []  # "+N more" lines and their days
        self._min_day_width: tuple[QFont, int] | None = None

    @property
    def dates(self) -> list[date]:
        return self.plan.dates if self.plan is not None else []

    # ----------------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(NAME_WIDTH + self.min_day_width() * max(1, len(self.dates)) + 1, self.natural_height())

    def min_day_width(self) -> int:
        """Room in a day for a chip's time and number, in the font the chips are drawn in."""
        font = self.small_font()
        if self._min_day_width is None or self._min_day_width[0] != font:
            metrics = QFontMetrics(font)
            widest = max(metrics.horizontalAdvance(time_text(time(h, 0))) for h in (0, 10, 12, 23))
            # the SLA bar and padding (14) and the overlap mark (14) beside the text
            width = max(MIN_DAY_WIDTH, widest + metrics.horizontalAdvance(" WO-000000") + 2 * CELL_PAD + 30)
            self._min_day_width = (font, width)
        return self._min_day_width[1]

    def day_width(self) -> float:
        return max(float(self.min_day_width()), (self.width() - NAME_WIDTH - 1) / max(1, len(self.dates)))

    def day_left(self, index: int) -> float:
        return NAME_WIDTH + index * self.day_width()

    def day_index_at(self, x: float) -> int:
        index = int((x - NAME_WIDTH) // self.day_width())
        return index if 0 <= index < len(self.dates) else -1

    def chips_in(self, count: int) -> int:
        return min(count, MAX_CHIPS)

    def natural_heights(self) -> list[int]:
        plan = self.plan
        if plan is None:
            return []
        heights = []
        for tech in plan.technicians:
            most = max((len(plan.cells.get((tech.id, day), ())) for day in plan.dates), default=0)
            lines = max(2, self.chips_in(most))
            heights.append(max(WEEK_ROW_HEIGHT, CELL_PAD * 2 + lines * (CHIP_HEIGHT + CHIP_GAP) - CHIP_GAP))
        return heights

    def max_growth(self) -> int:
        return 4 * (CHIP_HEIGHT + CHIP_GAP)

    def lay_out(self) -> None:
        super().lay_out()
        plan = self.plan
        self._chips, self._more = {}, []
        if plan is None:
            return
        width = self.day_width()
        for index, tech in enumerate(plan.technicians):
            top = self.row_top(index) + CELL_PAD
            room = max(1, (self.row_height(index) - 2 * CELL_PAD + CHIP_GAP) // (CHIP_HEIGHT + CHIP_GAP))
            for column, day in enumerate(plan.dates):
                rows = plan.cells.get((tech.id, day), [])
                shown = rows if len(rows) <= room else rows[: room - 1]
                left = self.day_left(column) + CELL_PAD
                for n, row in enumerate(shown):
                    y = top + n * (CHIP_HEIGHT + CHIP_GAP)
                    self._chips[row.id] = QRectF(left, y, width - 2 * CELL_PAD, CHIP_HEIGHT)
                if len(shown) < len(rows):
                    y = top + len(shown) * (CHIP_HEIGHT + CHIP_GAP)
                    self._more.append((QRectF(left, y, width - 2 * CELL_PAD, CHIP_HEIGHT), day))

    def block_rect(self, row: WorkOrderRow) -> QRectF | None:
        return self._chips.get(row.id)

    def cell_rect(self, index: int, column: int) -> QRectF:
        return QRectF(self.day_left(column), self.row_top(index), self.day_width(), self.row_height(index))

    def point_for(self, technician_id: int, day: date) -> QPoint:
        """The middle of the technician's cell on ``day`` (for a drop)."""
        index, column = self.row_of(technician_id), self.dates.index(day)
        return self.cell_rect(index, column).center().toPoint()

    def more_at(self, pos: QPointF | QPoint) -> date | None:
        return next((day for rect, day in self._more if rect.contains(QPointF(pos))), None)

    def target_at(
        self, pos: QPointF | QPoint, moving: WorkOrderRow | None = None, grab: float = 0, hours: float = 2.0
    ) -> tuple[Target, QRectF] | None:
        plan = self.plan
        if plan is None or not self.in_body(pos):
            return None
        index, column = self.row_at(pos.y()), self.day_index_at(pos.x())
        if index < 0 or column < 0:
            return None
        begins = local_start(moving) if moving is not None else None
        minutes = begins.hour * 60 + begins.minute if begins is not None else None
        target = Target(plan.technicians[index].id, plan.dates[column], minutes)
        return target, self.cell_rect(index, column).adjusted(2, 2, -2, -2)

    # ----------------------------------------------------------------- painting
    def paint_rows(self, painter: QPainter, first: int, last: int, view: QRect) -> None:
        plan = self.plan
        assert plan is not None
        width = self.day_width()
        right = self.day_left(len(plan.dates))
        today = plan.now.astimezone().date()
        metrics = painter.fontMetrics()
        for index in range(first, last + 1):
            tech = plan.technicians[index]
            top, height = self.row_top(index), self.row_height(index)
            for column, day in enumerate(plan.dates):
                cell = QRectF(self.day_left(column), top, width, height)
                if plan.working(tech.id, day) is not None:
                    painter.fillRect(cell, QColor(WORKING))
                elif not plan.cells.get((tech.id, day)):
                    painter.setPen(QColor(MUTED_TEXT))
                    painter.drawText(
                        cell.adjusted(8, 0, -4, 0),
                        int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                        metrics.elidedText(_("Day off"), Qt.TextElideMode.ElideRight, int(width) - 12),
                    )
                if day == today:
                    painter.fillRect(cell, QColor(37, 99, 235, 14))
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(NAME_WIDTH, top + height), QPointF(right, top + height))
        bottom = self.rows_bottom()
        painter.setPen(QColor(GRID_LINE))
        for column in range(len(plan.dates) + 1):
            x = self.day_left(column)
            painter.drawLine(QPointF(x, HEADER_HEIGHT), QPointF(x, bottom))
        painter.setPen(QColor(ACCENT))
        for rect, day in self._more:
            if first <= self.row_at(rect.center().y()) <= last:
                count = len(plan.cells.get((self._tech_at(rect), day), [])) - self._shown_in(rect, day)
                painter.drawText(
                    rect.adjusted(6, 0, -2, 0),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    _("+{count} more").format(count=count),
                )

    def _tech_at(self, rect: QRectF) -> int:
        plan = self.plan
        assert plan is not None
        return plan.technicians[self.row_at(rect.center().y())].id

    def _shown_in(self, rect: QRectF, day: date) -> int:
        plan = self.plan
        assert plan is not None
        rows = plan.cells.get((self._tech_at(rect), day), [])
        return sum(1 for r in rows if r.id in self._chips)

    def paint_header(self, painter: QPainter, view: QRect) -> None:
        plan = self.plan
        assert plan is not None
        top = view.top()
        width = self.day_width()
        today = plan.now.astimezone().date()
        locale = QLocale()
        metrics = painter.fontMetrics()
        for column, day in enumerate(plan.dates):
            left = self.day_left(column)
            cell = QRectF(left, top, width, HEADER_HEIGHT)
            if day == self.marked_day:
                painter.fillRect(cell, QColor(SELECTED_DAY_BG))
            painter.setPen(QColor(GRID_LINE))
            painter.drawLine(QPointF(left, top), QPointF(left, top + HEADER_HEIGHT))
            bold = QFont(painter.font())
            bold.setBold(day == today)
            painter.setFont(bold)
            painter.setPen(QColor(ACCENT if day == today else TEXT))
            label = f"{locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)} {date_text(day)}"
            painter.drawText(
                cell.adjusted(6, 0, -4, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(width) - 10),
            )
        painter.setFont(self.small_font())

    def paint_block(self, painter: QPainter, row: WorkOrderRow) -> None:
        rect = self._chips.get(row.id)
        plan = self.plan
        if rect is None or plan is None:
            return
        self.paint_chip(painter, plan, row, rect, QRectF(rect.left() + 2, rect.top() + 2, 5, rect.height() - 4))
        begins = local_start(row)
        flagged = Flag.OVERLAP in plan.flags_of(row)
        text = rect.adjusted(10, 0, -(18 if flagged else 4), 0)
        metrics = painter.fontMetrics()
        head = f"{time_text(begins.time()) if begins else ''} {row.number}"
        line = head
        if metrics.horizontalAdvance(head) < text.width() - 40:
            line = f"{head} · {row.customer_name or row.unit_label}"
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            text,
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(text.width())),
        )

    # ----------------------------------------------------------------- clicks
    def header_clicked(self, pos: QPointF, *, double: bool) -> None:
        column = self.day_index_at(pos.x()) if pos.x() >= self.body_left() else -1
        if column >= 0:
            self.day_chosen.emit(self.dates[column], double)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.more_at(event.position()) if self.in_body(event.position()) else None
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.day_chosen.emit(day, True)
            return
        super().mousePressEvent(event)
