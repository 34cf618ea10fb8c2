"""Reports: how the shop is doing over a chosen stretch of days, and the rows behind each figure.

A report covers a ``Period``: whole local days, first and last included, in the office's
time zone (the workstation's, as everywhere in the app: ``ServiceContext.today`` and the
list filters' ``Between`` on timestamps). An event belongs to the period when its moment
falls between the local midnight that starts the first day and the one that ends the
last. Charts bucket events by local week (starting Monday) or local month; the first and
last bars cover only the period's part of them.

``ReportFilters`` narrow the figures where a filter has a meaning (see its docstring).
``KpiReport`` holds every figure of the page, computed in one read transaction; the money
figures are ``None`` for a user without ``invoices.view`` (stock value also needs
``inventory.costs``).

Every figure is an aggregate the database computes (``services/reports.py``,
``services/report_money.py``), and every tile or bar can be opened as a list of exactly
the rows it counts: a ``DrillDown`` names the list and the filters that list understands
(their names and meaning are fixed in ``DrillDown``'s docstring).

Decisions the issue left open:

* **Completed** means approved: the work order's history has its move to ``completed``
  (the approval) in the period and it is now ``completed`` or ``billed``. The lifecycle
  lets nothing leave ``completed`` except billing (``domain.work_orders.TRANSITIONS``), so a
  work order cancelled after completion cannot happen; one found cancelled anyway (data
  written around the services) is not counted as completed anywhere.
* **Time to triage** is measured for the requests *received* in the period that have been
  triaged (converted or closed; ``closed_at``); those still open are counted apart.
* **First-time fix**: a work order completed in the period was fixed the first time unless a
  *repair* work order (not cancelled) was created on the same unit after the completion and
  less than 30 days (720 hours) after it: that one is a call-back. The 30 days may run past
  the period's end (the call-backs known today are counted).
* **Utilisation**: booked hours are the estimated hours of the work orders booked to a
  technician (technician and start set, not cancelled) whose start falls in the period;
  working hours are each technician's week (``domain.scheduling``; the standard week when
  never set) over the period's days. A booking counts in full on the day it starts.
* **Time on site** is the time work orders spent ``ongoing`` (``domain.work_orders.time_on_site``:
  from each start or resume to the next change, or to now), the part inside the period.
* **Maintenance** is as of today, whatever the period: units overdue (next due date before
  today) and due within the next 30 days (today included).
* A **technician** granted ``reports.view`` (one who neither supervises nor dispatches) sees
  the figures of their own work only, as the work-order lists show them only their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.work_orders import WorkOrderType

MAX_PERIOD_DAYS = 3660  # ten years: the longest report the page offers
CALLBACK_WINDOW = timedelta(days=30)  # a repair on the same unit this soon after a completion is a call-back
MAINTENANCE_DUE_SOON_DAYS = 30
CALLBACKS_LISTED = 200  # the call-back list shows the latest ones; its total is given apart
TOP_ROWS = 10  # top customers by revenue, units with the most repairs


# ----------------------------------------------------------------- the question
@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError({"period": "The period must end on or after the day it starts."})
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationError({"period": f"A report covers at most {MAX_PERIOD_DAYS} days."})

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def clip(self, start: date, end: date) -> Period:
        """The part of ``start``..``end`` inside this period (a bar's own days)."""
        return Period(max(start, self.start), min(end, self.end))


@dataclass(frozen=True)
class ReportFilters:
    """Narrow the report to one technician, one customer type, one work type (``None``: all).

    Where each applies:

    * work orders completed, SLA compliance, first-time fix, utilisation (booked hours) and
      time on site: all three (technician = the work order's technician; customer type =
      the type of the work order's customer; work type = the work order's type). Working
      hours follow the technician filter only;
    * requests received and time to triage: customer type only (of the unit's customer;
      a request has neither technician nor work type);
    * maintenance overdue / due: customer type only (of the unit's customer);
    * money, units and stock figures: see ``services/report_money.py``.
    """

    technician_id: int | None = None
    customer_type: str | None = None
    work_type: str | None = None

    def __post_init__(self) -> None:
        errors = {}
        if self.customer_type is not None and self.customer_type not in {t.value for t in CustomerType}:
            errors["customer_type"] = "Choose residential, commercial or government."
        if self.work_type is not None and self.work_type not in {t.value for t in WorkOrderType}:
            errors["work_type"] = "Choose installation, repair, maintenance, service or other."
        if errors:
            raise ValidationError(errors)


class KpiKey(StrEnum):
    """Every tile of the page; ``ReportService.drill`` takes one of these."""

    REQUESTS_RECEIVED = "requests_received"
    TIME_TO_TRIAGE = "time_to_triage"
    WORK_ORDERS_COMPLETED = "work_orders_completed"
    SLA_COMPLIANCE = "sla_compliance"
    FIRST_TIME_FIX = "first_time_fix"
    UTILISATION = "utilisation"
    TIME_ON_SITE = "time_on_site"
    MAINTENANCE_OVERDUE = "maintenance_overdue"
    MAINTENANCE_DUE_SOON = "maintenance_due_soon"
    REVENUE = "revenue"
    RECEIVABLES = "receivables"
    TOP_CUSTOMERS = "top_customers"
    UNITS_MOST_REPAIRS = "units_most_repairs"
    STOCK_VALUE = "stock_value"


# ----------------------------------------------------------------- charts
@dataclass(frozen=True)
class Bucket:
    """One bar of a chart: series ``series`` over the week (its Monday) or month (its first
    day) starting ``start``; only the period's days of it count."""

    start: date
    series: str
    value: int | Decimal


@dataclass(frozen=True)
class Bar:
    """Which bar (or table row) of a tile to open with ``ReportService.drill``.

    ``start``: the bucket's week or month start; ``series``: the series (a source, a work
    type, ``met``/``missed``, ``first_time``/``called_back``, ``invoiced``/``collected``, an
    ageing bucket); ``id``: the technician, customer, unit or location of a table row.
    """

    start: date | None = None
    series: str | None = None
    id: int | None = None


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_starts(period: Period) -> list[date]:
    """The Mondays of every week the period touches, in order."""
    first = week_start(period.start)
    return [first + timedelta(weeks=n) for n in range((period.end - first).days // 7 + 1)]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_starts(period: Period) -> list[date]:
    """The first days of every month the period touches, in order."""
    found = []
    day = month_start(period.start)
    while day <= period.end:
        found.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def week_days(period: Period, start: date) -> Period:
    """The period's days of the week starting ``start``."""
    return period.clip(start, start + timedelta(days=6))


def month_days(period: Period, start: date) -> Period:
    """The period's days of the month starting ``start``."""
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return period.clip(start, following - timedelta(days=1))


def ratio(part: int | Decimal | float, whole: int | Decimal | float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


# ----------------------------------------------------------------- R1: requests and work
@dataclass(frozen=True)
class RequestsReceived:
    """Requests received in the period: how many, by source (``qr`` / ``office``), per week."""

    total: int
    by_source: Mapping[str, int]
    weekly: tuple[Bucket, ...]  # series: the source; every week × source present


@dataclass(frozen=True)
class TimeToTriage:
    """From receipt to conversion or closing, for the period's requests triaged so far."""

    triaged: int
    untriaged: int  # received in the period, still open or ongoing
    median_hours: float | None
    p90_hours: float | None  # percentiles interpolate linearly (PostgreSQL percentile_cont)


@dataclass(frozen=True)
class WorkOrdersCompleted:
    """Work orders approved (completed) in the period, by work type, per week."""

    total: int
    by_type: Mapping[str, int]
    weekly: tuple[Bucket, ...]  # series: the work type; every week × type present


@dataclass(frozen=True)
class SlaCompliance:
    """Of the work orders completed in the period with a due time, how many were completed
    by it (``met``: the approval at or before ``due_at``)."""

    completed: int  # all completed in the period, with or without a due time
    with_due: int
    met: int
    missed: int

    @property
    def percent(self) -> float | None:
        share = ratio(self.met, self.with_due)
        return None if share is None else 100 * share


@dataclass(frozen=True)
class CallBack:
    """A repair that followed a completed work order on the same unit within 30 days."""

    work_order_id: int  # the completed one
    completed_at: datetime
    unit_id: int
    unit_label: str
    technician_name: str
    callback_id: int  # the repair
    callback_created_at: datetime


@dataclass(frozen=True)
class FirstTimeFix:
    """Work orders completed in the period and how many of them needed no call-back."""

    completed: int
    called_back: int  # completed ones followed by at least one call-back
    callbacks_total: int  # (completed, call-back) pairs; ``callbacks`` lists the latest ones
    callbacks: tuple[CallBack, ...]

    @property
    def first_time(self) -> int:
        return self.completed - self.called_back

    @property
    def rate(self) -> float | None:
        """Share fixed the first time (0..1), None with nothing completed."""
        return ratio(self.first_time, self.completed)


@dataclass(frozen=True)
class TechnicianLoad:
    """One technician's booked and working hours over the period."""

    technician_id: int
    name: str
    booked_hours: Decimal
    working_hours: Decimal
    booked_work_orders: int

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked_hours, self.working_hours)


@dataclass(frozen=True)
class Utilisation:
    """Booked hours / working hours, per technician and in all (rows: technicians who are
    active or had bookings in the period, by name)."""

    rows: tuple[TechnicianLoad, ...]
    booked_hours: Decimal
    working_hours: Decimal
    booked_work_orders: int

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked_hours, self.working_hours)


@dataclass(frozen=True)
class TechnicianOnSite:
    technician_id: int
    name: str
    hours: float
    work_orders: int


@dataclass(frozen=True)
class TimeOnSite:
    """Hours work orders spent ``ongoing`` inside the period, per technician and in all."""

    hours: float
    work_orders: int  # work orders with some time on site in the period
    rows: tuple[TechnicianOnSite, ...]


@dataclass(frozen=True)
class MaintenanceDue:
    """Active units due for preventive maintenance, as of ``as_of`` (today)."""

    as_of: date
    overdue: int
    due_soon: int  # due from today to today + ``MAINTENANCE_DUE_SOON_DAYS``


# ----------------------------------------------------------------- R3: money, units, stock
@dataclass(frozen=True)
class Revenue:
    """Invoiced and collected per month (series ``invoiced`` / ``collected``)."""

    invoiced: Decimal
    collected: Decimal
    monthly: tuple[Bucket, ...]


@dataclass(frozen=True)
class AgeingRow:
    bucket: str  # domain.receivables.Bucket value
    amount: Decimal
    invoices: int


@dataclass(frozen=True)
class Receivables:
    """Open balances by ageing bucket as of ``as_of``."""

    as_of: date
    rows: tuple[AgeingRow, ...]
    total: Decimal


@dataclass(frozen=True)
class CustomerRevenue:
    customer_id: int
    name: str
    revenue: Decimal
    invoices: int


@dataclass(frozen=True)
class TopCustomers:
    rows: tuple[CustomerRevenue, ...]


@dataclass(frozen=True)
class UnitRepairs:
    unit_id: int
    label: str
    customer_name: str
    repairs: int


@dataclass(frozen=True)
class UnitsMostRepairs:
    rows: tuple[UnitRepairs, ...]


@dataclass(frozen=True)
class LocationValue:
    location_id: int
    name: str
    value: Decimal


@dataclass(frozen=True)
class StockValue:
    rows: tuple[LocationValue, ...]
    total: Decimal


# ----------------------------------------------------------------- the page
@dataclass(frozen=True)
class KpiReport:
    """Every figure of the Reports page for one period and set of filters, read together."""

    period: Period
    filters: ReportFilters
    computed_at: datetime
    requests_received: RequestsReceived
    time_to_triage: TimeToTriage
    work_orders_completed: WorkOrdersCompleted
    sla_compliance: SlaCompliance
    first_time_fix: FirstTimeFix
    utilisation: Utilisation
    time_on_site: TimeOnSite
    maintenance: MaintenanceDue
    units_most_repairs: UnitsMostRepairs | None = None
    revenue: Revenue | None = None  # None without invoices.view
    receivables: Receivables | None = None  # None without invoices.view
    top_customers: TopCustomers | None = None  # None without invoices.view
    stock_value: StockValue | None = None  # None without invoices.view and inventory.costs


DrillKind = Literal["work_orders", "invoices", "requests", "units", "customers"]


@dataclass(frozen=True)
class DrillDown:
    """The list behind a tile or a bar, filtered to exactly the rows it counts.

    ``kind`` names the list; ``filters`` are ``services.listing`` filter values keyed by the
    names that list's service understands, so the page opens it with
    ``ListQuery(filters=drill.filters)``. Local days as in ``Period``. Besides the filters the
    lists already had, the reports use these (R2 adds them to the listing services):

    ``work_orders`` (``WorkOrderService``), existing ``type``, ``technician``, ``status`` and:

    * ``completed``: ``Between`` — completed on those days: status ``completed`` or ``billed``
      and the history's move to ``completed`` (the approval) falls on those days;
    * ``customer_type``: ``AnyOf`` of ``CustomerType`` values — of the work order's customer
      (``work_orders.customer_id``; a work order without a customer never matches);
    * ``sla``: ``AnyOf`` of ``met`` / ``missed`` — completed (``completed``/``billed`` with its
      move to ``completed``) and has a due time; ``met``: that move at or before ``due_at``,
      ``missed``: after it;
    * ``called_back``: ``Flag`` — completed (as above) and a call-back followed: a ``repair``
      work order, not ``cancelled``, on the same unit, created after the move to
      ``completed`` and less than 720 hours after it (``Flag(False)``: completed and none
      followed);
    * ``booked``: ``Between`` — booked to a technician on those days: technician set,
      ``scheduled_start`` on those days, status not ``cancelled``;
    * ``on_site``: ``Between`` — some time ``ongoing`` on those days: a history row moving to
      ``ongoing`` at ``a`` and the next history row of the work order (by id) at ``b`` (none:
      now) with ``a`` before the end of the last day, ``b`` after the start of the first and
      ``a < b``.

    ``requests`` (``RequestService``), existing ``received``, ``source``, ``status`` and:

    * ``customer_type``: ``AnyOf`` — of the unit's customer (a unit without one never matches).

    ``units`` (``UnitService``, active units) and:

    * ``maintenance``: ``AnyOf`` of ``overdue`` / ``due_soon`` — the next maintenance date
      (``domain.units.maintenance_dates``) before today / from today to today + 30 days;
    * ``customer_type``: ``AnyOf`` — of the unit's customer.

    ``invoices`` and ``customers``: the money figures' filters (``services/report_money.py``).
    """

    kind: DrillKind
    title: str
    filters: Mapping[str, object] = field(default_factory=dict)
