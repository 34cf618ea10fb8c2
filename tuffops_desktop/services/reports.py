"""The Reports page's figures (rules and decisions: ``domain/reports.py``).

``ReportService.kpis`` reads every figure in one read transaction, each one SQL aggregate
computed by the database (``GROUP BY`` there; Python only names the few groups that come
back), the same on SQLite and PostgreSQL; the money, units and stock figures come from
``services/report_money.py``. ``ReportService.drill`` says which list, filtered how, shows
exactly the rows behind a tile or a bar (``DrillDown``).

The facts come from the work-order history: the approval (the move to ``completed``)
dates a completion, and time on site is summed from the stretches between a move to
``ongoing`` and the next move. Migration 0017's trigger on the history keeps both where the
figures read them in one index range — the approval's time as ``work_orders.completed_at``,
each stretch's start on the row that ends it (``ongoing_since``); 0015 indexes the rest.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from tuffops_desktop.db.models import (
    Customer,
    CustomerRequest,
    DeviceModel,
    TechnicianHours,
    Unit,
    User,
    WorkOrder,
    WorkOrderHistory,
)
from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.maintenance import cadence_months, latest_start_due_by
from tuffops_desktop.domain.permissions import P, Role
from tuffops_desktop.domain.reports import (
    CALLBACK_WINDOW,
    CALLBACKS_LISTED,
    MAINTENANCE_DUE_SOON_DAYS,
    Bar,
    Bucket,
    CallBack,
    DrillDown,
    FirstTimeFix,
    KpiKey,
    KpiReport,
    MaintenanceDue,
    Period,
    ReportFilters,
    RequestsReceived,
    SlaCompliance,
    TechnicianLoad,
    TechnicianOnSite,
    TimeOnSite,
    TimeToTriage,
    Utilisation,
    WorkOrdersCompleted,
    week_days,
    week_starts,
)
from tuffops_desktop.domain.requests import RequestSource, RequestStatus
from tuffops_desktop.domain.scheduling import STANDARD_WEEK
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderStatus, WorkOrderType, sees_only_own
from tuffops_desktop.services import report_money
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import AnyOf, Between, Flag, Ref, any_of
from tuffops_desktop.services.report_sql import (
    Calendar,
    approved,
    dialect_of,
    epoch_float,
    greatest,
    least,
    period_range,
    plus_hours,
    ts,
)

S = WorkOrderStatus
CALLBACK_HOURS = int(CALLBACK_WINDOW.total_seconds() // 3600)
SOURCES = tuple(s.value for s in RequestSource)
WORK_TYPES = tuple(t.value for t in WorkOrderType)
SLA_SERIES = ("met", "missed")
FIX_SERIES = ("first_time", "called_back")
PAIRS = 1 << 24  # completed_work: n call-backs count as n·PAIRS + (n > 0); far more than a week's completions
MONEY_KEYS = frozenset(  # services/report_money.py's figures
    {KpiKey.REVENUE, KpiKey.RECEIVABLES, KpiKey.TOP_CUSTOMERS, KpiKey.UNITS_MOST_REPAIRS, KpiKey.STOCK_VALUE}
)


@dataclass(frozen=True)
class Scope:
    """What every figure of one report reads with: the transaction, the period as UTC bounds
    and local weeks, the filters, and the moment the report is made."""

    session: Session
    period: Period
    filters: ReportFilters
    now: datetime
    today: date

    @property
    def dialect(self) -> str:
        return dialect_of(self.session)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return period_range(self.period)

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar.of(self.dialect, self.period)


# ----------------------------------------------------------------- filters
def customers_of_type(customer_type: str) -> Any:
    """SQL: the ids of the customers of ``customer_type``."""
    return select(Customer.id).where(Customer.customer_type == customer_type)


def work_order_conditions(filters: ReportFilters, order: Any = WorkOrder) -> list[ColumnElement[bool]]:
    """The filters as conditions on a work order (all three apply)."""
    found: list[ColumnElement[bool]] = []
    if filters.technician_id is not None:
        found.append(order.technician_id == filters.technician_id)
    if filters.work_type is not None:
        found.append(order.work_type == filters.work_type)
    if filters.customer_type is not None:
        found.append(order.customer_id.in_(customers_of_type(filters.customer_type)))
    return found


def unit_conditions(filters: ReportFilters, unit_id: Any) -> list[ColumnElement[bool]]:
    """The filters as conditions on a unit (only the customer type applies)."""
    if filters.customer_type is None:
        return []
    return [unit_id.in_(select(Unit.id).where(Unit.customer_id.in_(customers_of_type(filters.customer_type))))]


# ----------------------------------------------------------------- requests
def requests_received(scope: Scope) -> RequestsReceived:
    """Requests received in the period, per local week and source (one ``GROUP BY``)."""
    start, end = scope.bounds
    r = CustomerRequest
    cal = scope.calendar
    received = (
        select(cal.week_index(r.created_at).label("week"), r.source.label("source"))
        .where(r.created_at >= ts(start), r.created_at < ts(end), *unit_conditions(scope.filters, r.unit_id))
        .subquery()
    )
    stmt = select(received.c.week, received.c.source, func.count()).group_by(received.c.week, received.c.source)
    counts = {(int(week), source): int(n) for week, source, n in scope.session.execute(stmt)}
    weeks = _weeks(scope.period)
    weekly = tuple(Bucket(cal.week_of(w), s, counts.get((w, s), 0)) for w in weeks for s in SOURCES)
    by_source = {s: sum(n for (_w, source), n in counts.items() if source == s) for s in SOURCES}
    return RequestsReceived(sum(counts.values()), by_source, weekly)


def time_to_triage(scope: Scope) -> TimeToTriage:
    """Median and 90th percentile of receipt → closing (converted or closed) over the period's
    requests triaged so far, interpolated as PostgreSQL's ``percentile_cont`` does. SQLite has
    no percentile function: the order statistics around each percentile are picked out by
    ``ROW_NUMBER`` / ``COUNT`` windows in the same single query."""
    start, end = scope.bounds
    r = CustomerRequest
    triaged = and_(r.status == RequestStatus.CLOSED.value, r.closed_at.is_not(None))
    seconds = case((triaged, epoch_float(scope.dialect, r.closed_at) - epoch_float(scope.dialect, r.created_at)))
    where = [r.created_at >= ts(start), r.created_at < ts(end), *unit_conditions(scope.filters, r.unit_id)]
    if scope.dialect == "postgresql":
        stmt = select(
            func.count(seconds),
            func.count(),
            func.percentile_cont(0.5).within_group(seconds.asc()),
            func.percentile_cont(0.9).within_group(seconds.asc()),
        ).where(*where)
        done, total, median, p90 = scope.session.execute(stmt).one()
    else:
        ranked = select(
            seconds.label("s"),
            (func.row_number().over(partition_by=seconds.is_(None), order_by=seconds) - 1).label("rn"),
            func.count(seconds).over().label("n"),
        ).where(*where)
        d = ranked.subquery()
        done, total, median, p90 = scope.session.execute(
            select(func.count(d.c.s), func.count(), _order_statistic(d, 0.5), _order_statistic(d, 0.9))
        ).one()
    return TimeToTriage(
        triaged=int(done),
        untriaged=int(total) - int(done),
        median_hours=None if median is None else float(median) / 3600,
        p90_hours=None if p90 is None else float(p90) / 3600,
    )


def _order_statistic(ranked: Any, fraction: float) -> Any:
    """SQL (SQLite): the ``fraction`` percentile of ``ranked.s`` (rows numbered ``rn`` from 0,
    ``n`` of them), linearly interpolated between the two ranks around ``fraction·(n-1)``."""
    position = (ranked.c.n - 1) * fraction
    low = cast(position, Integer)  # floor: the position is never negative
    part = position - low
    return func.sum(
        case(
            (ranked.c.s.is_(None), None),
            (ranked.c.rn == low, ranked.c.s * (1 - part)),
            (ranked.c.rn == low + 1, ranked.c.s * part),
        )
    )


# ----------------------------------------------------------------- completed work
@dataclass(frozen=True)
class CompletedFigures:
    completed: WorkOrdersCompleted
    sla: SlaCompliance
    called_back: int  # completions followed by a call-back
    pairs: int  # (completion, call-back) pairs


def _completions(scope: Scope) -> tuple[Any, list[ColumnElement[bool]]]:
    """The work orders approved (completed) in the period and still done, with the filters:
    (work order alias, conditions). ``completed_at`` is the approval's time, kept on the work
    order by migration 0017's trigger (a work order is approved at most once)."""
    start, end = scope.bounds
    w = aliased(WorkOrder, name="wo")
    where = [
        approved(w, w.completed_at >= ts(start), w.completed_at < ts(end)),
        *work_order_conditions(scope.filters, w),
    ]
    return w, where


