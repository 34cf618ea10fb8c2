"""Plain-Python readings of the Reports page's figures, to check the SQL against.

Each function takes the rows as plain records (what a test wrote into the database) and
computes one figure the slow, obvious way, straight from the definitions in
``domain/reports.py``: local days with ``datetime.astimezone``, loops, sorted lists. The
services compute the same figures with one SQL aggregate each
(``services/reports.py``, ``services/report_money.py``); the property tests in
``tests/services/test_reports_kpis.py`` compare the two on SQLite and PostgreSQL.

R1 (requests, work orders, technicians, maintenance): the functions below down to the
money section. R3 adds its own functions for the money, units and stock figures.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tuffops_desktop.domain.reports import (
    CALLBACKS_LISTED,
    MAINTENANCE_DUE_SOON_DAYS,
    Bucket,
    Period,
    ReportFilters,
    week_start,
    week_starts,
)
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours
from tuffops_desktop.domain.units import maintenance_dates

SOURCES = ("qr", "office")
WORK_TYPES = ("installation", "repair", "maintenance", "service", "other")
CALLBACK_WINDOW = timedelta(days=30)


# ----------------------------------------------------------------- the records
@dataclass(frozen=True)
class Move:
    """One history row of a work order: when, from, to (in id order)."""

    at: datetime
    from_status: str | None
    to_status: str


@dataclass(frozen=True)
class OrderRecord:
    id: int
    unit_id: int
    customer_id: int | None
    work_type: str
    status: str
    created_at: datetime
    due_at: datetime | None
    technician_id: int | None
    scheduled_start: datetime | None
    estimated_hours: Decimal
    history: tuple[Move, ...]

    @property
    def completed_at(self) -> datetime | None:
        """The approval, for a work order still completed or billed."""
        if self.status not in ("completed", "billed"):
            return None
        return next((m.at for m in self.history if m.to_status == "completed"), None)


@dataclass(frozen=True)
class RequestRecord:
    id: int
    unit_id: int
    source: str
    status: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class UnitRecord:
    id: int
    customer_id: int | None
    active: bool
    frequency: str
    maintained_at: date | None
    installed_at: date | None


@dataclass(frozen=True)
class TechnicianRecord:
    id: int
    name: str
    is_technician: bool
    active: bool
    hours: tuple[WorkingHours, ...] | None  # None: never set (the standard week)


@dataclass
class World:
    """Everything the R1 figures read."""

    customer_types: Mapping[int, str]
    units: Sequence[UnitRecord]
    technicians: Sequence[TechnicianRecord]
    orders: Sequence[OrderRecord] = ()
    requests: Sequence[RequestRecord] = ()
    unit_of: dict[int, UnitRecord] = field(init=False)

    def __post_init__(self) -> None:
        self.unit_of = {u.id: u for u in self.units}


# ----------------------------------------------------------------- helpers
def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def in_period(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= local_day(moment) <= period.end


def order_passes(world: World, order: OrderRecord, filters: ReportFilters) -> bool:
    if filters.technician_id is not None and order.technician_id != filters.technician_id:
        return False
    if filters.work_type is not None and order.work_type != filters.work_type:
        return False
    if filters.customer_type is not None:
        kind = world.customer_types.get(order.customer_id) if order.customer_id is not None else None
        if kind != filters.customer_type:
            return False
    return True


def unit_passes(world: World, unit_id: int, filters: ReportFilters) -> bool:
    if filters.customer_type is None:
        return True
    customer = world.unit_of[unit_id].customer_id
    return customer is not None and world.customer_types.get(customer) == filters.customer_type


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# ----------------------------------------------------------------- R1 figures
def requests_received(world: World, period: Period, filters: ReportFilters) -> tuple[int, dict[str, int], list[Bucket]]:
    counts: Counter[tuple[date, str]] = Counter()
    for r in world.requests:
        if in_period(r.created_at, period) and unit_passes(world, r.unit_id, filters):
            counts[(week_start(local_day(r.created_at)), r.source)] += 1
    weekly = [Bucket(w, s, counts[(w, s)]) for w in week_starts(period) for s in SOURCES]
    by_source = {s: sum(n for (_w, src), n in counts.items() if src == s) for s in SOURCES}
    return sum(counts.values()), by_source, weekly


def time_to_triage(world: World, period: Period, filters: ReportFilters) -> tuple[int, int, float | None, float | None]:
    """(triaged, untriaged, median hours, p90 hours)."""
    hours, untriaged = [], 0
    for r in world.requests:
        if not (in_period(r.created_at, period) and unit_passes(world, r.unit_id, filters)):
            continue
        if r.status == "closed" and r.closed_at is not None:
            hours.append((r.closed_at - r.created_at).total_seconds() / 3600)
        else:
            untriaged += 1
    return len(hours), untriaged, percentile_cont(hours, 0.5), percentile_cont(hours, 0.9)


def completed(world: World, period: Period, filters: ReportFilters) -> list[OrderRecord]:
    """The work orders completed (approved) in the period, through the filters."""
    return [
        o
        for o in world.orders
        if o.completed_at is not None and in_period(o.completed_at, period) and order_passes(world, o, filters)
    ]


def completed_weekly(world: World, period: Period, filters: ReportFilters) -> tuple[int, dict[str, int], list[Bucket]]:
    done = completed(world, period, filters)
    types = WORK_TYPES if filters.work_type is None else (filters.work_type,)
    counts = Counter((week_start(local_day(o.completed_at)), o.work_type) for o in done if o.completed_at)
    weekly = [Bucket(w, t, counts[(w, t)]) for w in week_starts(period) for t in types]
    return len(done), {t: sum(1 for o in done if o.work_type == t) for t in types}, weekly


def sla(world: World, period: Period, filters: ReportFilters) -> tuple[int, int, int, int]:
    """(completed, with a due time, met, missed)."""
    done = completed(world, period, filters)
    due = [o for o in done if o.due_at is not None]
    met = [o for o in due if o.completed_at is not None and o.due_at is not None and o.completed_at <= o.due_at]
    return len(done), len(due), len(met), len(due) - len(met)


def callbacks_of(world: World, order: OrderRecord) -> list[OrderRecord]:
    """The repairs (not cancelled) on the same unit created after the approval and less than
    30 days after it."""
    at = order.completed_at
    if at is None:
        return []
    return [
        r
        for r in world.orders
        if r.unit_id == order.unit_id
        and r.work_type == "repair"
        and r.status != "cancelled"
        and at < r.created_at < at + CALLBACK_WINDOW
    ]


def first_time_fix(world: World, period: Period, filters: ReportFilters) -> tuple[int, int, int, list[tuple[int, int]]]:
    """(completed, called back, call-back pairs, the listed pairs (work order, call-back) in
    the service's order: latest approval first, then work order id down, then the call-back's
    creation and id)."""
    done = completed(world, period, filters)
    pairs = [(o, r) for o in done for r in callbacks_of(world, o)]
    pairs.sort(key=lambda p: (p[1].created_at, p[1].id))
    pairs.sort(key=lambda p: (p[0].completed_at, p[0].id), reverse=True)
    called = {o.id for o, _r in pairs}
    return len(done), len(called), len(pairs), [(o.id, r.id) for o, r in pairs[:CALLBACKS_LISTED]]


def working_hours(technician: TechnicianRecord, period: Period) -> Decimal:
    week = technician.hours if technician.hours is not None else STANDARD_WEEK
    minutes = 0
    day = period.start
    while day <= period.end:
        for h in week:
            if h.weekday == day.weekday():
                minutes += (h.ends.hour * 60 + h.ends.minute) - (h.starts.hour * 60 + h.starts.minute)
        day += timedelta(days=1)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def utilisation(world: World, period: Period, filters: ReportFilters) -> dict[int, tuple[Decimal, Decimal, int]]:
    """Technician id → (booked hours, working hours, booked work orders)."""
    booked: dict[int, list[OrderRecord]] = defaultdict(list)
    for o in world.orders:
        if (
            o.technician_id is not None
            and o.status != "cancelled"
            and in_period(o.scheduled_start, period)
            and order_passes(world, o, filters)
        ):
            booked[o.technician_id].append(o)
    found = {}
    for t in world.technicians:
        if not ((t.is_technician and t.active) or t.id in booked):
            continue
        if filters.technician_id is not None and t.id != filters.technician_id:
            continue
        mine = booked.get(t.id, [])
        found[t.id] = (sum((o.estimated_hours for o in mine), Decimal("0")), working_hours(t, period), len(mine))
    return found


def on_site_seconds(order: OrderRecord, start: datetime, end: datetime, now: datetime) -> float:
    """Seconds ``order`` spent ongoing between ``start`` and ``end`` (each stretch from a move
    to ``ongoing`` to the next move, or to now)."""
    total = 0.0
    moves = order.history
    for n, move in enumerate(moves):
        if move.to_status != "ongoing":
            continue
        until = moves[n + 1].at if n + 1 < len(moves) else now
        if not move.at < until:
            continue
        low, high = max(move.at, start), min(until, end)
        if low < high:
            total += (high - low).total_seconds()
    return total


def time_on_site(
    world: World, period: Period, filters: ReportFilters, now: datetime
) -> dict[int | None, tuple[float, int]]:
    """Technician id (None: no technician) → (hours on site in the period, work orders)."""
    start = datetime.combine(period.start, time.min).astimezone()
    end = datetime.combine(period.end + timedelta(days=1), time.min).astimezone()
    found: dict[int | None, tuple[float, int]] = {}
    for o in world.orders:
        if not order_passes(world, o, filters):
            continue
        seconds = on_site_seconds(o, start, end, now)
        if seconds > 0:
            hours, count = found.get(o.technician_id, (0.0, 0))
            found[o.technician_id] = (hours + seconds / 3600, count + 1)
    return found


def maintenance(world: World, filters: ReportFilters, today: date) -> tuple[int, int]:
    """(overdue, due within 30 days) of the active units."""
    overdue = soon = 0
    for u in world.units:
        if not u.active or not unit_passes(world, u.id, filters):
            continue
        due = maintenance_dates(u.frequency, u.maintained_at, u.installed_at).next
        if due is None:
            continue
        if due < today:
            overdue += 1
        elif due <= today + timedelta(days=MAINTENANCE_DUE_SOON_DAYS):
            soon += 1
    return overdue, soon


def ids(records: Iterable[OrderRecord]) -> set[int]:
    return {r.id for r in records}


# ----------------------------------------------------------------- R3: money, units, stock


@dataclass(frozen=True)
class InvoiceRecord:
    id: int
    customer_id: int
    work_order_id: int
    status: str  # sent | paid | cancelled
    issued_on: date
    due_on: date
    net: Decimal
    total: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    id: int
    invoice_id: int
    paid_on: date
    amount: Decimal
    voided: bool


@dataclass
class Books:
    """Everything the R3 figures read: invoices and payments, and the work orders, customers
    and units they hang off."""

    world: World
    customer_names: Mapping[int, str]
    invoices: Sequence[InvoiceRecord] = ()
    payments: Sequence[PaymentRecord] = ()
    order_of: dict[int, OrderRecord] = field(init=False)

    def __post_init__(self) -> None:
        self.order_of = {o.id: o for o in self.world.orders}


def invoice_passes(books: Books, invoice: InvoiceRecord, filters: ReportFilters) -> bool:
    """The report's filters through the invoice: its customer's type, its work order's
    technician and type."""
    if (
        filters.customer_type is not None
        and books.world.customer_types.get(invoice.customer_id) != filters.customer_type
    ):
        return False
    order = books.order_of[invoice.work_order_id]
    if filters.technician_id is not None and order.technician_id != filters.technician_id:
        return False
    return filters.work_type is None or order.work_type == filters.work_type


def month_of(day: date) -> date:
    return day.replace(day=1)


def revenue_invoices(
    books: Books, period: Period, filters: ReportFilters, month: date | None = None
) -> list[InvoiceRecord]:
    """The invoices whose net counts as revenue in the period (or that month of it)."""
    return [
        i
        for i in books.invoices
        if i.status != "cancelled"
        and period.start <= i.issued_on <= period.end
        and (month is None or month_of(i.issued_on) == month)
        and invoice_passes(books, i, filters)
    ]


def collected_payments(
    books: Books, period: Period, filters: ReportFilters, month: date | None = None
) -> list[PaymentRecord]:
    invoice = {i.id: i for i in books.invoices}
    return [
        p
        for p in books.payments
        if not p.voided
        and period.start <= p.paid_on <= period.end
        and (month is None or month_of(p.paid_on) == month)
        and invoice_passes(books, invoice[p.invoice_id], filters)
    ]


def revenue(books: Books, period: Period, filters: ReportFilters) -> tuple[Decimal, Decimal, list[Bucket]]:
    """(invoiced net, collected, monthly bars invoiced/collected for every month)."""
    months: list[date] = []
    day = period.start
    while day <= period.end:
        if month_of(day) not in months:
            months.append(month_of(day))
        day += timedelta(days=1)
    bars = []
    for m in months:
        bars.append(
            Bucket(m, "invoiced", sum((i.net for i in revenue_invoices(books, period, filters, m)), Decimal("0.00")))
        )
        bars.append(
            Bucket(
                m, "collected", sum((p.amount for p in collected_payments(books, period, filters, m)), Decimal("0.00"))
            )
        )
    return (
        sum((i.net for i in revenue_invoices(books, period, filters)), Decimal("0.00")),
        sum((p.amount for p in collected_payments(books, period, filters)), Decimal("0.00")),
        bars,
    )


def open_balances(books: Books, day: date, filters: ReportFilters) -> dict[int, Decimal]:
    """Invoice id → balance at the end of ``day`` (issued by then, not cancelled, less the
    non-voided payments received by then), for the open ones."""
    found = {}
    for i in books.invoices:
        if i.status == "cancelled" or i.issued_on > day or not invoice_passes(books, i, filters):
            continue
        paid = sum(
            (p.amount for p in books.payments if p.invoice_id == i.id and not p.voided and p.paid_on <= day),
            Decimal("0.00"),
        )
        if i.total - paid > 0:
            found[i.id] = i.total - paid
    return found


def ageing_bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_over_90"


def receivables(books: Books, day: date, filters: ReportFilters) -> dict[str, tuple[Decimal, set[int]]]:
    """Ageing bucket → (open amount, the invoices) as of ``day``; every bucket present."""
    found: dict[str, tuple[Decimal, set[int]]] = {
        b: (Decimal("0.00"), set()) for b in ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
    }
    due = {i.id: i.due_on for i in books.invoices}
    for invoice_id, balance in open_balances(books, day, filters).items():
        bucket = ageing_bucket((day - due[invoice_id]).days)
        amount, members = found[bucket]
        found[bucket] = (amount + balance, members | {invoice_id})
    return found


def top_customers(
    books: Books, period: Period, filters: ReportFilters, rows: int = 10
) -> list[tuple[int, str, Decimal, int]]:
    """(customer, name, net revenue, invoices), most revenue first, then name, then id."""
    sums: dict[int, tuple[Decimal, int]] = {}
    for i in revenue_invoices(books, period, filters):
        amount, count = sums.get(i.customer_id, (Decimal("0.00"), 0))
        sums[i.customer_id] = (amount + i.net, count + 1)
    ranked = sorted(sums.items(), key=lambda kv: (-kv[1][0], books.customer_names[kv[0]], kv[0]))
    return [(cid, books.customer_names[cid], amount, count) for cid, (amount, count) in ranked[:rows]]


def repairs_completed(
    world: World, period: Period, filters: ReportFilters, unit_id: int | None = None
) -> list[OrderRecord]:
    """Repair work orders completed in the period (technician and customer type filters;
    the work type filter does not apply), of one unit or all."""
    scope = ReportFilters(filters.technician_id, filters.customer_type, None)
    return [
        o
        for o in completed(world, period, scope)
        if o.work_type == "repair" and (unit_id is None or o.unit_id == unit_id)
    ]


def units_most_repairs(world: World, period: Period, filters: ReportFilters, rows: int = 10) -> list[tuple[int, int]]:
    """(unit, repairs), most first, then unit id."""
    counts = Counter(o.unit_id for o in repairs_completed(world, period, filters))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:rows]


def stock_value(levels: Iterable[tuple[int, Decimal, Decimal | None]]) -> dict[int, Decimal]:
    """Location → Σ on hand × cost (parts with stock and a cost), to the cent per location,
    from (location, on hand, cost) rows."""
    found: dict[int, Decimal] = defaultdict(Decimal)
    for location, on_hand, cost in levels:
        found[location] += on_hand * cost if on_hand > 0 and cost is not None else Decimal(0)
    return {loc: value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") for loc, value in found.items()}
