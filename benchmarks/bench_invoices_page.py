"""The Invoices page with 100,000 invoices (#11.10), on SQLite.

What the office waits for: the page as it opens (newest first: the count, the first ids
and their rows, painted), the list sorted by balance (numeric, in SQL), "overdue only",
a search by customer name, and the Receivables tab's ageing (one aggregate over every
open invoice).

The invoices are bulk-inserted rows shaped like issued ones (a third paid, a tenth
cancelled, the rest open with some payments; due dates spread over a year), spread over
the demo's customers and work orders. To put 100,000 invoices on a demo's few hundred
work orders the benchmark database drops the "one active invoice per work order" index;
nothing the page reads uses it.

Run from the repository root:  .venv/bin/python -m benchmarks.bench_invoices_page [--invoices 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks.ui_paint import first_paint_ms  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.models import Customer, WorkOrder  # noqa: E402
from tuffops_desktop.db.models.invoices import Invoice  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.listing import Flag, ListQuery  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402
from tuffops_desktop.ui.pages.invoices.page import InvoicesPage  # noqa: E402
from tuffops_desktop.ui.pages.list_page import ListPage  # noqa: E402


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="bench-invoices-page-")) / "bench.sqlite3"
    db = open_database(f"sqlite:///{path.as_posix()}")
    system = system_services(db)
    started = time.perf_counter()
    seed_demo(system.ctx, customers=300)
    seed(system, args.invoices)
    print(f"seeded {args.invoices:,} invoices in {time.perf_counter() - started:.1f} s")
    invoices = system.invoices
    total = len(invoices.list_ids(ListQuery(sort="number", descending=True)))

    def sorted_by_balance(page: ListPage) -> None:
        page.model.sort(page.model.column_of_sort_key("balance"))

    def overdue_only(page: ListPage) -> None:
        assert isinstance(page, InvoicesPage)
        page.overdue.setChecked(True)

    rows = [
        (
            "first_ids (count + 1,000 ids), newest first",
            timed(lambda: invoices.first_ids(ListQuery(sort="number", descending=True), 1000)),
        ),
        (
            "list_ids, every id, newest first",
            timed(lambda: invoices.list_ids(ListQuery(sort="number", descending=True))),
        ),
        ("list_ids sorted by balance", timed(lambda: invoices.list_ids(ListQuery(sort="balance", descending=True)))),
        (
            "list_ids overdue only",
            timed(lambda: invoices.list_ids(ListQuery(sort="due", filters={"overdue": Flag(True)}))),
        ),
        ('list_ids search "hanley"', timed(lambda: invoices.list_ids(ListQuery(text="hanley", sort="number")))),
        ("rows of one block (200)", timed(lambda: invoices.rows(invoices.first_ids(ListQuery(), 200).ids))),
        ("receivables ageing (every open invoice)", timed(lambda: system.receivables.ageing())),
        ("page: create → first paint", first_paint_ms(system, InvoicesPage)[0]),
        ("page: sort by balance → painted", first_paint_ms(system, InvoicesPage, then=sorted_by_balance)[0]),
        ("page: overdue only → painted", first_paint_ms(system, InvoicesPage, then=overdue_only)[0]),
    ]
    print(f"\n{total:,} invoices, SQLite\n")
    print("| step | ms (median) |")
    print("|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:,.0f} |")
    db.engine.dispose()


if __name__ == "__main__":
    main()