def _callback_of(scope: Scope, w: Any) -> tuple[Any, list[ColumnElement[bool]]]:
    """A repair (not cancelled) on ``w``'s unit created after ``w`` was completed and less
    than 720 hours after it: (its alias, the conditions)."""
    r = aliased(WorkOrder, name="callback")
    return r, [
        r.unit_id == w.unit_id,
        r.work_type == WorkOrderType.REPAIR.value,
        r.status != S.CANCELLED.value,
        r.created_at > w.completed_at,
        r.created_at < plus_hours(scope.dialect, w.completed_at, CALLBACK_HOURS),
    ]


def completed_work(scope: Scope) -> CompletedFigures:
    """Work orders completed in the period per local week and work type, with how many had a
    due time, met it, were called back, and how many call-backs followed: one ``GROUP BY``
    gives the completed chart, SLA compliance and the first-time-fix rate.

    The completions are one range of ``ix_work_orders_completed`` (0017), which carries what
    is grouped and filtered. Each completion's call-backs are counted once, and the count
    carries both figures: ``n·PAIRS + (1 if n else 0)``, so one sum gives the pairs (the
    quotient) and the completions called back (the remainder). SQLite counts them with a
    correlated count per completion (one range of the unit/type/creation index); PostgreSQL
    joins the repairs (a hash join on the unit) and groups per completion, a third faster
    there than the correlated count, which it runs in one process after the parallel part.
    Same figures."""
    w, where = _completions(scope)
    r, callback = _callback_of(scope, w)
    if scope.dialect == "postgresql":
        found = func.count(r.id)
        per_completion = (
            select(w.completed_at.label("at"), w.work_type.label("work_type"), w.due_at.label("due_at"))
            .add_columns((found * PAIRS + case((found > 0, 1), else_=0)).label("callbacks"))
            .select_from(w)
            .outerjoin(r, and_(*callback))
            .where(*where)
            .group_by(w.id, w.completed_at, w.work_type, w.due_at)
            .subquery()
        )
    else:
        counted = select(func.count() * PAIRS + case((func.count() > 0, 1), else_=0)).where(*callback)
        per_completion = (
            select(w.completed_at.label("at"), w.work_type.label("work_type"), w.due_at.label("due_at"))
            .add_columns(counted.scalar_subquery().label("callbacks"))
            .select_from(w)
            .where(*where)
            .subquery()
        )
    c = per_completion.c
    cal = scope.calendar
    rows = select(
        cal.week_index(c.at).label("week"),
        c.work_type,
        case((c.due_at.is_not(None), 1), else_=0).label("with_due"),
        case((and_(c.due_at.is_not(None), c.at <= c.due_at), 1), else_=0).label("met"),
        c.callbacks,
    ).subquery()
    stmt = select(
        rows.c.week,
        rows.c.work_type,
        func.count(),
        func.sum(rows.c.with_due),
        func.sum(rows.c.met),
        func.sum(rows.c.callbacks),
    ).group_by(rows.c.week, rows.c.work_type)
    groups = [
        (int(wk), t, int(n), int(d), int(m), int(c) % PAIRS, int(c) // PAIRS)
        for wk, t, n, d, m, c in scope.session.execute(stmt)
    ]
    counts = {(g[0], g[1]): g[2] for g in groups}
    types = WORK_TYPES if scope.filters.work_type is None else (scope.filters.work_type,)
    weekly = tuple(Bucket(cal.week_of(wk), t, counts.get((wk, t), 0)) for wk in _weeks(scope.period) for t in types)
    total = sum(g[2] for g in groups)
    with_due = sum(g[3] for g in groups)
    met = sum(g[4] for g in groups)
    return CompletedFigures(
        completed=WorkOrdersCompleted(
            total=total,
            by_type={t: sum(g[2] for g in groups if g[1] == t) for t in types},
            weekly=weekly,
        ),
        sla=SlaCompliance(completed=total, with_due=with_due, met=met, missed=with_due - met),
        called_back=sum(g[5] for g in groups),
        pairs=sum(g[6] for g in groups),
    )


def callbacks(scope: Scope, work: CompletedFigures) -> FirstTimeFix:
    """The call-backs (completed work order, the repair that followed), latest completions
    first, at most ``CALLBACKS_LISTED`` of them; the counts come from ``completed_work``."""
    w, where = _completions(scope)
    r, callback = _callback_of(scope, w)
    tech = aliased(User, name="tech")
    stmt = (
        select(
            w.id,
            w.completed_at,
            w.unit_id,
            Unit.location,
            Unit.serial_number,
            DeviceModel.name,
            tech.full_name,
            tech.username,
            r.id,
            r.created_at,
        )
        .select_from(w)
        .join(r, and_(*callback))
        .join(Unit, Unit.id == w.unit_id)
        .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
        .outerjoin(tech, tech.id == w.technician_id)
        .where(*where)
        .order_by(w.completed_at.desc(), w.id.desc(), r.created_at, r.id)
        .limit(CALLBACKS_LISTED)
    )
    rows = scope.session.execute(stmt).all()
    listed = tuple(
        CallBack(
            work_order_id=wo_id,
            completed_at=at,
            unit_id=unit_id,
            unit_label=friendly_label(location, serial, model),
            technician_name=full_name or username or "",
            callback_id=cb_id,
            callback_created_at=cb_at,
        )
        for wo_id, at, unit_id, location, serial, model, full_name, username, cb_id, cb_at in rows
    )
    return FirstTimeFix(
        completed=work.completed.total, called_back=work.called_back, callbacks_total=work.pairs, callbacks=listed
    )


# ----------------------------------------------------------------- technicians
def _minute_of_day(dialect: str, column: Any) -> Any:
    """SQL: minutes since midnight of a ``time`` column (SQLite stores ``HH:MM:SS.ffffff``)."""
    if dialect == "sqlite":
        return cast(func.substr(column, 1, 2), Integer) * 60 + cast(func.substr(column, 4, 2), Integer)
    return cast(func.extract("hour", column), Integer) * 60 + cast(func.extract("minute", column), Integer)


def _weekday_counts(period: Period) -> list[int]:
    """How many of each weekday (0 = Monday) the period has."""
    counts = [period.days // 7] * 7
    for n in range(period.days % 7):
        counts[(period.start.weekday() + n) % 7] += 1
    return counts


def utilisation(scope: Scope) -> Utilisation:
    """Booked hours against working hours per technician, in one statement: the bookings
    grouped by technician, each technician's week weighted by how often each weekday occurs
    in the period (the standard week for one whose week was never set)."""
    start, end = scope.bounds
    filters = scope.filters
    booked = (
        select(
            WorkOrder.technician_id.label("technician_id"),
            func.sum(WorkOrder.estimated_hours).label("hours"),
            func.count().label("orders"),
        )
        .where(
            WorkOrder.technician_id.is_not(None),
            WorkOrder.scheduled_start.is_not(None),
            WorkOrder.scheduled_start >= ts(start),
            WorkOrder.scheduled_start < ts(end),
            WorkOrder.status != S.CANCELLED.value,
            *work_order_conditions(filters),
        )
        .group_by(WorkOrder.technician_id)
        .subquery()
    )
    days = _weekday_counts(scope.period)
    minutes = _minute_of_day(scope.dialect, TechnicianHours.ends) - _minute_of_day(
        scope.dialect, TechnicianHours.starts
    )
    per_day = case(*[(TechnicianHours.weekday == d, literal(n)) for d, n in enumerate(days)], else_=literal(0))
    week = (
        select(TechnicianHours.user_id.label("user_id"), func.sum(minutes * per_day).label("minutes"))
        .group_by(TechnicianHours.user_id)
        .subquery()
    )
    standard = sum(
        (h.ends.hour * 60 + h.ends.minute - h.starts.hour * 60 - h.starts.minute) * days[h.weekday]
        for h in STANDARD_WEEK
    )
    technicians = or_(
        and_(User.role == Role.TECHNICIAN.value, User.active.is_(True)), booked.c.technician_id.is_not(None)
    )
    stmt = (
        select(
            User.id,
            User.full_name,
            User.username,
            func.coalesce(week.c.minutes, standard),
            func.coalesce(booked.c.hours, 0),
            func.coalesce(booked.c.orders, 0),
        )
        .outerjoin(booked, booked.c.technician_id == User.id)
        .outerjoin(week, week.c.user_id == User.id)
        .where(technicians)
        .order_by(User.full_name, User.username, User.id)
    )
    if filters.technician_id is not None:
        stmt = stmt.where(User.id == filters.technician_id)
    rows = tuple(
        TechnicianLoad(
            technician_id=uid,
            name=full_name or username,
            booked_hours=Decimal(hours).quantize(Decimal("0.1")),
            working_hours=(Decimal(int(mins)) / 60).quantize(Decimal("0.01")),
            booked_work_orders=int(orders),
        )
        for uid, full_name, username, mins, hours, orders in scope.session.execute(stmt)
    )
    return Utilisation(
        rows=rows,
        booked_hours=sum((r.booked_hours for r in rows), Decimal("0.0")),
        working_hours=sum((r.working_hours for r in rows), Decimal("0.00")),
        booked_work_orders=sum(r.booked_work_orders for r in rows),
    )


def time_on_site(scope: Scope) -> TimeOnSite:
    """Hours spent ``ongoing`` inside the period, per technician (``domain.work_orders.time_on_site``
    in SQL): each stretch runs from a move to ``ongoing`` to the work order's next history row,
    or to now while it is still ongoing, clipped to the period.

    A finished stretch is one history row: the move away from ``ongoing`` carries when the
    stretch began (``ongoing_since``, kept by migration 0017's trigger), so the period's
    stretches are one range of ``ix_work_order_history_stretches`` (moves away from
    ``ongoing`` after the period's start; those that began after its end drop out). A work
    order ongoing now adds the stretch from its latest move to ``ongoing`` until now."""
    start, end = scope.bounds
    d = scope.dialect
    h = aliased(WorkOrderHistory, name="move")
    ongoing = S.ONGOING.value

    conditions = work_order_conditions(scope.filters)
    narrowed = [h.work_order_id.in_(select(WorkOrder.id).where(*conditions))] if conditions else []
    finished = select(h.work_order_id.label("work_order_id"), h.ongoing_since.label("a"), h.at.label("b")).where(
        h.from_status == ongoing, h.at > ts(start), h.ongoing_since < ts(end), *narrowed
    )
    since = aliased(WorkOrderHistory, name="since")
    began = (
        select(func.max(since.at))
        .where(since.work_order_id == WorkOrder.id, since.to_status == ongoing)
        .scalar_subquery()
    )
    running = select(
        WorkOrder.id.label("work_order_id"), func.coalesce(began, ts(start)).label("a"), ts(scope.now).label("b")
    ).where(WorkOrder.status == ongoing)
    stretches = union_all(finished, running).subquery()
    start_s, end_s = start.timestamp(), end.timestamp()
    seconds = least(d, epoch_float(d, stretches.c.b), end_s) - greatest(d, epoch_float(d, stretches.c.a), start_s)
    overlapping = [stretches.c.a < ts(end), stretches.c.b > ts(start), stretches.c.a < stretches.c.b]
    w = aliased(WorkOrder, name="wo")
    if d == "postgresql":  # each stretch joined to its work order: a hash join (12 months: 507 → 208 ms)
        per_technician = (
            select(
                w.technician_id.label("technician_id"),
                func.sum(seconds).label("seconds"),
                func.count(stretches.c.work_order_id.distinct()).label("orders"),
            )
            .select_from(stretches)
            .join(w, w.id == stretches.c.work_order_id)
            .where(*overlapping, *work_order_conditions(scope.filters, w))
            .group_by(w.technician_id)
            .subquery()
        )
    else:  # SQLite: a work order's stretches summed first, its technician looked up once (a fifth faster)
        per_order = (
            select(stretches.c.work_order_id.label("work_order_id"), func.sum(seconds).label("seconds"))
            .where(*overlapping)
            .group_by(stretches.c.work_order_id)
            .subquery()
        )
        per_technician = (
            select(
                w.technician_id.label("technician_id"),
                func.sum(per_order.c.seconds).label("seconds"),
                func.count().label("orders"),
            )
            .select_from(per_order)
            .join(w, w.id == per_order.c.work_order_id)
            .where(*work_order_conditions(scope.filters, w))
            .group_by(w.technician_id)
            .subquery()
        )
    tech = aliased(User, name="tech")
    stmt = select(
        per_technician.c.technician_id,
        tech.full_name,
        tech.username,
        per_technician.c.seconds,
        per_technician.c.orders,
    ).outerjoin(tech, tech.id == per_technician.c.technician_id)
    found = scope.session.execute(stmt).all()
    rows = tuple(
        TechnicianOnSite(uid, full_name or username, float(secs) / 3600, int(n))
        for uid, full_name, username, secs, n in found
        if uid is not None
    )
    return TimeOnSite(
        hours=sum(float(secs) / 3600 for *_x, secs, _n in found),
        work_orders=sum(int(n) for *_x, n in found),
        rows=tuple(sorted(rows, key=lambda r: (r.name, r.technician_id))),
    )


# ----------------------------------------------------------------- maintenance
def due_by(horizon: date) -> ColumnElement[bool]:
    """Units whose next maintenance is due on or before ``horizon`` (exact per cadence, as
    the maintenance list selects them: ``domain.maintenance.latest_start_due_by``)."""
    start = func.coalesce(Unit.maintained_at, Unit.installed_at)
    return or_(
        false(),
        *[
            and_(Unit.maintenance_frequency == frequency, start <= latest_start_due_by(horizon, months))
            for frequency, months in cadence_months().items()
        ],
    )


def maintenance_due(scope: Scope) -> MaintenanceDue:
    """Active units overdue (next date before today) and due within the next 30 days."""
    today = scope.today
    overdue = due_by(today - timedelta(days=1))
    stmt = select(
        func.count(case((overdue, 1))),
        func.count(case((overdue, None), else_=1)),
    ).where(
        Unit.active.is_(True),
        due_by(today + timedelta(days=MAINTENANCE_DUE_SOON_DAYS)),
        *unit_conditions(scope.filters, Unit.id),
    )
    late, soon = scope.session.execute(stmt).one()
    return MaintenanceDue(as_of=today, overdue=int(late), due_soon=int(soon))


def _weeks(period: Period) -> range:
    """The indexes of the period's weeks (``Calendar.week_index``)."""
    return range(len(week_starts(period)))


# ----------------------------------------------------------------- the service
class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.REPORTS_VIEW)
    def kpis(self, period: Period, filters: ReportFilters | None = None) -> KpiReport:
        """Every figure of the page for ``period`` and ``filters`` (money figures only with
        ``invoices.view``; stock value also with ``inventory.costs``).

        The figures are read in three groups at once, each in its own read transaction
        (the work done; the technicians' time and the revenue; the requests and the other
        money figures, balanced by their cost), so a long period
        takes the time of its largest group rather than of all of them: 1.4-1.7 s → 0.9 s
        for 12 months of 200,000 work orders on SQLite on two cores
        (``benchmarks/bench_reports.py``). The databases run the aggregates outside
        Python's lock. All three use the same ``now`` and ``today``; a change committed
        while they start may be seen by one group and not another, as it already could
        between the statements of one PostgreSQL (read committed) transaction."""
        filters = self._scoped(filters)
        now, today = self._ctx.now(), self._ctx.today()

        def read(figures: Callable[[Scope], dict[str, Any]]) -> dict[str, Any]:
            with self._ctx.read() as session:
                if self._ctx.db.dialect == "postgresql":
                    # A dozen short aggregates: compiling each to machine code (JIT, for the
                    # large row estimates) costs more than running it.
                    session.execute(text("SET LOCAL jit = off"))
                return figures(Scope(session, period, filters, now, today))

        def work(scope: Scope) -> dict[str, Any]:
            done = completed_work(scope)
            return {
                "work_orders_completed": done.completed,
                "sla_compliance": done.sla,
                "first_time_fix": callbacks(scope, done),
            }

        permissions = self._ctx.actor.permissions

        def technicians_and_revenue(scope: Scope) -> dict[str, Any]:
            return {
                "utilisation": utilisation(scope),
                "time_on_site": time_on_site(scope),
                "maintenance": maintenance_due(scope),
                "revenue": report_money.revenue_if_allowed(scope.session, period, filters, permissions),
            }

        def requests_and_money(scope: Scope) -> dict[str, Any]:
            return {
                "requests_received": requests_received(scope),
                "time_to_triage": time_to_triage(scope),
                **report_money.figures_but_revenue(
                    scope.session, period, filters, permissions=permissions, today=today
                ),
            }

        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="report") as pool:
            # the workers see this call's permission check (made by the first transaction)
            others = [
                pool.submit(contextvars.copy_context().run, read, group) for group in (technicians_and_revenue, work)
            ]
            fields = read(requests_and_money)
            for future in others:
                fields.update(future.result())
        return KpiReport(period=period, filters=filters, computed_at=now, **fields)

    @requires(P.REPORTS_VIEW)
    def drill(
        self, kpi_key: KpiKey | str, period: Period, filters: ReportFilters | None = None, bucket: Bar | None = None
    ) -> DrillDown:
        """The list showing exactly the rows behind tile ``kpi_key`` (or its bar ``bucket``)."""
        try:
            key = KpiKey(kpi_key)
        except ValueError:
            raise ValidationError({"kpi": f"There is no report figure “{kpi_key}”."}) from None
        if key in MONEY_KEYS:
            return report_money.drill(key, period, self._scoped(filters), bucket, self._ctx.today())
        return drill_down(key, period, self._scoped(filters), bucket or Bar())

    def _scoped(self, filters: ReportFilters | None) -> ReportFilters:
        """``filters``, narrowed to the user's own work for a technician (granted
        ``reports.view``, neither supervising nor dispatching): the lists behind the figures
        show them their own work orders only, so the figures count only those too."""
        filters = filters or ReportFilters()
        actor = self._ctx.actor
        if sees_only_own(actor.permissions) and actor.user_id is not None:
            return ReportFilters(actor.user_id, filters.customer_type, filters.work_type)
        return filters


