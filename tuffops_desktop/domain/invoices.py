"""Invoices and payments: billing one completed work order and the money received for it.

An invoice is issued from one work order that is completed (or billed, when its earlier
invoice was cancelled) and is ``sent`` from the start: there is no draft, an internal
working copy is a quotation. A work order has at most one active (sent or paid)
invoice. Its lines, bill-to and totals are copied when it is issued and never change.

Money: each line is quantity x unit price less the customer's discount, rounded half-up
to the cent per line (``domain.pricing.line_amount``). The invoice's **net** is the sum
of the rounded lines; **tax** is the net x the tax rate, rounded half-up to the cent
**once, on the invoice's net** (not per line); **total** = net + tax.

Payments may be partial. The **balance** is the total less the non-voided payments and
is never negative: a payment larger than the balance is refused. The invoice is ``paid``
when the balance reaches zero; voiding a payment (with a reason; payments are never
deleted) reopens it to ``sent``. Cancelling is the only "edit" an invoice allows and is
possible only while it is sent with nothing paid; the record and its number stay.

Status graph (``TRANSITIONS``; SPEC.md, tuffops-rules.md 1.11, 2.15)::

    (issue) ─▶ sent ─payment settles the balance─▶ paid
                │  ◀──────void leaves a balance────┘
                └─cancel (nothing paid)─▶ cancelled      Nothing leaves cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tuffops_desktop.domain.errors import DomainError, InvalidTransition, ValidationError
from tuffops_desktop.domain.numbers import invoice_number, parse_invoice_number
from tuffops_desktop.domain.pricing import CENT, HUNDRED, LineAmount, _number, line_amount, totals
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.i18n import N_

__all__ = ["invoice_number", "parse_invoice_number"]  # re-exported: where invoices are named

REASON_MAX = 200
REFERENCE_MAX = 100
TERMS_MAX_DAYS = 365
ZERO = Decimal("0.00")
COUNTER_KIND = "invoice"  # document_counters.kind of invoice numbers
ISSUABLE_WORK_ORDERS = frozenset({WorkOrderStatus.COMPLETED, WorkOrderStatus.BILLED})


class InvoicingDisabled(DomainError):
    """The setting ``feature_flag_invoices_enabled`` is off: invoicing is hidden and refused.

    The flag is reversible; invoices and payments already recorded stay as they are."""

    def __init__(self) -> None:
        super().__init__(
            "Invoicing is turned off. An administrator can turn it on in Settings (Features → Invoicing enabled)."
        )


class InvoiceStatus(StrEnum):
    SENT = "sent"
    PAID = "paid"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    InvoiceStatus.SENT: N_("Sent"),
    InvoiceStatus.PAID: N_("Paid"),
    InvoiceStatus.CANCELLED: N_("Cancelled"),
}
ACTIVE = frozenset({InvoiceStatus.SENT, InvoiceStatus.PAID})
"""Statuses that count as the work order's invoice (one at most; the partial unique index)."""


class InvoiceAction(StrEnum):
    """What happens to an issued invoice."""

    RECORD_PAYMENT = "record_payment"
    VOID_PAYMENT = "void_payment"
    CANCEL = "cancel"


# The status moves an invoice can make. Which one a payment or a void makes follows from
# the balance it leaves (``status_for``): zero → paid, otherwise sent.
TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.SENT: frozenset({InvoiceStatus.SENT, InvoiceStatus.PAID, InvoiceStatus.CANCELLED}),
    InvoiceStatus.PAID: frozenset({InvoiceStatus.PAID, InvoiceStatus.SENT}),
    InvoiceStatus.CANCELLED: frozenset(),  # final; the record stays for the audit trail
}
# From which statuses each action may start.
SOURCES: dict[InvoiceAction, frozenset[InvoiceStatus]] = {
    InvoiceAction.RECORD_PAYMENT: frozenset({InvoiceStatus.SENT}),
    InvoiceAction.VOID_PAYMENT: frozenset({InvoiceStatus.SENT, InvoiceStatus.PAID}),
    InvoiceAction.CANCEL: frozenset({InvoiceStatus.SENT}),
}


def check_transition(current: InvoiceStatus | str, target: InvoiceStatus | str) -> None:
    """Raise ``InvalidTransition`` unless ``current → target`` is a move of the graph."""
    source, destination = InvoiceStatus(current), InvoiceStatus(target)
    if destination not in TRANSITIONS[source]:
        raise InvalidTransition(f"An invoice cannot go from {source.value} to {destination.value}.")


