"""The dispatch board's week view: bookings in their technician's day, drops from the queue
onto a day (the first free time of the working day), blocks dragged to another day keeping
their time, the overlap and working-hours confirmations, the selected date kept across the
Day / Week switch, and the view remembered after the window is opened again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QDropEvent, QFontMetrics
from PySide6.QtTest import QTest

from tests.ui.test_dispatch_board import fresh, local, make_board  # noqa: F401 - fixture
from tuffops_desktop.services.listing import Between, ListQuery
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.dispatch.grid import WeekGrid
from tuffops_desktop.ui.pages.dispatch.page import DispatchPage
from tuffops_desktop.ui.pages.dispatch.plan import Flag, week_of
from tuffops_desktop.ui.pages.work_orders.columns import status_colour
from tuffops_desktop.ui.window_state import WindowState


def week_board(qtbot, services, kit, day: date | None = None) -> DispatchPage:  # noqa: ANN001
    board = make_board(qtbot, services, kit)
    board.set_view("week")
    if day is not None:
        board.show_day(day)
    first = week_of(board.day)
    qtbot.waitUntil(lambda: board.plan is not None and (board.plan.first, board.plan.days) == (first, 7), timeout=5000)
    return board


def monday_in(weeks: int, today: date) -> date:
    """The Monday ``weeks`` weeks ahead: nothing is booked there unless a test books it."""
    return week_of(today) + timedelta(weeks=weeks)


def drop_from_queue(board: DispatchPage, work_order_id: int, point: QPoint) -> None:
    """What Qt delivers when a queue item is dropped on the week grid at ``point``."""
    ids = [int(board.queue.item(n).data(Qt.ItemDataRole.UserRole + 1)) for n in range(board.queue.count())]
    mime = board.queue.mimeData([board.queue.item(ids.index(work_order_id))])
    drop = QDropEvent(
        QPointF(point), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    board.week_grid.dropEvent(drop)


def mouse_drag(grid: WeekGrid, start: QPoint, target: QPoint) -> None:
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(grid, start + QPoint(12, 0))
    QTest.mouseMove(grid, target)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)


def test_the_week_shows_each_booking_in_its_technicians_day(qtbot, demo, kit):
    office = demo.services_as("office")
    board = week_board(qtbot, office, kit)
    grid, plan = board.week_grid, board.plan
    assert board.grid is grid and board.scroll is board.week_scroll
    monday = week_of(office.ctx.today())
    listed = office.work_orders.rows(
        office.work_orders.list_ids(ListQuery(filters={"scheduled": Between(monday, monday + timedelta(days=6))}))
    )
    expected = {r.id for r in listed if r.status != "cancelled"}
    assert expected, "the demo fills the current week"
    assert {r.id for r in plan.bookings} == expected
    image = grid.grab().toImage()
    metrics = QFontMetrics(grid.small_font())
    hidden = 0
    for row in plan.bookings:
        day = row.scheduled_start.astimezone().date()
        cell = grid.cell_rect(grid.row_of(row.technician_id), plan.dates.index(day))
        chip = grid.block_rect(row)
        if chip is None:  # beyond the cell's room: counted in its "+N more"
            hidden += 1
            continue
        assert cell.contains(chip), row.number
        assert grid.block_at(chip.center().toPoint()) == row
        # the chip is painted in its status colour, and its time and number fit unclipped
        pixel = QColor(image.pixel(round(chip.center().x()), round(chip.top()) + 1))
        assert pixel.name() == QColor(status_colour(row.status)).name() or row.id == grid.selected_id
        start = row.scheduled_start.astimezone()
        assert metrics.horizontalAdvance(f"{start:%H:%M} {row.number}") <= chip.width() - 14 - 14
    assert hidden == sum(
        len(plan.cells[(t.id, d)]) - sum(1 for r in plan.cells[(t.id, d)] if grid.block_rect(r))
        for t in plan.technicians
        for d in plan.dates
        if (t.id, d) in plan.cells
    )
    # a technician's day off is grey, the header names the days; Today is marked
    assert board.day_label.text().startswith("Week ")
    assert grid.marked_day == office.ctx.today()


def test_a_queue_item_dropped_on_a_day_goes_to_the_first_free_working_time(qtbot, demo, kit, fresh):  # noqa: F811
    office = demo.services_as("office")
    first, second = fresh(), fresh()
    monday = monday_in(6, office.ctx.today())
    board = week_board(qtbot, office, kit, monday + timedelta(days=1))
    qtbot.waitUntil(lambda: board.plan.find(second) is not None, timeout=5000)
    grid, plan = board.week_grid, board.plan
    tuesday = monday + timedelta(days=1)
    tech = plan.technicians[1]
    opens = plan.working(tech.id, tuesday).starts

    drop_from_queue(board, first, grid.point_for(tech.id, tuesday))
    detail = office.work_orders.get(first)
    assert (detail.status, detail.technician_id) == ("pending", tech.id)  # unassigned -> pending
    assert detail.scheduled_start.astimezone() == datetime.combine(tuesday, opens).astimezone()
    qtbot.waitUntil(lambda: any(r.id == first for r in board.plan.bookings), timeout=5000)
    # the next one goes after it (2 h later), still inside the hours: nothing to confirm
    drop_from_queue(board, second, grid.point_for(tech.id, tuesday))
    after = datetime.combine(tuesday, opens).astimezone() + timedelta(hours=2)
    assert office.work_orders.get(second).scheduled_start.astimezone() == after
    assert "confirm" not in kit.prompts.kinds()
    qtbot.waitUntil(lambda: len(board.plan.cells.get((tech.id, tuesday), [])) == 2, timeout=5000)
    chips = [grid.block_rect(r) for r in board.plan.cells[(tech.id, tuesday)]]
    assert chips[0].top() < chips[1].top()  # in start order, one under the other


def test_a_block_dragged_to_another_day_keeps_its_time_of_day(qtbot, demo, kit, fresh):  # noqa: F811
    office = demo.services_as("office")
    work_order_id = fresh()
    monday = monday_in(7, office.ctx.today())
    board = week_board(qtbot, office, kit, monday)
    qtbot.waitUntil(lambda: board.plan.find(work_order_id) is not None, timeout=5000)
    grid = board.week_grid
    tech = board.plan.technicians[0]
    assert board.drop_at(work_order_id, grid.point_for(tech.id, monday + timedelta(days=1)))
    qtbot.waitUntil(lambda: any(r.id == work_order_id for r in board.plan.bookings), timeout=5000)
    booked = office.work_orders.get(work_order_id).scheduled_start.astimezone()

    # a real mouse drag onto the same technician's Thursday
    row = board.plan.find(work_order_id)
    thursday = monday + timedelta(days=3)
    mouse_drag(grid, grid.block_rect(row).center().toPoint(), grid.point_for(tech.id, thursday))
    qtbot.waitUntil(
        lambda: office.work_orders.get(work_order_id).scheduled_start.astimezone().date() == thursday, timeout=5000
    )
    moved = office.work_orders.get(work_order_id)
    assert moved.scheduled_start.astimezone().time() == booked.time()
    assert (moved.status, moved.technician_id) == ("pending", tech.id)
    assert [(h.from_status, h.to_status) for h in moved.history][-2:] == [
        ("unassigned", "pending"),
        ("pending", "pending"),
    ]

    # and to another technician's Friday: reassigned, same time of day
    qtbot.waitUntil(lambda: board.plan.cells.get((tech.id, thursday)), timeout=5000)
    other = board.plan.technicians[2]
    friday = monday + timedelta(days=4)
    kit.prompts.confirm_answer = True  # their hours may differ: a confirmation is fine here
    mouse_drag(
        grid, grid.block_rect(board.plan.find(work_order_id)).center().toPoint(), grid.point_for(other.id, friday)
    )
    qtbot.waitUntil(lambda: office.work_orders.get(work_order_id).technician_id == other.id, timeout=5000)
    again = office.work_orders.get(work_order_id).scheduled_start.astimezone()
    assert (again.date(), again.time()) == (friday, booked.time())


def test_an_overlap_in_the_week_is_asked_first_and_flagged_when_kept(qtbot, demo, kit, fresh):  # noqa: F811
    office = demo.services_as("office")
    first, second, third = fresh(), fresh(), fresh()
    monday = monday_in(8, office.ctx.today())
    board = week_board(qtbot, office, kit, monday)
    qtbot.waitUntil(lambda: board.plan.find(third) is not None, timeout=5000)
    grid = board.week_grid
    tech = board.plan.technicians[0]
    wednesday, thursday = monday + timedelta(days=2), monday + timedelta(days=3)
    assert board.drop_at(first, grid.point_for(tech.id, wednesday))
    assert board.drop_at(second, grid.point_for(tech.id, thursday))  # the same time, a day later
    qtbot.waitUntil(lambda: board.plan.find(second) in board.plan.bookings, timeout=5000)
    assert kit.prompts.kinds() == []

    before = office.work_orders.get(second)
    kit.prompts.confirm_answer = False
    assert not board.drop_at(second, grid.point_for(tech.id, wednesday))
    assert kit.prompts.kinds() == ["confirm"]
    assert "overlaps" in kit.prompts.calls[0][2] and board.plan.find(first).number in kit.prompts.calls[0][2]
    after = office.work_orders.get(second)
    assert (after.version, after.scheduled_start) == (before.version, before.scheduled_start)

    kit.prompts.confirm_answer = True
    assert board.drop_at(second, grid.point_for(tech.id, wednesday))
    qtbot.waitUntil(lambda: len(board.plan.cells.get((tech.id, wednesday), [])) == 2, timeout=5000)
    plan = board.plan
    assert plan.flags_of(plan.find(first)) == plan.flags_of(plan.find(second)) == frozenset({Flag.OVERLAP})
    assert "Overlaps" in grid.describe(board.plan.find(second))

    # a queue item dropped on a day off has no free working time: asked too, then flagged
    sunday = monday + timedelta(days=6)
    assert board.plan.working(tech.id, sunday) is None
    kit.prompts.calls.clear()
    assert board.drop_at(third, grid.point_for(tech.id, sunday))
    assert kit.prompts.kinds() == ["confirm"] and "working hours" in kit.prompts.calls[0][2]
    assert office.work_orders.get(third).scheduled_start.astimezone() == local(sunday, 9)
    qtbot.waitUntil(
        lambda: (
            board.plan.find(third) in board.plan.bookings
            and board.plan.flags_of(board.plan.find(third)) == frozenset({Flag.OUTSIDE})
        ),
        timeout=5000,
    )


def test_switching_views_keeps_the_selected_date(qtbot, demo, kit):
    office = demo.services_as("office")
    board = make_board(qtbot, office, kit)
    picked = office.ctx.today() + timedelta(days=9)
    board.show_day(picked)
    qtbot.waitUntil(lambda: board.plan.first == picked, timeout=5000)
    board.week_view_button.click()
    assert board.view == "week" and board.day == picked
    qtbot.waitUntil(lambda: board.plan is not None and board.plan.first == week_of(picked), timeout=5000)
    assert board.plan.days == 7 and board.week_grid.marked_day == picked
    # a click on another day's heading selects it; Day shows that day
    grid = board.week_grid
    other = week_of(picked) + timedelta(days=(picked.weekday() + 3) % 7)
    heading = QPoint(round(grid.day_left(grid.dates.index(other)) + 20), 10)
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, heading)
    assert board.day == other and grid.marked_day == other
    board.day_view_button.click()
    qtbot.waitUntil(lambda: board.plan is not None and (board.plan.first, board.plan.days) == (other, 1), timeout=5000)
    # next/previous move by a week in the week view and by a day in the day view
    board.next_button.click()
    assert board.day == other + timedelta(days=1)
    board.week_view_button.click()
    board.next_button.click()
    assert board.day == other + timedelta(days=8)
    qtbot.waitUntil(lambda: board.plan is not None and board.plan.first == week_of(board.day), timeout=5000)
    # a double click on a heading opens that day
    QTest.mouseDClick(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, heading)
    assert board.view == "day"


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no window stacking
def test_the_view_is_remembered_when_the_window_opens_again(qtbot, demo, kit, tmp_path):
    office = demo.services_as("office")
    settings = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)

    def open_window() -> tuple[MainWindow, DispatchPage]:
        window = MainWindow(
            office, kit.ops, kit.prompts, kit.monitor, database_label="test", state=WindowState(settings, "office")
        )
        qtbot.addWidget(window)
        window.show()
        page = window.show_section("dispatch")
        assert isinstance(page, DispatchPage)
        qtbot.waitUntil(lambda: page.plan is not None, timeout=5000)
        return window, page

    window, page = open_window()
    assert page.view == "day" and page.plan.days == 1
    page.week_view_button.click()
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.days == 7, timeout=5000)
    window.close()

    window, page = open_window()
    assert page.view == "week" and page.week_view_button.isChecked()
    assert page.plan.days == 7 and page._requested == (week_of(page.day), 7)  # read the week first
    window.close()


def test_the_week_scrolls_under_frozen_names_and_headings(qtbot, demo, kit):
    """A board larger than its window scrolls; the names and the day headings stay put."""
    office = demo.services_as("office")
    board = week_board(qtbot, office, kit)
    board.resize(1024, 500)
    qtbot.wait(20)
    grid, area = board.week_grid, board.week_scroll
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    area.horizontalScrollBar().setValue(area.horizontalScrollBar().maximum())
    qtbot.wait(20)
    view = grid.view()
    assert view.top() > 0 or area.verticalScrollBar().maximum() == 0
    assert view.left() > 0  # the week is wider than 1024 px less the queue
    # a point just right of the frozen names is on the board, one inside them is not
    inside_names = QPoint(view.left() + 40, grid.row_top(len(board.plan.technicians) - 1) + 5)
    assert grid.target_at(inside_names) is None
    last = board.plan.technicians[-1]
    target = grid.target_at(QPoint(view.left() + 170, grid.row_top(len(board.plan.technicians) - 1) + 5))
    assert target is not None and target[0].technician_id == last.id
    image = grid.grab(view).toImage()
    assert QColor(image.pixel(5, 40)).name() == "#f9fafb"  # the names' background, at the scrolled left


def test_enter_on_a_chip_opens_the_assign_dialog_set_to_its_booking(qtbot, demo, kit, fresh):  # noqa: F811
    from tests.ui.test_work_orders_page import answer_dialog
    from tuffops_desktop.ui.pages.work_orders.editor import AssignDialog

    office = demo.services_as("office")
    work_order_id = fresh()
    monday = monday_in(9, office.ctx.today())
    board = week_board(qtbot, office, kit, monday)
    qtbot.waitUntil(lambda: board.plan.find(work_order_id) is not None, timeout=5000)
    tech, other = board.plan.technicians[0], board.plan.technicians[3]
    assert board.drop_at(work_order_id, board.week_grid.point_for(tech.id, monday + timedelta(days=1)))
    qtbot.waitUntil(lambda: any(r.id == work_order_id for r in board.plan.bookings), timeout=5000)
    booked = office.work_orders.get(work_order_id).scheduled_start.astimezone()
    board.week_grid.setFocus()
    QTest.keyClick(board.week_grid, Qt.Key.Key_Right)  # the only booking of that week
    assert board.week_grid.selected_id == work_order_id

    def pick(dialog: AssignDialog) -> None:
        assert dialog.book.isChecked() and dialog.start.dateTime().toPython() == booked.replace(tzinfo=None)
        dialog.technician.setCurrentIndex(dialog.technician.findData(other.id))

    kit.prompts.confirm_answer = True
    answer_dialog(qtbot, AssignDialog, pick)
    QTest.keyClick(board.week_grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: office.work_orders.get(work_order_id).technician_id == other.id, timeout=5000)
    assert office.work_orders.get(work_order_id).scheduled_start.astimezone() == booked


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no window stacking
def test_the_board_in_its_own_window_remembers_its_view(qtbot, demo, kit, tmp_path):
    office = demo.services_as("office")
    board = make_board(qtbot, office, kit)
    state = WindowState(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "office").page("dispatch")
    board.restore_state(state)
    window = board.open_own_window()
    qtbot.waitUntil(lambda: window.board.plan is not None, timeout=5000)
    assert window.board.view == "day"
    window.board.week_view_button.click()
    window.close()
    assert state.value("window_view") == "week" and board.view == "day"  # the page keeps its own
    again = board.open_own_window()
    qtbot.waitUntil(lambda: again.board.plan is not None, timeout=5000)
    assert again.board.view == "week" and again.board.plan.days == 7
    again.close()


def test_an_earlier_read_arriving_late_never_puts_an_old_board_back(qtbot, demo, kit, monkeypatch):
    """Two reads of the same week (before and after a booking): the first answer is slow and
    arrives last; the board must keep the second (a CI run lost a fresh booking this way)."""
    import threading

    from tuffops_desktop.ui.pages.dispatch import page as page_module

    office = demo.services_as("office")
    board = week_board(qtbot, office, kit, monday_in(9, office.ctx.today()))
    real = page_module.load_board
    gate = threading.Event()
    answers: list[object] = []

    def load(services, first, days):  # noqa: ANN001, ANN202
        plan = real(services, first, days)
        if not answers:  # the first (older) read waits until the second has been shown
            answers.append("old")
            gate.wait(5)
            return replace(plan, queue_total=-1)  # marks the board as it was before
        answers.append("new")
        return plan

    monkeypatch.setattr(page_module, "load_board", load)
    board.refresh()  # the older read
    qtbot.waitUntil(lambda: answers == ["old"], timeout=5000)  # it is under way (pool threads start in any order)
    board.refresh()  # the newer one
    qtbot.waitUntil(lambda: answers[:2] == ["old", "new"], timeout=5000)
    qtbot.waitUntil(lambda: board.plan.queue_total >= 0, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: len(answers) >= 2, timeout=1000)
    qtbot.wait(300)  # the old answer has arrived by now (other reads may follow: they are new too)
    assert board.plan.queue_total >= 0
