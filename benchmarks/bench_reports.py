"""The Reports page's figures with 200,000 work orders and 100,000 invoices (#14.6), on SQLite
and PostgreSQL.

What the page waits for: ``ReportService.kpis`` (every figure in one read transaction) for
the periods people pick (this month, the last 90 days, the last 12 months, a quarter a
year ago) and with each filter; then the 12 months figure by figure, so a slow one shows.
Goal: every ``kpis`` call under 1 s.

Data: the demo (customers, units, technicians with their weeks, a year of history), then
``tuffops demo --work-orders`` (``bench_work_orders.py``'s bulk writer: two years of work
orders with their full histories), the invoices of ``bench_invoices_page.py`` (a third
paid, a tenth cancelled, partly paid ones), a payment row for what each of them has been
paid, and bulk requests (received over two years, most triaged within days). PostgreSQL
runs in a throwaway cluster (``tests/pgcluster.py``, durable settings), vacuumed and
analysed after the bulk inserts, as autovacuum would leave it; SQLite is analysed.

Baseline measured in the same run on each database: the raw DB-API driver (no
SQLAlchemy, no service) counting the rows of the tables the figures read (``COUNT(*)``
of work orders, their history, invoices and payments), so the ratios mean something on a
loaded machine. Last, the 12-month ``kpis`` again without migration 0015's indexes, to
show what they are for.

Run from the repository root:
  .venv/bin/python -m benchmarks.bench_reports [--work-orders 200000] [--invoices 100000] [--requests 50000]
Numbers are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, insert, select, text  # noqa: E402

from benchmarks import bench_invoices_page  # noqa: E402
from benchmarks.bench_lists import timed  # noqa: E402
from benchmarks.bench_work_orders import print_table, raw_fetch  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.base import Base  # noqa: E402
from tuffops_desktop.db.models import CustomerRequest, Invoice, Payment, Unit  # noqa: E402
from tuffops_desktop.domain.reports import Period, ReportFilters, SlaCompliance, WorkOrdersCompleted  # noqa: E402
from tuffops_desktop.services import report_money, reports  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402

Row = tuple[str, float, str]
REPORT_INDEXES = (  # migrations 0015 and 0017
    ("ix_work_orders_completed", "work_orders"),
    ("ix_work_order_history_stretches", "work_order_history"),
    ("ix_work_order_history_to_status_at", "work_order_history"),
    ("ix_work_order_history_from_status_at", "work_order_history"),
    ("ix_work_orders_unit_type_created", "work_orders"),
    ("ix_work_orders_booked", "work_orders"),
    ("ix_customer_requests_created_at", "customer_requests"),
)


def add_payments(services: Services) -> int:
    """One payment per invoice for what it has been paid, some days after it was issued."""
    rng = random.Random(5)
    with services.ctx.write() as session:
        owed = session.execute(select(Invoice.id, Invoice.issued_on, Invoice.paid).where(Invoice.created_by == "bench"))
        rows = [
            {
                "invoice_id": invoice_id,
                "paid_on": min(issued + timedelta(days=rng.randint(0, 45)), date.today()),
                "amount": paid,
                "method": rng.choice(["cash", "card", "transfer", "cheque"]),
                "reference": "",
                "voided": False,
                "void_reason": "",
                "voided_by": "",
                "created_at": services.ctx.now(),
                "created_by": "bench",
            }
            for invoice_id, issued, paid in owed
            if paid > 0
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Payment), rows[start : start + 5000])
    return len(rows)


def add_requests(services: Services, count: int) -> None:
    """``count`` requests received over two years, nine in ten triaged within minutes to a week."""
    rng = random.Random(7)
    now = services.ctx.now()
    with services.ctx.write() as session:
        units = list(session.scalars(select(Unit.id)))
        rows: list[dict[str, Any]] = []
        for n in range(count):
            created = now - timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
            closed: datetime | None = created + timedelta(minutes=rng.randint(5, 7 * 24 * 60))
            if closed is not None and (closed > now or rng.random() < 0.1):
                closed = None
            rows.append(
                {
                    "ticket": f"R-B{n:08d}",
                    "submission_key": f"bench-{n}",
                    "unit_id": rng.choice(units),
                    "request": "Not cooling",
                    "schedule_at": created.date() + timedelta(days=1),
                    "schedule_time": "All Day",
                    "contact_info": "555 0100",
                    "source": rng.choice(["qr", "qr", "office"]),
                    "status": "closed" if closed else rng.choice(["open", "ongoing"]),
                    "close_reason": rng.choice(["converted", "resolved"]) if closed else None,
                    "work_order_id": None,
                    "created_at": created,
                    "created_by": "bench",
                    "updated_at": closed or created,
                    "closed_at": closed,
                    "closed_by": "bench" if closed else "",
                    "version": 1,
                }
            )
            if len(rows) == 5000:
                session.execute(insert(CustomerRequest), rows)
                rows = []
        if rows:
            session.execute(insert(CustomerRequest), rows)


def raw_baseline(engine: Engine) -> list[Row]:
    """The DB-API driver alone counting the rows the figures read."""
    rows: list[Row] = []
    for table in ("work_orders", "work_order_history", "invoices", "payments", "customer_requests"):
        ms, found = timed(lambda table=table: raw_fetch(engine, f"SELECT COUNT(*) FROM {table}"))
        rows.append((f"baseline: raw driver, COUNT(*) of {table}", ms, f"{found[0][0]:,} rows"))  # type: ignore[index]
    return rows


def _figure_rows(services: Services, period: Period) -> list[Row]:
    """Each figure of the 12 months alone, each in its own read transaction."""
    ctx = services.ctx
    found: list[Row] = []

    def one(label: str, figure: Any) -> None:
        def run() -> object:
            with ctx.read() as session:
                if services.ctx.db.dialect == "postgresql":
                    session.execute(text("SET LOCAL jit = off"))  # as kpis() does
                scope = reports.Scope(session, period, ReportFilters(), ctx.now(), ctx.today())
                return figure(scope)

        ms, _ = timed(run, repeat=3)
        found.append((f"12 months, one figure: {label}", ms, ""))

    one("requests per week by source", reports.requests_received)
    one("time to triage (median, p90)", reports.time_to_triage)
    one("completed per week by type + SLA + call-backs", reports.completed_work)
    counted = reports.CompletedFigures(WorkOrdersCompleted(0, {}, ()), SlaCompliance(0, 0, 0, 0), 0, 0)
    one("call-back list (latest 200)", lambda s: reports.callbacks(s, counted))
    one("utilisation", reports.utilisation)
    one("time on site", reports.time_on_site)
    one("maintenance overdue / due", reports.maintenance_due)
    one("revenue invoiced and collected per month", lambda s: report_money.revenue(s.session, s.period, s.filters))
    one("receivables by ageing bucket", lambda s: report_money.receivables(s.session, s.period, s.filters, s.today))
    one("top customers by revenue", lambda s: report_money.top_customers(s.session, s.period, s.filters))
    one("units with the most repairs", lambda s: report_money.units_most_repairs(s.session, s.period, s.filters))
    one("stock value by location", lambda s: report_money.stock_value(s.session))
    return found


def bench(
    url: str, work_orders: int, invoices: int, requests: int, customers: int, *, seeded: bool = False
) -> list[Row]:
    db = open_database(url)
    services = system_services(db)
    started = time.perf_counter()
    if not seeded:
        seed_demo(services.ctx, customers=customers, technicians=30)
        add_demo_work_orders(services.ctx, work_orders)
        bench_invoices_page.seed(services, invoices)
        paid = add_payments(services)
        add_requests(services, requests)
        print(f"{db.dialect}: seeded in {time.perf_counter() - started:.0f} s ({paid:,} payments)", file=sys.stderr)
    if db.dialect == "postgresql":  # what autovacuum leaves: visibility map set, statistics fresh
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:  # statistics, and the bulk inserts moved from the write-ahead log into the file
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    today = services.ctx.today()
    year = Period(today - timedelta(days=364), today)
    technician = services.work_orders.technicians()[3].id
    periods = [
        ("this month", Period(today.replace(day=1), today), ReportFilters()),
        ("last 90 days", Period(today - timedelta(days=89), today), ReportFilters()),
        ("last 12 months", year, ReportFilters()),
        ("last 12 months, one technician", year, ReportFilters(technician_id=technician)),
        ("last 12 months, commercial customers", year, ReportFilters(customer_type="commercial")),
        ("last 12 months, repairs", year, ReportFilters(work_type="repair")),
        ("a quarter a year ago", Period(today - timedelta(days=455), today - timedelta(days=365)), ReportFilters()),
    ]
    rows: list[Row] = raw_baseline(db.engine)
    for label, period, filters in periods:
        ms, report = timed(lambda p=period, f=filters: services.reports.kpis(p, f), repeat=3)
        done = report.work_orders_completed.total  # type: ignore[attr-defined]
        on_site = report.time_on_site.work_orders  # type: ignore[attr-defined]
        rows.append((f"kpis(): {label}", ms, f"{done:,} completed, {on_site:,} on site"))
    rows += _figure_rows(services, year)
    with db.engine.begin() as conn:
        for name, _table in REPORT_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        if db.dialect == "postgresql":
            conn.execute(text("ANALYZE"))
    ms, _ = timed(lambda: services.reports.kpis(year), repeat=3)
    rows.append(("kpis(): last 12 months WITHOUT migrations 0015 and 0017's indexes", ms, ""))
    with db.engine.begin() as conn:  # back, for a kept database (--sqlite-file)
        for index in (i for table in Base.metadata.tables.values() for i in table.indexes):
            if index.name in {name for name, _table in REPORT_INDEXES}:
                index.create(conn)
        conn.execute(text("ANALYZE"))  # the planner needs their statistics back too
    db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-orders", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite database here; reuse it when it exists")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database")
    args = parser.parse_args()
    sizes = (args.work_orders, args.invoices, args.requests, args.customers)
    results: dict[str, list[Row]] = {}
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    if args.only != "postgresql":
        if args.sqlite_file is not None:
            seeded = args.sqlite_file.exists()
            results["SQLite"] = bench(f"sqlite:///{args.sqlite_file.as_posix()}", *sizes, seeded=seeded)
        else:
            with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
                results["SQLite"] = bench(f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}", *sizes)
    print(f"load between: {os.getloadavg()}", file=sys.stderr)
    if args.only != "sqlite":
        cluster = start_cluster(durable=True)
        try:
            results["PostgreSQL"] = bench(cluster.create_database("bench"), *sizes)
        finally:
            cluster.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print(f"\n{args.work_orders:,} work orders, {args.invoices:,} invoices, {args.requests:,} requests\n")
    if len(results) == 2:
        print_table(results)
    else:  # --only: one database
        ((name, rows),) = results.items()
        print(f"| step | {name} ms | note |\n|---|---:|---|")
        for label, ms, note in rows:
            print(f"| {label} | {ms:,.0f} | {note} |")


if __name__ == "__main__":
    main()
