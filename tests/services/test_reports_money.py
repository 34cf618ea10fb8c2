"""The Reports page's money, unit and stock figures (``services/report_money.py``) equal a
plain-Python reading of their definitions (``tests/reports_reference.py``) on SQLite and
PostgreSQL, and each tile's and bar's drill-down lists exactly the rows it counts.

Hypothesis writes random books straight into the tables: invoices sent, paid or
cancelled with payments in parts, voided or not, on dates around month ends; work orders
of every type with approvals clustered around local midnight in a zone with a half-hour
offset and a daylight-saving change (America/St_Johns). The issue's edge cases have their
own tests: cancelled invoices, partial and voided payments, an empty range, the time
zone around midnight when issuing and paying through the services.
"""

from __future__ import annotations

import itertools
import os
import random
import time as systime
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from tests import reports_reference as ref
from tests.factories import make_customer, make_model, make_unit
from tests.services.inventory_support import stockroom
from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import Invoice, InvoiceLine, Payment, WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import Role, effective_permissions
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.reports import Bar, KpiKey, Period, ReportFilters
from tuffops_desktop.services import report_money
from tuffops_desktop.services.context import SYSTEM_ACTOR, ServiceContext
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services, build_services

ZONE = "America/St_Johns"  # UTC-3:30, daylight time UTC-2:30 from 8 March 2026 02:00
DAY0 = date(2026, 1, 20)
DAYS = 70  # 20 January .. 30 March 2026: three month ends and the clock change
TODAY = DAY0 + timedelta(days=DAYS - 1)
TYPES = ("installation", "repair", "maintenance", "service", "other")
CUSTOMER_TYPES = ("residential", "commercial", "government")
D = Decimal
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def local(day: date, minute: int = 0, micro: int = 0) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60, 0, micro)).astimezone()


@pytest.fixture
def zone() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    systime.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    systime.tzset()


@dataclass
class Shop:
    services: Services
    units: list[int]
    unit_customers: list[int]
    customer_types: dict[int, str]
    customer_names: dict[int, str]
    technicians: list[int]


@pytest.fixture
def shop(services: Services, zone: None) -> Shop:
    """Six customers (two of each type) with a unit each and two technicians; the clock at TODAY."""
    now = local(TODAY, 14 * 60)
    fixed = build_services(ServiceContext(db=services.ctx.db, actor=SYSTEM_ACTOR, clock=lambda: now))
    model = make_model(fixed)
    units, owners, kinds, names = [], [], {}, {}
    for n, kind in enumerate(CUSTOMER_TYPES * 2):
        # names sort against the ids so ties in revenue are broken by name, not by id
        customer = make_customer(fixed, customer_type=kind, first_name=f"Name{9 - n}")
        kinds[customer.id], names[customer.id] = kind, customer.display_name
        units.append(make_unit(fixed, customer.id, model, serial_number=f"S-{n}").id)
        owners.append(customer.id)
    with fixed.ctx.write() as session:
        techs = [fixed.users.add_in(session, name, "long-enough-1", "technician").id for name in ("amy", "ben")]
    return Shop(fixed, units, owners, kinds, names, techs)


# ----------------------------------------------------------------- random books
def _day(rng: random.Random) -> date:
    """A day of the window, often the last or first of a month."""
    if rng.random() < 0.3:
        return rng.choice([date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 31)])
    return DAY0 + timedelta(days=rng.randrange(DAYS))


def _moment(rng: random.Random) -> datetime:
    day = DAY0 + timedelta(days=rng.randrange(DAYS))
    minute = rng.choice([0, 1, 1438, 1439]) if rng.random() < 0.35 else rng.randrange(1440)
    return local(day, minute, rng.choice([0, 0, 500_000, 999_999]))


@dataclass(frozen=True)
class Plan:
    seed: int
    orders: int
    invoices: int

    def __repr__(self) -> str:
        return f"Plan(seed={self.seed}, orders={self.orders}, invoices={self.invoices})"


