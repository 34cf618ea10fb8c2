"""Inventory with 50,000 parts and 1,000,000 ledger rows (#12.9), on SQLite and PostgreSQL.

What the office and the storeman wait for: the Inventory page as it opens (the count, the
first ids and their rows, painted), a search, the list sorted by stock on hand, the
low-stock filter, a part's ledger (its first block, newest first), the low-stock list
with its suggested orders, and the stock valuation at cost; and one stock movement
through the service (lock the part, append, keep the cached level) with a million rows
in the ledger.

The data: the demo (100 customers, 9 technicians: the Main warehouse and 9 vans, the
demo's 269 parts and their movements), then 50,000 parts in all, bulk-inserted (variants
of the demo catalogue: a search finds a family, not every part), and 1,000,000 ledger
rows bulk-inserted in time order over three years (raw DB-API ``executemany`` on SQLite,
``COPY`` on PostgreSQL). The rows are what the services would write: receipts into the
warehouse, transfers to the vans (two rows each), reservations for work orders released
when the part is used or the job cancelled, consumption, returns and adjustments; stock
never goes below zero and nothing reserved is taken. How often a part moves is skewed
like a real shop's (a few parts move thousands of times, most parts a
few times). The cached ``stock_levels`` of the bulk parts are then computed by SQL from
the ledger (one ``INSERT … SELECT … GROUP BY``), a third of them given a minimum, reorder
quantity and bin, a quarter of the low ones on order; ``stock_ledger.disagreements`` then checks
every cached level against the whole ledger. PostgreSQL runs in a throwaway cluster
(``tests/pgcluster.py``, durable settings), vacuumed and analysed after the bulk load.

Baseline measured in the same run on each database: the raw DB-API driver (no
SQLAlchemy, no service) reading the same ids the page asks for (every part id by number,
the first 1,000, the busiest part's ledger ids), so the ratios mean something on a loaded
machine.

Run from the repository root:
  .venv/bin/python -m benchmarks.bench_inventory [--parts 50000] [--movements 1000000]
  .venv/bin/python -m benchmarks.bench_inventory --postgresql URL   (already seeded; PostgreSQL only)
Numbers are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, func, insert, select, text  # noqa: E402

from benchmarks.bench_lists import timed  # noqa: E402
from benchmarks.bench_work_orders import print_table, raw_fetch  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.models import Part, StockLocation, StockMovement, StockOrder, WorkOrder  # noqa: E402
from tuffops_desktop.domain.inventory import ON_HAND_KINDS, RESERVED_KINDS, MovementKind  # noqa: E402
from tuffops_desktop.services import stock_ledger  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.demo_inventory import MARKUP, WAREHOUSE, catalogue  # noqa: E402
from tuffops_desktop.services.listing import Flag, ListQuery, Ref  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402

K = MovementKind
MAKERS = (
    "Genteq", "Titan Pro", "Packard", "Siemens", "Eaton", "Supco", "Honeywell", "Emerson", "Danfoss", "Sporlan",
    "Parker", "Mueller", "NIBCO", "Armacell", "Gates", "Dayco", "Fasco", "US Motors", "Revcor", "RectorSeal",
    "Nu-Calgon", "Aspen", "Little Giant", "Southwire", "Harris", "Robinair", "Daikin", "Mitsubishi Electric",
    "LG", "Gree", "Carrier", "Trane", "Lennox", "Goodman", "Rheem", "York", "Copeland", "Bitzer", "ICM Controls",
    "White-Rodgers",
)  # fmt: skip
SPAN_DAYS = 3 * 365
MOVEMENT_COLUMNS = (
    "part_id",
    "location_id",
    "kind",
    "quantity",
    "work_order_id",
    "transfer_group",
    "reason",
    "created_at",
    "created_by",
)
Row = tuple[str, float, str]


# ------------------------------------------------------------------ seeding
def add_parts(services: Services, total: int) -> list[int]:
    """Parts up to ``total`` (variants of the demo catalogue, many makers); the new ids."""
    specs = catalogue()
    now = datetime.now(UTC)
    with services.ctx.write() as session:
        have = int(session.scalar(select(func.count()).select_from(Part)) or 0)
        last = int(session.scalar(select(func.max(Part.id))) or 0)
        rows = []
        for n in range(max(0, total - have)):
            spec = specs[n % len(specs)]
            variant = n // len(specs) + 1
            maker = MAKERS[(n * 7 + variant) % len(MAKERS)]
            cost = (spec.cost * Decimal(80 + (n * 13) % 41) / 100).quantize(Decimal("0.01"))
            rows.append(
                {
                    "number": f"{spec.number}-V{variant:03d}",
                    "name": f"{spec.name} ({maker} {variant:03d})"[:120],
                    "manufacturer": maker,
                    "category": spec.category,
                    "unit": spec.unit.value,
                    "cost": cost,
                    "price": (cost * MARKUP.get(spec.category, Decimal("1.8"))).quantize(Decimal("0.01")),
                    "active": n % 97 != 0,
                    "created_at": now,
                    "version": 1,
                }
            )
            if len(rows) == 10_000:
                session.execute(insert(Part), rows)
                rows = []
        if rows:
            session.execute(insert(Part), rows)
        return list(session.scalars(select(Part.id).where(Part.id > last).order_by(Part.id)))


def movement_counts(rng: random.Random, parts: int, total: int) -> list[int]:
    """How many ledger rows each part gets: at least 4, the rest skewed (Zipf-like) so a few
    parts move thousands of times; the counts add up to ``total`` exactly."""
    base = 4
    extra = total - base * parts
    weights = [1 / (rank + 20) for rank in range(parts)]
    scale = extra / sum(weights)
    counts = [base + int(w * scale) for w in weights]
    for n in range(total - sum(counts)):
        counts[n % parts] += 1
    rng.shuffle(counts)
    return counts


def part_ledger(
    rng: random.Random,
    part_id: int,
    count: int,
    warehouse: int,
    vans: Sequence[int],
    work_orders: Sequence[int],
    start: datetime,
) -> Iterator[tuple[Any, ...]]:
    """Exactly ``count`` ledger rows of one part, in time order, as the services would write
    them (quantities signed as their effect; on hand, reserved and free never below zero)."""
    hand: dict[int, int] = {warehouse: 0, **{v: 0 for v in vans}}
    held: dict[int, int] = dict.fromkeys(hand, 0)
    my_vans = rng.sample(list(vans), k=min(len(vans), rng.randint(1, 4)))
    step = SPAN_DAYS * 86400 / count
    at = start + timedelta(seconds=rng.uniform(0, step))
    left = count

    def row(
        location: int,
        kind: MovementKind,
        quantity: int,
        order: int | None = None,
        group: str | None = None,
        reason: str = "",
    ) -> tuple[Any, ...]:
        nonlocal at, left
        at += timedelta(seconds=step * rng.uniform(0.3, 1.7) / 2)
        left -= 1
        return (part_id, location, kind.value, quantity, order, group, reason, at, "bench")

    while left > 0:
        van = rng.choice(my_vans)
        free_w, free_v = hand[warehouse] - held[warehouse], hand[van] - held[van]
        roll = rng.random()
        if free_w < 3 or roll < 0.12:
            q = rng.randint(10, 120)
            hand[warehouse] += q
            yield row(warehouse, K.RECEIVE, q, reason="Delivery")
        elif roll < 0.40 and left >= 2:
            q = rng.randint(1, min(6, free_w))
            group = str(uuid.UUID(int=rng.getrandbits(128)))
            hand[warehouse] -= q
            hand[van] += q
            yield row(warehouse, K.TRANSFER_OUT, -q, group=group)
            yield row(van, K.TRANSFER_IN, q, group=group)
        elif roll < 0.75 and free_v >= 1 and left >= 3:
            q = rng.randint(1, min(3, free_v))
            order = rng.choice(work_orders)
            held[van] += q
            yield row(van, K.RESERVE, q, order)
            if left == 2 and rng.random() < 0.5:
                continue  # the last job is still scheduled: its reservation stays
            held[van] -= q
            hand[van] -= q
            yield row(van, K.CONSUME, -q, order)
            yield row(van, K.RELEASE, -q, order)
        elif roll < 0.82 and free_v >= 1:
            q = rng.randint(1, min(2, free_v))
            hand[van] -= q
            yield row(van, K.CONSUME, -q)
        elif roll < 0.88:
            hand[van] += 1
            yield row(van, K.RETURN, 1, rng.choice(work_orders))
        elif roll < 0.94 and left >= 2:
            q = rng.randint(1, min(4, free_w))
            order = rng.choice(work_orders)
            yield row(warehouse, K.RESERVE, q, order)
            yield row(warehouse, K.RELEASE, -q, order)  # the job was cancelled
        else:
            change = -1 if free_w >= 1 and rng.random() < 0.6 else 1
            hand[warehouse] += change
            yield row(warehouse, K.ADJUST, change, reason="Cycle count")


def add_ledger(services: Services, part_ids: Sequence[int], total: int) -> int:
    """``total`` ledger rows over ``part_ids``, inserted in time order with the raw driver."""
    rng = random.Random(12)
    with services.ctx.read() as session:
        locations = list(session.execute(select(StockLocation.id, StockLocation.name, StockLocation.kind)))
        work_orders = list(session.scalars(select(WorkOrder.id)))
    warehouse = next(i for i, name, _kind in locations if name == WAREHOUSE)
    vans = [i for i, _name, kind in locations if kind == "van"]
    start = datetime.now(UTC) - timedelta(days=SPAN_DAYS)
    rows: list[tuple[Any, ...]] = []
    for part_id, count in zip(part_ids, movement_counts(rng, len(part_ids), total), strict=True):
        rows.extend(part_ledger(rng, part_id, count, warehouse, vans, work_orders, start))
    rows.sort(key=lambda r: r[7])
    engine = services.ctx.db.engine
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY stock_movements ({', '.join(MOVEMENT_COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for r in rows:
                    copy.write_row(r)
        else:
            marks = ", ".join("?" * len(MOVEMENT_COLUMNS))
            sql = f"INSERT INTO stock_movements ({', '.join(MOVEMENT_COLUMNS)}) VALUES ({marks})"
            naive = [(*r[:7], r[7].replace(tzinfo=None).isoformat(" ", "microseconds"), r[8]) for r in rows]
            cursor.executemany(sql, naive)
        raw.commit()
    finally:
        raw.close()
    return len(rows)


def levels_from_ledger(services: Services, first_part: int) -> None:
    """The cached levels of the bulk parts, summed by SQL from the ledger; a third of the
    warehouse rows watched (minimum, reorder quantity, bin), a quarter of the low ones on order."""
    on_hand = ", ".join(f"'{k}'" for k in ON_HAND_KINDS)
    reserved = ", ".join(f"'{k}'" for k in RESERVED_KINDS)
    with services.ctx.write() as session:
        session.execute(
            text(
                "INSERT INTO stock_levels (part_id, location_id, on_hand, reserved, minimum, reorder_quantity, bin) "
                f"SELECT part_id, location_id, SUM(CASE WHEN kind IN ({on_hand}) THEN quantity ELSE 0 END), "
                f"SUM(CASE WHEN kind IN ({reserved}) THEN quantity ELSE 0 END), NULL, NULL, '' "
                "FROM stock_movements WHERE part_id >= :first GROUP BY part_id, location_id"
            ),
            {"first": first_part},
        )
        warehouse = session.scalar(select(StockLocation.id).where(StockLocation.name == WAREHOUSE))
        session.execute(
            text(
                "UPDATE stock_levels SET minimum = 5 + part_id % 20, reorder_quantity = 10 + part_id % 3 * 10, "
                "bin = 'R' || (part_id % 40) || '-' || (part_id % 7) "
                "WHERE location_id = :w AND part_id >= :first AND part_id % 3 = 0"
            ),
            {"w": warehouse, "first": first_part},
        )
        low = session.execute(
            text(
                "SELECT part_id, reorder_quantity FROM stock_levels WHERE location_id = :w AND part_id >= :first "
                "AND minimum IS NOT NULL AND on_hand - reserved < minimum ORDER BY part_id"
            ),
            {"w": warehouse, "first": first_part},
        ).all()
        now = datetime.now(UTC)
        orders = [
            {
                "part_id": part_id,
                "location_id": warehouse,
                "quantity": quantity,
                "supplier": "Island HVAC Wholesale",
                "reference": f"PO-B{n:05d}",
                "status": "open",
                "ordered_at": now,
                "ordered_by": "bench",
                "version": 1,
            }
            for n, (part_id, quantity) in enumerate(low[::4])
        ]
        if orders:
            session.execute(insert(StockOrder), orders)


def seed(services: Services, parts: int, movements: int) -> str:
    started = time.perf_counter()
    seed_demo(services.ctx, customers=100, technicians=9)
    demo = time.perf_counter()
    new_parts = add_parts(services, parts)
    added = time.perf_counter()
    rows = add_ledger(services, new_parts, movements)
    ledger = time.perf_counter()
    levels_from_ledger(services, new_parts[0])
    engine = services.ctx.db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    done = time.perf_counter()
    return (
        f"demo {demo - started:.1f} s, {len(new_parts):,} parts {added - demo:.1f} s, "
        f"{rows:,} ledger rows {ledger - added:.1f} s, levels + analyse {done - ledger:.1f} s"
    )


# ------------------------------------------------------------------ measuring
def raw_baseline(engine: Engine, busiest: int) -> list[Row]:
    """The DB-API driver alone reading the ids the page's queries return."""
    rows: list[Row] = []
    for label, sql in (
        ("baseline: raw driver, every part id by number", "SELECT id FROM parts ORDER BY number"),
        ("baseline: raw driver, first 1,000 part ids by number", "SELECT id FROM parts ORDER BY number LIMIT 1000"),
        (
            "baseline: raw driver, the busiest part's ledger ids",
            f"SELECT id FROM stock_movements WHERE part_id = {busiest} ORDER BY id DESC",
        ),
    ):
        ms, ids = timed(lambda sql=sql: raw_fetch(engine, sql))
        rows.append((label, ms, f"{len(ids):,} ids"))  # type: ignore[arg-type]
    return rows


