"""The Reports page's money, unit and stock figures, and the lists behind them.

Plain functions ``(session, period, filters) -> result`` that ``ReportService.kpis`` calls
inside its one read transaction; each is **one SQL aggregate** (``GROUP BY`` in the
database), the same statement on SQLite and PostgreSQL (but for a no-op ``+`` that steers
SQLite's planner to a table scan where that is faster: ``_scanned``). Rules of the period and filters:
``domain/reports.py``.

What each figure counts:

* **Revenue invoiced** (``revenue``, series ``invoiced``): the **net** of the invoices issued
  in the period (``issued_on``), **tax excluded** (subtotal less discounts: what the shop
  earned; the tax is owed to the government), cancelled invoices left out. Per month of
  the issue date.
* **Collected** (series ``collected``): the payments received in the period (``paid_on``),
  voided ones left out, **as received** (tax included: it is cash). Per month of
  ``paid_on``. Invoiced and collected are read in one statement (``UNION ALL``).
* **Receivables** (``receivables``): open balances by ageing bucket as of the period's last
  day (today when the period runs into the future), exactly as the Receivables view
  computes them (``services/receivables.py``: issued by then, not cancelled, less the
  non-voided payments received by then; buckets ``domain.receivables.BUCKETS``), with the
  number of invoices in each bucket.
* **Top customers** (``top_customers``): the ten customers with the most revenue (net, as
  above) in the period; ties by name.
* **Units with the most repairs** (``units_most_repairs``): ``repair`` work orders
  **completed** in the period (approved: their ``completed_at``, the history's move to
  ``completed`` kept on the work order by migration 0017, falls in it,
  and they are ``completed`` or ``billed``, as ``domain/reports.py`` defines completed), per
  unit, the ten with the most.
* **Stock value** (``stock_value``): on hand × the part's cost per location, **today** (the
  stock levels and costs are current facts; the period does not apply), the very
  statement of the Inventory page's valuation (``stock_control.location_values``).

Dates: ``issued_on``, ``due_on`` and ``paid_on`` are local calendar dates (issuing stamps
the workstation's today), so the money figures compare dates with dates and need no time
zone; the repairs' approval moment is a UTC timestamp compared with the local midnights
that bound the period.

Filters (``ReportFilters``) where they have a meaning:

* revenue, collected, receivables, top customers: all three, through the invoice: the
  **customer type** of the invoice's customer, the **technician** and **work type** of the
  work order it bills;
* units with the most repairs: technician and customer type (of the work order's
  customer); the work type filter does not apply (it counts repairs);
* stock value: none.

Exact money: ``SUM`` over ``NUMERIC`` is exact on PostgreSQL but done in floating point on
SQLite, so every money sum here adds whole **cents** (``ROUND(amount * 100)``: integers,
exact in a double up to 2^53 cents) and is turned back into a ``Decimal`` to the cent in
Python (``_cents``): the same exact figure on both databases, however many rows.

Permissions: ``figures`` returns the money figures only to a user with ``invoices.view``
(``None`` otherwise) and the stock value only with ``invoices.view`` and
``inventory.costs``; units with the most repairs need only ``reports.view``.

Drill-down (``drill``): which list, filtered how, shows exactly the rows behind a tile or
a bar. The lists' filters the reports add (names fixed here; the SQL conditions are the
``*_drill_filters`` functions below, so the list and the figure use the same test):

``invoices`` (``InvoiceService``), existing ``status``, ``customer``, ``issued``, ``due`` and:

* ``customer_type``: ``AnyOf`` of ``CustomerType`` values — of the invoice's customer;
* ``technician``: ``Ref`` — the technician of the work order the invoice bills
  (``Ref(None)``: none);
* ``work_type``: ``AnyOf`` of ``WorkOrderType`` values — of the work order it bills;
* ``collected``: ``Between`` — has a payment, not voided, received (``paid_on``) on those days;
* ``open_on``: ``Between`` — had a balance at the end of the day ``end`` (``start`` is not
  used; give the same day): issued on or before it, not cancelled, and the non-voided
  payments received by then add up to less than its total. With ``due`` it gives an ageing
  bucket (31–60 days as of D: ``open_on`` D, ``due`` D-60..D-31).

``customers`` (``CustomerService``), existing ``type`` and:

* ``invoiced``: ``Between`` — has an invoice issued on those days that is not cancelled.

``units`` (``UnitService``), existing ``customer_type`` and:

* ``repaired``: ``Between`` — has a ``repair`` work order completed (approved) on those days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from tuffops_desktop.db.models import (
    Customer,
    DeviceModel,
    Invoice,
    Payment,
    Unit,
    WorkOrder,
)
from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.invoices import InvoiceStatus
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.receivables import BUCKETS
from tuffops_desktop.domain.receivables import Bucket as AgeingBucket
from tuffops_desktop.domain.reports import (
    TOP_ROWS,
    AgeingRow,
    Bar,
    CustomerRevenue,
    DrillDown,
    KpiKey,
    LocationValue,
    Period,
    Receivables,
    ReportFilters,
    Revenue,
    StockValue,
    TopCustomers,
    UnitRepairs,
    UnitsMostRepairs,
    month_days,
    month_start,
    month_starts,
)
from tuffops_desktop.domain.reports import Bucket as ChartBucket
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderType
from tuffops_desktop.services.listing import AnyOf, Between, FilterField, Ref
from tuffops_desktop.services.report_sql import approved

__all__ = [
    "MONEY_KEYS",
    "customer_drill_filters",
    "drill",
    "figures",
    "invoice_drill_filters",
    "receivables",
    "revenue",
    "stock_value",
    "top_customers",
    "unit_drill_filters",
    "units_most_repairs",
]

CANCELLED = InvoiceStatus.CANCELLED.value
NOT_CANCELLED = (InvoiceStatus.SENT.value, InvoiceStatus.PAID.value)
REPAIR = WorkOrderType.REPAIR.value
INVOICED, COLLECTED = "invoiced", "collected"
MONEY_KEYS = frozenset({KpiKey.REVENUE, KpiKey.RECEIVABLES, KpiKey.TOP_CUSTOMERS, KpiKey.STOCK_VALUE})
ZERO = Decimal("0.00")


# ----------------------------------------------------------------- SQL pieces
def cents(amount: Any) -> ColumnElement[Any]:
    """SQL: ``amount`` in whole cents, so sums are exact integers on SQLite too."""
    return func.round(amount * 100)


def _cents(value: Any) -> Decimal:
    """A sum of whole cents (int, float or Decimal; None for no rows) as money."""
    if value is None:
        return ZERO
    return (Decimal(int(round(value))) / 100).quantize(Decimal("0.01"))


def _scanned(session: Session) -> Callable[[Any], Any]:
    """How a column is compared in a figure that reads a good part of a table: as it is on
    PostgreSQL (its planner weighs an index range against a sequential scan), and behind
    SQLite's no-op unary ``+`` there, which keeps SQLite's planner from walking an index on
    it. For a period's worth of invoices, SQLite otherwise fetches the rows one by one
    through the status or date index, five to ten times slower than reading the table
    (``benchmarks/bench_reports.py``). The value compared is the same either way."""
    if session.get_bind().dialect.name != "sqlite":
        return lambda column: column
    return lambda column: UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _local_range(period: Period) -> tuple[datetime, datetime]:
    """The period as moments: from the local midnight starting its first day up to (not
    including) the local midnight after its last day."""
    return (
        datetime.combine(period.start, time.min).astimezone(),
        datetime.combine(period.end + timedelta(days=1), time.min).astimezone(),
    )


def _month_index(column: Any, period: Period) -> Any:
    """SQL: which month of the period (0 = its first) the date ``column`` falls in; only
    for dates inside the period. Dates compared with dates: the same on both databases."""
    starts = month_starts(period)[1:]
    if not starts:
        return literal(0)
    return case(*[(column < s, literal(n)) for n, s in enumerate(starts)], else_=literal(len(starts)))


def _invoice_filters(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """The report's filters on invoices: the customer's type, the billed work order's
    technician and type (no join, so sums never double). ``IN (SELECT …)``, not a correlated
    ``EXISTS``: the matching ids are read once (SQLite builds a lookup table, PostgreSQL a
    hash) instead of one work-order lookup per invoice (one technician: 356 → 36 ms over 12
    months on SQLite)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.customer_type is not None:
        conditions.append(
            Invoice.customer_id.in_(select(Customer.id).where(Customer.customer_type == filters.customer_type))
        )
    order: list[ColumnElement[bool]] = []
    if filters.technician_id is not None:
        order.append(WorkOrder.technician_id == filters.technician_id)
    if filters.work_type is not None:
        order.append(WorkOrder.work_type == filters.work_type)
    if order:
        conditions.append(Invoice.work_order_id.in_(select(WorkOrder.id).where(*order)))
    return conditions


