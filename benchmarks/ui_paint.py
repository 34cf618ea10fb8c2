"""Time from creating a list page to its first complete render (offscreen Qt).

Covers what the office waits for when opening the page: the sorted ids (or, for lists in
two steps, the count and the first ids) from SQL, the first block of rows, and rendering
the visible table (``QWidget.grab`` forces the paint that an offscreen platform would
otherwise never deliver). Ids that follow in the background are not waited for.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.pages.work_orders.page import STATUS_FILTERS, WorkOrdersPage
from tuffops_desktop.ui.prompts import Prompts

PageFactory = Callable[[Services, Ops, Prompts], ListPage]


def first_paint_ms(
    services: Services, make_page: PageFactory, runs: int = 3, then: Callable[[ListPage], None] | None = None
) -> tuple[float, str]:
    """Median ms from creating the page (or, with ``then``, from ``then(page)`` changing its
    query) to the visible rows painted with their data."""
    app = QApplication.instance() or QApplication([])
    prompts = Prompts()
    ops = Ops(ErrorMapper(prompts, lambda _message: None))
    times = []
    rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        page = make_page(services, ops, prompts)
        page.resize(1280, 800)
        page.show()
        if then is not None:
            _painted(app, page)
            start = time.perf_counter()
            then(page)
        _painted(app, page)
        times.append((time.perf_counter() - start) * 1000)
        rows = page.model.rowCount()
        page.close()
        page.deleteLater()
        app.processEvents()
    times.sort()
    return times[len(times) // 2], f"{rows:,} rows listed; median of {runs}"


def _painted(app: QApplication, page: ListPage) -> None:
    model = page.model
    deadline = time.perf_counter() + 30
    while model.rowCount() == 0 and time.perf_counter() < deadline:
        app.processEvents()
    page.grab()
    if model.loading():  # rows not fetched with the ids arrive in the background
        while model.loading() and time.perf_counter() < deadline:
            app.processEvents()
        page.grab()  # the complete render, rows filled in


def customers_first_paint_ms(services: Services, runs: int = 3) -> tuple[float, str]:
    return first_paint_ms(services, CustomersPage, runs)


def work_orders_first_paint_ms(services: Services, runs: int = 3) -> tuple[float, str]:
    """The Work orders page as it opens (open work, by due time)."""
    return first_paint_ms(services, WorkOrdersPage, runs)


def work_orders_all_statuses_ms(services: Services, runs: int = 3) -> tuple[float, str]:
    """The Work orders page switched to every status (the whole table) until painted."""
    every = next(key for key, _title, values in STATUS_FILTERS if not values)

    def show_all(page: ListPage) -> None:
        combo = page.findChild(QWidget, "status")
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(every))

    return first_paint_ms(services, WorkOrdersPage, runs, then=show_all)
