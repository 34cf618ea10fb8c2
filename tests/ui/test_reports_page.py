"""The Reports page on the demo database: tiles with numbers, re-queries that supersede
each other, drill-down into exactly the rows a tile or a bar counts, CSV and PDF export,
what a user without ``invoices.view`` sees, and a GUI thread that stays free while the
figures are computed."""

from __future__ import annotations

import csv
import subprocess
import time
from pathlib import Path

import pytest

from tests.qrscan import pdf_text
from tests.ui.gap_meter import GapMeter
from tuffops_desktop.bootstrap import services_for
from tuffops_desktop.domain.permissions import ROLE_BUNDLES, Role
from tuffops_desktop.domain.reports import KpiKey, KpiReport, Period
from tuffops_desktop.services.context import Actor
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.invoices.page import InvoicesPage
from tuffops_desktop.ui.pages.reports.page import ReportsPage, preset_period
from tuffops_desktop.ui.pages.reports.widgets import ChartCard, KpiTile
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage

MAX_GAP_S = 0.25
MONEY_TILES = {KpiKey.REVENUE.value, KpiKey.RECEIVABLES.value, KpiKey.STOCK_VALUE.value}
MONEY_CHARTS = {KpiKey.REVENUE.value, KpiKey.RECEIVABLES.value, KpiKey.TOP_CUSTOMERS.value, KpiKey.STOCK_VALUE.value}


def wait_shown(qtbot, page: ReportsPage, timeout: int = 20_000) -> KpiReport:  # noqa: ANN001
    qtbot.waitUntil(lambda: not page.busy() and page.report is not None, timeout=timeout)
    assert page.report is not None
    return page.report


def make_page(qtbot, services, kit) -> ReportsPage:  # noqa: ANN001
    page = ReportsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    wait_shown(qtbot, page)
    return page


def tiles(page: ReportsPage) -> dict[str, KpiTile]:
    return {t.key: t for t in page.tiles.widgets() if isinstance(t, KpiTile)}


def charts(page: ReportsPage) -> dict[str, ChartCard]:
    return {c.key: c for c in page.charts.widgets() if isinstance(c, ChartCard)}


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    return window


