"""The dispatch board page: the technicians' bookings for a day (``DayGrid``, technicians ×
hours) or a week (``WeekGrid``, technicians × Monday to Sunday) beside the queue of unassigned
work, most urgent first.

Drag a queue item onto a technician's row at a time (day) or onto their day (week: the first
free half hour of their working hours) to assign it (unassigned → pending); drag a block to
another time, day or technician to move it (``reassign``, while pending; in the week a block
keeps its time of day). A booking that overlaps another of that technician or lies outside
their working hours is confirmed first. The keyboard alternative: select a block (arrow keys)
or a queue item and press Enter, or "Assign…": the work-order page's ``AssignDialog`` opens.

The page keeps one selected date: the day shown, or the day marked in the week (click a day's
heading; a double click opens it in the day view). Switching between Day and Week keeps it;
the view chosen is remembered per user (``RemembersState``).

The board is read in one background call (``plan.load_board``) when it is first shown,
whenever the day or the week changes, after each move, and when the change feed reports a
work order (or a user's hours) changed by anyone. "Open in its own window" shows a second
board in a top-level window for another monitor; its geometry and view are kept in the page's
remembered state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import (
    QByteArray,
    QDateTime,
    QLocale,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop import APP_NAME
from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_text, date_time_text, number_text, widest_date_time_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.dispatch.grid import SLA_COLOURS, BoardGrid, DayGrid, Target, WeekGrid, work_order_mime
from tuffops_desktop.ui.pages.dispatch.plan import (
    BoardPlan,
    booking_problems,
    load_board,
    local_start,
    midnight,
    start_on_day,
    week_of,
)
from tuffops_desktop.ui.pages.work_orders.editor import AssignDialog
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.window_state import ViewState, fit_on_screen

IdRole = Qt.ItemDataRole.UserRole + 1
REFRESH_DELAY_MS = 150  # a burst of changes from the feed is read once
RELEVANT = ("work_order", "user", "*")
DAY, WEEK = "day", "week"


class _QueueItem(QStyledItemDelegate):
    """A queue item as wide as the list (a long line ends in "…" rather than scroll sideways)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return QSize(1, super().sizeHint(option, index).height())


