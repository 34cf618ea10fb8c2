"""Invoices and payments through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import as_role
from tests.services.invoice_support import completed_work_order, customer_with_unit, issued
from tuffops_desktop.db.models import AuditEntry, Customer, Invoice, Payment, WorkOrderHistory
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.domain.invoices import InvoicingDisabled
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.invoices import next_number
from tuffops_desktop.services.listing import AnyOf, Flag, ListQuery, Ref
from tuffops_desktop.services.registry import build_services

D = Decimal


def at_day(services, day: date):
    """The same database, with the clock at noon UTC of ``day``."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return build_services(replace(services.ctx, clock=lambda: moment))


def count(services, model) -> int:
    with services.ctx.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_actions(services, entity: str) -> list[str]:
    with services.ctx.read() as session:
        return list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity).order_by(AuditEntry.id))
        )


@pytest.fixture
def shop(services):
    services.settings.update({"default_tax_rate": "17.5"})
    customer_id, unit_id = customer_with_unit(services, discount_rate="10", address="12 Bay Road", city="Basseterre")
    return {"customer_id": customer_id, "unit_id": unit_id}


# ------------------------------------------------------------------ issuing
def test_issuing_snapshots_lines_applies_discount_then_tax_and_bills_the_work_order(services, shop):
    order_id = completed_work_order(services, shop["unit_id"])
    order = services.work_orders.get(order_id)
    invoice = services.invoices.issue(order_id, expected_version=order.version)
    year = services.ctx.today().year
    assert invoice.number == f"INV-{year}-00001"
    assert invoice.status == "sent"
    # 1.5 h × 65.00 = 97.50 less 10 % = 87.75; 0.75 kg × 38.50 = 28.875 → 28.88, less 10 % = 25.99
    assert [(line.description, line.gross, line.amount) for line in invoice.lines] == [
        ("Labour (per hour)", D("97.50"), D("87.75")),
        ("Refrigerant R-410A", D("28.88"), D("25.99")),
    ]
    assert (invoice.subtotal, invoice.discount_total, invoice.net) == (D("126.38"), D("12.64"), D("113.74"))
    assert (invoice.tax_rate, invoice.tax, invoice.total) == (D("17.50"), D("19.90"), D("133.64"))
    assert (invoice.paid, invoice.balance) == (D("0.00"), D("133.64"))
    assert invoice.due_on == invoice.issued_on + timedelta(days=30)
    assert invoice.customer_name == "Ann Liburd" and invoice.customer_address == "12 Bay Road\nBasseterre"
    assert invoice.work_order_number == f"WO-{order_id:06d}" and invoice.unit_label == "Lobby AC #2"
    billed = services.work_orders.get(order_id)
    assert billed.status == "billed"
    assert billed.history[-1].reason == f"Invoice {invoice.number}" and billed.history[-1].from_status == "completed"
    assert audit_actions(services, "invoice") == ["issue"]
    assert "bill" in audit_actions(services, "work_order")
    # the lines are a snapshot: later price-list changes do not touch the invoice
    entry = services.price_list.search("Labour")[0]
    services.price_list.update(entry.id, replace_input(entry, price="99"), entry.version)
    assert services.invoices.get(invoice.id).lines[0].unit_price == D("65.00")


def replace_input(entry, **changes):
    from tuffops_desktop.domain.pricing import PriceListInput

    values = {"name": entry.name, "kind": entry.kind, "unit": entry.unit, "price": entry.price, "cost": entry.cost}
    values.update(changes)
    return PriceListInput(**values)


def test_tax_override_and_customer_payment_terms(services, shop):
    with services.ctx.write() as session:
        session.get_one(Customer, shop["customer_id"]).payment_terms_days = 14
    order_id = completed_work_order(services, shop["unit_id"])
    preview = services.invoices.preview(order_id, "0")
    assert (preview.tax, preview.total, preview.refusal) == (D("0.00"), D("113.74"), "")
    invoice = services.invoices.issue(order_id, tax_rate="0", expected_version=preview.work_order_version)
    assert (invoice.tax_rate, invoice.tax, invoice.total) == (D("0.00"), D("0.00"), D("113.74"))
    assert (invoice.payment_terms_days, invoice.due_on) == (14, invoice.issued_on + timedelta(days=14))
    with pytest.raises(ValidationError, match="0 to 100"):
        services.invoices.issue(order_id, tax_rate="120", expected_version=preview.work_order_version)


