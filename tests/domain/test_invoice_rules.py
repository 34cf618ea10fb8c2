"""Invoice rules: numbers, the status graph and its refusals, totals (discount per line,
then tax once on the net), due dates, payments (no overpayment, balance never negative;
hypothesis) and the ageing buckets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.invoices import (
    InvoiceAction,
    InvoiceStatus,
    LineInput,
    PaymentMethod,
    balance_of,
    check,
    check_transition,
    days_overdue,
    due_date,
    invoice_totals,
    issue_refusal,
    refusal,
    status_for,
    tax_on,
    validate_payment,
    validate_reason,
    validate_tax_rate,
    validate_terms,
)
from tuffops_desktop.domain.numbers import invoice_number, parse_invoice_number
from tuffops_desktop.domain.receivables import BUCKETS, Bucket, OpenItem, age, bucket_for

D = Decimal
TODAY = date(2026, 12, 1)


# ------------------------------------------------------------------ numbers
def test_invoice_numbers_are_year_and_five_digit_sequence():
    assert invoice_number(2026, 1) == "INV-2026-00001"
    assert invoice_number(2027, 12345) == "INV-2027-12345"
    assert invoice_number(2026, 123456) == "INV-2026-123456"


@pytest.mark.parametrize("text", ["INV-2026-00001", "inv-2026-1", " INV 2026 00001 ", "2026-1", "2026/001"])
def test_typed_invoice_numbers_read_back(text):
    assert parse_invoice_number(text) == (2026, 1)


@pytest.mark.parametrize("text", ["", "INV-", "INV-2026", "INV-2026-0", "INV-26-1", "WO-000001", "2026-1a"])
def test_other_text_is_not_an_invoice_number(text):
    with pytest.raises(ValidationError, match="INV-2026-00001"):
        parse_invoice_number(text)


@given(st.integers(min_value=2000, max_value=9999), st.integers(min_value=1, max_value=999_999_999))
def test_a_printed_invoice_number_reads_back(year, sequence):
    assert parse_invoice_number(invoice_number(year, sequence)) == (year, sequence)


# ------------------------------------------------------------------ status graph
def test_graph_moves():
    check_transition("sent", "paid")
    check_transition("paid", "sent")
    check_transition("sent", "cancelled")
    for source, target in [("paid", "cancelled"), ("cancelled", "sent"), ("cancelled", "paid")]:
        with pytest.raises(InvalidTransition, match=f"from {source} to {target}"):
            check_transition(source, target)


def test_status_follows_the_balance():
    assert status_for(D("0.00")) is InvoiceStatus.PAID
    assert status_for(D("0.01")) is InvoiceStatus.SENT


def test_readable_refusals():
    n = "INV-2026-00007"
    assert refusal(InvoiceAction.CANCEL, "sent", n) == ""
    assert "has 10.00 paid" in refusal(InvoiceAction.CANCEL, "sent", n, D("10.00"))
    assert "Void its payments first" in refusal(InvoiceAction.CANCEL, "paid", n, D("10.00"))
    assert refusal(InvoiceAction.CANCEL, "cancelled", n) == f"Invoice {n} is already cancelled."
    assert "nothing left to pay" in refusal(InvoiceAction.RECORD_PAYMENT, "paid", n)
    assert "takes no payments" in refusal(InvoiceAction.RECORD_PAYMENT, "cancelled", n)
    assert refusal(InvoiceAction.VOID_PAYMENT, "paid", n) == ""
    assert refusal(InvoiceAction.VOID_PAYMENT, "sent", n) == ""
    with pytest.raises(InvalidTransition, match=n):
        check(InvoiceAction.VOID_PAYMENT, "cancelled", n)


def test_only_a_completed_work_order_without_active_invoice_is_invoiced():
    assert issue_refusal("completed", "WO-000001", None) == ""
    assert issue_refusal("billed", "WO-000001", None) == ""  # its invoice was cancelled
    assert "already has invoice INV-2026-00001" in issue_refusal("completed", "WO-000001", "INV-2026-00001")
    assert "is ongoing; only a completed" in issue_refusal("ongoing", "WO-000001", None)
    assert "is cancelled" in issue_refusal("cancelled", "WO-000001", None)


# ------------------------------------------------------------------ money
def test_discount_per_line_then_tax_once_on_the_net():
    lines = [
        LineInput(D("1.5"), D("65.00"), D("10")),  # 97.50 less 9.75 = 87.75
        LineInput(D("3"), D("9.99"), D("12.5")),  # 29.97 less 3.75 = 26.22
        LineInput(D("1"), D("0.05"), None),  # 0.05
    ]
    result = invoice_totals(lines, D("17.50"))
    assert (result.subtotal, result.discount, result.net) == (D("127.52"), D("13.50"), D("114.02"))
    # 114.02 × 17.5 % = 19.9535 → 19.95 (once on the net; per line it would be 15.36 + 4.59 + 0.01 = 19.96)
    assert result.tax == D("19.95")
    assert result.total == D("133.97")


def test_tax_rounds_half_up():
    assert tax_on(D("0.10"), D("5")) == D("0.01")  # 0.005 → 0.01 (banker's would give 0.00)
    assert tax_on(D("100.00"), D("0")) == D("0.00")


quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
rates = st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("100"), places=2))
tax_rates = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


@given(st.lists(st.tuples(quantities, prices, rates), max_size=20), tax_rates)
def test_totals_add_up_to_the_cent(rows, tax_rate):
    result = invoice_totals([LineInput(*row) for row in rows], tax_rate)
    assert result.subtotal - result.discount == result.net
    assert result.net + result.tax == result.total
    assert result.net == sum((line.net for line in result.lines), D("0"))
    assert abs(result.tax - result.net * tax_rate / 100) <= D("0.005")
    assert result.total == result.total.quantize(D("0.01"))


def test_tax_rate_input():
    assert validate_tax_rate("17.5") == D("17.50")
    assert validate_tax_rate(D("0")) == D("0.00")
    for bad, message in [("x", "percentage"), ("-1", "0 to 100"), ("101", "0 to 100"), ("1.234", "two decimal")]:
        with pytest.raises(ValidationError, match=message):
            validate_tax_rate(bad)


def test_due_date_from_terms():
    assert due_date(date(2026, 11, 30), 30) == date(2026, 12, 30)
    assert due_date(date(2026, 11, 30), 0) == date(2026, 11, 30)
    assert validate_terms("45") == 45
    with pytest.raises(ValidationError, match="0 \\(due on receipt\\) to 365"):
        validate_terms(400)
    with pytest.raises(ValidationError, match="whole days"):
        validate_terms("net 30")


def test_overdue_only_when_sent_with_a_balance_after_the_due_date():
    due = date(2026, 11, 1)
    assert days_overdue("sent", D("5"), due, due) == 0
    assert days_overdue("sent", D("5"), due, due + timedelta(days=1)) == 1
    assert days_overdue("paid", D("0"), due, due + timedelta(days=40)) == 0
    assert days_overdue("cancelled", D("100"), due, due + timedelta(days=40)) == 0


# ------------------------------------------------------------------ payments
HUNDRED = D("100.00")


def pay(amount, *, balance=HUNDRED, paid_on=TODAY, method="card", reference=""):
    return validate_payment(amount, paid_on, method, reference, balance=balance, number="INV-2026-00003", today=TODAY)


def test_a_payment_up_to_the_balance_is_accepted():
    fields = pay("100", reference="  card   1234 ")
    assert (fields.amount, fields.method, fields.reference) == (D("100.00"), PaymentMethod.CARD, "card 1234")
    assert pay("0.01").amount == D("0.01")


def test_overpayment_is_refused_naming_the_balance():
    with pytest.raises(ValidationError) as caught:
        pay("100.01")
    assert caught.value.field_errors["amount"] == (
        "100.01 is more than the balance of 100.00 on invoice INV-2026-00003; overpayments are not accepted."
    )


def test_bad_payments_report_every_field():
    with pytest.raises(ValidationError) as caught:
        pay("0", paid_on=TODAY + timedelta(days=1), method="bitcoin", reference="x" * 101)
    assert set(caught.value.field_errors) == {"amount", "paid_on", "method", "reference"}
    for bad in ["", "abc", "-5", "1.005", "1,000"]:
        with pytest.raises(ValidationError):
            pay(bad)
    with pytest.raises(ValidationError, match="date the payment"):
        pay("5", paid_on=None)


def test_a_payment_dated_before_the_invoice_was_issued_is_refused():
    issued = TODAY - timedelta(days=3)
    fields = validate_payment(
        "5", issued, "cash", "", balance=HUNDRED, number="INV-2026-00003", today=TODAY, issued_on=issued
    )
    assert fields.paid_on == issued
    with pytest.raises(ValidationError) as caught:
        validate_payment(
            "5",
            issued - timedelta(days=1),
            "cash",
            "",
            balance=HUNDRED,
            number="INV-2026-00003",
            today=TODAY,
            issued_on=issued,
        )
    assert caught.value.field_errors == {
        "paid_on": f"Invoice INV-2026-00003 was issued on {issued.isoformat()}; a payment cannot be dated before that."
    }


def test_reasons():
    assert validate_reason("  wrong   amount ") == "wrong amount"
    with pytest.raises(ValidationError, match="reason for voiding"):
        validate_reason(" ", "voiding")
    with pytest.raises(ValidationError, match="At most 200"):
        validate_reason("x" * 201)


cents = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(cents, st.lists(st.tuples(cents, st.booleans()), max_size=15))
def test_balance_is_total_less_non_voided_payments_and_never_negative(total, attempts):
    """Payments are accepted only up to the balance; voids give money back. The balance
    always equals total − non-voided payments, stays ≥ 0, and ``paid`` means zero."""
    payments: list[tuple[Decimal, bool]] = []
    for amount, void_one in attempts:
        balance = balance_of(total, payments)
        if void_one and any(not voided for _a, voided in payments):
            index = next(i for i, (_a, voided) in enumerate(payments) if not voided)
            payments[index] = (payments[index][0], True)
            continue
        try:
            fields = pay(amount, balance=balance)
        except ValidationError:
            assert amount > balance
            continue
        payments.append((fields.amount, False))
    balance = balance_of(total, payments)
    assert balance == total - sum((a for a, voided in payments if not voided), D("0"))
    assert D("0") <= balance <= total
    assert (status_for(balance) is InvoiceStatus.PAID) == (balance == 0)


# ------------------------------------------------------------------ ageing
@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-10, Bucket.CURRENT),
        (0, Bucket.CURRENT),
        (1, Bucket.DAYS_1_30),
        (30, Bucket.DAYS_1_30),
        (31, Bucket.DAYS_31_60),
        (60, Bucket.DAYS_31_60),
        (61, Bucket.DAYS_61_90),
        (90, Bucket.DAYS_61_90),
        (91, Bucket.DAYS_OVER_90),
        (1000, Bucket.DAYS_OVER_90),
    ],
)
def test_ageing_bucket_edges(days, bucket):
    assert bucket_for(days) is bucket


@given(st.lists(st.tuples(st.integers(-200, 400), cents), max_size=30))
def test_ageing_puts_every_open_balance_in_exactly_one_bucket(rows):
    items = [OpenItem(TODAY - timedelta(days=days), amount) for days, amount in rows]
    sums = age(items, TODAY)
    assert list(sums) == [bucket for bucket, _l, _h in BUCKETS]
    assert sum(sums.values(), D("0")) == sum((amount for _d, amount in rows), D("0"))
