"""The Invoices page with 100,000 invoices (#11.10), on SQLite and PostgreSQL.

What the office waits for: the page as it opens (newest first: the count, the first ids
and their rows, painted), the list sorted by balance (numeric, in SQL), "overdue only",
a search by customer name, and the Receivables tab's ageing (one aggregate over every
open invoice).

The invoices are bulk-inserted rows shaped like issued ones (a third paid, a tenth
cancelled, the rest open with some payments; due dates spread over a year), spread over
the demo's customers and work orders. To put 100,000 invoices on a demo's few hundred
work orders the benchmark database drops the "one active invoice per work order" index;
nothing the page reads uses it. PostgreSQL runs in a throwaway cluster
(``tests/pgcluster.py``, durable settings), vacuumed and analysed after the bulk insert
as autovacuum would leave it.

Baseline measured in the same run on each database: the raw DB-API driver (no
SQLAlchemy, no service) reading the same ids the page asks for (every id newest first,
the first 1,000, every id by balance), so the ratios mean something on a loaded machine.

Run from the repository root:
  .venv/bin/python -m benchmarks.bench_invoices_page [--invoices 100000]
  .venv/bin/python -m benchmarks.bench_invoices_page --postgresql URL   (already seeded; PostgreSQL only)
Numbers are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, insert, select, text  # noqa: E402

from benchmarks.bench_lists import timed  # noqa: E402
from benchmarks.bench_work_orders import print_table, raw_fetch  # noqa: E402
from benchmarks.ui_paint import first_paint_ms  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.models import Customer, WorkOrder  # noqa: E402
from tuffops_desktop.db.models.invoices import Invoice  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.listing import Flag, ListQuery  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402
from tuffops_desktop.ui.pages.invoices.page import InvoicesPage  # noqa: E402
from tuffops_desktop.ui.pages.list_page import ListPage  # noqa: E402


def seed(services: Services, count: int) -> None:
    """``count`` invoices as issuing, paying and cancelling would leave them."""
    rng = random.Random(11)
    today = date.today()
    with services.ctx.write() as session:
        session.execute(text("DROP INDEX IF EXISTS uq_invoices_active_work_order"))
        pairs = list(
            session.execute(select(WorkOrder.id, WorkOrder.customer_id).where(WorkOrder.customer_id.is_not(None)))
        )
        names = {cid: name for cid, name in session.execute(select(Customer.id, Customer.display_name))}
        start = int(session.scalar(select(Invoice.sequence).order_by(Invoice.sequence.desc()).limit(1)) or 0)
        rows = []
        for n in range(count):
            work_order_id, customer_id = pairs[n % len(pairs)]
            issued = today - timedelta(days=rng.randint(0, 400))
            total = Decimal(rng.randint(5_000, 250_000)) / 100
            roll = rng.random()
            status, paid = "sent", Decimal("0.00")
            if roll < 0.33:
                status, paid = "paid", total
            elif roll < 0.43:
                status = "cancelled"
            elif roll < 0.6:
                paid = (total * Decimal(rng.randint(10, 90)) / 100).quantize(Decimal("0.01"))
            sequence = start + n + 1
            rows.append(
                {
                    "number": f"INV-{issued.year}-B{sequence:07d}",
                    "year": issued.year,
                    "sequence": sequence,
                    "status": status,
                    "work_order_id": work_order_id,
                    "customer_id": customer_id,
                    "bill_to_name": names.get(customer_id, ""),
                    "bill_to_address": "",
                    "unit_label": "Lobby AC",
                    "issued_on": issued,
                    "due_on": issued + timedelta(days=30),
                    "payment_terms_days": 30,
                    "tax_rate": Decimal("17.00"),
                    "subtotal": total,
                    "discount_total": Decimal("0.00"),
                    "net": total,
                    "tax": Decimal("0.00"),
                    "total": total,
                    "paid": paid,
                    "created_by": "bench",
                }
            )
            if len(rows) == 5000:
                session.execute(insert(Invoice), rows)
                rows = []
        if rows:
            session.execute(insert(Invoice), rows)
        session.execute(text("ANALYZE"))


BALANCE_SQL = "CASE WHEN status = 'cancelled' THEN 0.00 ELSE total - paid END"
Row = tuple[str, float, str]


def raw_baseline(engine: Engine) -> list[Row]:
    """The DB-API driver alone reading the ids the page's queries return."""

    newest = "SELECT id FROM invoices ORDER BY year DESC, sequence DESC"
    by_balance = f"SELECT id FROM invoices ORDER BY {BALANCE_SQL} DESC, year DESC, sequence DESC"
    rows: list[Row] = []
    for label, sql in (
        ("baseline: raw driver, every id newest first", newest),
        ("baseline: raw driver, first 1,000 ids newest first", newest + " LIMIT 1000"),
        ("baseline: raw driver, every id by balance", by_balance),
    ):
        ms, ids = timed(lambda sql=sql: raw_fetch(engine, sql))
        rows.append((label, ms, f"{len(ids):,} ids"))  # type: ignore[arg-type]
    return rows