# ----------------------------------------------------------------- drill-down
def _days(period: Period, bar: Bar) -> Between:
    days = week_days(period, bar.start) if bar.start is not None else period
    return Between(days.start, days.end)


def _work_order_filters(filters: ReportFilters) -> dict[str, object]:
    found: dict[str, object] = {}
    if filters.technician_id is not None:
        found["technician"] = Ref(filters.technician_id)
    if filters.work_type is not None:
        found["type"] = any_of(filters.work_type)
    if filters.customer_type is not None:
        found["customer_type"] = any_of(filters.customer_type)
    return found


def _customer_type(filters: ReportFilters) -> dict[str, object]:
    return {} if filters.customer_type is None else {"customer_type": any_of(filters.customer_type)}


def _series(bar: Bar, known: tuple[str, ...]) -> str | None:
    if bar.series is not None and bar.series not in known:
        raise ValidationError({"bucket": f"There is no bar “{bar.series}” here."})
    return bar.series


def drill_down(key: KpiKey, period: Period, filters: ReportFilters, bar: Bar) -> DrillDown:
    """The list behind ``key`` (its bar ``bar``): the filters of ``DrillDown``'s docstring."""
    days = _days(period, bar)
    wo = _work_order_filters(filters)
    if key is KpiKey.REQUESTS_RECEIVED:
        source = _series(bar, SOURCES)
        extra: dict[str, object] = {} if source is None else {"source": any_of(source)}
        return DrillDown("requests", "Requests received", {"received": days, **extra, **_customer_type(filters)})
    if key is KpiKey.TIME_TO_TRIAGE:
        return DrillDown(
            "requests",
            "Requests triaged",
            {"received": days, "status": any_of(RequestStatus.CLOSED.value), **_customer_type(filters)},
        )
    if key is KpiKey.WORK_ORDERS_COMPLETED:
        kind = _series(bar, WORK_TYPES)
        if kind is not None and filters.work_type not in (None, kind):
            return DrillDown("work_orders", "Work orders completed", {"completed": days, "type": AnyOf(frozenset())})
        return DrillDown(
            "work_orders",
            "Work orders completed",
            {**wo, "completed": days, **({} if kind is None else {"type": any_of(kind)})},
        )
    if key is KpiKey.SLA_COMPLIANCE:
        state = _series(bar, SLA_SERIES)
        chosen = any_of(state) if state else any_of(*SLA_SERIES)
        return DrillDown(
            "work_orders", "Work orders completed with a due time", {**wo, "completed": days, "sla": chosen}
        )
    if key is KpiKey.FIRST_TIME_FIX:
        state = _series(bar, FIX_SERIES)
        extra = {} if state is None else {"called_back": Flag(state == "called_back")}
        return DrillDown("work_orders", "Work orders completed", {**wo, "completed": days, **extra})
    if key is KpiKey.UTILISATION:
        if bar.id is not None:
            if filters.technician_id not in (None, bar.id):
                return DrillDown("work_orders", "Booked work", {"booked": days, "technician": Ref(bar.id), **_none()})
            wo["technician"] = Ref(bar.id)
        return DrillDown("work_orders", "Booked work", {**wo, "booked": days})
    if key is KpiKey.TIME_ON_SITE:
        if bar.id is not None:
            if filters.technician_id not in (None, bar.id):
                return DrillDown("work_orders", "Time on site", {"on_site": days, "technician": Ref(bar.id), **_none()})
            wo["technician"] = Ref(bar.id)
        return DrillDown("work_orders", "Time on site", {**wo, "on_site": days})
    if key is KpiKey.MAINTENANCE_OVERDUE:
        return DrillDown("units", "Maintenance overdue", {"maintenance": any_of("overdue"), **_customer_type(filters)})
    if key is KpiKey.MAINTENANCE_DUE_SOON:
        return DrillDown(
            "units", "Maintenance due in 30 days", {"maintenance": any_of("due_soon"), **_customer_type(filters)}
        )
    raise ValidationError({"kpi": f"{key.value} is not a work, request or maintenance figure."})


def _none() -> dict[str, object]:
    """A filter no work order passes (a bar outside the filters)."""
    return {"status": AnyOf(frozenset())}


__all__ = ["CustomerType", "ReportService", "Scope"]