def write_books(shop: Shop, plan: Plan) -> ref.Books:
    """Replace the work orders, invoices and payments with a random set from ``plan``; the
    records the reference reads."""
    rng = random.Random(plan.seed)
    with shop.services.ctx.write() as s:
        for model in (Payment, InvoiceLine, Invoice, WorkOrderHistory, WorkOrder):
            s.execute(delete(model))
        orders: list[ref.OrderRecord] = []
        for _ in range(plan.orders):
            n = rng.randrange(len(shop.units))
            created = _moment(rng) - timedelta(days=rng.choice([0, 1, 5]))
            status = rng.choices(["completed", "billed", "cancelled", "ongoing"], weights=[4, 4, 1, 1])[0]
            done = max(created + timedelta(seconds=1), _moment(rng))
            moves = [ref.Move(created, None, "unassigned")]
            if (
                status in ("completed", "billed") or rng.random() < 0.3
            ):  # cancelled after approval: data around the services
                moves.append(ref.Move(done, "waiting_approval", "completed"))
            if status != moves[-1].to_status:
                moves.append(ref.Move(done + timedelta(hours=1), moves[-1].to_status, status))
            row = {
                "unit_id": shop.units[n],
                "customer_id": shop.unit_customers[n],
                "work_type": rng.choice([*TYPES, "repair", "repair"]),
                "status": status,
                "customer_requests": "",
                "technician_id": rng.choice([None, *shop.technicians]),
                "estimated_hours": D("2"),
                "created_at": created,
                "created_by": "test",
                "updated_at": moves[-1].at,
                "version": len(moves),
            }
            oid = s.execute(table_of(WorkOrder).insert().values(row).returning(table_of(WorkOrder).c.id)).scalar_one()
            s.execute(
                table_of(WorkOrderHistory).insert(),
                [
                    {
                        "work_order_id": oid,
                        "at": m.at,
                        "by": "test",
                        "from_status": m.from_status,
                        "to_status": m.to_status,
                    }
                    for m in moves
                ],
            )
            orders.append(
                ref.OrderRecord(
                    oid,
                    row["unit_id"],
                    row["customer_id"],
                    row["work_type"],
                    status,
                    created,
                    None,
                    row["technician_id"],
                    None,
                    D("2"),
                    tuple(moves),
                )
            )
        invoices, payments = _invoices(s, rng, orders, plan.invoices)
    world = ref.World(shop.customer_types, [], [], orders=orders)
    return ref.Books(world, shop.customer_names, invoices, payments)


def _invoices(
    s: Any, rng: random.Random, orders: list[ref.OrderRecord], count: int
) -> tuple[list[ref.InvoiceRecord], list[ref.PaymentRecord]]:
    invoices, payments = [], []
    active: set[int] = set()
    sequence = itertools.count(1)
    for _ in range(count if orders else 0):
        free = [o for o in orders if o.id not in active]
        order = rng.choice(free if free and rng.random() < 0.9 else orders)  # one active invoice per work order
        issued = _day(rng)
        net = D(rng.choice([1, 99, 12_345, 50_000, rng.randint(1, 900_000)])) / 100
        total = net + (net * D("0.17")).quantize(D("0.01"))
        cancelled = order.id in active or rng.random() < 0.15
        planned = []
        left = total
        for _p in range(rng.choice([0, 1, 1, 2, 3])):
            paid_on = issued + timedelta(days=rng.choice([0, 0, 3, 20, 40, 75]))
            voided = cancelled or rng.random() < 0.2
            amount = left if rng.random() < 0.4 else (left * D(rng.choice(["0.3", "0.5"]))).quantize(D("0.01"))
            if amount <= 0:
                break
            if not voided:
                left -= amount
            planned.append((paid_on, amount, voided))
        paid = total - left
        status = "cancelled" if cancelled else ("paid" if paid == total else "sent")
        if status != "cancelled":
            active.add(order.id)
        seq = next(sequence)
        row = {
            "number": f"INV-2026-{seq:05d}",
            "year": 2026,
            "sequence": seq,
            "status": status,
            "work_order_id": order.id,
            "customer_id": order.customer_id,
            "bill_to_name": "",
            "bill_to_address": "",
            "unit_label": "",
            "issued_on": issued,
            "due_on": issued + timedelta(days=rng.choice([0, 7, 30, 45])),
            "payment_terms_days": 30,
            "tax_rate": D("17"),
            "subtotal": net,
            "discount_total": D("0"),
            "net": net,
            "tax": total - net,
            "total": total,
            "paid": paid,
            "created_by": "test",
            "version": 1,
        }
        iid = s.execute(table_of(Invoice).insert().values(row).returning(table_of(Invoice).c.id)).scalar_one()
        assert order.customer_id is not None
        invoices.append(ref.InvoiceRecord(iid, order.customer_id, order.id, status, issued, row["due_on"], net, total))
        for paid_on, amount, voided in planned:
            pid = s.execute(
                table_of(Payment)
                .insert()
                .values(invoice_id=iid, paid_on=paid_on, amount=amount, method="cash", voided=voided, created_by="test")
                .returning(table_of(Payment).c.id)
            ).scalar_one()
            payments.append(ref.PaymentRecord(pid, iid, paid_on, amount, voided))
    return invoices, payments


