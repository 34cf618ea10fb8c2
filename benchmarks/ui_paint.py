"""Time from creating the Customers page to its first complete render (offscreen Qt).

Covers what the office waits for when opening the page: the sorted id list from SQL, the
first block of rows (fetched in the background since the runner), and rendering the visible
table (``QWidget.grab`` forces the paint that an offscreen platform would otherwise never deliver).
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.prompts import Prompts


def customers_first_paint_ms(services: Services, runs: int = 3) -> tuple[float, str]:
    app = QApplication.instance() or QApplication([])
    prompts = Prompts()
    ops = Ops(ErrorMapper(prompts, lambda _message: None))
    times = []
    rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        page = CustomersPage(services, ops, prompts)
        page.resize(1280, 800)
        page.show()
        model = page.table.model()
        deadline = time.perf_counter() + 30
        while model.rowCount() == 0 and time.perf_counter() < deadline:
            app.processEvents()
        page.grab()
        if model.loading():  # rows not fetched with the ids arrive in the background
            while model.loading() and time.perf_counter() < deadline:
                app.processEvents()
            page.grab()  # the complete render, rows filled in
        times.append((time.perf_counter() - start) * 1000)
        rows = model.rowCount()
        page.close()
        page.deleteLater()
        app.processEvents()
    times.sort()
    return times[len(times) // 2], f"{rows} rows listed; median of {runs}"
