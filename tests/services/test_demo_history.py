"""The demo's year of history, on SQLite and PostgreSQL: requests, work orders, invoices
and payments in each of the last twelve months, so every report has a shape; and the
bulk-written facts are the ones the services would have written (histories replay,
invoice totals follow the lines, numbers are gapless and follow the dates, paid is the
sum of the payments, each billed work order names its invoice)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.services.test_demo_work_orders import check_consistent
from tuffops_desktop.db.models import (
    CustomerRequest,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    WorkOrder,
    WorkOrderHistory,
)
from tuffops_desktop.domain.invoices import LineInput, invoice_totals
from tuffops_desktop.domain.reports import CALLBACK_WINDOW, Period, ReportFilters, month_starts
from tuffops_desktop.services import demo_billing, report_money
from tuffops_desktop.services.demo import seed_demo


def months_back(today: date, n: int) -> Period:
    first = month_starts(Period(today - timedelta(days=31 * n), today))[1]
    return Period(first, today)


def test_a_year_of_history_behind_every_chart(services):
    result = seed_demo(services.ctx, customers=20, technicians=3)
    today = services.ctx.today()
    all_orders = check_consistent(services)  # every history replays to its status, never after now
    assert result.work_orders == len(all_orders)
    period = months_back(today, 12)
    months = month_starts(period)
    assert len(months) == 12
    with services.ctx.read() as s:
        done = dict(
            s.execute(
                select(WorkOrderHistory.work_order_id, WorkOrderHistory.at).where(
                    WorkOrderHistory.to_status == "completed"
                )
            ).all()
        )
        requests = s.scalars(select(CustomerRequest)).all()
        money = report_money.revenue(s, period, ReportFilters())
        repairs = report_money.units_most_repairs(s, period, ReportFilters())
    by_month = Counter(date(d.astimezone().year, d.astimezone().month, 1) for d in done.values())
    assert all(by_month[m] >= 5 for m in months), by_month  # completed work every month
    # SLA: most met, some missed
    due = [o for o in all_orders if o.id in done and o.due_at is not None]
    met = sum(done[o.id] <= o.due_at for o in due)
    assert len(due) > 100 and 0.6 < met / len(due) < 0.95
    # call-backs: a repair on the same unit within 30 days of a completed job, now and then
    by_unit = defaultdict(list)
    for o in all_orders:
        by_unit[o.unit_id].append(o)
    called_back = sum(
        any(
            x.work_type == "repair"
            and x.status != "cancelled"
            and done[o.id] < x.created_at < done[o.id] + CALLBACK_WINDOW
            for x in by_unit[o.unit_id]
        )
        for o in all_orders
        if o.id in done
    )
    assert 0.03 < called_back / len(done) < 0.25
    assert repairs.rows and repairs.rows[0].repairs >= 3
    # requests from both sources, most converted (linked both ways), some resolved, a few open
    assert {r.source for r in requests} == {"qr", "office"}
    reasons = Counter((r.status, r.close_reason) for r in requests)
    assert reasons[("closed", "converted")] > reasons[("closed", "resolved")] > 0
    assert reasons[("open", None)] > 0
    linked = {o.id: o.request_id for o in all_orders if o.request_id}
    assert {r.work_order_id: r.id for r in requests if r.work_order_id} == linked
    assert all(r.closed_at is not None and r.created_at <= r.closed_at for r in requests if r.status == "closed")
    # invoiced and collected in every month
    bars = {(b.start, b.series): b.value for b in money.monthly}
    assert all(bars[(m, "invoiced")] > 0 and bars[(m, "collected")] > 0 for m in months), bars


def test_bulk_invoices_are_what_issuing_would_have_written(services):
    seed_demo(services.ctx, customers=20, technicians=3)
    today = services.ctx.today()
    with services.ctx.read() as s:
        invoices = s.scalars(select(Invoice).order_by(Invoice.year, Invoice.sequence)).all()
        lines = defaultdict(list)
        for line in s.scalars(select(InvoiceLine).order_by(InvoiceLine.invoice_id, InvoiceLine.position)):
            lines[line.invoice_id].append(line)
        payments = defaultdict(list)
        for p in s.scalars(select(Payment)):
            payments[p.invoice_id].append(p)
        counters = dict(
            s.execute(select(DocumentCounter.year, DocumentCounter.last).where(DocumentCounter.kind == "invoice")).all()
        )
        billed = dict(
            s.execute(
                select(WorkOrderHistory.work_order_id, WorkOrderHistory.reason).where(
                    WorkOrderHistory.to_status == "billed"
                )
            ).all()
        )
        statuses = dict(s.execute(select(WorkOrder.id, WorkOrder.status)).all())
        assert s.scalar(select(func.count()).select_from(Invoice)) > 200
    assert Counter(i.status for i in invoices).keys() == {"sent", "paid", "cancelled"}
    for year in {i.year for i in invoices}:
        mine = [i for i in invoices if i.year == year]
        assert [i.sequence for i in mine] == list(range(1, len(mine) + 1))  # gapless
        assert counters[year] == len(mine)
        assert [i.issued_on for i in mine] == sorted(i.issued_on for i in mine)  # numbers follow the dates
    for inv in invoices:
        money = invoice_totals(
            (LineInput(x.quantity, x.unit_price, x.discount_rate) for x in lines[inv.id]), inv.tax_rate
        )
        assert (inv.subtotal, inv.discount_total, inv.net, inv.tax, inv.total) == (
            money.subtotal,
            money.discount,
            money.net,
            money.tax,
            money.total,
        )
        assert [x.amount for x in lines[inv.id]] == [a.net for a in money.lines]
        paid = sum((p.amount for p in payments[inv.id] if not p.voided), Decimal("0.00"))
        assert inv.paid == paid and paid <= inv.total
        assert all(inv.issued_on <= p.paid_on <= today for p in payments[inv.id])
        assert all(p.void_reason and p.voided_at for p in payments[inv.id] if p.voided)
        expected = "cancelled" if inv.cancelled_at else ("paid" if paid == inv.total else "sent")
        assert inv.status == expected and (inv.status != "cancelled" or paid == 0)
        assert statuses[inv.work_order_id] == "billed" and billed[inv.work_order_id].startswith("Invoice INV-")
    # a cancelled one was issued again; some payments bounced
    cancelled = {i.work_order_id for i in invoices if i.cancel_reason == demo_billing.CANCELLED}
    assert cancelled and all(any(i.work_order_id == w and i.status != "cancelled" for i in invoices) for w in cancelled)
    assert any(p.voided for ps in payments.values() for p in ps)
    ageing = services.receivables.ageing().totals
    assert min(ageing.current, ageing.days_1_30, ageing.days_31_60, ageing.days_61_90, ageing.days_over_90) > 0