plans = st.builds(Plan, st.integers(0, 2**32), st.integers(8, 24), st.integers(6, 24))
# mostly long periods (several months, the books' whole window), sometimes a few days or
# a stretch with nothing in it
periods = st.one_of(
    st.tuples(st.integers(-3, 30), st.integers(25, 75)),
    st.tuples(st.integers(-3, 30), st.integers(25, 75)),
    st.tuples(st.integers(-3, 30), st.integers(25, 75)),
    st.tuples(st.integers(-3, DAYS + 3), st.integers(0, 6)),
).map(lambda t: Period(DAY0 + timedelta(days=t[0]), DAY0 + timedelta(days=t[0] + t[1])))


@st.composite
def report_filters(draw: st.DrawFn) -> ReportFilters:
    return ReportFilters(
        technician_id=draw(st.sampled_from([None, None, 0, 1])),  # index into the shop's technicians
        customer_type=draw(st.sampled_from([None, None, None, *CUSTOMER_TYPES])),
        work_type=draw(st.sampled_from([None, None, "repair", "service"])),
    )


def _resolve(shop: Shop, filters: ReportFilters) -> ReportFilters:
    tech = None if filters.technician_id is None else shop.technicians[filters.technician_id]
    return replace(filters, technician_id=tech)


def listed(services: Services, kind: str, filters: dict[str, object]) -> set[int]:
    lists = {
        "invoices": services.invoices,
        "work_orders": services.work_orders,
        "units": services.units,
        "customers": services.customers,
    }
    return set(lists[kind].list_ids(ListQuery(filters=filters)))


