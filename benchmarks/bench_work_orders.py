"""Work orders with 200,000 rows and 30 technicians, on SQLite and PostgreSQL.

What the work-orders page and the maintenance view ask of the database, for the default
list, each filter, each sort and text searches: the page's first trip (``first_ids``: the
count and the first 1,000 ids in list order) and every id, which the page receives in the
background afterwards (``list_ids``); the rows of one 100-row block (``rows``), the
maintenance-due list over ~57,000 units and a unit's history. Also how long
``tuffops demo --work-orders N`` takes to write them, and the Work orders page from its
creation to its first paint (offscreen Qt). Goal: first paint < 300 ms, < 100 ms per query.

Baseline measured in the same run: the raw DB-API driver (no SQLAlchemy) reading the ids
of the whole table in id order, and the first 1,000 of them, so the ratios mean something
on a loaded machine.

Run from the repository root:
  .venv/bin/python -m benchmarks.bench_work_orders [--work-orders 200000]
  .venv/bin/python -m benchmarks.bench_work_orders --sqlite FILE --postgresql URL   (already seeded)
Numbers are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, text  # noqa: E402

from benchmarks.bench_lists import timed  # noqa: E402
from benchmarks.ui_paint import work_orders_all_statuses_ms, work_orders_first_paint_ms  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders  # noqa: E402
from tuffops_desktop.services.listing import Between, FirstIds, Flag, ListQuery, Ref, any_of  # noqa: E402
from tuffops_desktop.ui.pages.list_query import FIRST_IDS  # noqa: E402


def bench(url: str, customers: int, work_orders: int, technicians: int, *, seed: bool) -> list[tuple[str, float, str]]:
    db = open_database(url)
    services = system_services(db)
    rows: list[tuple[str, float, str]] = []
    if seed:
        start = time.perf_counter()
        result = seed_demo(services.ctx, customers=customers, technicians=technicians)
        rows.append(
            (
                "seed demo data (customers, units, technicians, this week)",
                (time.perf_counter() - start) * 1000,
                f"{result.units:,} units, {result.work_orders} work orders",
            )
        )
        start = time.perf_counter()
        add_demo_work_orders(services.ctx, work_orders)
        rows.append(
            (
                f"demo --work-orders {work_orders:,} (bulk insert + history + search text)",
                (time.perf_counter() - start) * 1000,
                "ms",
            )
        )
        if db.dialect == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    with db.engine.connect() as conn:
        unit_count = conn.execute(text("SELECT count(*) FROM units")).scalar_one()
    rows += _raw_baseline(db.engine)
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
        ("search 'capacitor', open work", ListQuery(text="capacitor", filters={"status": any_of("pending")})),
        ("search a work-order number 'wo-012345'", ListQuery(text="wo-012345")),
        ("search two letters 'ab' (no trigram index)", ListQuery(text="ab")),
    ]
    for sort in ("number", "status", "type", "due", "scheduled", "created", "customer", "unit", "technician"):
        queries.append((f"sort by {sort}", ListQuery(sort=sort)))
    for label, query in queries:
        ms, first = timed(lambda q=query: wo.first_ids(q, FIRST_IDS))
        assert isinstance(first, FirstIds)
        rows.append((f"first_ids: {label}", ms, f"{first.total:,} listed, {len(first.ids):,} ids"))
        ms, ids = timed(lambda q=query: wo.list_ids(q), repeat=3)
        rows.append((f"list_ids (background): {label}", ms, f"{len(ids):,} ids"))  # type: ignore[arg-type]
    ids = wo.list_ids(ListQuery())
    ms, _ = timed(lambda: wo.rows(ids[5000:5100]))
    rows.append(("rows(): one 100-row block", ms, "100 rows"))
    ms, due = timed(lambda: services.maintenance.due_ids(ListQuery(), within_days=30))
    rows.append(("maintenance due in 30 days: ids", ms, f"{len(due):,} of {unit_count:,} units"))  # type: ignore[arg-type]
    ms, due = timed(lambda: services.maintenance.due_ids(ListQuery(filters={"customer": Ref(customer)})))
    rows.append(("maintenance due: one customer", ms, f"{len(due):,} units"))  # type: ignore[arg-type]
    all_due = services.maintenance.due_ids(ListQuery(), within_days=30)
    ms, _ = timed(lambda: services.maintenance.due_rows(all_due[:100]))
    rows.append(("maintenance due: rows of a 100-row block", ms, "100 rows"))
    unit = services.work_orders.rows(ids[:1])[0].unit_id
    ms, entries = timed(lambda: services.unit_history.entries(unit))
    rows.append(("unit history", ms, f"{len(entries)} entries"))  # type: ignore[arg-type]
    ms, note = work_orders_first_paint_ms(services)
    rows.append(("Work orders page: create -> first paint (open work, by due)", ms, note))
    ms, note = work_orders_all_statuses_ms(services)
    rows.append(("Work orders page: 'All work orders' chosen -> painted", ms, note))
    db.engine.dispose()
    return rows


def raw_fetch(engine: Engine, sql: str) -> list[object]:
    """``sql``'s rows through the DB-API driver alone (no SQLAlchemy): the baseline's read."""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        conn.close()


def print_table(results: dict[str, list[tuple[str, float, str]]]) -> None:
    """The SQLite and PostgreSQL rows side by side as a Markdown table."""
    print("| step | SQLite ms | PostgreSQL ms | note (SQLite / PostgreSQL) |")
    print("|---|---:|---:|---|")
    for (label, ms_sqlite, note), (_, ms_pg, note_pg) in zip(results["SQLite"], results["PostgreSQL"], strict=True):
        notes = note if note == note_pg else f"{note} / {note_pg}"
        print(f"| {label} | {ms_sqlite:,.0f} | {ms_pg:,.0f} | {notes} |")


def _raw_baseline(engine: Engine) -> list[tuple[str, float, str]]:
    """The DB-API driver alone (no SQLAlchemy) reading ids: what any list of that size costs."""
    ms_all, every = timed(lambda: raw_fetch(engine, "SELECT id FROM work_orders ORDER BY id DESC"))
    ms_first, first = timed(lambda: raw_fetch(engine, f"SELECT id FROM work_orders ORDER BY id DESC LIMIT {FIRST_IDS}"))
    return [
        ("baseline: raw driver, every id in id order", ms_all, f"{len(every):,} ids"),  # type: ignore[arg-type]
        ("baseline: raw driver, first 1,000 ids", ms_first, f"{len(first):,} ids"),  # type: ignore[arg-type]
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--work-orders", type=int, default=200_000)
    parser.add_argument("--technicians", type=int, default=30)
    parser.add_argument("--sqlite", help="an SQLite file already seeded by this benchmark (no seeding)")
    parser.add_argument("--postgresql", help="a PostgreSQL URL already seeded by this benchmark (no seeding)")
    args = parser.parse_args()
    sizes = (args.customers, args.work_orders, args.technicians)
    results = {}
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    if args.sqlite:
        results["SQLite"] = bench(f"sqlite:///{Path(args.sqlite).as_posix()}", *sizes, seed=False)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results["SQLite"] = bench(f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}", *sizes, seed=True)
    print(f"load between: {os.getloadavg()}", file=sys.stderr)
    if args.postgresql:
        results["PostgreSQL"] = bench(args.postgresql, *sizes, seed=False)
    else:
        cluster = start_cluster(durable=True)
        try:
            results["PostgreSQL"] = bench(cluster.create_database("bench"), *sizes, seed=True)
        finally:
            cluster.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print_table(results)


if __name__ == "__main__":
    main()