def status_for(balance: Decimal) -> InvoiceStatus:
    """The status of an active invoice with ``balance`` left to pay."""
    return InvoiceStatus.PAID if balance <= 0 else InvoiceStatus.SENT


def refusal(action: InvoiceAction | str, status: InvoiceStatus | str, number: str, paid: Decimal = ZERO) -> str:
    """Why ``action`` cannot happen to invoice ``number`` now ("" when it can).

    ``paid`` is the sum of its non-voided payments (cancelling needs it to be zero).
    """
    act, current = InvoiceAction(action), InvoiceStatus(status)
    if current not in SOURCES[act]:
        if current is InvoiceStatus.CANCELLED:
            if act is InvoiceAction.CANCEL:
                return f"Invoice {number} is already cancelled."
            return f"Invoice {number} is cancelled; it takes no payments."
        # PAID: the only action that does not start from paid are a payment and a cancel
        if act is InvoiceAction.CANCEL:
            return f"Invoice {number} is paid and cannot be cancelled. Void its payments first."
        return f"Invoice {number} is paid in full; there is nothing left to pay."
    if act is InvoiceAction.CANCEL and paid > 0:
        return f"Invoice {number} has {paid:,.2f} paid and cannot be cancelled. Void its payments first."
    return ""


def check(action: InvoiceAction | str, status: InvoiceStatus | str, number: str, paid: Decimal = ZERO) -> None:
    """Raise ``InvalidTransition`` with ``refusal``'s reason when the action is not possible."""
    problem = refusal(action, status, number, paid)
    if problem:
        raise InvalidTransition(problem)


def issue_refusal(work_order_status: WorkOrderStatus | str, work_order_number: str, active_invoice: str | None) -> str:
    """Why work order ``work_order_number`` cannot be invoiced now ("" when it can).

    ``active_invoice`` is the number of its sent or paid invoice, if it has one.
    """
    status = WorkOrderStatus(work_order_status)
    if active_invoice:
        return (
            f"Work order {work_order_number} already has invoice {active_invoice}. Cancel it first to issue a new one."
        )
    if status not in ISSUABLE_WORK_ORDERS:
        return f"Work order {work_order_number} is {status.label.lower()}; only a completed work order can be invoiced."
    return ""


# ----------------------------------------------------------------- money
@dataclass(frozen=True)
class LineInput:
    """A line to bill: the work-order item's snapshot."""

    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal | None


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's money. ``subtotal`` - ``discount`` = ``net``; ``net`` + ``tax`` = ``total``."""

    lines: tuple[LineAmount, ...]
    subtotal: Decimal
    discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal


def tax_on(net: Decimal, tax_rate: Decimal) -> Decimal:
    """Tax on an invoice's net: net x rate %, rounded half-up to the cent once, here."""
    return (net * tax_rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_totals(lines: Iterable[LineInput], tax_rate: Decimal) -> InvoiceTotals:
    """Each line rounded (``pricing.line_amount``), summed; tax on the net sum; the total."""
    amounts = tuple(line_amount(line.quantity, line.unit_price, line.discount_rate) for line in lines)
    sums = totals(amounts)
    tax = tax_on(sums.net, tax_rate)
    return InvoiceTotals(
        lines=amounts,
        subtotal=sums.gross,
        discount=sums.discount,
        net=sums.net,
        tax_rate=tax_rate,
        tax=tax,
        total=sums.net + tax,
    )


def validate_tax_rate(value: object) -> Decimal:
    """A tax rate in percent: 0 to 100, at most two decimals (0 for exempt customers)."""
    number = _number(value) if value is not None and str(value).strip() else None
    if number is None:
        raise ValidationError({"tax_rate": "Enter the tax rate as a percentage, e.g. 17 or 12.5 (0 for none)."})
    if number < 0 or number > 100:
        raise ValidationError({"tax_rate": "The tax rate is a percentage from 0 to 100."})
    if number != number.quantize(CENT):
        raise ValidationError({"tax_rate": "At most two decimal places."})
    return number.quantize(CENT)


def validate_terms(days: object) -> int:
    """Payment terms in whole days from the invoice date (0 = due on receipt)."""
    try:
        value = int(str(days).strip())
    except ValueError:
        raise ValidationError({"payment_terms_days": "Enter the payment terms in whole days, e.g. 30."}) from None
    if value < 0 or value > TERMS_MAX_DAYS:
        raise ValidationError({"payment_terms_days": f"Whole days from 0 (due on receipt) to {TERMS_MAX_DAYS}."})
    return value


def due_date(issued_on: date, terms_days: int) -> date:
    """When an invoice issued on ``issued_on`` with net ``terms_days`` terms is due."""
    return issued_on + timedelta(days=terms_days)


def balance_of(total: Decimal, payments: Iterable[tuple[Decimal, bool]]) -> Decimal:
    """What is left to pay: ``total`` less the (amount, voided) payments that are not voided."""
    return total - sum((amount for amount, voided in payments if not voided), ZERO)


def days_overdue(status: InvoiceStatus | str, balance: Decimal, due_on: date, as_of: date) -> int:
    """Days past due of an invoice still owing on ``as_of`` (0 when not overdue).

    Only a sent invoice with a balance is overdue; it is due on ``due_on`` itself and
    overdue from the day after.
    """
    if InvoiceStatus(status) is not InvoiceStatus.SENT or balance <= 0:
        return 0
    return max((as_of - due_on).days, 0)


# ----------------------------------------------------------------- payments
class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    CHEQUE = "cheque"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.CHEQUE: N_("Cheque"),
    PaymentMethod.OTHER: N_("Other"),
}