def test_tiles_show_the_report_numbers(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    report = page.report
    assert report is not None and report.period == preset_period("last_90_days", office.ctx.today())
    shown = tiles(page)
    received = shown[KpiKey.REQUESTS_RECEIVED.value]
    assert received.value.text() == count_text(report.requests_received.total)
    assert report.requests_received.total > 0  # the demo's history reaches into the period
    assert shown[KpiKey.WORK_ORDERS_COMPLETED.value].value.text() == count_text(report.work_orders_completed.total)
    assert all(t.value.text() and t.title.text() for t in shown.values())
    assert set(shown) >= MONEY_TILES  # the office sees money
    assert report.revenue is not None and report.revenue.invoiced > 0
    assert set(charts(page)) >= {KpiKey.REQUESTS_RECEIVED.value, KpiKey.WORK_ORDERS_COMPLETED.value} | MONEY_CHARTS
    requests_chart = charts(page)[KpiKey.REQUESTS_RECEIVED.value]
    heights = [sum(s.values) for s in requests_chart.spec.series]
    assert sum(heights) == report.requests_received.total  # the stacked bars add up to the tile
    assert "computed" in page.status.text() and kit.prompts.calls == []


def test_a_filter_change_asks_again_and_a_newer_question_wins(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    everyone = page.report
    asked = page.questions
    page.customer_type.setCurrentIndex(page.customer_type.findData("commercial"))
    assert page.questions == asked + 1 and page.busy()
    report = wait_shown(qtbot, page)
    assert report.filters.customer_type == "commercial"
    assert everyone is not None and report.requests_received.total <= everyone.requests_received.total

    answers: list[object] = []
    page.shown.connect(answers.append)
    page.work_type.setCurrentIndex(page.work_type.findData("repair"))  # asked, then at once superseded
    page.set_period("this_year")
    report = wait_shown(qtbot, page)
    qtbot.wait(300)  # an answer to the superseded question would have arrived by now
    assert len(answers) == 1
    assert report.filters.work_type == "repair" and report.period == preset_period("this_year", office.ctx.today())
    assert "Repair" in page.status.text()  # the status line says which filters the figures follow


def test_custom_dates_ask_once_the_user_pauses(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    today = office.ctx.today()
    page.period_choice.setCurrentIndex(page.period_choice.findData("custom"))
    assert page.start_edit.isEnabled() and page.end_edit.isEnabled()
    asked = page.questions
    page.start_edit.setDate(page.start_edit.date().addDays(-3))
    page.start_edit.setDate(page.start_edit.date().addDays(-3))
    assert page.questions == asked  # typing: not yet
    qtbot.waitUntil(lambda: page.questions == asked + 1, timeout=3000)
    report = wait_shown(qtbot, page)
    assert report.period.end == today and (today - report.period.start).days == 89 + 6


def test_a_tile_opens_the_list_of_exactly_its_rows(qtbot, demo, kit):
    office = demo.services_as("office")
    window = make_window(qtbot, office, kit)
    page = window.show_section("reports")
    assert isinstance(page, ReportsPage)
    report = wait_shown(qtbot, page)

    tiles(page)[KpiKey.REQUESTS_RECEIVED.value].activate()
    inbox = window.current_page()
    assert isinstance(inbox, InboxPage)
    assert inbox.filter_chip.isVisible() and "Requests received" in inbox.filter_chip.title()
    qtbot.waitUntil(lambda: inbox.model.rowCount() == report.requests_received.total, timeout=5000)

    window.show_section("reports")
    tiles(page)[KpiKey.WORK_ORDERS_COMPLETED.value].activate()
    orders = window.current_page()
    assert isinstance(orders, WorkOrdersPage)
    qtbot.waitUntil(lambda: orders.model.rowCount() == report.work_orders_completed.total, timeout=5000)
    assert not orders.status_filter.isEnabled()  # the page's own filters wait while the chip is up
    assert {r.status for r in office.work_orders.rows(orders.model.ids())} <= {"completed", "billed"}
    orders.filter_chip.remove_button.click()  # back to the page's own list (open work)
    assert not orders.filter_chip.isVisible() and orders.status_filter.isEnabled()
    qtbot.waitUntil(
        lambda: {r.status for r in office.work_orders.rows(orders.model.ids()[:50])}.isdisjoint(
            {"completed", "billed"}
        ),
        timeout=5000,
    )

    window.show_section("reports")
    tiles(page)[KpiKey.MAINTENANCE_OVERDUE.value].activate()
    units = window.current_page()
    assert isinstance(units, UnitsPage)
    qtbot.waitUntil(lambda: units.model.rowCount() == report.maintenance.overdue, timeout=5000)

    window.show_section("reports")
    top = report.top_customers
    assert top is not None and top.rows
    charts(page)[KpiKey.TOP_CUSTOMERS.value].click_bar(0, 0)  # the best customer's invoices
    invoices = window.current_page()
    assert isinstance(invoices, InvoicesPage) and invoices.stack.currentIndex() == 0
    qtbot.waitUntil(lambda: invoices.model.rowCount() == top.rows[0].invoices, timeout=5000)
    assert {r.customer_id for r in office.invoices.rows(invoices.model.ids())} == {top.rows[0].customer_id}
    assert top.rows[0].name in invoices.filter_chip.title()
    assert kit.prompts.calls == []


def test_a_bar_opens_the_rows_of_that_week_and_source(qtbot, demo, kit):
    office = demo.services_as("office")
    window = make_window(qtbot, office, kit)
    page = window.show_section("reports")
    assert isinstance(page, ReportsPage)
    wait_shown(qtbot, page)
    card = charts(page)[KpiKey.REQUESTS_RECEIVED.value]
    spec = card.spec
    series, week = next(
        (s, w) for w in range(len(spec.categories)) for s in range(len(spec.series)) if spec.series[s].values[w]
    )
    card.click_bar(series, week)
    inbox = window.current_page()
    assert isinstance(inbox, InboxPage)
    expected = int(spec.series[series].values[week])
    qtbot.waitUntil(lambda: inbox.model.rowCount() == expected, timeout=5000)
    assert {r.source for r in office.requests.rows(inbox.model.ids())} == {spec.series[series].key}
    assert spec.categories[week] in inbox.filter_chip.title()


def test_each_table_exports_as_csv(qtbot, demo, kit, tmp_path):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    report = page.report
    assert report is not None
    target = tmp_path / "requests.csv"
    kit.prompts.save_path = target
    job = page.export_table("requests_weekly")
    assert job is not None
    qtbot.waitUntil(lambda: job.outcome == "done", timeout=10_000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Week of", "QR", "Office", "Total"]
    assert len(rows) - 1 == len(page.charts.widgets()[0].spec.categories)
    assert sum(int(r[3]) for r in rows[1:]) == report.requests_received.total
    assert all(len(r[0]) == 10 and r[0][4] == "-" for r in rows[1:])  # ISO dates, whatever the locale
    names = [a.text() for a in _export_actions(page)]
    assert names[0].replace("&", "") == "Page as PDF…" and any("Revenue per month" in n for n in names)


def _export_actions(page: ReportsPage):  # noqa: ANN202
    page._fill_export_menu()
    return [a for a in page.export_menu.actions() if not a.isSeparator()]


def test_the_page_exports_as_a_pdf_with_the_company_header(qtbot, demo, kit, tmp_path):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    target = tmp_path / "report.pdf"
    kit.prompts.save_path = target
    task = page.export_pdf()
    assert task is not None
    qtbot.waitUntil(lambda: any(kind == "info" for kind, _t, _x in kit.prompts.calls), timeout=20_000)
    text = pdf_text(target)
    company = str(office.settings.get("company_name"))
    assert company in text
    for words in ("Requests received", "Work orders completed", "Revenue invoiced", "Call-backs", "Page 1 of"):
        assert words in text, words
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 8
    assert f"({pages} pages)" in kit.prompts.calls[-1][2]


def test_without_invoices_view_no_money_is_shown(qtbot, demo, kit):
    office = demo.services_as("office")
    permissions = frozenset(p for p in ROLE_BUNDLES[Role.OFFICE] if not p.startswith("invoices."))
    viewer = services_for(demo.db, Actor(user_id=None, username="viewer", permissions=permissions, role="custom"))
    page = make_page(qtbot, viewer, kit)
    report = page.report
    assert report is not None and report.revenue is None and report.receivables is None
    assert report.top_customers is None and report.stock_value is None
    assert not MONEY_TILES & set(tiles(page))
    assert not MONEY_CHARTS & set(charts(page))
    assert not any("Revenue" in a.text() or "Receivables" in a.text() for a in _export_actions(page))
    assert KpiKey.REQUESTS_RECEIVED.value in tiles(page)
    full = make_page(qtbot, office, kit)
    assert set(tiles(full)) >= MONEY_TILES


def test_the_gui_thread_stays_free_while_the_figures_are_computed(qtbot, demo, kit, monkeypatch):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    real = office.reports.kpis
    timings: list[float] = []

    def slow_kpis(period: Period, filters=None):  # noqa: ANN001, ANN202 - a large database's answer time
        started = time.perf_counter()
        report = real(period, filters)
        time.sleep(0.8)
        timings.append(time.perf_counter() - started)
        return report

    monkeypatch.setattr(office.reports, "kpis", slow_kpis)
    meter = GapMeter()
    page.set_period("last_12_months")
    assert page.busy() and "computing" in page.status.text()
    assert not any(t.isEnabled() for t in page.tiles.widgets())  # greyed while the answer is awaited
    report = wait_shown(qtbot, page)
    gap = meter.stop()
    assert timings and timings[0] >= 0.8
    assert report.period == preset_period("last_12_months", office.ctx.today())
    assert gap < MAX_GAP_S, f"the GUI thread stalled for {gap * 1000:.0f} ms"
    assert all(t.isEnabled() for t in page.tiles.widgets())


@pytest.mark.parametrize("size", [(1600, 900), (1024, 640)])
def test_screenshots_of_the_page(qtbot, demo, kit, themed, size, tmp_path):
    """The page as admin and as office at two window sizes (looked at during development:
    ``REPORTS_SHOTS=dir`` keeps the PNGs)."""
    import os

    keep = os.environ.get("REPORTS_SHOTS")
    for user in ("admin", "office"):
        window = make_window(qtbot, demo.services_as(user), kit)
        window.resize(*size)
        page = window.show_section("reports")
        assert isinstance(page, ReportsPage)
        wait_shown(qtbot, page)
        qtbot.wait(200)
        shot = window.grab()
        assert shot.width() == size[0] and shot.height() == size[1]
        path = Path(keep) if keep else tmp_path
        path.mkdir(parents=True, exist_ok=True)
        shot.save(str(path / f"reports-{user}-{size[0]}x{size[1]}.png"))
        window.close()
