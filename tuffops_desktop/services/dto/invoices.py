"""Invoices, payments and receivables as the pages, PDFs and exports read them.

Contract between the invoice services (``services/invoices.py``,
``services/receivables.py``), the PDF renderer and the Invoices page. Money is
``Decimal`` with two places everywhere; dates are calendar dates (``date``).

* ``InvoiceService`` (``services.invoices``): ``issue(work_order_id, *, tax_rate=None,
  expected_version) -> Invoice``, ``cancel(invoice_id, reason, expected_version) ->
  Invoice``, ``get(invoice_id) -> Invoice``, ``get_by_number(number) -> Invoice``,
  ``for_work_order(work_order_id) -> Invoice | None`` (its active invoice),
  ``preview(work_order_id, tax_rate=None) -> InvoicePreview`` (what issuing would bill),
  ``list_ids(query) -> list[int]``, ``first_ids(query, limit) -> FirstIds``,
  ``rows(ids) -> list[InvoiceRow]``, ``record_payment(invoice_id, amount, paid_on,
  method, reference="") -> Invoice``, ``void_payment(payment_id, reason) -> Invoice``.
* ``ReceivablesService`` (``services.receivables``): ``balances() ->
  list[CustomerBalance]``, ``ageing(as_of) -> AgeingReport``, ``statement(customer_id,
  start, end) -> Statement``.

The Invoices list (``ListQuery``): ``sort`` is one of ``INVOICE_SORTS``; filters:
``status`` (``AnyOf`` of sent/paid/cancelled), ``customer`` (``Ref``), ``issued``
(``Between``), ``due`` (``Between``), ``overdue`` (``Flag``: sent, balance > 0 and due
before today); ``text`` searches the number and the customer's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

INVOICE_SORTS = ("number", "issued", "due", "customer", "status", "total", "paid", "balance")
"""Sort keys of the Invoices list (money sorts are numeric, in SQL); ``number`` is the default."""

PAYMENT_METHODS = ("bank_transfer", "card", "cash", "cheque", "other")
"""How a payment may be received (``domain.invoices.PaymentMethod``)."""


@dataclass(frozen=True)
class InvoiceLineInfo:
    """One line of an invoice as printed: the work-order item snapshotted at issue."""

    position: int
    kind: str  # domain.pricing.ItemKind: service | material
    description: str
    quantity: Decimal
    unit: str  # domain.pricing.UnitOfMeasure value (``unit_label`` reads it)
    unit_price: Decimal
    discount_rate: Decimal | None  # percent, None = no discount
    gross: Decimal  # quantity x unit price, to the cent
    amount: Decimal  # what the customer pays for the line (gross less its discount)


@dataclass(frozen=True)
class PaymentInfo:
    """Money received against an invoice; a voided payment no longer counts."""

    id: int
    invoice_id: int
    paid_on: date
    amount: Decimal
    method: str  # PAYMENT_METHODS
    reference: str
    voided: bool
    void_reason: str
    voided_at: datetime | None
    voided_by: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Invoice:
    """A whole invoice: bill-to, lines, totals, payments, and what the signed-in user may do.

    ``subtotal`` is the sum of the lines before discount, ``discount_total`` the sum of
    the line discounts, ``net`` = subtotal - discount, ``tax`` = net x tax rate (rounded
    once, half-up to the cent), ``total`` = net + tax, ``paid`` the non-voided payments,
    ``balance`` = total - paid (0 for a cancelled invoice). ``overdue``: sent, a balance
    and due before today.
    """

    id: int
    number: str  # INV-2026-00001
    status: str  # sent | paid | cancelled
    customer_id: int
    customer_name: str  # bill-to name as issued
    customer_address: str  # bill-to address as issued (lines separated by "\n")
    customer_remote_id: str | None
    work_order_id: int
    work_order_number: str  # WO-000042
    unit_label: str
    issued_on: date
    due_on: date
    payment_terms_days: int
    lines: tuple[InvoiceLineInfo, ...]
    subtotal: Decimal
    discount_total: Decimal
    net: Decimal
    tax_rate: Decimal  # percent, e.g. 20.00
    tax: Decimal
    total: Decimal
    paid: Decimal
    balance: Decimal
    overdue: bool
    days_overdue: int  # 0 when not overdue
    payments: tuple[PaymentInfo, ...]
    cancelled_at: datetime | None
    cancelled_by: str
    cancel_reason: str
    created_at: datetime
    created_by: str
    can_cancel: bool  # the user may cancel it now (invoices.edit, sent, nothing paid)
    can_record_payment: bool  # invoices.edit and a balance is open
    version: int


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the Invoices list."""

    id: int
    number: str
    status: str
    customer_id: int
    customer_name: str
    work_order_id: int
    work_order_number: str
    unit_label: str
    issued_on: date
    due_on: date
    total: Decimal
    paid: Decimal
    balance: Decimal
    overdue: bool
    days_overdue: int
    version: int


