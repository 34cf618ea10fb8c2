"""Columns of the invoices list (sort keys are ``InvoiceService.list_ids`` sort names) and
the labels and colours of an invoice's status and of payment methods.

Money columns are right-aligned and written by ``ui.formatting``; they sort as numbers in
SQL (the header click asks the service again), never by their text.
"""

from __future__ import annotations

from tuffops_desktop.domain.invoices import InvoiceStatus, PaymentMethod
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.invoices import InvoiceRow
from tuffops_desktop.ui.formatting import date_text, money_text, widest_date_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.theme import ERROR_TEXT, GOOD, MUTED_TEXT, OPEN, OVER

# The theme's colour language: blue waits for someone (the customer's money), green
# done, grey over. Overdue is the same red as overdue work orders and maintenance.
STATUS_COLOURS = {
    InvoiceStatus.SENT.value: OPEN,
    InvoiceStatus.PAID.value: GOOD,
    InvoiceStatus.CANCELLED.value: OVER,
}
OVERDUE_COLOUR = ERROR_TEXT
WIDEST_MONEY = 1_234_567  # a column of money is at least as wide as this amount


def status_label(status: str) -> str:
    try:
        return _(InvoiceStatus(status).label)
    except ValueError:
        return status


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, OVER)


def method_label(method: str) -> str:
    try:
        return _(PaymentMethod(method).label)
    except ValueError:
        return method


def _due_text(r: InvoiceRow) -> str:
    text = date_text(r.due_on)
    return _("{due} (overdue)").format(due=text) if r.overdue else text


def _widest_money() -> str:
    return money_text(WIDEST_MONEY)


def invoice_columns() -> list[Column[InvoiceRow]]:
    return [
        Column(_("Number"), lambda r: r.number, "number", width=124, monospace=True),
        Column(
            _("Status"), lambda r: status_label(r.status), "status", width=108, tag=lambda r: status_colour(r.status)
        ),
        Column(_("Customer"), lambda r: r.customer_name, "customer", width=170, tooltip=lambda r: r.customer_name),
        Column(
            _("Due"),
            _due_text,
            "due",
            width=140,
            fit=lambda: _("{due} (overdue)").format(due=widest_date_text()),
            foreground=lambda r: OVERDUE_COLOUR if r.overdue else None,
        ),
        Column(_("Total"), lambda r: money_text(r.total), "total", align=RIGHT, width=100, fit=_widest_money),
        Column(
            _("Paid"),
            lambda r: money_text(r.paid),
            "paid",
            align=RIGHT,
            width=100,
            fit=_widest_money,
            foreground=lambda r: MUTED_TEXT if not r.paid else None,
        ),
        Column(
            _("Balance"),
            lambda r: money_text(r.balance),
            "balance",
            align=RIGHT,
            width=100,
            fit=_widest_money,
            foreground=lambda r: OVERDUE_COLOUR if r.overdue else (MUTED_TEXT if not r.balance else None),
        ),
        Column(_("Issued"), lambda r: date_text(r.issued_on), "issued", width=96, fit=widest_date_text),
        Column(_("Work order"), lambda r: r.work_order_number, "", width=100, monospace=True),
    ]


NUMBER_COLUMN = 0
CUSTOMER_COLUMN = 2
BALANCE_COLUMN = 6