# ----------------------------------------------------------------- the property
@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=False,
)
@given(
    plan=plans,
    period=periods,
    raw_filters=st.one_of(st.just(ReportFilters()), report_filters()),
    today_back=st.sampled_from([0, 0, 10, 40]),
)
def test_money_figures_equal_the_reference(shop, plan, period, raw_filters, today_back):
    books = write_books(shop, plan)
    filters = _resolve(shop, raw_filters)
    today = TODAY - timedelta(days=today_back)
    services = shop.services
    with services.ctx.read() as s:
        money = report_money.revenue(s, period, filters)
        ageing = report_money.receivables(s, period, filters, today)
        top = report_money.top_customers(s, period, filters)
        repairs = report_money.units_most_repairs(s, period, filters)

    event(f"invoiced {'yes' if money.invoiced else 'no'}, collected {'yes' if money.collected else 'no'}")
    event(f"open buckets: {sum(1 for r in ageing.rows if r.invoices)}")
    event(f"top customers: {min(len(top.rows), 3)}+, units repaired: {min(len(repairs.rows), 3)}+")
    invoiced, collected, monthly = ref.revenue(books, period, filters)
    assert (money.invoiced, money.collected) == (invoiced, collected)
    assert [(b.start, b.series, b.value) for b in money.monthly] == [(b.start, b.series, b.value) for b in monthly]

    as_of = min(period.end, today)
    expected = ref.receivables(books, as_of, filters)
    assert ageing.as_of == as_of
    assert [(r.bucket, r.amount, r.invoices) for r in ageing.rows] == [
        (b, expected[b][0], len(expected[b][1])) for b in BUCKETS
    ]
    assert ageing.total == sum((a for a, _m in expected.values()), D("0.00"))
    if filters == ReportFilters():  # the same ageing as the Receivables view
        totals = services.receivables.ageing(as_of).totals
        assert [totals.current, totals.days_1_30, totals.days_31_60, totals.days_61_90, totals.days_over_90] == [
            r.amount for r in ageing.rows
        ]

    assert [(r.customer_id, r.name, r.revenue, r.invoices) for r in top.rows] == ref.top_customers(
        books, period, filters
    )
    assert [(r.unit_id, r.repairs) for r in repairs.rows] == ref.units_most_repairs(books.world, period, filters)

    # drill-down: each bar and row lists exactly its rows
    for bar in money.monthly:
        drill = report_money.drill(KpiKey.REVENUE, period, filters, Bar(start=bar.start, series=bar.series))
        rows = (
            {i.id for i in ref.revenue_invoices(books, period, filters, bar.start)}
            if bar.series == "invoiced"
            else {p.invoice_id for p in ref.collected_payments(books, period, filters, bar.start)}
        )
        assert listed(services, drill.kind, dict(drill.filters)) == rows, (bar, drill)
    tile = report_money.drill(KpiKey.REVENUE, period, filters)
    assert listed(services, tile.kind, dict(tile.filters)) == {
        i.id for i in ref.revenue_invoices(books, period, filters)
    }
    for row in ageing.rows:
        drill = report_money.drill(KpiKey.RECEIVABLES, period, filters, Bar(series=row.bucket), today)
        assert listed(services, drill.kind, dict(drill.filters)) == expected[row.bucket][1], row
    tile = report_money.drill(KpiKey.RECEIVABLES, period, filters, None, today)
    assert listed(services, tile.kind, dict(tile.filters)) == set(ref.open_balances(books, as_of, filters))
    for row in top.rows:
        drill = report_money.drill(KpiKey.TOP_CUSTOMERS, period, filters, Bar(id=row.customer_id))
        assert listed(services, drill.kind, dict(drill.filters)) == {
            i.id for i in ref.revenue_invoices(books, period, filters) if i.customer_id == row.customer_id
        }
    tile = report_money.drill(KpiKey.TOP_CUSTOMERS, period, filters)
    revenue_rows = ref.revenue_invoices(books, period, filters)
    if tile.kind == "customers":
        assert listed(services, "customers", dict(tile.filters)) == {i.customer_id for i in revenue_rows}
    else:
        assert listed(services, "invoices", dict(tile.filters)) == {i.id for i in revenue_rows}
    repaired = ref.repairs_completed(books.world, period, filters)
    for row in repairs.rows:
        drill = report_money.drill(KpiKey.UNITS_MOST_REPAIRS, period, filters, Bar(id=row.unit_id))
        assert listed(services, drill.kind, dict(drill.filters)) == {o.id for o in repaired if o.unit_id == row.unit_id}
    tile = report_money.drill(KpiKey.UNITS_MOST_REPAIRS, period, filters)
    if tile.kind == "units":
        assert listed(services, "units", dict(tile.filters)) == {o.unit_id for o in repaired}
    else:
        assert listed(services, "work_orders", dict(tile.filters)) == {o.id for o in repaired}


# ----------------------------------------------------------------- edge cases, with the services
def _repair_done(services: Services, unit_id: int, technician_id: int) -> int:
    """A repair worked and approved through the services (clock of ``services``); its id."""
    orders = services.work_orders
    order = orders.create(unit_id, "repair", "Not cooling")
    order = orders.act(order.id, "assign", order.version, technician_id=technician_id)
    order = orders.act(order.id, "start", order.version)
    entry = next((e for e in services.price_list.search() if e.name == "Labour"), None)
    if entry is None:
        entry = services.price_list.add(PriceListInput("Labour", "service", "hour", "65.00"))
    services.work_order_items.add(order.id, entry.id, "2")
    order = orders.get(order.id)
    order = orders.act(order.id, "submit", order.version)
    return orders.act(order.id, "approve", order.version).id


