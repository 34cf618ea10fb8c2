"""Reports: how the shop is doing over a chosen period, at a glance and down to the row.

The period (this month, last month, the last 90 days, this year, the last 12 months or
any from–to) and the filters (technician, customer type, work type) are on top; the key
figures below them as tiles (a value and a line under it), then bar charts (Qt Charts:
requests by source and work completed per week, utilisation and time on site per
technician, revenue per month, receivables by age, top customers, units with the most
repairs, stock by location), then the list of call-backs.

Every figure comes from one ``ReportService.kpis`` call on the runner: the GUI thread only
paints. Changing the period or a filter asks again; an answer to an older question is
dropped (the task is cancelled and the answer checked against the latest question), so
what is shown is always the answer to what the controls say. Money figures come only for
a user with ``invoices.view`` (the service leaves them out; so does the page).

Clicking a tile or a bar asks ``ReportService.drill`` which list shows exactly the rows
behind it and emits ``drill_requested(DrillDown)``; the main window opens that list with
the filter applied under a removable "Filtered: …" chip (``MainWindow.open_list``).

Export: each table as CSV (a chart's numbers; right-click a chart for its own), and the
whole page as a PDF with the company header (``documents.report_pdf``: reportlab's vector
charts), both written on the runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.reports import Bar, DrillDown, KpiReport, Period, ReportFilters
from tuffops_desktop.domain.work_orders import WorkOrderType
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.csv_transfer import export_csv
from tuffops_desktop.ui.formatting import date_time_text, formats
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.columns import type_label as customer_type_label
from tuffops_desktop.ui.pages.reports.export import report_document, write_report_pdf, write_table_csv
from tuffops_desktop.ui.pages.reports.view import ChartSpec, ReportView, TableSpec, period_text, report_view
from tuffops_desktop.ui.pages.reports.widgets import (
    CHART_MIN_WIDTH,
    TILE_MIN_WIDTH,
    ChartCard,
    FlowGrid,
    KpiTile,
)
from tuffops_desktop.ui.pages.work_orders.columns import type_label as work_type_label
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.tasks import Task
from tuffops_desktop.ui.theme import repolish
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.window_state import ViewState

PERIODS: tuple[tuple[str, str], ...] = (
    ("this_month", N_("This month")),
    ("last_month", N_("Last month")),
    ("last_90_days", N_("Last 90 days")),
    ("this_year", N_("This year")),
    ("last_12_months", N_("Last 12 months")),
    ("custom", N_("Custom…")),
)
DEFAULT_PERIOD = "last_90_days"
CUSTOM_DELAY_MS = 400  # typing a date: ask once the user pauses
CHANGES_DELAY_MS = 3000  # others' changes: the figures follow within a few seconds
TILE_COLUMNS = 6
CHART_COLUMNS = 2
CALLBACKS_SHOWN = 12  # rows of the call-back table visible before it scrolls


def preset_period(key: str, today: date) -> Period:
    """The days a period choice means on ``today`` (local days, today included)."""
    if key == "this_month":
        return Period(today.replace(day=1), today)
    if key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if key == "this_year":
        return Period(today.replace(month=1, day=1), today)
    if key == "last_12_months":
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return Period(date(year, (month - 1) % 12 + 1, 1), today)
    return Period(today - timedelta(days=89), today)  # last 90 days


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class ReportsPage(QWidget):
    """The Reports page (see the module docstring).

    Signals:
        drill_requested(object): a ``DrillDown``: open that list filtered so.
        open_record_requested(str, int): open this record (change-feed entity, id).
        shown(object): a ``ReportView`` was put on screen (tests and the status line wait for it).
    """

    drill_requested = Signal(object)
    open_record_requested = Signal(str, int)
    shown = Signal(object)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self._task: Task | None = None
        self._asked: tuple[Period, ReportFilters] | None = None  # the question on its way (or answered)
        self._stale = False  # a change arrived while hidden: ask again when shown
        self.report: KpiReport | None = None
        self.view: ReportView | None = None
        self.questions = 0  # how many times the page asked (tests count re-queries)
        self._charting = 0  # reports put on screen, chart by chart …
        self._charting_done = 0  # … and the last one completed

        self.title_label = plain_label(_("Reports"), role="title")
        self.status = plain_label(role="hint")
        self.refresh_button = QPushButton(_("&Refresh"))
        self.refresh_button.setToolTip(_("Compute the figures again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(_("E&xport"))
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        self.export_button.setEnabled(False)

        self.period_choice = QComboBox()
        self.period_choice.setObjectName("period")
        for key, title in PERIODS:
            self.period_choice.addItem(_(title), key)
        self.start_edit = self._date_edit()
        self.end_edit = self._date_edit()
        self.technician = QComboBox()
        self.technician.setObjectName("technician")
        self.technician.addItem(_("Every technician"), None)
        self.technician.setToolTip(_("Work figures of one technician's work orders (requests and money: all)"))
        if services.ctx.actor.can("work_orders.view"):
            found = ops.call(services.work_orders.technicians, parent=self)
            for tech in found.value if found.ok and found.value else []:
                self.technician.addItem(tech.full_name or tech.username, tech.id)
        self.customer_type = QComboBox()
        self.customer_type.setObjectName("customer_type")
        self.customer_type.addItem(_("Every customer type"), None)
        for kind in CustomerType:
            self.customer_type.addItem(customer_type_label(kind.value), kind.value)
        self.work_type = QComboBox()
        self.work_type.setObjectName("work_type")
        self.work_type.addItem(_("Every work type"), None)
        self.work_type.setToolTip(_("Work figures of one type of work order (requests and money: all)"))
        for work in WorkOrderType:
            self.work_type.addItem(work_type_label(work.value), work.value)

        self._custom_timer = QTimer(self)
        self._custom_timer.setSingleShot(True)
        self._custom_timer.setInterval(CUSTOM_DELAY_MS)
        self._custom_timer.timeout.connect(self.ask)
        self._changes_timer = QTimer(self)
        self._changes_timer.setSingleShot(True)
        self._changes_timer.setInterval(CHANGES_DELAY_MS)
        self._changes_timer.timeout.connect(lambda: self.refresh() if self.isVisible() else None)
        self.period_choice.currentIndexChanged.connect(self._period_chosen)
        self.start_edit.dateChanged.connect(self._dates_typed)
        self.end_edit.dateChanged.connect(self._dates_typed)
        for combo in (self.technician, self.customer_type, self.work_type):
            combo.currentIndexChanged.connect(self.ask)

        self.tiles = FlowGrid(TILE_MIN_WIDTH, TILE_COLUMNS)
        self.charts = FlowGrid(CHART_MIN_WIDTH, CHART_COLUMNS)
        self.callbacks_title = plain_label(_("Call-backs"), role="subtitle")
        self.callbacks_note = plain_label(role="hint", wrap=True)
        self.callbacks = QTableWidget(0, 6)
        self.callbacks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.callbacks.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.callbacks.verticalHeader().hide()
        self.callbacks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.callbacks.setAlternatingRowColors(True)
        self.callbacks.itemDoubleClicked.connect(self._open_callback)

        self._build()
        self._set_period_dates(preset_period(DEFAULT_PERIOD, services.ctx.today()))
        self.period_choice.blockSignals(True)
        self.period_choice.setCurrentIndex(self.period_choice.findData(DEFAULT_PERIOD))
        self.period_choice.blockSignals(False)
        self._update_date_edits()
        self.ask()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addSpacing(8)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)

        controls = QHBoxLayout()
        controls.setSpacing(8)
        controls.addWidget(plain_label(_("Period"), role="fieldname"))
        controls.addWidget(self.period_choice)
        controls.addWidget(self.start_edit)
        controls.addWidget(plain_label("–"))
        controls.addWidget(self.end_edit)
        controls.addSpacing(12)
        self.filter_bar = QWidget()  # beside the period when it fits, else under it
        filters = QHBoxLayout(self.filter_bar)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(8)
        filters.addWidget(self.technician)
        filters.addWidget(self.customer_type)
        filters.addWidget(self.work_type)
        filters.addStretch(1)
        controls.addWidget(self.filter_bar, 1)
        controls.addStretch(0)
        self._controls = controls
        self._second_row = QHBoxLayout()

        body = QWidget()
        body.setObjectName("Page")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 6, 12)
        inner.setSpacing(14)
        inner.addWidget(self.tiles)
        inner.addWidget(self.charts)
        inner.addWidget(self.callbacks_title)
        inner.addWidget(self.callbacks_note)
        inner.addWidget(self.callbacks)
        inner.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addLayout(self._second_row)
        layout.addWidget(self.scroll, 1)

    def _fit_controls(self) -> None:
        """The filters beside the period when the page is wide enough, else on a row below."""
        margins = self.layout().contentsMargins()
        period_width = (
            sum(w.sizeHint().width() + 8 for w in (self.period_choice, self.start_edit, self.end_edit)) + 120
        )  # the labels and the gap
        below = period_width + self.filter_bar.sizeHint().width() > self.width() - margins.left() - margins.right()
        if below == (self._second_row.indexOf(self.filter_bar) >= 0):
            return
        if below:
            self._controls.removeWidget(self.filter_bar)
            self._second_row.addWidget(self.filter_bar, 1)
        else:
            self._second_row.removeWidget(self.filter_bar)
            self._controls.insertWidget(self._controls.count() - 1, self.filter_bar, 1)
        self._controls.setStretch(self._controls.count() - 1, 1 if below else 0)  # the row's end

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_controls()

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(formats().date_pattern())
        return edit

    # ----------------------------------------------------------------- the question
    def period(self) -> Period:
        start, end = _date(self.start_edit), _date(self.end_edit)
        return Period(min(start, end), max(start, end))

    def filters(self) -> ReportFilters:
        return ReportFilters(
            technician_id=self.technician.currentData(),
            customer_type=self.customer_type.currentData(),
            work_type=self.work_type.currentData(),
        )

    def set_period(self, key: str, start: date | None = None, end: date | None = None) -> None:
        """Choose a period (``custom`` with ``start``..``end``) and ask again."""
        index = self.period_choice.findData(key)
        if index < 0:
            return
        if key == "custom" and start is not None and end is not None:
            self.period_choice.blockSignals(True)
            self.period_choice.setCurrentIndex(index)
            self.period_choice.blockSignals(False)
            self._set_period_dates(Period(min(start, end), max(start, end)))
            self._update_date_edits()
            self.ask()
        else:
            self.period_choice.setCurrentIndex(index)

    def ask(self) -> None:
        """Ask for every figure of the period and filters shown, in the background; an
        answer still on its way for an older question is dropped."""
        self._custom_timer.stop()
        if self._task is not None:
            self._task.cancel()
        question = (self.period(), self.filters())
        self._asked = question
        self.questions += 1
        self._show_busy(True)
        self._task = self._ops.run(
            self._services.reports.kpis,
            *question,
            parent=self,
            on_done=lambda report: self._answered(question, report),
            on_failed=lambda _error: self._failed(question),
            report=True,
        )

    def busy(self) -> bool:
        """True while an answer is awaited or being put on screen."""
        return self._task is not None or self._charting != self._charting_done

    def _answered(self, question: tuple[Period, ReportFilters], report: KpiReport) -> None:
        if question != self._asked:
            return  # the controls changed meanwhile: a newer answer is coming
        self._task = None
        self.show_report(report)

    def _failed(self, question: tuple[Period, ReportFilters]) -> None:
        if question != self._asked:
            return
        self._task = None
        self._show_busy(False)
        self.status.setProperty("role", "error")
        repolish(self.status)
        self.status.setText(_("The figures could not be computed; the ones shown may be out of date."))

    def _show_busy(self, busy: bool) -> None:
        self.status.setProperty("role", "hint")
        repolish(self.status)
        if busy:
            self.status.setText(_("{period} · computing…").format(period=period_text(self.period())))
        for widget in (*self.tiles.widgets(), *self.charts.widgets()):
            widget.setEnabled(not busy)

    # ----------------------------------------------------------------- showing
    def show_report(self, report: KpiReport) -> None:
        """Put ``report`` on screen and say what it is: the tiles and the call-backs at
        once, then one chart per turn of the event loop (a chart of 53 weeks takes Qt
        some 20 ms to lay out; nine in one go would hold the GUI thread for 0.2 s)."""
        self.report = report
        view = report_view(report)
        self.view = view
        tiles = {t.key: t for t in self.tiles.widgets() if isinstance(t, KpiTile)}
        shown_tiles: list[QWidget] = []
        for spec in view.tiles:
            tile = tiles.get(spec.key)
            if tile is None:
                tile = KpiTile(spec)
                tile.clicked.connect(lambda key: self.drill(key))
            else:
                tile.show_spec(spec)
            shown_tiles.append(tile)
        if shown_tiles != self.tiles.widgets():
            self.tiles.set_widgets(shown_tiles)
        self._fill_callbacks(view)
        self._charting += 1
        self._chart_step(self._charting, list(view.charts), [])

    def _chart_step(self, turn: int, specs: list[ChartSpec], done: list[QWidget]) -> None:
        """Show the next chart of ``specs``; the page is complete after the last one. A
        newer report (``turn`` passed) abandons the rest."""
        if turn != self._charting or self.view is None or self.report is None:
            return
        if specs:
            spec = specs.pop(0)
            cards = {c.key: c for c in self.charts.widgets() if isinstance(c, ChartCard)}
            card = cards.get(spec.key)
            if card is None:
                card = ChartCard(spec)
                card.bar_clicked.connect(self._bar_clicked)
                card.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                card.customContextMenuRequested.connect(lambda pos, card=card: self._chart_menu(card, pos))
            else:
                card.show_spec(spec)
            done.append(card)
            QTimer.singleShot(0, self, lambda: self._chart_step(turn, specs, done))  # dropped if the page goes
            return
        if done != self.charts.widgets():
            self.charts.set_widgets(done)
        self._charting_done = turn
        report = self.report
        self._show_busy(False)
        self.export_button.setEnabled(True)
        filtered = self._filter_words()
        self.status.setText(
            _("{period}{filters} · computed {time}").format(
                period=period_text(report.period),
                filters=f" · {filtered}" if filtered else "",
                time=date_time_text(report.computed_at),
            )
        )
        self.shown.emit(self.view)

    def _fill_callbacks(self, view: ReportView) -> None:
        table = view.table("callbacks")
        report = self.report
        self.callbacks.setRowCount(0)
        if table is None or report is None:
            return
        self.callbacks.setHorizontalHeaderLabels(list(table.columns))
        for row in table.text:
            index = self.callbacks.rowCount()
            self.callbacks.insertRow(index)
            for column, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.callbacks.setItem(index, column, item)
        fix = report.first_time_fix
        if not fix.callbacks_total:
            note = _("No call-backs after the work orders completed in this period.")
        elif fix.callbacks_total > len(fix.callbacks):
            note = _("The latest {shown} of {total} call-backs; double-click one to open the repair.").format(
                shown=formats().count(len(fix.callbacks)), total=formats().count(fix.callbacks_total)
            )
        else:
            note = _("A repair on the same unit within 30 days of a completed work order; double-click to open it.")
        self.callbacks_note.setText(note)
        self.callbacks.setVisible(bool(table.text))
        rows = min(len(table.text), CALLBACKS_SHOWN)
        header = self.callbacks.horizontalHeader().sizeHint().height()
        body = sum(self.callbacks.rowHeight(n) for n in range(rows))
        self.callbacks.setFixedHeight(header + body + 2 * self.callbacks.frameWidth() + 2)

    def _filter_words(self) -> str:
        chosen = [
            combo.currentText()
            for combo in (self.technician, self.customer_type, self.work_type)
            if combo.currentData() is not None
        ]
        return ", ".join(chosen)

    # ----------------------------------------------------------------- drill-down
    def drill(self, key: str, bar: Bar | None = None, context: Sequence[str] = ()) -> DrillDown | None:
        """Ask which list shows the rows behind tile ``key`` (or its ``bar``) and request
        it; the chip names the period (when the title does not) and ``context`` (the bar)."""
        if self.report is None:
            return None
        result = self._ops.call(
            self._services.reports.drill, key, self.report.period, self.report.filters, bar, parent=self
        )
        drill = result.value
        if not result.ok or drill is None:
            return None
        parts = [drill.title]
        if not any(ch.isdigit() for ch in drill.title) and not context:
            parts.append(period_text(self.report.period))
        parts += [c for c in dict.fromkeys(context) if c and c not in drill.title]
        drill = replace(drill, title=" · ".join(parts))
        self.drill_requested.emit(drill)
        return drill

    def _bar_clicked(self, key: str, series: int, category: int) -> None:
        spec = next((c for c in self.view.charts if c.key == key), None) if self.view is not None else None
        if spec is None or not 0 <= category < len(spec.categories):
            return
        name = spec.categories[category]
        if spec.span == "week":
            name = _("week of {day}").format(day=name)
        context = [name]
        if len(spec.series) > 1 and 0 <= series < len(spec.series):
            context.append(spec.series[series].name)
        self.drill(key, spec.bar(series, category), context)

    def _open_callback(self, item: QTableWidgetItem) -> None:
        """Double-click on a call-back: open the repair on the work-order page."""
        report = self.report
        if report is not None and 0 <= item.row() < len(report.first_time_fix.callbacks):
            self.open_record_requested.emit("work_order", report.first_time_fix.callbacks[item.row()].callback_id)

    # ----------------------------------------------------------------- export
    def _fill_export_menu(self) -> None:
        menu = self.export_menu
        menu.clear()
        view = self.view
        menu.addAction(_("Page as &PDF…"), self.export_pdf).setEnabled(view is not None)
        menu.addSeparator()
        for table in view.tables if view is not None else ():
            menu.addAction(_("{title} (CSV)…").format(title=table.title), lambda t=table: self.export_table(t.key))

    def _chart_menu(self, card: ChartCard, pos: QPoint) -> None:
        if self.view is None or not card.spec.table:
            return
        menu = QMenu(self)
        menu.addAction(
            _("Export “{title}” as CSV…").format(title=card.spec.title), lambda: self.export_table(card.spec.table)
        )
        menu.popup(card.mapToGlobal(pos))

    def _suggested(self, name: str, suffix: str) -> str:
        period = self.view.period if self.view is not None else self.period()
        return f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.{suffix}"

    def export_table(self, key: str) -> Any:
        """Save one table of the report as CSV (asks where; written on the runner)."""
        table: TableSpec | None = self.view.table(key) if self.view is not None else None
        if table is None:
            return None
        return export_csv(
            self._ops,
            self._prompts,
            self,
            title=_("Export {title}").format(title=table.title),
            suggested=self._suggested(table.file_name, "csv"),
            export=lambda out, progress: write_table_csv(out, table, progress),
            finished_text=_("{count} rows written to {file}."),
        )

    def export_pdf(self) -> Task | None:
        """Save the page as a PDF (asks where; drawn and written on the runner)."""
        view = self.view
        if view is None:
            return None
        path = self._prompts.save_file(
            self, _("Save the report as PDF"), self._suggested("report", "pdf"), _("PDF files (*.pdf)")
        )
        if path is None:
            return None
        facts = tuple(
            (label, combo.currentText())
            for label, combo in (
                (_("Technician"), self.technician),
                (_("Customer type"), self.customer_type),
                (_("Work type"), self.work_type),
            )
            if combo.currentData() is not None
        )
        document = report_document(view, facts)
        target = Path(path)
        return self._ops.run(
            write_report_pdf,
            self._services.settings,
            document,
            target,
            parent=self,
            on_done=lambda pages: self._prompts.info(
                self,
                _("Report saved"),
                _("The report ({pages} pages) was saved to {file}.").format(pages=pages, file=str(target))
                if pages != 1
                else _("The report (1 page) was saved to {file}.").format(file=str(target)),
            ),
        )

    # ----------------------------------------------------------------- controls
    def _period_chosen(self, _index: int) -> None:
        key = self.period_choice.currentData()
        if key != "custom":
            self._set_period_dates(preset_period(key, self._services.ctx.today()))
        self._update_date_edits()
        if key != "custom":
            self.ask()

    def _dates_typed(self, _value: QDate) -> None:
        if self.period_choice.currentData() == "custom":
            self._custom_timer.start()

    def _set_period_dates(self, period: Period) -> None:
        for edit, day in ((self.start_edit, period.start), (self.end_edit, period.end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _update_date_edits(self) -> None:
        custom = self.period_choice.currentData() == "custom"
        for edit in (self.start_edit, self.end_edit):
            edit.setEnabled(custom)
            edit.setToolTip("" if custom else _("Choose “Custom…” to type your own dates"))

    # ----------------------------------------------------------------- Page protocol
    def refresh(self) -> None:
        """Compute again (F5; after an outage): a preset period moves with today."""
        key = self.period_choice.currentData()
        if key != "custom":
            self._set_period_dates(preset_period(key, self._services.ctx.today()))
        self.ask()

    def focus_search(self) -> None:
        self.period_choice.setFocus()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Records changed elsewhere: the figures are computed again, at most once per
        ``CHANGES_DELAY_MS`` while the page is on screen (a busy office changes something
        every few seconds), else when it is next shown."""
        if not changes:
            return
        if not self.isVisible():
            self._stale = True
        elif not self._changes_timer.isActive():
            self._changes_timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    # ----------------------------------------------------------------- remembered
    def save_state(self, state: ViewState) -> None:
        state.set_value("period", self.period_choice.currentData())
        if self.period_choice.currentData() == "custom":
            period = self.period()
            state.set_value("custom", [period.start.isoformat(), period.end.isoformat()])
        state.set_value(
            "filters",
            {
                "customer_type": self.customer_type.currentData() or "",
                "work_type": self.work_type.currentData() or "",
            },
        )

    def restore_state(self, state: ViewState) -> None:
        key = state.value("period", DEFAULT_PERIOD)
        filters = state.value("filters", {})
        for combo, name in ((self.customer_type, "customer_type"), (self.work_type, "work_type")):
            saved = filters.get(name) if isinstance(filters, dict) else None
            if isinstance(saved, str) and saved and combo.findData(saved) >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(combo.findData(saved))
                combo.blockSignals(False)
        custom = state.value("custom")
        if key == "custom" and isinstance(custom, list) and len(custom) == 2:
            start, end = date.fromisoformat(str(custom[0])), date.fromisoformat(str(custom[1]))
            self.set_period("custom", start, end)
        elif isinstance(key, str) and self.period_choice.findData(key) >= 0:
            self.period_choice.blockSignals(True)
            self.period_choice.setCurrentIndex(self.period_choice.findData(key))
            self.period_choice.blockSignals(False)
            self.refresh()