def bench(url: str, parts: int, movements: int, *, seeding: bool) -> list[Row]:
    db = open_database(url)
    system = system_services(db)
    if seeding:
        print(f"{db.dialect}: seeded: {seed(system, parts, movements)}", file=sys.stderr)
    with system.ctx.read() as session:
        counted = session.execute(
            select(StockMovement.part_id, func.count()).group_by(StockMovement.part_id).order_by(func.count().desc())
        ).all()
        ledger_rows = sum(n for _p, n in counted)
        warehouse = session.scalar(select(StockLocation.id).where(StockLocation.name == WAREHOUSE))
    busiest, busiest_rows = counted[0]
    typical, typical_rows = counted[len(counted) // 2]
    listing, control = system.inventory_listing, system.stock_control

    def checked() -> str:
        with system.ctx.read() as session:
            wrong = stock_ledger.disagreements(session)
        assert wrong == [], wrong[:5]
        return f"{ledger_rows:,} ledger rows; every cached level equals the ledger"

    def first(query: ListQuery) -> str:
        found = listing.first_ids(query, 1000)
        return f"{found.total:,} listed, {len(found.ids):,} ids"

    def listed(query: ListQuery) -> str:
        return f"{len(listing.list_ids(query)):,} ids"

    def ledger_block(part_id: int) -> object:
        return listing.ledger_rows(listing.ledger_ids(part_id)[:200])

    by_number = ListQuery(sort="number")
    search = ListQuery(text="capacitor 45", sort="number")
    by_stock = ListQuery(sort="on_hand", descending=True)
    at_warehouse = ListQuery(sort="available", filters={"location": Ref(warehouse)})
    low_only = ListQuery(sort="number", filters={"low": Flag(True)})
    block = listing.first_ids(by_number, 200).ids
    low_rows = len(control.low_stock())
    inventory = system.inventory
    rows: list[Row] = raw_baseline(db.engine, busiest)
    rows += [
        (
            "first_ids (count + 1,000 ids) by number",
            timed(lambda: listing.first_ids(by_number, 1000))[0],
            first(by_number),
        ),
        ("list_ids, every id, by number", timed(lambda: listing.list_ids(by_number))[0], listed(by_number)),
        ('list_ids search "capacitor 45"', timed(lambda: listing.list_ids(search))[0], listed(search)),
        (
            "list_ids by on hand (levels summed per part)",
            timed(lambda: listing.list_ids(by_stock))[0],
            listed(by_stock),
        ),
        (
            "list_ids at the warehouse by available",
            timed(lambda: listing.list_ids(at_warehouse))[0],
            listed(at_warehouse),
        ),
        ("list_ids low stock only", timed(lambda: listing.list_ids(low_only))[0], listed(low_only)),
        ("rows of one block (200)", timed(lambda: listing.rows(block))[0], "200 rows"),
        ("rows of one block at the warehouse", timed(lambda: listing.rows(block, warehouse))[0], "200 rows"),
        (
            "ledger: busiest part, ids + first 200 rows",
            timed(lambda: ledger_block(busiest))[0],
            f"{busiest_rows:,} movements",
        ),
        (
            "ledger: typical part, ids + first 200 rows",
            timed(lambda: ledger_block(typical))[0],
            f"{typical_rows:,} movements",
        ),
        ("low-stock list, every location", timed(control.low_stock)[0], f"{low_rows:,} rows"),
        ("low-stock list, the warehouse", timed(lambda: control.low_stock(warehouse))[0], ""),
        ("valuation at cost, every location", timed(control.valuation)[0], ""),
        (
            "one receipt through the service (busiest part)",
            timed(lambda: inventory.receive(busiest, warehouse, "1", "bench"))[0],
            "lock, append, level, audit",
        ),
        ("cached levels checked against the whole ledger", *timed(checked, repeat=1)),  # type: ignore[list-item]
    ]
    rows += page_rows(system)
    print(f"{db.dialect}: {len(counted):,} parts with movements measured", file=sys.stderr)
    db.engine.dispose()
    return rows


def page_rows(system: Services) -> list[Row]:
    """The Inventory page, when this tree has it: created → first paint, and a search."""
    try:
        from benchmarks.ui_paint import first_paint_ms
        from tuffops_desktop.ui.pages.inventory.page import InventoryPage
    except ImportError:
        return []

    def search(page: Any) -> None:
        page.search.set_search("capacitor 45")

    return [
        ("Inventory page: create → first paint", *first_paint_ms(system, InventoryPage)),
        ('Inventory page: search "capacitor 45" → painted', *first_paint_ms(system, InventoryPage, then=search)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=50_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--postgresql", help="a PostgreSQL URL already seeded by this benchmark (PostgreSQL only)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    if args.postgresql:
        for label, ms, note in bench(args.postgresql, args.parts, args.movements, seeding=False):
            print(f"| {label} | {ms:,.0f} | {note} |")
        return
    results: dict[str, list[Row]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-inventory-") as tmp:
        url = f"sqlite:///{Path(tmp, 'bench.sqlite3').as_posix()}"
        results["SQLite"] = bench(url, args.parts, args.movements, seeding=True)
    if args.sqlite_only:
        for label, ms, note in results["SQLite"]:
            print(f"| {label} | {ms:,.0f} | {note} |")
        return
    print(f"load between: {os.getloadavg()}", file=sys.stderr)
    cluster = start_cluster(durable=True)
    try:
        results["PostgreSQL"] = bench(cluster.create_database("bench"), args.parts, args.movements, seeding=True)
    finally:
        cluster.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print(f"\n{args.parts:,} parts, {args.movements:,} ledger rows\n")
    print_table(results)


if __name__ == "__main__":
    main()