@dataclass(frozen=True)
class PaymentFields:
    """A checked payment, ready to store."""

    amount: Decimal
    paid_on: date
    method: PaymentMethod
    reference: str


def validate_payment(
    amount: object,
    paid_on: object,
    method: object,
    reference: str,
    *,
    balance: Decimal,
    number: str,
    today: date,
    issued_on: date | None = None,
) -> PaymentFields:
    """Check a payment against invoice ``number``'s ``balance``; every problem is reported at once.

    The amount is more than zero, whole cents and at most the balance (an overpayment
    is refused, naming the balance); the date is a date not after ``today`` and not before
    the invoice was issued (``issued_on``: money received earlier is a deposit, not a payment
    of this invoice); the method
    one of ``PaymentMethod``; the reference at most ``REFERENCE_MAX`` characters.
    """
    errors: dict[str, str] = {}
    value = _number(amount) if amount is not None and str(amount).strip() else None
    if value is None:
        errors["amount"] = "Enter the amount received, e.g. 150 or 99.50."
    elif value <= 0:
        errors["amount"] = "The amount must be more than zero."
    elif value != value.quantize(CENT):
        errors["amount"] = "At most two decimal places."
    elif value > balance:
        errors["amount"] = (
            f"{value:,.2f} is more than the balance of {balance:,.2f} on invoice {number}; "
            "overpayments are not accepted."
        )
    if not isinstance(paid_on, date):
        errors["paid_on"] = "Enter the date the payment was received."
    elif paid_on > today:
        errors["paid_on"] = "A payment cannot be dated in the future."
    elif issued_on is not None and paid_on < issued_on:
        errors["paid_on"] = (
            f"Invoice {number} was issued on {issued_on.isoformat()}; a payment cannot be dated before that."
        )
    try:
        chosen = PaymentMethod(str(method))
    except ValueError:
        chosen = PaymentMethod.OTHER
        errors["method"] = "Choose how it was paid: " + ", ".join(m.value for m in PaymentMethod) + "."
    ref = " ".join((reference or "").split())
    if len(ref) > REFERENCE_MAX:
        errors["reference"] = f"At most {REFERENCE_MAX} characters (now {len(ref)})."
    if errors:
        raise ValidationError(errors)
    assert value is not None and isinstance(paid_on, date)
    return PaymentFields(amount=value.quantize(CENT), paid_on=paid_on, method=chosen, reference=ref)


def validate_reason(text: str, what: str = "cancelling") -> str:
    """The reason for cancelling an invoice or voiding a payment: required, at most 200 characters."""
    body = " ".join((text or "").split())
    if not body:
        raise ValidationError({"reason": f"Give a reason for {what}; it is kept in the audit trail."})
    if len(body) > REASON_MAX:
        raise ValidationError({"reason": f"At most {REASON_MAX} characters (now {len(body)})."})
    return body