@dataclass(frozen=True)
class InvoicePreview:
    """What issuing an invoice for a work order would bill now (the issue dialog's breakdown)."""

    work_order_id: int
    work_order_number: str
    customer_id: int
    customer_name: str
    lines: tuple[InvoiceLineInfo, ...]
    subtotal: Decimal
    discount_total: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    issued_on: date
    due_on: date
    payment_terms_days: int
    refusal: str  # why it cannot be issued now ("" when it can)
    work_order_version: int


@dataclass(frozen=True)
class AgeingBuckets:
    """Open balances by how far past their due date (``domain.receivables.Bucket``)."""

    current: Decimal  # not yet due
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal

    @property
    def total(self) -> Decimal:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90


@dataclass(frozen=True)
class CustomerBalance:
    """What one customer owes across its sent invoices."""

    customer_id: int
    customer_name: str
    open_invoices: int
    balance: Decimal
    overdue: Decimal  # the part of the balance past due


@dataclass(frozen=True)
class CustomerAgeing:
    customer_id: int
    customer_name: str
    buckets: AgeingBuckets


@dataclass(frozen=True)
class AgeingReport:
    """Ageing of receivables as of a date: per customer (by name) and the totals."""

    as_of: date
    customers: tuple[CustomerAgeing, ...]
    totals: AgeingBuckets


@dataclass(frozen=True)
class StatementEntry:
    """One movement on a customer's account: an invoice (debit) or a payment (credit)."""

    on: date
    kind: str  # invoice | payment
    invoice_id: int
    invoice_number: str
    description: str
    debit: Decimal  # invoice total (0 for a payment)
    credit: Decimal  # payment amount (0 for an invoice)
    balance: Decimal  # running balance after this entry


@dataclass(frozen=True)
class StatementInvoice:
    """An invoice still open at the end of the statement period."""

    invoice_id: int
    number: str
    issued_on: date
    due_on: date
    total: Decimal
    paid: Decimal  # paid up to the end of the period
    balance: Decimal
    days_overdue: int  # as of the end of the period


@dataclass(frozen=True)
class Statement:
    """A customer statement for ``start``..``end`` (both included).

    ``opening_balance`` is what was owed before ``start`` (invoices issued before it, less
    payments received before it; cancelled invoices and voided payments do not count);
    ``entries`` are the invoices issued and payments received in the period in date
    order; ``closing_balance`` = opening + debits - credits. ``open_invoices`` lists those
    with a balance at ``end``.
    """

    customer_id: int
    customer_name: str
    customer_address: str
    customer_remote_id: str | None
    start: date
    end: date
    opening_balance: Decimal
    entries: tuple[StatementEntry, ...]
    closing_balance: Decimal
    open_invoices: tuple[StatementInvoice, ...]
    ageing: AgeingBuckets  # of the open invoices as of ``end``
