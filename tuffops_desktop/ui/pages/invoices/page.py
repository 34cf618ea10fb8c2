"""Invoices: every invoice issued, looked up, paid and (while unpaid) cancelled, and the
receivables — what customers owe and how late.

Two views under the title, as tabs:

* **Invoices**: the list searched (number, customer), filtered (status, customer,
  issued period, overdue only) and sorted in SQL (``InvoiceService.list_ids``; money
  columns sort as numbers), listed in two steps for long lists (``first_ids``), with the
  invoice panel beside it (lines, totals, payments, Record payment… / Void payment… /
  Cancel invoice…, the PDF). Overdue invoices read in the theme's overdue red.
* **Receivables**: balance per customer in ageing buckets with totals
  (``ReceivablesView``); double-clicking a customer lists its unpaid invoices here.

Invoices are issued from the work order (the work-order panel's Issue invoice…), never
here. Other workstations' invoices and payments arrive through the change feed (entity
``invoice``) row by row. The whole section exists only while the setting
``feature_flag_invoices_enabled`` is on (``ui.navigation`` and the main window).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.invoices import Invoice
from tuffops_desktop.services.invoice_documents import invoice_plan, statement_plan, write_invoice_pdf
from tuffops_desktop.services.listing import Between, Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.picker import CustomerSearchDialog
from tuffops_desktop.ui.pages.invoices.columns import CUSTOMER_COLUMN, invoice_columns
from tuffops_desktop.ui.pages.invoices.detail import InvoicePanel
from tuffops_desktop.ui.pages.invoices.receivables import ReceivablesView
from tuffops_desktop.ui.pages.list_page import FilterChoice, ListPage
from tuffops_desktop.ui.pdf_preview import DocumentPreviewDialog, show_document_preview
from tuffops_desktop.ui.prompts import Prompts

STATUS_FILTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("", N_("All invoices"), ()),
    ("unpaid", N_("Unpaid"), ("sent",)),
    ("paid", N_("Paid"), ("paid",)),
    ("cancelled", N_("Cancelled"), ("cancelled",)),
    ("active", N_("Not cancelled"), ("sent", "paid")),
)
DEFAULT_QUERY = ListQuery(sort="number", descending=True)
LIST_TAB, RECEIVABLES_TAB = 0, 1


def issued_choices(today: date) -> list[FilterChoice]:
    """The issued-period filter: common periods as date ranges worked out from ``today``."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [
        (_("Issued any time"), "", {"issued": None}),
        (_("Issued this month"), "this_month", {"issued": Between(month_start, today)}),
        (_("Issued last month"), "last_month", {"issued": Between(last_month_end.replace(day=1), last_month_end)}),
        (_("Issued past 90 days"), "last_90", {"issued": Between(today - timedelta(days=89), today)}),
        (_("Issued this year"), "this_year", {"issued": Between(today.replace(month=1, day=1), today)}),
        (
            _("Issued last year"),
            "last_year",
            {"issued": Between(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))},
        ),
    ]


