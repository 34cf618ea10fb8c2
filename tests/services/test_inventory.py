"""The stock ledger on both databases: each movement's effect, refusals that store
nothing, adjustments with reasons, transfers as one action, audit and change feed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.inventory_support import Stockroom, stockroom
from tuffops_desktop.db.models import AuditEntry, StockMovement
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.services.registry import Services

D = Decimal


def at(services: Services, room: Stockroom, location_id: int) -> tuple[Decimal, Decimal, Decimal]:
    for row in services.inventory.stock(room.part_id):
        if row.location_id == location_id:
            return row.on_hand, row.reserved, row.available
    return D(0), D(0), D(0)


def ledger(services: Services) -> list[tuple[str, int, Decimal, int | None, str | None]]:
    with services.ctx.read() as session:
        return [
            (m.kind, m.location_id, m.quantity, m.work_order_id, m.transfer_group)
            for m in session.scalars(select(StockMovement).order_by(StockMovement.id))
        ]


def audit_count(services: Services) -> int:
    with services.ctx.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_receive_and_stock_per_location(services):
    room = stockroom(services, on_hand="10")
    services.inventory.receive(room.part_id, room.van_id, "2.5")
    stock = services.inventory.stock(room.part_id)
    assert [(s.location_name, s.on_hand, s.reserved, s.available) for s in stock] == [
        ("Van — Maria", D("2.500"), D("0.000"), D("2.500")),
        ("Warehouse", D("10.000"), D("0.000"), D("10.000")),
    ]
    assert ledger(services) == [
        ("receive", room.warehouse_id, D("10"), None, None),
        ("receive", room.van_id, D("2.5"), None, None),
    ]


def test_each_movement_moves_the_balance_its_kind_says(services):
    room = stockroom(services, on_hand="10")
    inv, wh, wo = services.inventory, room.warehouse_id, room.work_order_id
    steps = [
        (lambda: inv.receive(room.part_id, wh, "3"), (13, 0, 13)),
        (lambda: inv.adjust(room.part_id, wh, "-1", "broken in the shop"), (12, 0, 12)),
        (lambda: inv.adjust(room.part_id, wh, "2", "counted"), (14, 0, 14)),
        (lambda: inv.reserve(room.part_id, wh, wo, "4"), (14, 4, 10)),
        (lambda: inv.release(room.part_id, wh, wo, "1"), (14, 3, 11)),
        (lambda: inv.consume(room.part_id, wh, "2", wo), (12, 1, 11)),  # from the order's reservation
        (lambda: inv.return_unused(room.part_id, wh, "1", wo), (13, 1, 12)),
        (lambda: inv.release(room.part_id, wh, wo), (13, 0, 13)),  # all of what is left
        (lambda: inv.consume(room.part_id, wh, "1"), (12, 0, 12)),  # no work order: free stock
    ]
    for step, expected in steps:
        result = step()
        assert (result.on_hand, result.reserved, result.available) == tuple(D(n) for n in expected)
        assert at(services, room, wh) == tuple(D(n) for n in expected)
    kinds = [k for k, *_ in ledger(services)]
    assert kinds == [
        "receive",
        "receive",
        "adjust",
        "adjust",
        "reserve",
        "release",
        "consume",
        "release",
        "return",
        "release",
        "consume",
    ]


def test_consuming_more_than_the_reservation_takes_the_rest_from_free_stock(services):
    room = stockroom(services, on_hand="5")
    inv = services.inventory
    inv.reserve(room.part_id, room.warehouse_id, room.work_order_id, "2")
    inv.reserve(room.part_id, room.warehouse_id, room.other_work_order_id, "2")
    # 1 free + the order's own 2: 3 may be used, 4 may not (the other order's 2 are promised)
    with pytest.raises(ValidationError, match="Only 3 of part P-100 are available at Warehouse; 4 asked"):
        inv.consume(room.part_id, room.warehouse_id, "4", room.work_order_id)
    assert inv.consume(room.part_id, room.warehouse_id, "3", room.work_order_id).reserved == D(2)
    assert at(services, room, room.warehouse_id) == (D(2), D(2), D(0))


def test_taking_more_than_is_available_is_refused_by_name_and_stores_nothing(services):
    room = stockroom(services, on_hand="2")
    inv = services.inventory
    inv.transfer(room.part_id, room.warehouse_id, room.van_id, "2")
    before, audits = ledger(services), audit_count(services)
    refusals = [
        lambda: inv.reserve(room.part_id, room.van_id, room.work_order_id, "3"),
        lambda: inv.consume(room.part_id, room.van_id, "3"),
        lambda: inv.transfer(room.part_id, room.van_id, room.warehouse_id, "3"),
        lambda: inv.adjust(room.part_id, room.van_id, "-3", "lost"),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError) as exc:
            refused()
        assert exc.value.field_errors == {"quantity": "Only 2 of part P-100 are available at Van — Maria; 3 asked."}
    with pytest.raises(ValidationError, match="Only 0 of part P-100 are reserved for this work order at Van"):
        inv.release(room.part_id, room.van_id, room.work_order_id, "1")
    with pytest.raises(ValidationError, match="Nothing is reserved"):
        inv.release(room.part_id, room.van_id, room.work_order_id)
    assert ledger(services) == before and audit_count(services) == audits


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "more than zero"),
        ("-1", "more than zero"),
        ("abc", "as a number"),
        ("1.0005", "three decimal"),
        ("", "Enter a quantity"),
    ],
)
def test_bad_quantities_are_refused(services, quantity, message):
    room = stockroom(services, on_hand="5")
    before = ledger(services)
    with pytest.raises(ValidationError, match=message):
        services.inventory.receive(room.part_id, room.warehouse_id, quantity)
    with pytest.raises(ValidationError, match=message):
        services.inventory.reserve(room.part_id, room.warehouse_id, room.work_order_id, quantity)
    assert ledger(services) == before


def test_an_adjustment_needs_a_reason_and_a_change(services):
    room = stockroom(services, on_hand="5")
    inv = services.inventory
    before = ledger(services)
    with pytest.raises(ValidationError) as exc:
        inv.adjust(room.part_id, room.warehouse_id, "-1", "   ")
    assert "reason" in exc.value.field_errors
    with pytest.raises(ValidationError, match="must change the stock"):
        inv.adjust(room.part_id, room.warehouse_id, "0", "counted")
    assert ledger(services) == before
    inv.adjust(room.part_id, room.warehouse_id, "-1.5", "  water   damage ")
    with services.ctx.read() as session:
        movement = session.scalars(select(StockMovement).order_by(StockMovement.id.desc())).first()
        assert movement is not None
        assert (movement.kind, movement.quantity, movement.reason) == ("adjust", D("-1.5"), "water damage")


def test_reserved_stock_cannot_be_adjusted_away(services):
    room = stockroom(services, on_hand="5")
    services.inventory.reserve(room.part_id, room.warehouse_id, room.work_order_id, "4")
    with pytest.raises(ValidationError, match="Only 1 of part P-100 is available at Warehouse; 2 asked"):
        services.inventory.adjust(room.part_id, room.warehouse_id, "-2", "counted")


def test_a_transfer_writes_both_sides_as_one_pair(services):
    room = stockroom(services, on_hand="10")
    sides = services.inventory.transfer(room.part_id, room.warehouse_id, room.van_id, "4")
    assert [(s.location_name, s.on_hand) for s in sides] == [("Warehouse", D(6)), ("Van — Maria", D(4))]
    out, into = ledger(services)[-2:]
    assert (out[0], out[1], out[2]) == ("transfer_out", room.warehouse_id, D(-4))
    assert (into[0], into[1], into[2]) == ("transfer_in", room.van_id, D(4))
    assert out[4] and out[4] == into[4]
    with pytest.raises(ValidationError, match="different location"):
        services.inventory.transfer(room.part_id, room.van_id, room.van_id, "1")


def test_a_transfer_that_fails_half_way_stores_neither_side(services):
    room = stockroom(services, on_hand="10")
    before = ledger(services)
    with pytest.raises(NotFound):
        services.inventory.transfer(room.part_id, room.warehouse_id, 999_999, "4")
    assert ledger(services) == before
    assert at(services, room, room.warehouse_id) == (D(10), D(0), D(10))


def test_unknown_records_and_bad_parts(services):
    room = stockroom(services, on_hand="1")
    inv = services.inventory
    with pytest.raises(NotFound):
        inv.receive(999_999, room.warehouse_id, "1")
    with pytest.raises(NotFound):
        inv.reserve(room.part_id, room.warehouse_id, 999_999, "1")
    with pytest.raises(ValidationError, match="already used"):
        inv.add_part("p-100", "Another")
    with pytest.raises(ValidationError, match="Choose a unit"):
        inv.add_part("P-101", "Refrigerant", "barrel")
    with pytest.raises(ValidationError, match="already a location"):
        inv.add_location("warehouse")
    with pytest.raises(ValidationError, match="warehouse or a van"):
        inv.add_location("Shed", "shed")
    kg = inv.add_part("R-410A", "Refrigerant R-410A", "kg", cost="12.50", price="30")
    assert (kg.unit, kg.cost, kg.price) == ("kg", D("12.50"), D("30.00"))


def test_every_movement_is_audited_and_announced_as_a_part_change(services):
    room = stockroom(services, on_hand="3")
    services.inventory.transfer(room.part_id, room.warehouse_id, room.van_id, "1")
    with services.ctx.read() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.entity == "part", AuditEntry.entity_id == str(room.part_id))
            .order_by(AuditEntry.id)
        ).all()
    assert [a for a, _ in rows] == ["create", "receive", "transfer_out", "transfer_in"]
    assert rows[2][1] == {"location": "Warehouse", "quantity": "-1.000", "other_location": "Van — Maria"}


def test_stock_agrees_with_replaying_the_ledger(services):
    """The aggregate is the sum of the ledger, row by row (no cached totals)."""
    room = stockroom(services, on_hand="7")
    inv = services.inventory
    inv.transfer(room.part_id, room.warehouse_id, room.van_id, "3")
    inv.reserve(room.part_id, room.van_id, room.work_order_id, "2")
    inv.consume(room.part_id, room.van_id, "0.125", room.work_order_id)
    inv.adjust(room.part_id, room.warehouse_id, "0.333", "counted")
    replay: dict[int, list[Decimal]] = {}
    for kind, location, quantity, _wo, _group in ledger(services):
        balance = replay.setdefault(location, [D(0), D(0)])
        balance[1 if kind in ("reserve", "release") else 0] += quantity
    for row in inv.stock(room.part_id):
        assert [row.on_hand, row.reserved] == replay[row.location_id]
        assert row.available == row.on_hand - row.reserved >= 0