class QueueList(QListWidget):
    """The unassigned work orders; an item drags its work order's id onto the board."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        # Every item has four lines: one height for all (laying out 300 wrapped items cost more
        # than painting the whole board); a long line ends in "…" and the tooltip has it all.
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(_QueueItem(self))
        self.setSpacing(2)
        self.setAccessibleName(_("Unassigned work orders"))
        self.activated_id: int | None = None

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        return work_order_mime(int(items[0].data(IdRole))) if items else QMimeData()

    def current_id(self) -> int | None:
        item = self.currentItem()
        return int(item.data(IdRole)) if item is not None else None


def _swatch(colour: str | None) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour or "#d1d5db"))
    return QIcon(pixmap)


def _scrolled(grid: BoardGrid) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(grid)
    return area


class DispatchPage(QWidget):
    """The board of a day or a week (today's at first) and the unassigned queue."""

    def __init__(
        self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None, *, detachable: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.day: date = services.ctx.today()
        self.view = DAY
        self.plan: BoardPlan | None = None
        self.window_of_its_own: DispatchWindow | None = None
        self._state: ViewState | None = None
        self._requested: tuple[date, int] | None = None  # the range last asked for
        self._reads = 0  # reads of the board asked for; only the latest one's answer is shown
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(REFRESH_DELAY_MS)
        self._pending.timeout.connect(self.refresh)

        self.title_label = plain_label(_("Dispatch"), role="title")
        self.day_label = plain_label(role="subtitle", wrap=True)  # wraps rather than widen a small window
        self.day_view_button = QPushButton(_("&Day"))
        self.week_view_button = QPushButton(_("W&eek"))
        self.views = QButtonGroup(self)
        for button, view in ((self.day_view_button, DAY), (self.week_view_button, WEEK)):
            button.setCheckable(True)
            button.setToolTip(_("Show the board by hours of one day") if view == DAY else _("Show the board by days"))
            button.clicked.connect(lambda _checked=False, view=view: self.set_view(view))
            self.views.addButton(button)
        self.day_view_button.setChecked(True)
        self.previous_button = QPushButton(_("◀ &Previous"))
        self.today_button = QPushButton(_("T&oday"))
        self.next_button = QPushButton(_("&Next ▶"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.today_button.clicked.connect(lambda: self.show_day(services.ctx.today()))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.assign_button = QPushButton(_("&Assign…"))
        self.assign_button.setToolTip(_("Assign or move the selected work order (Enter)"))
        self.assign_button.clicked.connect(self.assign_selected)
        self.own_window_button = QPushButton(_("Open in its own &window"))
        self.own_window_button.setToolTip(_("Show the board in a separate window, e.g. on a second monitor"))
        self.own_window_button.clicked.connect(self.open_own_window)
        self.own_window_button.setVisible(detachable)
        self.legend = plain_label(
            _(
                "Colour: status. Stripe (and the queue's square): SLA, green on time, amber under 25 % of the "
                "time left, red overdue. Red outline: overlaps another booking; hatched: outside working hours."
            ),
            role="hint",
            wrap=True,
        )
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addSpacing(16)
        top.addWidget(self.day_view_button)
        top.addWidget(self.week_view_button)
        top.addSpacing(16)
        for button in (self.previous_button, self.today_button, self.next_button):
            top.addWidget(button)
        top.addSpacing(8)
        top.addWidget(self.day_label, 1)
        second = QHBoxLayout()
        second.addWidget(self.legend, 1)
        second.addWidget(self.assign_button)
        second.addWidget(self.own_window_button)

        self.day_grid = DayGrid()
        self.week_grid = WeekGrid()
        for grid in (self.day_grid, self.week_grid):
            grid.dropped.connect(self._on_grid_drop)
            grid.activated.connect(lambda row: self.assign(row.id))
            grid.selected.connect(lambda row: self.queue.clearSelection() if row is not None else None)
        self.week_grid.day_chosen.connect(self._on_day_chosen)
        self.day_scroll = _scrolled(self.day_grid)
        self.week_scroll = _scrolled(self.week_grid)
        self.boards = QStackedWidget()
        self.boards.addWidget(self.day_scroll)
        self.boards.addWidget(self.week_scroll)
        self.queue_label = plain_label(_("Unassigned"), role="subtitle")
        self.queue_note = plain_label(role="hint", wrap=True)
        self.queue_note.hide()
        self.queue = QueueList()
        self.queue.itemActivated.connect(lambda item: self.assign(int(item.data(IdRole))))
        self.queue.itemPressed.connect(lambda _item: self.grid.select(None))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.queue_label)
        side_layout.addWidget(self.queue_note)
        side_layout.addWidget(self.queue, 1)
        # wide enough for a due time and a customer's name to show whole in a small window
        due = self.queue.fontMetrics().horizontalAdvance(_("Due {when}").format(when=widest_date_time_text()))
        side.setMinimumWidth(due + 60)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.boards)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1100, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.splitter, 1)
        self._label_range()

    # ----------------------------------------------------------------- the view shown
    @property
    def grid(self) -> BoardGrid:
        """The board on screen (day or week)."""
        return self.week_grid if self.view == WEEK else self.day_grid

    @property
    def scroll(self) -> QScrollArea:
        return self.week_scroll if self.view == WEEK else self.day_scroll

    def span(self) -> tuple[date, int]:
        """(first day, number of days) of the board shown."""
        return (week_of(self.day), 7) if self.view == WEEK else (self.day, 1)

    def set_view(self, view: str) -> None:
        """Day or week; the selected date stays. Remembered for this user."""
        if view not in (DAY, WEEK):
            return
        changed = view != self.view
        self.view = view
        (self.week_view_button if view == WEEK else self.day_view_button).setChecked(True)
        self.boards.setCurrentWidget(self.scroll)
        if self._state is not None:
            self._state.set_value("view", view)
        if changed and self._requested is not None:  # not yet shown: the first read comes then
            self.plan = None  # until the other view's board is read
            self.grid.select(None)
            self.refresh()

    def _label_range(self) -> None:
        first, days = self.span()
        locale = QLocale()
        unit = _("week") if self.view == WEEK else _("day")
        self.previous_button.setToolTip(_("Previous {unit}").format(unit=unit))
        self.next_button.setToolTip(_("Next {unit}").format(unit=unit))
        if self.view == WEEK:
            self.day_label.setText(
                _("Week {number}: {start} – {end}").format(
                    number=first.isocalendar().week,
                    start=date_text(first),
                    end=date_text(first + timedelta(days=days - 1)),
                )
            )
        else:
            self.day_label.setText(
                _("{weekday} {date}").format(weekday=locale.dayName(self.day.isoweekday()), date=date_text(self.day))
            )
        self.week_grid.mark_day(self.day)

    # ----------------------------------------------------------------- Page protocol
    def refresh(self) -> None:
        """Read the board shown again in the background. Only the answer to the latest read is
        shown: an earlier one (another range, or the same range read before a booking just
        made) may arrive later and must not put an old board back."""
        self._label_range()
        first, days = self._requested = self.span()
        self._reads += 1
        read = self._reads
        self._ops.run(
            load_board,
            self._services,
            first,
            days,
            parent=self,
            on_done=lambda plan: self._show(plan) if read == self._reads else None,
        )

    def focus_search(self) -> None:
        self.queue.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """A work order (or someone's working hours) changed anywhere: read the board again."""
        if any(c.entity in RELEVANT for c in changes) and self._requested is not None:
            self._pending.start()
        if self.window_of_its_own is not None:
            self.window_of_its_own.board.apply_changes(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first read waits until the page is shown (and its remembered view restored)."""
        super().showEvent(event)
        if self._requested is None:
            self.refresh()

    # ----------------------------------------------------------------- RemembersState
    def save_state(self, state: ViewState) -> None:
        self._state = state
        self.splitter_sizes_to(state)
        state.set_value("view", self.view)
        if self.window_of_its_own is not None and self.window_of_its_own.isVisible():
            self.window_of_its_own.remember(state)

    def restore_state(self, state: ViewState) -> None:
        self._state = state
        sizes = state.value("splitter")
        if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(s, int) and s > 0 for s in sizes):
            self.splitter.setSizes(sizes)
        view = state.value("view")
        if view in (DAY, WEEK):
            self.set_view(view)

    def splitter_sizes_to(self, state: ViewState) -> None:
        state.set_value("splitter", self.splitter.sizes())

    # ----------------------------------------------------------------- days
    def show_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def step(self, direction: int) -> None:
        """Previous (-1) or next (1) day or week."""
        self.show_day(self.day + timedelta(days=direction * (7 if self.view == WEEK else 1)))

    def _on_day_chosen(self, day: date, open_it: bool) -> None:
        self.day = day
        if open_it:
            self.set_view(DAY)
        self._label_range()

    def _show(self, plan: BoardPlan) -> None:
        self.plan = plan
        self.grid.set_plan(plan)
        current = self.queue.current_id()
        self.queue.clear()
        for row in plan.queue:
            due = _("Due {when}").format(when=date_time_text(row.due_at)) if row.due_at else _("No due time")
            item = QListWidgetItem(
                _("{number} · {hours} h\n{customer}\n{unit}\n{due}").format(
                    number=row.number,
                    customer=row.customer_name or _("(stock)"),
                    unit=row.unit_label,
                    due=due,
                    hours=number_text(row.estimated_hours),
                )
            )
            item.setData(IdRole, row.id)
            item.setIcon(_swatch(SLA_COLOURS.get(plan.sla(row))))
            hint = (
                _("Drag onto a technician's day, or press Enter to assign")
                if self.view == WEEK
                else _("Drag onto a technician and time, or press Enter to assign")
            )
            item.setToolTip(f"{item.text()}\n\n{hint}")
            self.queue.addItem(item)
            if row.id == current:
                self.queue.setCurrentItem(item)
        shown = len(plan.queue)
        self.queue_label.setText(_("Unassigned ({count})").format(count=count_text(plan.queue_total)))
        self.queue_note.setText(_("The {shown} most urgent are listed.").format(shown=count_text(shown)))
        self.queue_note.setVisible(shown < plan.queue_total)

    # ----------------------------------------------------------------- booking
    def drop_at(self, work_order_id: int, pos: object, offset_minutes: float = 0) -> bool:
        """A work order dropped at ``pos`` (grid coordinates): book it there (what a drop does).
        A booked block keeps its time of day in the week view; a queue item goes to the first
        free time of the day."""
        plan = self.plan
        if plan is None:
            return False
        moving = next((r for r in plan.bookings if r.id == work_order_id), None)
        hours = float(moving.estimated_hours) if moving is not None else 2.0
        found = self.grid.target_at(pos, moving, offset_minutes, hours)  # type: ignore[arg-type]
        if found is None:
            return False
        return self._book_target(work_order_id, found[0])

    def _on_grid_drop(self, work_order_id: int, target: Target) -> None:
        self._book_target(work_order_id, target)

    def _book_target(self, work_order_id: int, target: Target) -> bool:
        if target.minutes is None:
            return self.book(work_order_id, target.technician_id, None, first_free_on=target.day)
        return self.book(work_order_id, target.technician_id, midnight(target.day) + timedelta(minutes=target.minutes))

    def _at(self, minutes: int) -> datetime:
        return midnight(self.day) + timedelta(minutes=minutes)

    def book(
        self, work_order_id: int, technician_id: int, start: datetime | None, *, first_free_on: date | None = None
    ) -> bool:
        """Assign (unassigned) or move (pending) the work order to the technician from ``start``
        (local time; None = not booked at a time) or, given ``first_free_on``, from the first free
        time of that day, after confirming overlaps and hours outside the working day. True when
        the service made the move."""
        plan = self.plan
        found = self._ops.call(self._services.work_orders.get, work_order_id, parent=self)
        if not found.ok or found.value is None or plan is None:
            self.refresh()
            return False
        detail = found.value
        action = {"unassigned": "assign", "pending": "reassign"}.get(detail.status)
        if action is None or action not in detail.actions:
            self._prompts.info(
                self,
                _("Cannot be moved"),
                _(
                    "{number} is {status}: only unassigned or pending work orders can be booked here, "
                    "by someone who dispatches."
                ).format(number=detail.number, status=detail.status.replace("_", " ")),
            )
            return False
        length = timedelta(hours=float(detail.estimated_hours))
        if first_free_on is not None:
            start = start_on_day(plan, work_order_id, technician_id, first_free_on, length)
        if start is not None:
            problems = booking_problems(plan, work_order_id, technician_id, start, length)
            if problems and not self._prompts.confirm(self, _("Book anyway?"), "\n".join(problems), _("Book anyway")):
                return False
        result = self._ops.call(
            self._services.work_orders.act,
            work_order_id,
            action,
            detail.version,
            technician_id=technician_id,
            scheduled_start=start.astimezone(UTC) if start is not None else None,
            parent=self,
        )
        self.refresh()
        return result.ok

    # ----------------------------------------------------------------- keyboard alternative
    def selected_id(self) -> int | None:
        row = self.grid.selected_row()
        return row.id if row is not None else self.queue.current_id()

    def assign_selected(self) -> None:
        work_order_id = self.selected_id()
        if work_order_id is not None:
            self.assign(work_order_id)

    def assign(self, work_order_id: int) -> bool:
        """Pick the technician and time in ``AssignDialog`` (the keyboard's way to drag)."""
        plan = self.plan
        row = plan.find(work_order_id) if plan is not None else None
        if plan is None or row is None:
            return False
        dialog = AssignDialog(list(plan.technicians), row.technician_id, self)
        begins = local_start(row) or self._default_start(plan)
        dialog.start.setDateTime(QDateTime(begins.replace(tzinfo=None)))
        dialog.book.setChecked(True)
        if not dialog.exec() or dialog.technician_id() is None:
            return False
        chosen = dialog.scheduled_start()
        return self.book(
            work_order_id, int(dialog.technician_id() or 0), chosen.astimezone() if chosen is not None else None
        )

    def _default_start(self, plan: BoardPlan) -> datetime:
        """Nine o'clock on the selected date, or the next half hour when that is today and later."""
        start = self._at(9 * 60)
        now = plan.now.astimezone()
        if now > start and now.date() == self.day:
            start = self._at(min(((now.hour * 60 + now.minute) // 30 + 1) * 30, 23 * 60))
        return start

    # ----------------------------------------------------------------- its own window
    def open_own_window(self) -> DispatchWindow:
        """The same board in a separate top-level window (a second monitor); one at a time."""
        window = self.window_of_its_own
        if window is None:
            window = DispatchWindow(self._services, self._ops, self._prompts, self._state, self)
            window.board.day = self.day
            window.board.refresh()
            self.window_of_its_own = window
            window.closed.connect(self._own_window_closed)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _own_window_closed(self) -> None:
        self.window_of_its_own = None


class DispatchWindow(QMainWindow):
    """A dispatch board in a window of its own; where it was and its view (day or week) are
    remembered (``window_geometry``, ``window_view``)."""

    closed = Signal()

    def __init__(
        self, services: Services, ops: Ops, prompts: Prompts, state: ViewState | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Dispatch board — {app}").format(app=APP_NAME))
        self._state = state
        self.board = DispatchPage(services, ops, prompts, self, detachable=False)
        if state is not None and state.value("window_view") in (DAY, WEEK):
            self.board.set_view(str(state.value("window_view")))
        self.setCentralWidget(self.board)
        self.resize(1600, 900)
        saved = state.value("window_geometry") if state is not None else None
        if isinstance(saved, str) and saved:
            self.restoreGeometry(QByteArray.fromHex(saved.encode("ascii")))
        fit_on_screen(self)

    def remember(self, state: ViewState) -> None:
        state.set_value("window_geometry", bytes(self.saveGeometry().toHex().data()).decode("ascii"))
        state.set_value("window_view", self.board.view)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._state is not None:
            self.remember(self._state)
        self.closed.emit()
        super().closeEvent(event)