class InvoicesPage(ListPage):
    """The invoices list with the invoice panel, and the receivables tab."""

    entities = ("invoice",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Invoices"),
            search_hint=_("Search invoice number or customer…"),
            count_text=(_("1 invoice"), _("{count} invoices")),
            columns=invoice_columns(),
            fetch_rows=services.invoices.rows,
            list_ids=services.invoices.list_ids,
            first_ids=services.invoices.first_ids,
            query=DEFAULT_QUERY,
            muted=lambda r: r.status == "cancelled",
            stretch_column=CUSTOMER_COLUMN,
            parent=parent,
        )
        self.status_filter = self.filter_combo(
            [(_(title), key, {"status": any_of(*values) if values else None}) for key, title, values in STATUS_FILTERS]
        )
        self.status_filter.setObjectName("status")
        self.issued_filter = self.filter_combo(issued_choices(date.today()))
        self.issued_filter.setObjectName("issued")
        self.customer_button = QPushButton(_("Any customer"))
        self.customer_button.setToolTip(_("List only one customer's invoices"))
        self.customer_button.clicked.connect(self.choose_customer)
        self.clear_customer_button = QPushButton(_("All customers"))
        self.clear_customer_button.setFlat(True)
        self.clear_customer_button.setProperty("link", True)
        self.clear_customer_button.clicked.connect(lambda: self.filter_customer(None, ""))
        self.clear_customer_button.hide()
        self.overdue = QCheckBox(_("&Overdue only"))
        self.overdue.setObjectName("overdue")
        self.overdue.toggled.connect(lambda on: self.set_filters({"overdue": Flag(True) if on else None}))
        self.customer_id: int | None = None

        self.tabs = QTabBar()
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.addTab(_("Invoices"))
        self.tabs.addTab(_("Receivables"))
        self.panel = InvoicePanel(services, ops, prompts, self)
        self.receivables = ReceivablesView(services, ops)
        self.splitter = self.build(
            detail=self.panel,
            notes=[self.tabs],
            filters=[
                self.status_filter,
                self.issued_filter,
                self.customer_button,
                self.clear_customer_button,
                self.overdue,
            ],
            sizes=(700, 420),
            stretch=(3, 2),
        )
        self.stack = self._stack_views()
        self.tabs.currentChanged.connect(self.show_tab)
        self._receivables_stale = True
        self._pinned: Invoice | None = None
        self.panel.saved.connect(self._after_change)
        self.panel.open_record.connect(self.open_record_requested)
        self.panel.pdf_requested.connect(self.invoice_pdf)
        self.receivables.customer_invoices_requested.connect(self.show_customer_invoices)
        self.receivables.statement_requested.connect(self.statement_pdf)
        self.controller.refresh()

    def _stack_views(self) -> QStackedWidget:
        """Move the list's toolbar and table/panel splitter into the first view of a stack
        under the tab bar; the receivables are the second view."""
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        list_view = QWidget()
        inner = QVBoxLayout(list_view)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(outer.spacing())
        start = outer.indexOf(self.tabs) + 1
        while outer.count() > start:
            item = outer.takeAt(start)
            if item.widget() is not None:
                inner.addWidget(item.widget(), 1 if item.widget() is self.splitter else 0)
            elif item.layout() is not None:
                child = item.layout()
                child.setParent(None)
                inner.addLayout(child)
        stack = QStackedWidget()
        stack.addWidget(list_view)
        stack.addWidget(self.receivables)
        outer.addWidget(stack, 1)
        return stack

    # ----------------------------------------------------------------- tabs
    def show_tab(self, index: int) -> None:
        """Show the invoices list (0) or the receivables (1); the receivables are asked
        for again when shown after a change."""
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)  # comes back here through currentChanged
            return
        self.stack.setCurrentIndex(index)
        self.count_label.setVisible(index == LIST_TAB)
        if index == RECEIVABLES_TAB and self._receivables_stale:
            self._receivables_stale = False
            self.receivables.refresh()

    def show_customer_invoices(self, customer_id: int, name: str) -> None:
        """From the receivables: this customer's unpaid invoices, in the list."""
        with self.controller.deferred():
            self.search.reset()
            self.controller.update(text="")
            self.status_filter.setCurrentIndex(self.status_filter.findData("unpaid"))
            self.issued_filter.setCurrentIndex(0)
            self.filter_customer(customer_id, name)
        self.show_tab(LIST_TAB)

    # ----------------------------------------------------------------- filters
    def choose_customer(self) -> None:
        dialog = CustomerSearchDialog(self._ops, self._services.customers, self, title=_("Invoices of a customer"))
        if dialog.exec() and dialog.chosen is not None:
            self.filter_customer(dialog.chosen.id, dialog.chosen.display_name)

    def filter_customer(self, customer_id: int | None, name: str) -> None:
        """List only ``customer_id``'s invoices (None: every customer's)."""
        self.customer_id = customer_id
        self.customer_button.setText(name if customer_id is not None else _("Any customer"))
        self.customer_button.setToolTip(
            _("Only {name}'s invoices; click to choose another customer").format(name=name)
            if customer_id is not None
            else _("List only one customer's invoices")
        )
        self.clear_customer_button.setVisible(customer_id is not None)
        self.set_filters({"customer": Ref(customer_id) if customer_id is not None else None})
        self._fit_toolbar()

    def _list_everything(self) -> None:
        self.filter_customer(None, "")
        with self.controller.deferred():
            self.overdue.setChecked(False)
            super()._list_everything()

    # ----------------------------------------------------------------- Page protocol
    def focus_search(self) -> None:
        if self.stack.currentIndex() == RECEIVABLES_TAB:
            self.receivables.table.setFocus()
        else:
            super().focus_search()

    def refresh(self) -> None:
        super().refresh()
        self._receivables_changed()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        super().apply_changes(changes)
        if any(c.entity in (*self.entities, "*") for c in changes):
            self._receivables_changed()

    def _receivables_changed(self) -> None:
        if self.stack.currentIndex() == RECEIVABLES_TAB:
            self.receivables.refresh()
        else:
            self._receivables_stale = True

    # ----------------------------------------------------------------- records
    def show_current(self, record_id: object) -> None:
        if isinstance(record_id, int):
            self._pinned = None
            result = self._ops.call(self._services.invoices.get, record_id, parent=self.panel)
            if result.ok or shiboken6.isValid(self.panel):
                self.panel.show_invoice(result.value if result.ok else None)
        elif self._pinned is not None:
            self.panel.show_invoice(self._pinned)  # no longer listed: keep showing it
        else:
            self.panel.show_invoice(None)

    def _after_change(self, invoice: object) -> None:
        """List again; the invoice just changed stays in the panel even when the filter no
        longer lists it (just paid while the list shows unpaid ones)."""
        self._pinned = invoice if isinstance(invoice, Invoice) else None
        self.controller.refresh()
        if self._pinned is not None and self.table.select_id(self._pinned.id):
            self._pinned = None
        self._receivables_changed()

    # ----------------------------------------------------------------- documents
    def invoice_pdf(self, what: str) -> DocumentPreviewDialog | None:
        """The shown invoice as a document (the one the CLI writes): ``preview`` it, ``print``
        it (the preview opens and the system print dialog follows once it is laid out) or
        ``save`` it as a PDF straight away."""
        invoice = self.panel.invoice
        if invoice is None:
            return None
        services = self._services
        if what == "save":
            path = self._prompts.save_file(self, _("Save the invoice"), f"{invoice.number}.pdf", _("PDF files (*.pdf)"))
            if path is not None:
                self._ops.run(self._write_invoice, invoice.number, path, parent=self)
            return None
        dialog = show_document_preview(
            self,
            self._ops,
            self._prompts,
            lambda: invoice_plan(services.invoices, services.settings, invoice.id),
            title=_("Invoice {number}").format(number=invoice.number),
            file_name=f"{invoice.number}.pdf",
        )
        if what == "print":
            dialog.plan_ready.connect(dialog.print_document)
        return dialog

    def _write_invoice(self, number: str, path: Path) -> Path:
        """On the runner: the invoice's PDF, whole or not at all."""
        with whole_file(path) as temp:
            write_invoice_pdf(self._services.invoices, self._services.settings, number, temp)
        return path

    def statement_pdf(self, customer_id: int, name: str, start: date, end: date) -> DocumentPreviewDialog:
        """A customer's statement for ``start``..``end`` in the preview (print, save)."""
        services = self._services
        safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")[:40] or str(customer_id)
        return show_document_preview(
            self,
            self._ops,
            self._prompts,
            lambda: statement_plan(services.receivables, services.settings, customer_id, start, end),
            title=_("Statement of {name}").format(name=name),
            file_name=f"Statement-{safe}-{end.isoformat()}.pdf",
        )