def _at(shop: Shop, moment: datetime) -> Services:
    return build_services(ServiceContext(db=shop.services.ctx.db, actor=SYSTEM_ACTOR, clock=lambda: moment))


def test_midnight_decides_the_month_of_an_invoice_a_payment_and_a_repair(shop):
    """Issued at 23:59 local on 31 January (already 1 February in UTC): January's revenue.
    Paid at 00:00:30 local on 1 March, dated that day: March's collection. A repair approved
    at 23:59:59.999999 local on 28 February counts in February only."""
    last_second = local(date(2026, 1, 31), 1439, 999_999)
    assert last_second.astimezone(UTC).date() == date(2026, 2, 1)
    then = _at(shop, last_second)
    job = _repair_done(then, shop.units[0], shop.technicians[0])
    invoice = then.invoices.issue(job, expected_version=then.work_orders.get(job).version)
    assert invoice.issued_on == date(2026, 1, 31)
    paying = _at(shop, datetime.combine(date(2026, 3, 1), time(0, 0, 30)).astimezone())
    paying.invoices.record_payment(invoice.id, D("50.00"), date(2026, 3, 1), "cash")
    approved = _at(shop, local(date(2026, 2, 28), 1439, 999_999))
    _repair_done(approved, shop.units[1], shop.technicians[1])
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    with shop.services.ctx.read() as s:
        money = report_money.revenue(s, period, ReportFilters())
        february = report_money.units_most_repairs(s, Period(date(2026, 2, 1), date(2026, 2, 28)), ReportFilters())
        march = report_money.units_most_repairs(s, Period(date(2026, 3, 1), date(2026, 3, 31)), ReportFilters())
        january = report_money.units_most_repairs(s, Period(date(2026, 1, 1), date(2026, 1, 31)), ReportFilters())
    bars = {(b.start, b.series): b.value for b in money.monthly}
    assert bars[(date(2026, 1, 1), "invoiced")] == invoice.net > 0
    assert bars[(date(2026, 2, 1), "invoiced")] == 0
    assert bars[(date(2026, 3, 1), "collected")] == D("50.00") and bars[(date(2026, 2, 1), "collected")] == 0
    assert [r.unit_id for r in february.rows] == [shop.units[1]] and not march.rows
    assert [r.unit_id for r in january.rows] == [shop.units[0]]  # 23:59:59.999999 on 31 January


def test_cancelled_invoices_partial_and_voided_payments(shop):
    day = date(2026, 3, 2)
    then = _at(shop, local(day, 10 * 60))
    jobs = [_repair_done(then, shop.units[n], shop.technicians[0]) for n in range(3)]
    issued = [then.invoices.issue(j, expected_version=then.work_orders.get(j).version) for j in jobs]
    first, second, third = issued
    then.invoices.record_payment(first.id, D("10.00"), day, "cash")  # partial
    paid = then.invoices.record_payment(second.id, second.total, day, "cheque")
    then.invoices.void_payment(paid.payments[-1].id, "Bounced")  # voided: collected nothing
    then.invoices.cancel(third.id, "Wrong customer", third.version)  # cancelled: no revenue, owes nothing
    period = Period(day, day)
    with shop.services.ctx.read() as s:
        money = report_money.revenue(s, period, ReportFilters())
        ageing = report_money.receivables(s, period, ReportFilters(), day)
        top = report_money.top_customers(s, period, ReportFilters())
    assert money.invoiced == first.net + second.net
    assert money.collected == D("10.00")
    assert ageing.total == first.total - D("10.00") + second.total
    assert [(r.bucket, r.invoices) for r in ageing.rows if r.invoices] == [("current", 2)]
    assert {r.customer_id for r in top.rows} == {first.customer_id, second.customer_id}
    drill = report_money.drill(KpiKey.REVENUE, period, ReportFilters(), Bar(start=day, series="collected"))
    assert listed(shop.services, drill.kind, dict(drill.filters)) == {first.id}