def test_one_active_invoice_per_work_order_cancel_keeps_the_number_and_frees_the_work_order(services, shop):
    order_id = completed_work_order(services, shop["unit_id"])
    first = services.invoices.issue(order_id, expected_version=services.work_orders.get(order_id).version)
    version = services.work_orders.get(order_id).version
    with pytest.raises(InvalidTransition, match=f"already has invoice {first.number}. Cancel it first"):
        services.invoices.issue(order_id, expected_version=version)
    assert services.invoices.preview(order_id).refusal.startswith(f"Work order WO-{order_id:06d} already has")
    with pytest.raises(ValidationError, match="Give a reason"):
        services.invoices.cancel(first.id, " ", first.version)
    cancelled = services.invoices.cancel(first.id, "Wrong tax rate", first.version)
    assert (cancelled.status, cancelled.number, cancelled.cancel_reason) == (
        "cancelled",
        first.number,
        "Wrong tax rate",
    )
    assert cancelled.cancelled_at is not None and cancelled.balance == D("0.00") and not cancelled.can_cancel
    assert services.invoices.for_work_order(order_id) is None
    with pytest.raises(InvalidTransition, match="already cancelled"):
        services.invoices.cancel(first.id, "again", cancelled.version)
    # the work order stays billed and may be invoiced again, under the next number
    again = services.invoices.issue(order_id, tax_rate="0", expected_version=services.work_orders.get(order_id).version)
    assert again.number.endswith("-00002") and services.work_orders.get(order_id).status == "billed"
    assert services.invoices.get_by_number(first.number).status == "cancelled"
    assert services.invoices.for_work_order(order_id).id == again.id
    assert count(services, Invoice) == 2


def test_only_completed_work_orders_with_items_and_a_customer_are_invoiced_nothing_stored(services, shop):
    order = services.work_orders.create(shop["unit_id"], "repair", "Leak")
    with pytest.raises(InvalidTransition, match="is unassigned; only a completed work order can be invoiced"):
        services.invoices.issue(order.id, expected_version=order.version)
    empty = completed_work_order(services, shop["unit_id"], items=())
    with pytest.raises(InvalidTransition, match="has no items to bill"):
        services.invoices.issue(empty, expected_version=services.work_orders.get(empty).version)
    with pytest.raises(NotFound, match="WO-009999 does not exist"):
        services.invoices.issue(9999, expected_version=1)
    assert count(services, Invoice) == 0
    assert services.work_orders.get(empty).status == "completed"
    # no number was used up by the refusals
    ok = completed_work_order(services, shop["unit_id"])
    assert services.invoices.issue(ok, expected_version=services.work_orders.get(ok).version).number.endswith("-00001")


def test_issuing_on_a_stale_work_order_is_refused(services, shop):
    order_id = completed_work_order(services, shop["unit_id"])
    stale = services.work_orders.get(order_id).version
    services.work_orders.add_note(order_id, "Customer asked for a copy by e-mail")
    with pytest.raises(ConcurrencyConflict):
        services.invoices.issue(order_id, expected_version=stale - 1)
    assert count(services, Invoice) == 0


def test_counters_are_per_kind_and_year(services):
    with services.ctx.write() as session:
        assert [next_number(session, "invoice", 2026) for _ in range(3)] == [1, 2, 3]
        assert next_number(session, "invoice", 2027) == 1
        assert next_number(session, "quotation", 2026) == 1


# ------------------------------------------------------------------ payments
def test_partial_and_full_payments_overpayment_refused_void_reopens(services, shop):
    invoice = services.invoices.get(issued(services, shop["unit_id"]))
    today = services.ctx.today()
    part = services.invoices.record_payment(invoice.id, "100", today, "bank_transfer", "TRF 889")
    assert (part.status, part.paid, part.balance) == ("sent", D("100.00"), D("33.64"))
    with pytest.raises(ValidationError) as refused:
        services.invoices.record_payment(invoice.id, "33.65", today, "cash")
    assert refused.value.field_errors["amount"] == (
        f"33.65 is more than the balance of 33.64 on invoice {invoice.number}; overpayments are not accepted."
    )
    assert count(services, Payment) == 1
    full = services.invoices.record_payment(invoice.id, "33.64", today, "card")
    assert (full.status, full.balance, full.can_record_payment, full.can_cancel) == ("paid", D("0.00"), False, False)
    with pytest.raises(InvalidTransition, match="paid in full"):
        services.invoices.record_payment(invoice.id, "1", today, "cash")
    with pytest.raises(InvalidTransition, match="is paid and cannot be cancelled"):
        services.invoices.cancel(invoice.id, "Customer disputes", full.version)
    reopened = services.invoices.void_payment(full.payments[0].id, "Transfer was returned")
    assert (reopened.status, reopened.paid, reopened.balance) == ("sent", D("33.64"), D("100.00"))
    voided = reopened.payments[0]
    assert (voided.voided, voided.void_reason, voided.voided_by) == (True, "Transfer was returned", "system")
    assert count(services, Payment) == 2  # never deleted
    with pytest.raises(InvalidTransition, match="already voided"):
        services.invoices.void_payment(voided.id, "again")
    with pytest.raises(InvalidTransition, match="has 33.64 paid and cannot be cancelled"):
        services.invoices.cancel(invoice.id, "Wrong customer", reopened.version)
    assert audit_actions(services, "invoice") == ["issue", "record_payment", "record_payment", "void_payment"]
    with services.ctx.read() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.changes["reason"] == [None, "Transfer was returned"]
        assert last.changes["status"] == ["paid", "sent"]


