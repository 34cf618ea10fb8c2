"""Proof that the cached stock levels always equal the ledger, on both databases.

``stock_levels.on_hand`` / ``reserved`` are a cache kept by the one ledger writer. Random
sequences of every kind of stock action (receive, transfer, adjust, reserve, release,
consume, return, cycle count, receiving a supplier's order), refusals included, must leave
the cache equal to the ledger's sums and never a negative on hand or reserved. And
migration 0013's backfill must give the levels the ledger written before it implies.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Numeric, bindparam, select, text
from sqlalchemy.orm import Session

from tests.conftest import new_database_url
from tests.services.inventory_support import stockroom
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.db.models import StockLevel, StockMovement
from tuffops_desktop.domain.errors import DomainError
from tuffops_desktop.domain.inventory import MovementKind
from tuffops_desktop.services import stock_ledger
from tuffops_desktop.services.dto.stock_control import CountEntry
from tuffops_desktop.services.registry import Services

D = Decimal
quantities = st.sampled_from(["1", "2", "3", "0.5", "1.25", "5", "8"])
signs = st.sampled_from(["", "-"])
slot = st.integers(min_value=0, max_value=1)
ACTIONS = ("receive", "transfer", "adjust", "reserve", "release", "consume", "return", "count", "receive_order")
steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), slot, slot, slot, quantities, signs, quantities), min_size=1, max_size=12
)


class World:
    """Two parts, two locations and two work orders to move stock between."""

    def __init__(self, services: Services) -> None:
        room = stockroom(services, on_hand="0")
        other = services.inventory.add_part("P-200", "Filter drier", "each")
        self.services = services
        self.parts = (room.part_id, other.id)
        self.locations = (room.warehouse_id, room.van_id)
        self.orders = (room.work_order_id, room.other_work_order_id)

    def act(self, step: tuple[str, int, int, int, str, str, str]) -> None:
        action, p, loc, w, q, sign, q2 = step
        inv = self.services.inventory
        part, where, other, order = self.parts[p], self.locations[loc], self.locations[1 - loc], self.orders[w]
        calls: dict[str, Callable[[], object]] = {
            "receive": lambda: inv.receive(part, where, q),
            "transfer": lambda: inv.transfer(part, where, other, q),
            "adjust": lambda: inv.adjust(part, where, sign + q, "counted"),
            "reserve": lambda: inv.reserve(part, where, order, q),
            "release": lambda: inv.release(part, where, order, q if sign else None),
            "consume": lambda: inv.consume(part, where, q, order if sign else None),
            "return": lambda: inv.return_unused(part, where, q, order),
            "count": lambda: self._count(where, q if sign else "0", q2),
            "receive_order": lambda: self._receive_order(part, where, q, q2 if sign else None),
        }
        with contextlib.suppress(DomainError):  # refused: nothing stored, as the checks prove
            calls[action]()

    def _count(self, where: int, first: str, second: str) -> None:
        sheet = self.services.stock_control.count_sheet(where)
        entries = [
            CountEntry(line.part_id, line.expected, c) for line, c in zip(sheet.lines, (first, second), strict=False)
        ]
        self.services.stock_control.count(where, entries, "Property test")

    def _receive_order(self, part: int, where: int, ordered: str, delivered: str | None) -> None:
        order = self.services.stock_control.order(part, where, ordered, "Acme")
        self.services.stock_control.receive_order(order.id, order.version, delivered)

    def check(self) -> None:
        with self.services.ctx.read() as session:
            assert stock_ledger.disagreements(session) == []
            for row in session.scalars(select(StockLevel)):
                assert row.on_hand >= 0 and row.reserved >= 0, (row.part_id, row.location_id)


@pytest.fixture
def world(services: Services) -> World:
    return World(services)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=steps)
def test_random_actions_keep_the_cache_equal_to_the_ledger(world, sequence):
    """Each example continues from the stock the previous ones left (one database per dialect)."""
    for step in sequence:
        world.act(step)
    world.check()


def test_the_harness_reaches_every_kind_of_movement(world):
    """A fixed sequence through the same harness: every action really writes (not only refusals)."""
    sequence = [
        ("receive", 0, 0, 0, "8", "", "1"),
        ("receive_order", 1, 0, 0, "5", "-", "4"),  # delivered 4 of 5
        ("transfer", 0, 0, 0, "2", "", "1"),
        ("adjust", 0, 0, 0, "1", "-", "1"),
        ("reserve", 0, 0, 0, "3", "", "1"),
        ("release", 0, 0, 0, "1", "-", "1"),
        ("consume", 0, 0, 0, "1", "-", "1"),
        ("return", 0, 0, 0, "1", "", "1"),
        ("count", 0, 0, 0, "2", "-", "3"),
    ]
    for step in sequence:
        world.act(step)
        world.check()
    with world.services.ctx.read() as session:
        kinds = set(session.scalars(select(StockMovement.kind)))
        reasons = set(session.scalars(select(StockMovement.reason)))
    assert kinds == {k.value for k in MovementKind}
    assert "Cycle count — counted by Property test" in reasons and "Order #1" in reasons


# ----------------------------------------------------------------- the migration's backfill


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all (as tests/db/test_migrations.py makes it)."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'empty.sqlite3').as_posix()}"
    url = new_database_url("postgresql", request, tmp_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


MOVEMENTS = [  # (part, location, kind, signed quantity)
    (1, 1, "receive", "10"),
    (1, 1, "transfer_out", "-2.5"),
    (1, 2, "transfer_in", "2.5"),
    (1, 1, "reserve", "4"),
    (1, 1, "release", "-1"),
    (1, 1, "consume", "-2"),
    (1, 2, "adjust", "-0.5"),
    (2, 1, "receive", "3"),
    (2, 1, "adjust", "-3"),
    (2, 2, "return", "1.125"),
]


def test_migration_0013_fills_the_levels_the_ledger_implies(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine, "0012_inventory")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO parts (id, number, name, manufacturer, category, unit, active, created_at, version) "
                    "VALUES (:id, :number, 'Part', '', '', 'each', :yes, :now, 1)"
                ),
                {"id": n, "number": f"P-{n}", "now": now, "yes": True},
            )
            conn.execute(
                text("INSERT INTO stock_locations (id, name, kind, active) VALUES (:id, :name, 'warehouse', :yes)"),
                {"id": n, "name": f"Store {n}", "yes": True},
            )
        for part, location, kind, quantity in MOVEMENTS:
            conn.execute(
                text(
                    "INSERT INTO stock_movements (part_id, location_id, kind, quantity, reason, created_at, "
                    "created_by) VALUES (:part, :location, :kind, :quantity, '', :now, 'old')"
                ).bindparams(bindparam("quantity", type_=Numeric(12, 3))),
                {"part": part, "location": location, "kind": kind, "quantity": D(quantity), "now": now},
            )
    upgrade(engine)
    with Session(engine) as session:
        assert stock_ledger.disagreements(session) == []
        levels = {
            (r.part_id, r.location_id): (stock_ledger.qty(r.on_hand), stock_ledger.qty(r.reserved), r.bin, r.minimum)
            for r in session.scalars(select(StockLevel))
        }
    assert levels == {
        (1, 1): (D("5.5"), D(3), "", None),
        (1, 2): (D(2), D(0), "", None),
        (2, 1): (D(0), D(0), "", None),
        (2, 2): (D("1.125"), D(0), "", None),
    }
    engine.dispose()
