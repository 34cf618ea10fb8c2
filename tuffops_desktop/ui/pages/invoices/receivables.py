"""Receivables: what each customer owes and how late, as of a date.

One row per customer with an open balance, its ageing buckets (current, 1–30, 31–60,
61–90, 90+ days past due, ``domain.receivables``) and the balance, with the totals on a
last row that stays last however the table is sorted. The sums come from one SQL
aggregate (``ReceivablesService.ageing``) in the background. Clicking a heading sorts by
that column (amounts as numbers); double-clicking a customer lists its invoices; the
customer's statement for a period is previewed, printed or saved as a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.receivables import BUCKETS, Bucket
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.invoices import AgeingBuckets, AgeingReport, CustomerAgeing
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text, formats, money_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.columns import OVERDUE_COLOUR
from tuffops_desktop.ui.pages.invoices.dialogs import (
    FieldsDialog,
    action_buttons,
    date_edit,
    date_of,
    read_only_table,
    table_item,
)
from tuffops_desktop.ui.tasks import Task
from tuffops_desktop.ui.theme import MUTED_TEXT
from tuffops_desktop.ui.widgets.labels import plain_label

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
BUCKET_FIELDS = {
    Bucket.CURRENT: "current",
    Bucket.DAYS_1_30: "days_1_30",
    Bucket.DAYS_31_60: "days_31_60",
    Bucket.DAYS_61_90: "days_61_90",
    Bucket.DAYS_OVER_90: "days_over_90",
}
# column key → how a customer's row sorts by it
SORTS: dict[str, Callable[[CustomerAgeing], Any]] = {
    "customer": lambda c: (c.customer_name.casefold(), c.customer_id),
    **{field: (lambda c, field=field: getattr(c.buckets, field)) for field in BUCKET_FIELDS.values()},
    "balance": lambda c: c.buckets.total,
}
COLUMN_KEYS = ["customer", *BUCKET_FIELDS.values(), "balance"]


def _amount(value: Decimal) -> str:
    return money_text(value) if value else "–"


class ReceivablesView(QWidget):
    """The ageing table with its date, and the statement for the chosen customer.

    Signals:
        customer_invoices_requested(int, str): list this customer's invoices (id, name).
        statement_requested(int, str, object, object): the statement of this customer
            (id, name) for ``start``..``end`` (dates).
    """

    customer_invoices_requested = Signal(int, str)
    statement_requested = Signal(int, str, object, object)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self.report: AgeingReport | None = None
        self._sort = ("balance", True)
        self._task: Task | None = None
        self.as_of = date_edit(date.today())
        self.as_of.dateChanged.connect(lambda _d: self.refresh())
        self.today_button = QPushButton(_("&Today"))
        self.today_button.clicked.connect(lambda: self.as_of.setDate(QDate.currentDate()))
        self.invoices_button = QPushButton(_("Show &invoices"))
        self.invoices_button.setToolTip(_("List the chosen customer's invoices (or double-click the customer)"))
        self.invoices_button.clicked.connect(self._show_invoices)
        self.statement_button = QPushButton(_("&Statement PDF…"))
        self.statement_button.setToolTip(_("The chosen customer's statement for a period: preview, print or save"))
        self.statement_button.clicked.connect(self._ask_statement)
        self.summary = plain_label(role="hint")
        top = QHBoxLayout()
        top.addWidget(plain_label(_("Balances as of"), role="fieldname"))
        top.addWidget(self.as_of)
        top.addWidget(self.today_button)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.invoices_button)
        top.addWidget(self.statement_button)

        headers = [_("Customer"), *(_(bucket.label) for bucket, _low, _high in BUCKETS), _("Balance")]
        self.table = read_only_table(headers, set(range(1, len(headers))))
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(90)  # an amount of a few thousand fits
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._sort_by)
        self.table.itemDoubleClicked.connect(lambda _item: self._show_invoices())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.note = plain_label(role="hint", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self._update_buttons()

    # ----------------------------------------------------------------- data
    def refresh(self) -> None:
        """Ask for the ageing as of the chosen date in the background."""
        if self._task is not None:
            self._task.cancel()
        as_of = date_of(self.as_of)
        self._task = self._ops.run(
            self._services.receivables.ageing, as_of, parent=self, on_done=self.show_report, report=False
        )

    def show_report(self, report: AgeingReport) -> None:
        self._task = None
        selected = self.selected_customer()
        self.report = report
        self._fill(selected[0] if selected else None)
        count = len(report.customers)
        total = money_text(report.totals.total)
        if not count:
            self.summary.setText(_("Nothing is owed."))
        elif count == 1:
            self.summary.setText(_("1 customer owes {total}.").format(total=total))
        else:
            self.summary.setText(_("{count} customers owe {total}.").format(count=formats().count(count), total=total))
        self.note.setText(
            _(
                "Days past the due date on {date}; an invoice is current up to and including its due day. "
                "Paid and cancelled invoices owe nothing."
            ).format(date=date_text(report.as_of))
        )

    def _fill(self, keep: int | None) -> None:
        report = self.report
        if report is None:
            return
        key, descending = self._sort
        customers = sorted(report.customers, key=SORTS[key], reverse=descending)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        for customer in customers:
            self._add_row(customer.customer_name, customer.buckets, customer.customer_id)
        if customers:
            self._add_row(_("Total"), report.totals, None)
        column = COLUMN_KEYS.index(key)
        self.table.horizontalHeader().setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        if keep is not None:
            for row in range(self.table.rowCount()):
                item = self.table.item(row, 0)
                if item is not None and item.data(CUSTOMER_ID_ROLE) == keep:
                    self.table.selectRow(row)
                    break
        self._update_buttons()

    def _add_row(self, name: str, buckets: AgeingBuckets, customer_id: int | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells = [table_item(name, tooltip=name)]
        for field in BUCKET_FIELDS.values():
            value: Decimal = getattr(buckets, field)
            cell = table_item(_amount(value), right=True)
            if value and field != "current":
                cell.setForeground(QColor(OVERDUE_COLOUR))
            elif not value:
                cell.setForeground(QColor(MUTED_TEXT))
            cells.append(cell)
        cells.append(table_item(money_text(buckets.total), right=True))
        for column, cell in enumerate(cells):
            cell.setData(CUSTOMER_ID_ROLE, customer_id)
            if customer_id is None:  # the totals row: bold, and not a customer to pick
                font = QFont(cell.font())
                font.setBold(True)
                cell.setFont(font)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, column, cell)

    def _sort_by(self, column: int) -> None:
        key = COLUMN_KEYS[column]
        current, descending = self._sort
        # amounts start with the largest first; names from A
        self._sort = (key, not descending if key == current else key != "customer")
        selected = self.selected_customer()
        self._fill(selected[0] if selected else None)

    # ----------------------------------------------------------------- choosing
    def selected_customer(self) -> tuple[int, str] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None or item.data(CUSTOMER_ID_ROLE) is None:
            return None
        return int(item.data(CUSTOMER_ID_ROLE)), item.text()

    def select_customer(self, customer_id: int) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(CUSTOMER_ID_ROLE) == customer_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.selected_customer() is not None
        self.invoices_button.setEnabled(chosen)
        self.statement_button.setEnabled(chosen)

    def _show_invoices(self) -> None:
        chosen = self.selected_customer()
        if chosen is not None:
            self.customer_invoices_requested.emit(*chosen)

    def _ask_statement(self) -> None:
        chosen = self.selected_customer()
        if chosen is None:
            return
        dialog = StatementPeriodDialog(chosen[1], date_of(self.as_of), self)
        if dialog.exec():
            start, end = dialog.period()
            self.statement_requested.emit(chosen[0], chosen[1], start, end)


class StatementPeriodDialog(FieldsDialog):
    """The period of a customer statement: from the first of the month three months back
    to the report's date, by default (opening balance, the period's movements, closing)."""

    def __init__(self, customer_name: str, end: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Customer statement"))
        self.setMinimumWidth(420)
        first = (end.replace(day=1) - timedelta(days=62)).replace(day=1)
        self.start = date_edit(first)
        self.end = date_edit(end)
        self.add_field("start", _("From"), self.start)
        self.add_field("end", _("To"), self.end)
        self.buttons = action_buttons(self, _("Make statement"), self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("Statement for {name}").format(name=customer_name), role="subtitle", wrap=True))
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def period(self) -> tuple[date, date]:
        return date_of(self.start), date_of(self.end)

    def _accept(self) -> None:
        start, end = self.period()
        if start > end:
            self.errors.show_field_errors({"start": _("The period starts after it ends.")})
            return
        self.accept()