def test_a_payment_dated_before_the_invoice_is_refused_and_not_stored(services, shop):
    invoice = services.invoices.get(issued(services, shop["unit_id"]))
    with pytest.raises(ValidationError) as refused:
        services.invoices.record_payment(invoice.id, "5", invoice.issued_on - timedelta(days=1), "cash")
    assert "cannot be dated before that" in refused.value.field_errors["paid_on"]
    assert count(services, Payment) == 0


def test_no_payment_on_a_cancelled_invoice(services, shop):
    invoice = services.invoices.get(issued(services, shop["unit_id"]))
    services.invoices.cancel(invoice.id, "Duplicate", invoice.version)
    with pytest.raises(InvalidTransition, match="is cancelled; it takes no payments"):
        services.invoices.record_payment(invoice.id, "5", services.ctx.today(), "cash")


def test_roles_office_issues_and_takes_payments_technician_may_not(services, shop):
    services.users.add("olga", "longenough", "office")
    office = as_role(services, Role.OFFICE, "olga")
    order_id = completed_work_order(services, shop["unit_id"])
    invoice = office.invoices.issue(order_id, expected_version=services.work_orders.get(order_id).version)
    assert office.invoices.record_payment(invoice.id, "10", services.ctx.today(), "cash").paid == D("10.00")
    tech = as_role(services, Role.TECHNICIAN, "tess")
    with pytest.raises(PermissionDenied):
        tech.invoices.get(invoice.id)


def test_invoicing_is_refused_while_the_flag_is_off_and_data_stays(services, shop):
    invoice_id = issued(services, shop["unit_id"])
    order_id = completed_work_order(services, shop["unit_id"])
    services.settings.update({"feature_flag_invoices_enabled": False})
    for call in (
        lambda: services.invoices.issue(order_id, expected_version=services.work_orders.get(order_id).version),
        lambda: services.invoices.get(invoice_id),
        lambda: services.invoices.list_ids(ListQuery()),
        lambda: services.invoices.record_payment(invoice_id, "1", services.ctx.today(), "cash"),
        lambda: services.receivables.ageing(),
    ):
        with pytest.raises(InvoicingDisabled, match="Invoicing is turned off"):
            call()
    assert services.work_orders.get(order_id).status == "completed"
    services.settings.update({"feature_flag_invoices_enabled": True})
    assert services.invoices.get(invoice_id).status == "sent"


