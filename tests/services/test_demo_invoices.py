"""Demo invoices: every status, full and partial payments, a voided payment, a cancelled
invoice and balances in every ageing bucket, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.listing import Flag, ListQuery


def test_demo_invoices_cover_every_status_payment_and_ageing_bucket(services):
    seed_demo(services.ctx, customers=20, technicians=3)
    ids = services.invoices.list_ids(ListQuery())
    assert len(ids) >= len({"sent", "paid", "cancelled"})
    invoices = [services.invoices.get(i) for i in ids]
    assert Counter(inv.status for inv in invoices).keys() == {"sent", "paid", "cancelled"}
    payments = [p for inv in invoices for p in inv.payments]
    assert any(p.voided and p.void_reason for p in payments)
    assert any(inv.status == "sent" and inv.paid > 0 for inv in invoices)  # partly paid
    assert any(inv.status == "paid" for inv in invoices)
    assert all(inv.balance >= 0 and inv.paid <= inv.total for inv in invoices)
    assert services.invoices.list_ids(ListQuery(filters={"overdue": Flag(True)}))
    report = services.receivables.ageing()
    buckets = report.totals
    assert min(buckets.current, buckets.days_1_30, buckets.days_31_60, buckets.days_61_90, buckets.days_over_90) > 0
    # some completed work orders are left for "Issue invoice"
    from tuffops_desktop.services.listing import AnyOf

    completed = services.work_orders.list_ids(ListQuery(filters={"status": AnyOf(frozenset({"completed"}))}))
    assert any(services.invoices.for_work_order(o) is None for o in completed)