def test_an_empty_range_has_zeros_in_every_bar_and_bucket(shop):
    period = Period(date(2030, 1, 30), date(2030, 3, 2))
    with shop.services.ctx.read() as s:
        money = report_money.revenue(s, period, ReportFilters())
        ageing = report_money.receivables(s, period, ReportFilters(), date(2030, 3, 2))
        top = report_money.top_customers(s, period, ReportFilters())
        repairs = report_money.units_most_repairs(s, period, ReportFilters())
    assert (money.invoiced, money.collected) == (0, 0)
    assert [(b.start, b.series) for b in money.monthly] == [
        (date(2030, m, 1), series) for m in (1, 2, 3) for series in ("invoiced", "collected")
    ]
    assert all(b.value == 0 for b in money.monthly)
    assert [(r.bucket, r.amount, r.invoices) for r in ageing.rows] == [(b, 0, 0) for b in BUCKETS]
    assert top.rows == () and repairs.rows == ()


def test_sums_are_exact_to_the_cent_however_many_rows(shop):
    """3,000 payments of 0.10, 0.20, 0.30, 1,234,567.89 and 0.01, whose sum in floating
    point (SQLite's ``SUM`` over ``NUMERIC``) is off: the report adds cents, exactly."""
    then = _at(shop, local(date(2026, 3, 2), 600))
    job = _repair_done(then, shop.units[0], shop.technicians[0])
    invoice = then.invoices.issue(job, expected_version=then.work_orders.get(job).version)
    amounts = [D("0.10"), D("0.20"), D("0.30"), D("1234567.89"), D("0.01")] * 600
    with shop.services.ctx.write() as s:
        s.execute(
            table_of(Payment).insert(),
            [
                {
                    "invoice_id": invoice.id,
                    "paid_on": date(2026, 3, 2),
                    "amount": a,
                    "method": "cash",
                    "created_by": "t",
                }
                for a in amounts
            ],
        )
    exact = sum(amounts, D("0.00"))
    assert exact == D("740741100.00") and D(repr(sum(float(a) for a in amounts))) != exact
    with shop.services.ctx.read() as s:
        money = report_money.revenue(s, Period(date(2026, 3, 1), date(2026, 3, 31)), ReportFilters())
    assert money.collected == exact


def test_money_only_with_invoices_view_and_stock_value_also_with_inventory_costs(shop):
    room = stockroom(shop.services, on_hand="4")
    costed = shop.services.inventory.add_part("P-300", "Contactor 30 A", cost="12.35")
    shop.services.inventory.receive(costed.id, room.warehouse_id, "3.5")
    period = Period(DAY0, TODAY)
    office = effective_permissions(Role.OFFICE)
    technician = effective_permissions(Role.TECHNICIAN)
    with shop.services.ctx.read() as s:
        everything = report_money.figures(
            s, period, ReportFilters(), permissions=effective_permissions(Role.ADMIN), today=TODAY
        )
        blind = report_money.figures(s, period, ReportFilters(), permissions=technician, today=TODAY)
        no_costs = report_money.figures(
            s, period, ReportFilters(), permissions=office - {"inventory.costs"}, today=TODAY
        )
    assert everything.revenue and everything.receivables and everything.top_customers and everything.stock_value
    assert blind.revenue is blind.receivables is blind.top_customers is blind.stock_value is None
    assert blind.units_most_repairs is not None  # not money
    assert no_costs.revenue is not None and no_costs.stock_value is None
    valuation = shop.services.stock_control.valuation()
    assert [(r.location_id, r.name, r.value) for r in everything.stock_value.rows] == [
        (x.location_id, x.name, x.value) for x in valuation.locations
    ]
    assert everything.stock_value.total == valuation.total.value == D("43.23")  # 3.5 x 12.35 = 43.225
    assert {r.location_id for r in everything.stock_value.rows} >= {room.warehouse_id}
    with pytest.raises(ValidationError):
        report_money.drill(KpiKey.STOCK_VALUE, period, ReportFilters())
    assert set(everything.as_fields()) == {
        "units_most_repairs",
        "revenue",
        "receivables",
        "top_customers",
        "stock_value",
    }
