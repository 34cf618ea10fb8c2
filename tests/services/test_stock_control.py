"""Stock control on both databases: minimums and the low-stock list, supplier orders,
cycle counts and the valuation; refusals store nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tests.services.inventory_support import Stockroom, stockroom
from tuffops_desktop.db.models import AuditEntry, Part, StockLevel, StockLocation, StockMovement, StockOrder
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound, ValidationError
from tuffops_desktop.services import stock_ledger
from tuffops_desktop.services.dto.stock_control import CountEntry
from tuffops_desktop.services.registry import Services

D = Decimal


def rows(services: Services, model: type) -> int:
    with services.ctx.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def movements(services: Services) -> list[tuple[str, int, Decimal, str]]:
    with services.ctx.read() as session:
        return [
            (m.kind, m.location_id, m.quantity, m.reason)
            for m in session.scalars(select(StockMovement).order_by(StockMovement.id))
        ]


def audits(services: Services, entity: str) -> list[tuple[str, dict]]:
    with services.ctx.read() as session:
        return [
            (a.action, a.changes)
            for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id))
        ]


def on_hand(services: Services, part_id: int, location_id: int) -> Decimal:
    with services.ctx.read() as session:
        return stock_ledger.stock(session, part_id, location_id).on_hand


def deactivate(services: Services, model: type, entity_id: int) -> None:
    with services.ctx.write() as session:
        session.execute(update(model).where(model.id == entity_id).values(active=False))


def agree(services: Services) -> None:
    with services.ctx.read() as session:
        assert stock_ledger.disagreements(session) == []


# ----------------------------------------------------------------- levels


def test_levels_create_the_row_clear_and_audit(services):
    room = stockroom(services, on_hand="10")
    sc = services.stock_control
    assert sc.levels(room.part_id, room.van_id).minimum is None  # never kept there: all empty
    saved = sc.set_levels(room.part_id, room.van_id, "2", "6", " Shelf  3 ")
    assert (saved.minimum, saved.reorder_quantity, saved.bin) == (D(2), D(6), "Shelf 3")
    assert sc.levels(room.part_id, room.van_id) == saved
    with services.ctx.read() as session:
        row = session.get(StockLevel, (room.part_id, room.van_id))
        assert (row.on_hand, row.reserved) == (0, 0)
    cleared = sc.set_levels(room.part_id, room.van_id, "", None, "")
    assert (cleared.minimum, cleared.reorder_quantity, cleared.bin) == (None, None, "")
    sc.set_levels(room.part_id, room.warehouse_id, "0", None)  # zero is a valid minimum
    actions = audits(services, "part")
    levels = [c for a, c in actions if a == "levels"]
    assert levels[0] == {
        "location": "Van — Maria",
        "minimum": [None, "2.000"],
        "reorder_quantity": [None, "6.000"],
        "bin": ["", "Shelf 3"],
    }
    assert levels[1]["minimum"] == ["2.000", None] and levels[2]["minimum"] == [None, "0.000"]
    agree(services)


@pytest.mark.parametrize(
    ("minimum", "pack", "bin_", "field"),
    [
        ("-1", None, "", "minimum"),
        ("x", None, "", "minimum"),
        ("1", "0", "", "reorder_quantity"),
        ("", "", "B" * 21, "bin"),
    ],
)
def test_bad_levels_store_nothing(services, minimum, pack, bin_, field):
    room = stockroom(services)
    before = rows(services, AuditEntry)
    with pytest.raises(ValidationError) as exc:
        services.stock_control.set_levels(room.part_id, room.van_id, minimum, pack, bin_)
    assert set(exc.value.field_errors) == {field}
    assert rows(services, AuditEntry) == before
    assert services.stock_control.levels(room.part_id, room.van_id).minimum is None


def test_a_part_no_longer_stocked_gets_no_minimum_but_may_be_cleared(services):
    room = stockroom(services)
    services.stock_control.set_levels(room.part_id, room.warehouse_id, "3", None)
    deactivate(services, Part, room.part_id)
    with pytest.raises(ValidationError, match="no longer stocked"):
        services.stock_control.set_levels(room.part_id, room.warehouse_id, "4", None)
    assert services.stock_control.set_levels(room.part_id, room.warehouse_id, None, None).minimum is None
    with pytest.raises(NotFound):
        services.stock_control.set_levels(9999, room.warehouse_id, "1", None)


# ----------------------------------------------------------------- low stock


def low(services: Services, location_id: int | None = None) -> list[tuple]:
    return [
        (r.part_number, r.location_name, r.on_hand, r.reserved, r.incoming, r.available, r.minimum, r.suggested)
        for r in services.stock_control.low_stock(location_id)
    ]


def test_low_stock_counts_reservations_and_incoming(services):
    room = stockroom(services, on_hand="10")
    inv, sc = services.inventory, services.stock_control
    sc.set_levels(room.part_id, room.warehouse_id, "8", "5", "A-1")
    assert low(services) == []
    inv.reserve(room.part_id, room.warehouse_id, room.work_order_id, "4")  # position 6 < 8
    assert low(services) == [("P-100", "Warehouse", 10, 4, 0, 6, 8, 5)]
    row = sc.low_stock()[0]
    assert (row.bin, row.unit, row.reorder_quantity, row.key) == ("A-1", "each", 5, (room.part_id, room.warehouse_id))
    sc.order(room.part_id, room.warehouse_id, "1", "Acme")  # position 7: still low, one pack suggested
    assert low(services) == [("P-100", "Warehouse", 10, 4, 1, 6, 8, 5)]
    sc.order(room.part_id, room.warehouse_id, "1")  # position 8: enough
    assert low(services) == []


def test_low_stock_shows_reservations_beyond_stock_without_a_minimum_and_filters(services):
    room = stockroom(services, on_hand="3")
    inv, sc = services.inventory, services.stock_control
    other = inv.add_part("A-7", "Contactor", "each")
    inv.receive(other.id, room.van_id, "1")
    sc.set_levels(other.id, room.van_id, "2", None)
    inv.reserve(room.part_id, room.warehouse_id, room.work_order_id, "3")
    # a count finds one fewer than reserved: reality wins, the part is short
    sheet = sc.count_sheet(room.warehouse_id)
    sc.count(room.warehouse_id, [CountEntry(room.part_id, sheet.lines[0].expected, "2")], "Ann")
    assert low(services) == [
        ("A-7", "Van — Maria", 1, 0, 0, 1, 2, 1),
        ("P-100", "Warehouse", 2, 3, 0, 0, None, 1),
    ]  # sorted by location, then part number
    assert low(services, room.warehouse_id) == [("P-100", "Warehouse", 2, 3, 0, 0, None, 1)]
    deactivate(services, StockLocation, room.van_id)
    deactivate(services, Part, room.part_id)
    assert low(services) == []  # active parts at active locations only
    with pytest.raises(NotFound):
        sc.low_stock(9999)


def test_low_stock_is_exact_with_decimals(services):
    """0.3 − 0.1 is not below 0.2 (floating point would say it is, on SQLite)."""
    room = stockroom(services, on_hand="0.3")
    services.inventory.reserve(room.part_id, room.warehouse_id, room.work_order_id, "0.1")
    services.stock_control.set_levels(room.part_id, room.warehouse_id, "0.2", None)
    assert low(services) == []
    services.stock_control.set_levels(room.part_id, room.warehouse_id, "0.201", None)
    assert [r.suggested for r in services.stock_control.low_stock()] == [D("0.001")]


def test_low_stock_csv_guards_formulas(services):
    room = stockroom(services, on_hand="1")
    part = services.inventory.add_part("=CMD", '=HYPERLINK("x")', "m")
    services.stock_control.set_levels(part.id, room.warehouse_id, "2.5", None, "-B2")
    services.stock_control.set_levels(room.part_id, room.warehouse_id, "4", "10")
    text = services.stock_control.low_stock_csv()
    table = list(csv.reader(io.StringIO(text)))
    assert table == [
        [
            "location",
            "bin",
            "part_number",
            "part_name",
            "unit",
            "on_hand",
            "reserved",
            "incoming",
            "available",
            "minimum",
            "reorder_quantity",
            "suggested",
        ],
        ["Warehouse", "'-B2", "'=CMD", '\'=HYPERLINK("x")', "m", "0", "0", "0", "0", "2.5", "", "2.5"],
        ["Warehouse", "", "P-100", "Run capacitor 35 uF", "each", "1", "0", "0", "1", "4", "10", "10"],
    ]


# ----------------------------------------------------------------- supplier orders


def test_order_suggested_places_every_row_in_one_transaction_or_none(services):
    room = stockroom(services, on_hand="1")
    inv, sc = services.inventory, services.stock_control
    gas = inv.add_part("R-410A", "Refrigerant", "kg")
    sc.set_levels(room.part_id, room.warehouse_id, "5", "12")
    sc.set_levels(gas.id, room.van_id, "2.5", None)
    keys = [row.key for row in sc.low_stock()]
    placed = sc.order_suggested(keys, " Cool  Supply ")
    assert [(o.part_number, o.location_name, o.quantity, o.supplier, o.status) for o in placed] == [
        ("R-410A", "Van — Maria", D("2.5"), "Cool Supply", "open"),
        ("P-100", "Warehouse", D(12), "Cool Supply", "open"),
    ]
    assert low(services) == []
    assert [a for a, _ in audits(services, "stock_order")] == ["create", "create"]
    # again: both rows are no longer low; the refusal names them and stores nothing
    with pytest.raises(ValidationError, match=r"No longer low .*R-410A at Van — Maria; P-100 at Warehouse"):
        sc.order_suggested(keys)
    inv.consume(room.part_id, room.warehouse_id, "1")  # P-100 low again (position 12 ≥ 5: no)
    sc.set_levels(room.part_id, room.warehouse_id, "20", "12")
    with pytest.raises(ValidationError, match="R-410A at Van — Maria"):
        sc.order_suggested(keys)  # one row still fine, one not: nothing ordered
    assert rows(services, StockOrder) == 2
    with pytest.raises(ValidationError, match="Select the low-stock rows"):
        sc.order_suggested([])


def test_order_validation(services):
    room = stockroom(services)
    sc = services.stock_control
    for bad in [("0", "", ""), ("1", "x" * 121, ""), ("1", "", "r" * 61)]:
        with pytest.raises(ValidationError):
            sc.order(room.part_id, room.warehouse_id, *bad)
    deactivate(services, Part, room.part_id)
    with pytest.raises(ValidationError, match="no longer stocked"):
        sc.order(room.part_id, room.warehouse_id, "1")
    assert rows(services, StockOrder) == 0


def test_receive_an_order_through_the_ledger(services):
    room = stockroom(services, on_hand="2")
    sc = services.stock_control
    sc.set_levels(room.part_id, room.warehouse_id, "10", "10")
    first = sc.order(room.part_id, room.warehouse_id, "10", "Acme", "PO-77")
    second = sc.order(room.part_id, room.van_id, "3")
    assert [o.id for o in sc.open_orders()] == [first.id, second.id]
    assert [o.id for o in sc.open_orders(location_id=room.van_id)] == [second.id]
    assert [o.id for o in sc.open_orders(part_id=room.part_id, location_id=room.warehouse_id)] == [first.id]

    got = sc.receive_order(first.id, first.version, "6")  # short delivery
    assert (got.status, got.quantity, got.closed_at is not None, got.version) == ("received", 10, True, 2)
    assert on_hand(services, room.part_id, room.warehouse_id) == 8
    assert movements(services)[-1] == ("receive", room.warehouse_id, D(6), "Order PO-77")
    assert low(services) == [("P-100", "Warehouse", 8, 0, 0, 8, 10, 10)]  # suggests again
    done = sc.receive_order(second.id, second.version)  # as ordered
    assert movements(services)[-1] == ("receive", room.van_id, D(3), f"Order #{second.id}")
    assert done.label == f"Order #{second.id}" and got.label == "Order PO-77"
    assert sc.open_orders() == []
    assert [a for a, _ in audits(services, "stock_order")] == ["create", "create", "receive", "receive"]
    assert audits(services, "stock_order")[2][1] == {"status": ["open", "received"], "received": "6.000"}
    with pytest.raises(InvalidTransition, match="already been received"):
        sc.receive_order(first.id, got.version)
    agree(services)


def test_receive_and_cancel_check_the_version_and_the_status(services):
    room = stockroom(services)
    sc = services.stock_control
    order = sc.order(room.part_id, room.warehouse_id, "4")
    before = movements(services)
    with pytest.raises(ConcurrencyConflict):
        sc.receive_order(order.id, order.version + 1)
    with pytest.raises(ValidationError):
        sc.receive_order(order.id, order.version, "-2")
    cancelled = sc.cancel_order(order.id, order.version)
    assert cancelled.status == "cancelled" and sc.open_orders() == []
    with pytest.raises(InvalidTransition, match="was cancelled"):
        sc.receive_order(order.id, cancelled.version)
    with pytest.raises(ConcurrencyConflict):
        sc.cancel_order(order.id, order.version)
    with pytest.raises(NotFound):
        sc.cancel_order(9999, 1)
    assert movements(services) == before


# ----------------------------------------------------------------- cycle count


def counted_room(services: Services) -> tuple[Stockroom, int, int]:
    room = stockroom(services, on_hand="10")
    inv, sc = services.inventory, services.stock_control
    fuse = inv.add_part("F-2", "Fuse 5 A", "each")
    wire = inv.add_part("W-1", "Wire", "m")
    old = inv.add_part("X-9", "Discontinued", "each")
    inv.receive(fuse.id, room.warehouse_id, "4")
    inv.receive(wire.id, room.warehouse_id, "12.5")
    sc.set_levels(fuse.id, room.warehouse_id, None, None, "B-2")
    sc.set_levels(wire.id, room.warehouse_id, None, None, "A-1")
    sc.set_levels(old.id, room.warehouse_id, None, None, "C-1")
    deactivate(services, Part, old.id)  # not stocked and none left: not on the sheet
    return room, fuse.id, wire.id


def test_count_sheet_in_bin_order(services):
    room, fuse, wire = counted_room(services)
    sheet = services.stock_control.count_sheet(room.warehouse_id)
    assert sheet.location_name == "Warehouse" and sheet.read_at is not None
    assert [(x.part_number, x.bin, x.unit, x.expected) for x in sheet.lines] == [
        ("W-1", "A-1", "m", D("12.5")),
        ("F-2", "B-2", "each", D(4)),
        ("P-100", "", "each", D(10)),  # without a bin: last
    ]
    assert services.stock_control.count_sheet(room.van_id).lines == []


def test_count_adjusts_by_the_difference_from_the_sheet(services):
    room, fuse, wire = counted_room(services)
    sc, inv = services.stock_control, services.inventory
    sheet = {x.part_id: x.expected for x in sc.count_sheet(room.warehouse_id).lines}
    inv.consume(room.part_id, room.warehouse_id, "3")  # after the sheet: real, stays
    before = len(movements(services))
    result = sc.count(
        room.warehouse_id,
        [
            CountEntry(room.part_id, sheet[room.part_id], "9"),  # one missing
            CountEntry(fuse, sheet[fuse], "4"),  # as expected: nothing written
            CountEntry(wire, sheet[wire], "13"),  # half a metre more
        ],
        "  Ann  Smith ",
    )
    assert result.counted_by == "Ann Smith" and result.lines_counted == 3
    assert [(a.part_number, a.expected, a.counted, a.difference, a.on_hand) for a in result.adjustments] == [
        ("P-100", D(10), D(9), D(-1), D(6)),
        ("W-1", D("12.5"), D(13), D("0.5"), D(13)),
    ]
    assert movements(services)[before:] == [
        ("adjust", room.warehouse_id, D(-1), "Cycle count — counted by Ann Smith"),
        ("adjust", room.warehouse_id, D("0.5"), "Cycle count — counted by Ann Smith"),
    ]
    assert on_hand(services, room.part_id, room.warehouse_id) == 6
    agree(services)


def test_count_may_go_below_reserved_but_never_below_zero(services):
    room, fuse, wire = counted_room(services)
    sc, inv = services.stock_control, services.inventory
    inv.reserve(room.part_id, room.warehouse_id, room.work_order_id, "8")
    sheet = {x.part_id: x.expected for x in sc.count_sheet(room.warehouse_id).lines}
    result = sc.count(room.warehouse_id, [CountEntry(room.part_id, sheet[room.part_id], "5")], "Ann")
    assert result.adjustments[0].on_hand == 5
    assert [(r.part_number, r.on_hand, r.reserved, r.available) for r in sc.low_stock()] == [("P-100", 5, 8, 0)]

    sheet = {x.part_id: x.expected for x in sc.count_sheet(room.warehouse_id).lines}
    inv.consume(fuse, room.warehouse_id, "3")  # taken after the sheet: 1 left
    before = movements(services)
    with pytest.raises(ValidationError, match="Part F-2 at Warehouse: stock was taken since the count sheet"):
        sc.count(
            room.warehouse_id,
            [CountEntry(wire, sheet[wire], "1"), CountEntry(fuse, sheet[fuse], "0")],  # 1 − 4: −3
            "Ann",
        )
    assert movements(services) == before  # the good line was not stored either


@pytest.mark.parametrize(
    ("entries", "who", "message"),
    [
        (lambda r: [CountEntry(r.part_id, D(10), "-1")], "Ann", "cannot be negative"),
        (lambda r: [CountEntry(r.part_id, D(10), "")], "Ann", "enter the quantity counted"),
        (lambda r: [CountEntry(r.part_id, D(10), "9")], " ", "Say who counted"),
        (lambda r: [CountEntry(r.part_id, D(10), "9"), CountEntry(r.part_id, D(10), "8")], "Ann", "once per count"),
    ],
)
def test_bad_counts_store_nothing(services, entries, who, message):
    room = stockroom(services, on_hand="10")
    before = movements(services)
    with pytest.raises(ValidationError, match=message):
        services.stock_control.count(room.warehouse_id, entries(room), who)
    assert movements(services) == before
    with pytest.raises(NotFound):
        services.stock_control.count(9999, [CountEntry(room.part_id, D(10), "9")], "Ann")


# ----------------------------------------------------------------- valuation


def test_valuation_at_cost_per_location(services):
    inv, sc = services.inventory, services.stock_control
    wh = inv.add_location("Warehouse")
    van = inv.add_location("Van 1", "van")
    old = inv.add_location("Old store")
    empty_old = inv.add_location("Closed van", "van")
    cap = inv.add_part("C-1", "Capacitor", "each", cost="12.50")
    inv.receive(cap.id, wh.id, "4")
    inv.receive(cap.id, van.id, "1.5")
    inv.receive(cap.id, old.id, "2")
    inv.transfer(cap.id, van.id, wh.id, "1.5")  # the van holds none now (a level row at 0)
    wire = inv.add_part("W-1", "Wire", "m")  # no cost
    inv.receive(wire.id, wh.id, "30")
    deactivate(services, StockLocation, old.id)
    deactivate(services, StockLocation, empty_old.id)
    report = sc.valuation()
    assert [
        (x.name, x.kind, x.parts_with_stock, x.units_on_hand, x.value, x.parts_without_cost) for x in report.locations
    ] == [
        ("Old store", "warehouse", 1, D(2), D("25.00"), 0),  # no longer used, still holds stock
        ("Van 1", "van", 0, D(0), D("0.00"), 0),
        ("Warehouse", "warehouse", 2, D("35.5"), D("68.75"), 1),
    ]
    total = report.total
    assert (total.name, total.parts_with_stock, total.units_on_hand, total.value, total.parts_without_cost) == (
        "Total",
        3,
        D("37.5"),
        D("93.75"),
        1,
    )
    assert sc.valuation_csv().splitlines() == [
        "location,kind,parts_with_stock,units_on_hand,value_at_cost,parts_without_cost",
        "Old store,warehouse,1,2,25.00,0",
        "Van 1,van,0,0,0.00,0",
        "Warehouse,warehouse,2,35.5,68.75,1",
        "Total,,3,37.5,93.75,1",
    ]


def test_valuation_rounds_each_location_once(services):
    inv = services.inventory
    wh = inv.add_location("Warehouse")
    for n in range(3):
        part = inv.add_part(f"P-{n}", "Washer", "each", cost="0.01")
        inv.receive(part.id, wh.id, "0.5")  # 0.005 each, 0.015 in all: half up
    assert services.stock_control.valuation().locations[0].value == D("0.02")
    part = services.inventory.add_part("P-9", "Washer", "each", cost="0.01")
    inv.receive(part.id, wh.id, "1")  # 0.025: half up, not to even
    assert services.stock_control.valuation().locations[0].value == D("0.03")