# ------------------------------------------------------------------ the list
def test_list_filters_search_and_numeric_money_sort(services, shop):
    cheap = completed_work_order(services, shop["unit_id"], items=(("Filter", "material", "each", "9.00", "1"),))
    dear = completed_work_order(services, shop["unit_id"], items=(("Compressor", "material", "each", "100.00", "1"),))
    other_customer, other_unit = customer_with_unit(
        services, company_name="Sugar Bay Resort", customer_type="commercial"
    )
    mid = completed_work_order(services, other_unit, items=(("Labour", "service", "hour", "20.00", "1"),))
    issued_ids = {}
    for name, order_id in (("cheap", cheap), ("dear", dear), ("mid", mid)):
        version = services.work_orders.get(order_id).version
        issued_ids[name] = services.invoices.issue(order_id, tax_rate="0", expected_version=version).id
    # cheap 8.10 (10 % off), dear 90.00, mid 20.00: numeric, not text order ("8.10" > "20.00" as text)
    by_total = services.invoices.list_ids(ListQuery(sort="total"))
    assert by_total == [issued_ids["cheap"], issued_ids["mid"], issued_ids["dear"]]
    services.invoices.record_payment(issued_ids["dear"], "85", services.ctx.today(), "cash")
    by_balance = services.invoices.list_ids(ListQuery(sort="balance", descending=True))
    assert by_balance == [issued_ids["mid"], issued_ids["cheap"], issued_ids["dear"]]
    assert services.invoices.list_ids(ListQuery()) == sorted(issued_ids.values(), reverse=True)  # newest first
    assert services.invoices.list_ids(ListQuery(text="sugar bay")) == [issued_ids["mid"]]
    number = services.invoices.get(issued_ids["cheap"]).number
    assert services.invoices.list_ids(ListQuery(text=number.lower())) == [issued_ids["cheap"]]
    mine = ListQuery(filters={"customer": Ref(other_customer)})
    assert services.invoices.list_ids(mine) == [issued_ids["mid"]]
    services.invoices.record_payment(issued_ids["cheap"], "8.10", services.ctx.today(), "cash")
    assert services.invoices.list_ids(ListQuery(filters={"status": AnyOf(frozenset({"paid"}))})) == [
        issued_ids["cheap"]
    ]
    later = at_day(services, services.ctx.today() + timedelta(days=31))
    overdue = later.invoices.list_ids(ListQuery(sort="number", filters={"overdue": Flag(True)}))
    assert overdue == [issued_ids["dear"], issued_ids["mid"]]
    rows = later.invoices.rows(overdue)
    assert [(r.overdue, r.days_overdue, r.balance) for r in rows] == [(True, 1, D("5.00")), (True, 1, D("20.00"))]
    first = services.invoices.first_ids(ListQuery(sort="total"), 2)
    assert (first.total, first.ids) == (3, by_total[:2])
    with pytest.raises(ValidationError):
        services.invoices.list_ids(ListQuery(filters={"status": AnyOf(frozenset({"draft"}))}))


# ------------------------------------------------------------------ receivables
def test_balances_ageing_buckets_and_statement(services, shop):
    start = services.ctx.today()
    ids = []
    for days_ago in (0, 40, 70, 100, 150):  # due 30 days after issue: current, 10, 40, 70, 120 days past due
        past = at_day(services, start - timedelta(days=days_ago))
        ids.append(issued(past, shop["unit_id"], tax_rate="0"))  # 113.74 each
    paid_part = at_day(services, start - timedelta(days=5))
    paid_part.invoices.record_payment(ids[4], "13.74", start - timedelta(days=5), "cash")
    report = services.receivables.ageing(start)
    buckets = report.customers[0].buckets
    assert (buckets.current, buckets.days_1_30, buckets.days_31_60, buckets.days_61_90, buckets.days_over_90) == (
        D("113.74"),
        D("113.74"),
        D("113.74"),
        D("113.74"),
        D("100.00"),
    )
    assert report.totals == buckets and buckets.total == D("554.96")
    # as of an earlier date, the later payment and invoice do not count yet
    earlier = services.receivables.ageing(start - timedelta(days=10))
    assert earlier.totals.total == D("113.74") * 4
    balance = services.receivables.balances()[0]
    assert (balance.open_invoices, balance.balance, balance.overdue) == (5, D("554.96"), D("441.22"))
    statement = services.receivables.statement(shop["customer_id"], start - timedelta(days=75), start)
    assert statement.opening_balance == D("227.48")  # issued 100 and 150 days ago, nothing paid before
    assert [(e.kind, e.debit, e.credit) for e in statement.entries] == [
        ("invoice", D("113.74"), D("0.00")),
        ("invoice", D("113.74"), D("0.00")),
        ("payment", D("0.00"), D("13.74")),
        ("invoice", D("113.74"), D("0.00")),
    ]
    assert statement.closing_balance == statement.entries[-1].balance == D("554.96")
    assert len(statement.open_invoices) == 5 and statement.ageing.total == D("554.96")
    with pytest.raises(ValidationError, match="starts after it ends"):
        services.receivables.statement(shop["customer_id"], start, start - timedelta(days=1))


def test_history_row_written_once_per_issue(services, shop):
    order_id = completed_work_order(services, shop["unit_id"])
    services.invoices.issue(order_id, expected_version=services.work_orders.get(order_id).version)
    with services.ctx.read() as session:
        billed = session.scalars(
            select(WorkOrderHistory).where(
                WorkOrderHistory.work_order_id == order_id, WorkOrderHistory.to_status == "billed"
            )
        ).all()
    assert len(billed) == 1
