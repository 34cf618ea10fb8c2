"""The Invoice card of the work-order panel: where a completed work order is invoiced.

Invoices are created only from the work order (tuffops-rules 2.14). A completed work
order (or a billed one whose invoice was cancelled) shows "No invoice yet" and, to users
with ``invoices.create``, **Issue invoice…**: the dialog previews the lines, the tax rate
and the totals, and on success the work order is billed (same transaction, the service's
doing) and the new invoice opens on the Invoices page. A work order with an active
invoice shows its number, status and balance and a link to it.

Nothing of it shows while the setting ``feature_flag_invoices_enabled`` is off, or to a
user without ``invoices.view``/``invoices.create``. The flag is read in the background
when the card first shows an invoiceable work order, once per card; the main window
rebuilds its pages when the setting changes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.invoices import Invoice
from tuffops_desktop.services.dto.work_orders import WorkOrderDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import money_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.columns import status_label
from tuffops_desktop.ui.pages.invoices.dialogs import IssueInvoiceDialog
from tuffops_desktop.ui.widgets.labels import plain_label

INVOICEABLE = (WorkOrderStatus.COMPLETED.value, WorkOrderStatus.BILLED.value)
FLAG = "feature_flag_invoices_enabled"


class WorkOrderInvoiceCard(QWidget):
    """The work order's invoice, or the button that issues it.

    Signals:
        issued(object): an invoice was issued here (the ``Invoice``); the work order is billed now.
        open_record(str, int): show this record (``invoice``).
    """

    issued = Signal(object)
    open_record = Signal(str, int)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        actor = services.ctx.actor
        self._can_view = actor.can("invoices.view")
        self._can_create = actor.can("invoices.create")
        # the company setting that shows or hides all invoicing; None until read (on when it
        # cannot be read: the services refuse anyway while it is off)
        self.enabled: bool | None = None if (self._can_view or self._can_create) else False
        self._reading_flag = False
        self.work_order: WorkOrderDetail | None = None
        self.invoice: Invoice | None = None
        self.status = plain_label(wrap=True, selectable=True)
        self.issue_button = QPushButton(_("Issue &invoice…"))
        self.issue_button.setProperty("primary", True)
        self.issue_button.setToolTip(_("Bill this work order: preview the lines, tax and total, then issue"))
        self.issue_button.clicked.connect(self.issue)
        self.open_button = QPushButton(_("Open in&voice"))
        self.open_button.setFlat(True)
        self.open_button.setProperty("link", True)
        self.open_button.clicked.connect(self._open)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.issue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        self.setVisible(False)

    def show_work_order(self, detail: WorkOrderDetail | None) -> None:
        """Show ``detail``'s invoice (read in the background) or "No invoice yet"."""
        self.work_order = detail
        self.invoice = None
        if self.enabled is None and detail is not None and detail.status in INVOICEABLE:
            self.setVisible(False)
            self._read_flag()
            return
        shown = bool(self.enabled) and detail is not None and detail.status in INVOICEABLE
        self.setVisible(shown)
        if not shown or detail is None:
            return
        if not self._can_view:
            self._show(detail.id, None)
            return
        self.status.setText(_("Looking up the invoice…"))
        self.open_button.setVisible(False)
        self.issue_button.setVisible(False)
        self._ops.run(
            self._services.invoices.for_work_order,
            detail.id,
            parent=self,
            on_done=lambda invoice, asked=detail.id: self._show(asked, invoice),
        )

    def _read_flag(self) -> None:
        """Read the setting in the background, then show the work order then on screen."""
        if self._reading_flag:
            return
        self._reading_flag = True
        self._ops.run(
            self._services.settings.get,
            FLAG,
            parent=self,
            on_done=lambda value: self._flag_read(bool(value)),
            on_failed=lambda _error: self._flag_read(True),
        )

    def _flag_read(self, enabled: bool) -> None:
        self._reading_flag = False
        self.enabled = enabled
        self.show_work_order(self.work_order)

    def _show(self, work_order_id: int, invoice: Invoice | None) -> None:
        if self.work_order is None or self.work_order.id != work_order_id:
            return  # another work order is on screen now
        self.invoice = invoice
        if invoice is not None:
            self.status.setText(
                _("Invoice {number} · {status} · balance {balance}").format(
                    number=invoice.number, status=status_label(invoice.status), balance=money_text(invoice.balance)
                )
            )
        else:
            self.status.setText(_("No invoice yet."))
        self.open_button.setVisible(invoice is not None)
        self.issue_button.setVisible(invoice is None and self._can_create)

    def issue(self) -> None:
        """Preview, then issue through the dialog (the service's refusal is shown there)."""
        detail = self.work_order
        if detail is None:
            return
        preview = self._ops.call(self._services.invoices.preview, detail.id, parent=self)
        if not preview.ok or preview.value is None:
            return
        dialog = IssueInvoiceDialog(self._services, self._ops, preview.value, self)
        if dialog.exec() and dialog.issued is not None:
            self.invoice = dialog.issued
            self.issued.emit(dialog.issued)

    def _open(self) -> None:
        if self.invoice is not None:
            self.open_record.emit("invoice", self.invoice.id)
