"""Customers and units lists with 20,000 customers (~57,000 units), on SQLite and PostgreSQL.

What the office feels: the first page of the Customers list (sorted ids + the first rows),
a search, a sort by another column, and the same on the Units list. When the desktop UI
is importable, also the time from creating the Customers page to its first paint.

Run from the repository root:  .venv/bin/python -m benchmarks.bench_lists [--customers 20000]
Numbers are printed as a Markdown table; copy them into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.listing import ListQuery  # noqa: E402


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def bench(url: str, customers: int) -> list[tuple[str, float, str]]:
    db = open_database(url)
    services = system_services(db)
    start = time.perf_counter()
    result = seed_demo(services.ctx, customers=customers)
    rows: list[tuple[str, float, str]] = [
        ("seed demo data", (time.perf_counter() - start) * 1000, f"{result.customers} customers, {result.units} units")
    ]
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    c, u = services.customers, services.units

    def first_page(list_ids, get_rows, query):  # noqa: ANN001, ANN202
        ids = list_ids(query)
        return len(ids), get_rows(ids[:100])

    ms, out = timed(lambda: first_page(c.list_ids, c.rows, ListQuery()))
    rows.append(("customers: first page (all ids sorted by name + 100 rows)", ms, f"{out[0]} ids"))
    for label, query in [
        ("customers: search 'bay'", ListQuery(text="bay")),
        ("customers: search 'ann liburd'", ListQuery(text="ann liburd")),
        ("customers: search phone '4651'", ListQuery(text="4651")),
        ("customers: sort by city desc", ListQuery(sort="city", descending=True)),
        ("customers: sort by unit count", ListQuery(sort="units", descending=True)),
    ]:
        ms, out = timed(lambda q=query: first_page(c.list_ids, c.rows, q))
        rows.append((label, ms, f"{out[0]} ids"))
    ms, out = timed(lambda: first_page(u.list_ids, u.rows, ListQuery()))
    rows.append(("units: first page (all ids sorted by label + 100 rows)", ms, f"{out[0]} ids"))
    for label, query in [
        ("units: search 'lobby basseterre'", ListQuery(text="lobby basseterre")),
        ("units: sort by customer", ListQuery(sort="customer")),
        ("units: sort by warranty expiry (computed, Python)", ListQuery(sort="warranty")),
    ]:
        ms, out = timed(lambda q=query: first_page(u.list_ids, u.rows, q))
        rows.append((label, ms, f"{out[0]} ids"))
    rows.extend(bench_ui(services))
    db.engine.dispose()
    return rows


def bench_ui(services) -> list[tuple[str, float, str]]:  # noqa: ANN001
    """Time to first paint of the Customers page, if the UI package provides it."""
    try:
        from benchmarks.ui_paint import customers_first_paint_ms
    except ImportError:
        return []
    ms, note = customers_first_paint_ms(services)
    return [("customers page: construct → first paint (offscreen)", ms, note)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = bench(f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}", args.customers)
    cluster = start_cluster(durable=True)
    try:
        results["PostgreSQL"] = bench(cluster.create_database("bench"), args.customers)
    finally:
        cluster.stop()
    print("| step | SQLite ms | PostgreSQL ms | note |")
    print("|---|---:|---:|---|")
    for (label, ms_sqlite, note), (_, ms_pg, _) in zip(results["SQLite"], results["PostgreSQL"], strict=True):
        print(f"| {label} | {ms_sqlite:,.0f} | {ms_pg:,.0f} | {note} |")


if __name__ == "__main__":
    main()