def _approved_between(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    """The work order is completed or billed and its approval (``completed_at``, the move to
    ``completed``) falls in ``start``..``end`` (end excluded; None: open)."""
    moments: list[ColumnElement[bool]] = []
    if start is not None:
        moments.append(WorkOrder.completed_at >= start)
    if end is not None:
        moments.append(WorkOrder.completed_at < end)
    return approved(WorkOrder, *moments)


def _open_on(day: date) -> ColumnElement[bool]:
    """The invoice had a balance at the end of ``day`` (the Receivables view's rule): issued
    by then, not cancelled, and not paid in full by then. As ``receivables`` reads it:
    either it is not paid in full even now, or a payment (not voided) came after ``day``."""
    later = exists().where(Payment.invoice_id == Invoice.id, Payment.voided.is_(False), Payment.paid_on > day)
    return and_(
        Invoice.status != CANCELLED,
        Invoice.issued_on <= day,
        or_(Invoice.total > Invoice.paid, later.correlate(Invoice)),
    )


def _bucket_index(day: date) -> Any:
    """SQL: the ageing bucket (index into ``BUCKETS``) of an invoice as of ``day``, from its
    due date compared with bound dates worked out here (as ``services/receivables.py``)."""
    whens = []
    for n, (_bucket, _low, high) in enumerate(BUCKETS[:-1]):
        # at most ``high`` days past due: due on or after day - high
        whens.append((Invoice.due_on >= day - timedelta(days=high or 0), literal(n)))
    return case(*whens, else_=literal(len(BUCKETS) - 1))


def _due_range(day: date, low: int | None, high: int | None) -> Between:
    """The due dates of the invoices ``low``..``high`` days past due as of ``day``."""
    return Between(
        start=day - timedelta(days=high) if high is not None else None,
        end=day - timedelta(days=low) if low is not None else None,
    )


def _as_of(period: Period, today: date | None) -> date:
    return min(period.end, today) if today is not None else period.end


# ----------------------------------------------------------------- the figures
def revenue(session: Session, period: Period, filters: ReportFilters) -> Revenue:
    """Invoiced (net, tax excluded; cancelled left out) and collected (payments received,
    voided left out) in the period, per month. One statement: both sides ``UNION ALL``,
    summed per series and month."""
    conditions = _invoice_filters(filters)
    scan = _scanned(session)
    invoiced = select(
        literal(INVOICED).label("series"),
        _month_index(Invoice.issued_on, period).label("month"),
        cents(Invoice.net).label("amount"),
    ).where(
        scan(Invoice.status).in_(NOT_CANCELLED),
        scan(Invoice.issued_on) >= period.start,
        scan(Invoice.issued_on) <= period.end,
        *conditions,
    )
    collected = select(
        literal(COLLECTED).label("series"),
        _month_index(Payment.paid_on, period).label("month"),
        cents(Payment.amount).label("amount"),
    ).where(Payment.voided.is_(False), scan(Payment.paid_on) >= period.start, scan(Payment.paid_on) <= period.end)
    if conditions:  # the filters are the invoice's: join it only then
        collected = collected.join(Invoice, Invoice.id == Payment.invoice_id).where(*conditions)
    both = union_all(invoiced, collected).subquery()
    stmt = select(both.c.series, both.c.month, func.sum(both.c.amount)).group_by(both.c.series, both.c.month)
    found = {(series, int(month)): _cents(total) for series, month, total in session.execute(stmt)}
    months = month_starts(period)
    monthly = tuple(
        ChartBucket(start, series, found.get((series, n), ZERO))
        for n, start in enumerate(months)
        for series in (INVOICED, COLLECTED)
    )
    return Revenue(
        invoiced=sum((v for (s, _m), v in found.items() if s == INVOICED), ZERO),
        collected=sum((v for (s, _m), v in found.items() if s == COLLECTED), ZERO),
        monthly=monthly,
    )


def receivables(session: Session, period: Period, filters: ReportFilters, today: date | None = None) -> Receivables:
    """Open balances by ageing bucket as of the period's last day (``today`` when the
    period ends later), with how many invoices are in each bucket. One statement.

    The Receivables view's rule (``services/receivables.py``: the total less the non-voided
    payments received by that day), read from what the invoice stores: ``invoices.paid``
    is the sum of all its non-voided payments (written with each payment and void, and no
    payment is ever dated after the day it is recorded), so the balance on ``day`` is
    ``total - paid`` plus the payments received after ``day``: only invoices not paid in full,
    or paid after ``day``, can have had one (as of today: those not paid in full)."""
    day = _as_of(period, today)
    scan = _scanned(session)
    after = (
        select(Payment.invoice_id, func.sum(cents(Payment.amount)).label("cents"))
        .where(Payment.voided.is_(False), Payment.paid_on > day)
        .group_by(Payment.invoice_id)
        .subquery()
    )
    balance = cents(Invoice.total) - cents(Invoice.paid) + func.coalesce(after.c.cents, 0)
    inner = (
        select(_bucket_index(day).label("bucket"), balance.label("balance"))
        .select_from(Invoice)
        .outerjoin(after, after.c.invoice_id == Invoice.id)
        .where(
            scan(Invoice.status) != CANCELLED,
            scan(Invoice.issued_on) <= day,
            or_(Invoice.total > Invoice.paid, after.c.invoice_id.is_not(None)),
            *_invoice_filters(filters),
        )
        .subquery()
    )
    stmt = (
        select(inner.c.bucket, func.sum(inner.c.balance), func.count())
        .where(inner.c.balance > 0)
        .group_by(inner.c.bucket)
    )
    found = {int(n): (_cents(amount), int(count)) for n, amount, count in session.execute(stmt)}
    rows = tuple(AgeingRow(b.value, *found.get(n, (ZERO, 0))) for n, (b, _low, _high) in enumerate(BUCKETS))
    return Receivables(as_of=day, rows=rows, total=sum((r.amount for r in rows), ZERO))


def top_customers(session: Session, period: Period, filters: ReportFilters) -> TopCustomers:
    """The ``TOP_ROWS`` customers with the most revenue (net, tax excluded) invoiced in the
    period, and how many invoices; ties by name, then id. The invoices are summed per
    customer first, then the few sums are named."""
    scan = _scanned(session)
    customer = scan(Invoice.customer_id)
    sums = (
        select(
            customer.label("customer_id"),
            func.sum(cents(Invoice.net)).label("cents"),
            func.count().label("invoices"),
        )
        .where(
            scan(Invoice.status).in_(NOT_CANCELLED),
            scan(Invoice.issued_on) >= period.start,
            scan(Invoice.issued_on) <= period.end,
            *_invoice_filters(filters),
        )
        .group_by(customer)
        .subquery()
    )
    stmt = (
        select(Customer.id, Customer.display_name, sums.c.cents, sums.c.invoices)
        .join(Customer, Customer.id == sums.c.customer_id)
        .order_by(sums.c.cents.desc(), Customer.display_name, Customer.id)
        .limit(TOP_ROWS)
    )
    return TopCustomers(
        tuple(
            CustomerRevenue(cid, name, _cents(amount), int(count)) for cid, name, amount, count in session.execute(stmt)
        )
    )


def units_most_repairs(session: Session, period: Period, filters: ReportFilters) -> UnitsMostRepairs:
    """The ``TOP_ROWS`` units with the most ``repair`` work orders completed (approved) in
    the period; ties by unit id. Technician and customer type filter the work orders."""
    start, end = _local_range(period)
    repairs = func.count().label("repairs")
    top = (  # counted per unit on the completions' index (0017), the ten first; then named
        select(WorkOrder.unit_id.label("unit_id"), repairs)
        .where(
            approved(WorkOrder, WorkOrder.completed_at >= start, WorkOrder.completed_at < end),
            WorkOrder.work_type == REPAIR,
            *_work_order_filters(filters),
        )
        .group_by(WorkOrder.unit_id)
        .order_by(repairs.desc(), WorkOrder.unit_id)
        .limit(TOP_ROWS)
        .subquery()
    )
    stmt = (
        select(Unit.id, Unit.location, Unit.serial_number, DeviceModel.name, Customer.display_name, top.c.repairs)
        .select_from(top)
        .join(Unit, Unit.id == top.c.unit_id)
        .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
        .outerjoin(Customer, Customer.id == Unit.customer_id)
        .order_by(top.c.repairs.desc(), Unit.id)
    )
    return UnitsMostRepairs(
        tuple(
            UnitRepairs(uid, friendly_label(location, serial, model), customer or "", int(count))
            for uid, location, serial, model, customer, count in session.execute(stmt)
        )
    )


def _work_order_filters(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Technician and customer type on work orders (the work type does not apply here)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.technician_id is not None:
        conditions.append(WorkOrder.technician_id == filters.technician_id)
    if filters.customer_type is not None:
        conditions.append(
            exists()
            .where(Customer.id == WorkOrder.customer_id, Customer.customer_type == filters.customer_type)
            .correlate(WorkOrder)
        )
    return conditions


def stock_value(session: Session, period: Period | None = None, filters: ReportFilters | None = None) -> StockValue:
    """Stock at cost per location, today (the Inventory page's valuation statement; the
    period and filters do not apply)."""
    # imported here: the list services import this module for their drill-down filters,
    # and stock_control imports them (through csv_io)
    from tuffops_desktop.services.stock_control import location_values

    rows = tuple(LocationValue(x.location_id or 0, x.name, x.value) for x in location_values(session))
    return StockValue(rows=rows, total=sum((r.value for r in rows), ZERO))


@dataclass(frozen=True)
class Figures:
    """This module's part of ``KpiReport`` (field names as there), permissions applied."""

    units_most_repairs: UnitsMostRepairs
    revenue: Revenue | None
    receivables: Receivables | None
    top_customers: TopCustomers | None
    stock_value: StockValue | None

    def as_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def may_see(permissions: frozenset[str]) -> tuple[bool, bool]:
    """(money figures, stock value): money only with ``invoices.view``, the stock value at
    cost also only with ``inventory.costs``."""
    money = P.INVOICES_VIEW.value in permissions
    return money, money and P.INVENTORY_COSTS.value in permissions


def revenue_if_allowed(
    session: Session, period: Period, filters: ReportFilters, permissions: frozenset[str]
) -> Revenue | None:
    """The revenue figure, or ``None`` without ``invoices.view``."""
    return revenue(session, period, filters) if may_see(permissions)[0] else None


def figures_but_revenue(
    session: Session, period: Period, filters: ReportFilters, *, permissions: frozenset[str], today: date
) -> dict[str, Any]:
    """This module's other figures as ``KpiReport`` fields, ``None`` where not allowed
    (``may_see``). ``ReportService.kpis`` reads the revenue beside other figures."""
    money, costs = may_see(permissions)
    return {
        "units_most_repairs": units_most_repairs(session, period, filters),
        "receivables": receivables(session, period, filters, today) if money else None,
        "top_customers": top_customers(session, period, filters) if money else None,
        "stock_value": stock_value(session) if costs else None,
    }


def figures(
    session: Session, period: Period, filters: ReportFilters, *, permissions: frozenset[str], today: date
) -> Figures:
    """Every figure of this module for ``period``, permissions applied (``None`` where not
    allowed: ``may_see``), in the caller's transaction."""
    return Figures(
        revenue=revenue_if_allowed(session, period, filters, permissions),
        **figures_but_revenue(session, period, filters, permissions=permissions, today=today),
    )


# ----------------------------------------------------------------- drill-down
def _invoice_scope(filters: ReportFilters) -> dict[str, object]:
    scope: dict[str, object] = {}
    if filters.customer_type is not None:
        scope["customer_type"] = AnyOf(frozenset({filters.customer_type}))
    if filters.technician_id is not None:
        scope["technician"] = Ref(filters.technician_id)
    if filters.work_type is not None:
        scope["work_type"] = AnyOf(frozenset({filters.work_type}))
    return scope


def drill(
    key: KpiKey | str, period: Period, filters: ReportFilters, bar: Bar | None = None, today: date | None = None
) -> DrillDown:
    """The list behind tile ``key`` of this module (or its ``bar``): see the module.

    * revenue: the invoices issued in the period (not cancelled); a bar: the invoices issued
      that month (series ``invoiced``) or paid that month (series ``collected``);
    * receivables: the invoices open at the end of the as-of day; a bar (``series`` = an
      ageing bucket): those of that bucket;
    * top customers: the customers invoiced in the period (the invoices themselves when a
      technician or work type is chosen: a customer list cannot say whose work was billed);
      a row (``id`` = the customer): that customer's invoices of the period;
    * units with the most repairs: the units repaired in the period (the work orders of those
      repairs when a technician is chosen: a unit list cannot say who repaired it); a row
      (``id`` = the unit): that unit's repairs of the period;
    * stock value has no list (the Inventory page's valuation shows it).
    """
    bar = bar or Bar()
    key = KpiKey(key)
    scope = _invoice_scope(filters)
    whole = Between(period.start, period.end)
    not_cancelled = AnyOf(frozenset(NOT_CANCELLED))
    if key is KpiKey.REVENUE:
        days = month_days(period, month_start(bar.start)) if bar.start is not None else period
        span = Between(days.start, days.end)
        if bar.series == COLLECTED:
            return DrillDown("invoices", f"Payments received {_span_text(days)}", {**scope, "collected": span})
        return DrillDown("invoices", f"Invoiced {_span_text(days)}", {**scope, "issued": span, "status": not_cancelled})
    if key is KpiKey.RECEIVABLES:
        day = _as_of(period, today)
        found: dict[str, object] = {**scope, "open_on": Between(day, day)}
        title = f"Open invoices on {day.isoformat()}"
        if bar.series is not None:
            match = [(b, low, high) for b, low, high in BUCKETS if b.value == bar.series]
            if not match:
                raise ValidationError({"bucket": f"No ageing bucket {bar.series!r}."})
            bucket, low, high = match[0]
            found["due"] = _due_range(day, low, high)
            title = f"Open invoices {AgeingBucket(bucket).label} on {day.isoformat()}"
        return DrillDown("invoices", title, found)
    if key is KpiKey.TOP_CUSTOMERS:
        if bar.id is not None:
            return DrillDown(
                "invoices",
                f"Invoices of the customer {_span_text(period)}",
                {**scope, "customer": Ref(bar.id), "issued": whole, "status": not_cancelled},
            )
        if filters.technician_id is not None or filters.work_type is not None:
            # a customer list cannot say whose work an invoice billed: the invoices themselves
            return DrillDown(
                "invoices", f"Invoiced {_span_text(period)}", {**scope, "issued": whole, "status": not_cancelled}
            )
        customers: dict[str, object] = {"invoiced": whole}
        if filters.customer_type is not None:
            customers["type"] = AnyOf(frozenset({filters.customer_type}))
        return DrillDown("customers", f"Customers invoiced {_span_text(period)}", customers)
    if key is KpiKey.UNITS_MOST_REPAIRS:
        orders: dict[str, object] = {"type": AnyOf(frozenset({REPAIR})), "completed": whole}
        if filters.technician_id is not None:
            orders["technician"] = Ref(filters.technician_id)
        if filters.customer_type is not None:
            orders["customer_type"] = AnyOf(frozenset({filters.customer_type}))
        if bar.id is not None:
            return DrillDown(
                "work_orders", f"Repairs of the unit {_span_text(period)}", {**orders, "unit": Ref(bar.id)}
            )
        if filters.technician_id is not None:
            return DrillDown("work_orders", f"Repairs completed {_span_text(period)}", orders)
        units: dict[str, object] = {"repaired": whole}
        if filters.customer_type is not None:
            units["customer_type"] = AnyOf(frozenset({filters.customer_type}))
        return DrillDown("units", f"Units repaired {_span_text(period)}", units)
    if key is KpiKey.STOCK_VALUE:
        raise ValidationError({"kpi": "The stock value has no list to open: see Inventory › Valuation."})
    raise ValidationError({"kpi": f"{key.value} is not a money, unit or stock figure."})


def _span_text(period: Period) -> str:
    if period.start == period.end:
        return f"on {period.start.isoformat()}"
    return f"{period.start.isoformat()} – {period.end.isoformat()}"


# ----------------------------------------------------------------- the lists' filters
def _between_dates(column: Any, value: Between) -> ColumnElement[bool]:
    parts = []
    if value.start is not None:
        parts.append(column >= value.start)
    if value.end is not None:
        parts.append(column <= value.end)
    return and_(true(), *parts)


def _known(value: AnyOf, known: set[str], what: str) -> list[str]:
    unknown = value.values - known
    if unknown:
        raise ValidationError({what: f"Unknown {what.replace('_', ' ')}: {', '.join(sorted(unknown))}."})
    return sorted(value.values)


def invoice_drill_filters() -> dict[str, FilterField]:
    """The invoice list's filters for the drill-down (``customer_type``, ``technician``,
    ``work_type``, ``collected``, ``open_on``; meaning in the module docstring), each one
    condition on ``invoices``, the same tests the figures use."""
    types = {t.value for t in CustomerType}
    work_types = {t.value for t in WorkOrderType}

    def customer_type(value: AnyOf) -> ColumnElement[bool]:
        chosen = _known(value, types, "customer_type")
        return exists().where(Customer.id == Invoice.customer_id, Customer.customer_type.in_(chosen)).correlate(Invoice)

    def technician(value: Ref) -> ColumnElement[bool]:
        who = WorkOrder.technician_id.is_(None) if value.id is None else WorkOrder.technician_id == value.id
        return exists().where(WorkOrder.id == Invoice.work_order_id, who).correlate(Invoice)

    def work_type(value: AnyOf) -> ColumnElement[bool]:
        chosen = _known(value, work_types, "work_type")
        return exists().where(WorkOrder.id == Invoice.work_order_id, WorkOrder.work_type.in_(chosen)).correlate(Invoice)

    def collected(value: Between) -> ColumnElement[bool]:
        return exists().where(
            Payment.invoice_id == Invoice.id, Payment.voided.is_(False), _between_dates(Payment.paid_on, value)
        )

    def open_on(value: Between) -> ColumnElement[bool]:
        day = value.end or value.start
        if day is None:
            raise ValidationError({"open_on": "Give the day the invoices were open on."})
        return _open_on(day)

    return {
        "customer_type": FilterField(AnyOf, customer_type),
        "technician": FilterField(Ref, technician),
        "work_type": FilterField(AnyOf, work_type),
        "collected": FilterField(Between, collected),
        "open_on": FilterField(Between, open_on),
    }


def customer_drill_filters() -> dict[str, FilterField]:
    """The customer list's ``invoiced`` filter: an invoice issued on those days, not cancelled."""

    def invoiced(value: Between) -> ColumnElement[bool]:
        return exists().where(
            Invoice.customer_id == Customer.id,
            Invoice.status.in_(NOT_CANCELLED),
            _between_dates(Invoice.issued_on, value),
        )

    return {"invoiced": FilterField(Between, invoiced)}


def unit_drill_filters() -> dict[str, FilterField]:
    """The unit list's ``repaired`` filter: a ``repair`` work order on the unit completed
    (approved) on those local days."""

    def repaired(value: Between) -> ColumnElement[bool]:
        start = datetime.combine(value.start, time.min).astimezone() if value.start is not None else None
        end = datetime.combine(value.end + timedelta(days=1), time.min).astimezone() if value.end is not None else None
        return exists().where(
            WorkOrder.unit_id == Unit.id, WorkOrder.work_type == REPAIR, _approved_between(start, end)
        )

    return {"repaired": FilterField(Between, repaired)}