def bench(url: str, count: int, *, seeding: bool) -> list[Row]:
    db = open_database(url)
    system = system_services(db)
    if seeding:
        started = time.perf_counter()
        seed_demo(system.ctx, customers=300)
        seed(system, count)
        print(f"{db.dialect}: seeded {count:,} invoices in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if db.dialect == "postgresql":  # what autovacuum leaves: visibility map set, statistics fresh
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    invoices = system.invoices
    total = len(invoices.list_ids(ListQuery(sort="number", descending=True)))

    def sorted_by_balance(page: ListPage) -> None:
        page.model.sort(page.model.column_of_sort_key("balance"))

    def overdue_only(page: ListPage) -> None:
        assert isinstance(page, InvoicesPage)
        page.overdue.setChecked(True)

    def first(query: ListQuery) -> str:
        found = invoices.first_ids(query, 1000)
        return f"{found.total:,} listed, {len(found.ids):,} ids"

    def listed(query: ListQuery) -> str:
        return f"{len(invoices.list_ids(query)):,} ids"

    newest = ListQuery(sort="number", descending=True)
    by_balance = ListQuery(sort="balance", descending=True)
    overdue = ListQuery(sort="due", filters={"overdue": Flag(True)})
    search = ListQuery(text="hanley", sort="number")
    block = invoices.first_ids(ListQuery(), 200).ids
    rows: list[Row] = raw_baseline(db.engine)
    rows += [
        (
            "first_ids (count + 1,000 ids), newest first",
            timed(lambda: invoices.first_ids(newest, 1000))[0],
            first(newest),
        ),
        (
            "first_ids (count + 1,000 ids) by balance",
            timed(lambda: invoices.first_ids(by_balance, 1000))[0],
            first(by_balance),
        ),
        (
            "first_ids (count + 1,000 ids) overdue only",
            timed(lambda: invoices.first_ids(overdue, 1000))[0],
            first(overdue),
        ),
        ("list_ids, every id, newest first", timed(lambda: invoices.list_ids(newest))[0], listed(newest)),
        ("list_ids sorted by balance", timed(lambda: invoices.list_ids(by_balance))[0], listed(by_balance)),
        ("list_ids overdue only", timed(lambda: invoices.list_ids(overdue))[0], listed(overdue)),
        ('list_ids search "hanley"', timed(lambda: invoices.list_ids(search))[0], listed(search)),
        ("rows of one block (200)", timed(lambda: invoices.rows(block))[0], "200 rows"),
        ("receivables ageing (every open invoice)", timed(lambda: system.receivables.ageing())[0], ""),
        ("page: create → first paint", *first_paint_ms(system, InvoicesPage)),
        ("page: sort by balance → painted", *first_paint_ms(system, InvoicesPage, then=sorted_by_balance)),
        ("page: overdue only → painted", *first_paint_ms(system, InvoicesPage, then=overdue_only)),
    ]
    print(f"{db.dialect}: {total:,} invoices measured", file=sys.stderr)
    db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--postgresql", help="a PostgreSQL URL already seeded by this benchmark (PostgreSQL only)")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    if args.postgresql:
        for label, ms, note in bench(args.postgresql, args.invoices, seeding=False):
            print(f"| {label} | {ms:,.0f} | {note} |")
        return
    results: dict[str, list[Row]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-invoices-page-") as tmp:
        results["SQLite"] = bench(f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}", args.invoices, seeding=True)
    print(f"load between: {os.getloadavg()}", file=sys.stderr)
    cluster = start_cluster(durable=True)
    try:
        results["PostgreSQL"] = bench(cluster.create_database("bench"), args.invoices, seeding=True)
    finally:
        cluster.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print(f"\n{args.invoices:,} invoices\n")
    print_table(results)


if __name__ == "__main__":
    main()
