"""Work orders with 200,000 rows and 30 technicians, on SQLite and PostgreSQL.

What the work-orders page and the maintenance view ask of the database: the sorted ids of
the default list, each filter, each sort and a text search (``WorkOrderService.list_ids``),
the rows of one 100-row block (``rows``), the maintenance-due list over ~57,000 units and
a unit's history. Also how long ``tuffops demo --work-orders N`` takes to write them.
Goal: < 100 ms per query.

Run from the repository root:  .venv/bin/python -m benchmarks.bench_work_orders [--work-orders 200000]
Numbers are printed as a Markdown table; copy them into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from benchmarks.bench_lists import timed  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders  # noqa: E402
from tuffops_desktop.services.listing import Between, Flag, ListQuery, Ref, any_of  # noqa: E402


def bench(url: str, customers: int, work_orders: int, technicians: int) -> list[tuple[str, float, str]]:
    db = open_database(url)
    services = system_services(db)
    start = time.perf_counter()
    result = seed_demo(services.ctx, customers=customers, technicians=technicians)
    rows: list[tuple[str, float, str]] = [
        (
            "seed demo data (customers, units, technicians, this week)",
            (time.perf_counter() - start) * 1000,
            f"{result.units:,} units, {result.work_orders} work orders",
        )
    ]
    start = time.perf_counter()
    add_demo_work_orders(services.ctx, work_orders)
    rows.append(
        (f"demo --work-orders {work_orders:,} (bulk insert + history)", (time.perf_counter() - start) * 1000, "ms")
    )
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    wo = services.work_orders
    tech = wo.technicians()[3].id
    customer = services.customers.list_ids(ListQuery())[100]
    today = services.ctx.today()
    week = Between(today - timedelta(days=today.weekday()), today - timedelta(days=today.weekday()) + timedelta(6))
    queries: list[tuple[str, ListQuery]] = [
        ("default list (newest first)", ListQuery()),
        ("status: unassigned + pending", ListQuery(filters={"status": any_of("unassigned", "pending")})),
        (
            "status: open (5 statuses)",
            ListQuery(filters={"status": any_of("unassigned", "pending", "ongoing", "paused", "waiting_approval")}),
        ),
        ("technician", ListQuery(filters={"technician": Ref(tech)})),
        (
            "technician, open, by scheduled",
            ListQuery(
                sort="scheduled", filters={"technician": Ref(tech), "status": any_of("pending", "ongoing", "paused")}
            ),
        ),
        ("type: maintenance", ListQuery(filters={"type": any_of("maintenance")})),
        ("customer", ListQuery(filters={"customer": Ref(customer)})),
        ("due this week", ListQuery(filters={"due": week})),
        ("scheduled this week (the board)", ListQuery(sort="scheduled", filters={"scheduled": week})),
        ("overdue", ListQuery(filters={"overdue": Flag(True)})),
        ("search 'capacitor'", ListQuery(text="capacitor")),
        ("search 'lobby basseterre'", ListQuery(text="lobby basseterre")),
    ]
    for sort in ("number", "status", "type", "due", "scheduled", "created", "customer", "unit", "technician"):
        queries.append((f"sort by {sort}", ListQuery(sort=sort)))
    for label, query in queries:
        ms, ids = timed(lambda q=query: wo.list_ids(q))
        rows.append((f"list_ids: {label}", ms, f"{len(ids):,} ids"))  # type: ignore[arg-type]
    ids = wo.list_ids(ListQuery())
    ms, _ = timed(lambda: wo.rows(ids[5000:5100]))
    rows.append(("rows(): one 100-row block", ms, "100 rows"))
    ms, due = timed(lambda: services.maintenance.due_ids(ListQuery(), within_days=30))
    rows.append(("maintenance due in 30 days: ids", ms, f"{len(due):,} of {result.units:,} units"))  # type: ignore[arg-type]
    ms, due = timed(lambda: services.maintenance.due_ids(ListQuery(filters={"customer": Ref(customer)})))
    rows.append(("maintenance due: one customer", ms, f"{len(due):,} units"))  # type: ignore[arg-type]
    all_due = services.maintenance.due_ids(ListQuery(), within_days=30)
    ms, _ = timed(lambda: services.maintenance.due_rows(all_due[:100]))
    rows.append(("maintenance due: rows of a 100-row block", ms, "100 rows"))
    unit = services.work_orders.rows(ids[:1])[0].unit_id
    ms, entries = timed(lambda: services.unit_history.entries(unit))
    rows.append(("unit history", ms, f"{len(entries)} entries"))  # type: ignore[arg-type]
    db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--work-orders", type=int, default=200_000)
    parser.add_argument("--technicians", type=int, default=30)
    args = parser.parse_args()
    results = {}
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench(
            f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}", args.customers, args.work_orders, args.technicians
        )
    cluster = start_cluster(durable=True)
    try:
        results["PostgreSQL"] = bench(
            cluster.create_database("bench"), args.customers, args.work_orders, args.technicians
        )
    finally:
        cluster.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print("| step | SQLite ms | PostgreSQL ms | note (SQLite) |")
    print("|---|---:|---:|---|")
    for (label, ms_sqlite, note), (_, ms_pg, _) in zip(results["SQLite"], results["PostgreSQL"], strict=True):
        print(f"| {label} | {ms_sqlite:,.0f} | {ms_pg:,.0f} | {note} |")


if __name__ == "__main__":
    main()
