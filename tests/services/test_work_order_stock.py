"""Stock follows the work order, on SQLite and PostgreSQL: part lines reserve at assign,
adjust while the order holds stock, are consumed at approval (the rest released) and
released at cancel; every refusal stores nothing; the cached levels always equal the ledger."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import as_role
from tests.services.inventory_support import Stockroom, stockroom
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import AuditEntry, Part, StockMovement, WorkOrderHistory, WorkOrderItem
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.services import stock_ledger
from tuffops_desktop.services.registry import Services

D = Decimal


# ----------------------------------------------------------------- helpers
def at(services: Services, part_id: int, location_id: int) -> tuple[Decimal, Decimal, Decimal]:
    """(on hand, reserved, available) of the part at the location."""
    for row in services.inventory.stock(part_id):
        if row.location_id == location_id:
            return row.on_hand, row.reserved, row.available
    return D(0), D(0), D(0)


def movements(services: Services, work_order_id: int | None = None) -> list[tuple[str, int, int, Decimal]]:
    """(kind, part, location, signed quantity) of the ledger rows, of one work order when given."""
    stmt = select(StockMovement).order_by(StockMovement.id)
    if work_order_id is not None:
        stmt = stmt.where(StockMovement.work_order_id == work_order_id)
    with services.ctx.read() as session:
        return [(m.kind, m.part_id, m.location_id, m.quantity) for m in session.scalars(stmt)]


def counts(services: Services) -> tuple[int, int, int, int]:
    """Rows of the tables a refused action must leave alone: ledger, items, history, audit."""
    with services.ctx.read() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (StockMovement, WorkOrderItem, WorkOrderHistory, AuditEntry)
        )


def ledger_agrees(services: Services) -> bool:
    with services.ctx.read() as session:
        return stock_ledger.disagreements(session) == []


def act(services: Services, work_order_id: int, action: str, **kwargs: object):  # noqa: ANN201
    version = services.work_orders.get(work_order_id).version
    return services.work_orders.act(work_order_id, action, version, **kwargs)


def assign(services: Services, room: Stockroom, work_order_id: int | None = None):  # noqa: ANN201
    return act(services, work_order_id or room.work_order_id, "assign", technician_id=room.technician_id)


def to_waiting_approval(services: Services, room: Stockroom, work_order_id: int) -> None:
    assign(services, room, work_order_id)
    act(services, work_order_id, "start")
    act(services, work_order_id, "submit")


def part_line(services: Services, work_order_id: int, part_id: int | None = None):  # noqa: ANN201
    return next(
        line
        for line in services.work_order_items.items(work_order_id).lines
        if line.is_part and (part_id is None or line.part_id == part_id)
    )


@pytest.fixture
def room(services: Services) -> Stockroom:
    """P-100 (10 in the warehouse, none in maria's van), two unassigned work orders."""
    return stockroom(services, on_hand="10")


# ----------------------------------------------------------------- adding a part line
def test_a_part_line_snapshots_the_part_and_holds_nothing_while_unassigned(services, room):
    services.inventory.add_part("P-200", "Filter drier 3/8", "each", price="18.40")
    drier = next(p for p in services.inventory.parts() if p.number == "P-200")
    card = services.work_order_items.add_part(room.work_order_id, drier.id, "2")
    [line] = card.lines
    assert (line.kind, line.name, line.unit, line.quantity, line.unit_price) == (
        "material",
        "Filter drier 3/8",
        "each",
        D("2.000"),
        D("18.40"),
    )
    assert (line.part_number, line.location_name, line.reserved) == ("P-200", "Warehouse", D("0"))
    assert line.price_list_item_id is None and line.is_part
    assert [p.name for p in line.places] == ["Warehouse", "Van — Maria"]  # warehouses first
    assert movements(services) == [("receive", room.part_id, room.warehouse_id, D("10"))]  # nothing reserved
    with services.ctx.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "add_item"
    assert entry.changes["part"] == [None, "P-200"] and entry.changes["location"] == [None, "Warehouse"]


def test_a_part_without_a_price_is_added_at_zero(services, room):
    # P-100 has no price: the line is added at 0.00 (the office sets the price on the Inventory page)
    card = services.work_order_items.add_part(room.work_order_id, room.part_id)
    assert card.lines[0].unit_price == D("0.00") and card.total == D("0.00")


def test_adding_refuses_a_part_no_longer_stocked_or_a_location_no_longer_used(services, room):
    services.work_order_items.add_part(room.work_order_id, room.part_id, "1")
    before = counts(services)
    with pytest.raises(NotFound):
        services.work_order_items.add_part(room.work_order_id, 999_999)
    with pytest.raises(NotFound):
        services.work_order_items.add_part(room.work_order_id, room.part_id, "1", location_id=999_999)
    with pytest.raises(ValidationError, match="quantity"):
        services.work_order_items.add_part(room.work_order_id, room.part_id, "0")
    assert counts(services) == before


def test_the_default_location_is_the_technicians_van_when_it_has_enough(services, room):
    services.inventory.receive(room.part_id, room.van_id, "2")
    other = services.inventory.add_location("North store")
    services.inventory.receive(room.part_id, other.id, "12")  # more than the main warehouse
    # unassigned: the warehouse with the most free
    card = services.work_order_items.add_part(room.work_order_id, room.part_id, "2")
    assert card.lines[-1].location_name == "North store"
    assign(services, room)
    # assigned to maria: her van when it has the whole quantity free ...
    card = services.work_order_items.add_part(room.work_order_id, room.part_id, "2")
    assert card.lines[-1].location_name == "Van — Maria" and card.lines[-1].reserved == D("2")
    # ... else the warehouse with the most free (North store: 12 − 2 reserved = 10 = Warehouse's 10: the first)
    card = services.work_order_items.add_part(room.work_order_id, room.part_id, "1")
    assert card.lines[-1].location_name == "North store"
    assert at(services, room.part_id, room.van_id) == (D(2), D(2), D(0))
    assert at(services, room.part_id, other.id) == (D(12), D(3), D(9))


# ----------------------------------------------------------------- assign, reassign
def test_assign_reserves_every_part_line_at_its_location(services, room):
    filter_part = services.inventory.add_part("F-16", "Air filter 16x25", "each", price="12.99")
    services.inventory.receive(filter_part.id, room.van_id, "4")
    items = services.work_order_items
    items.add_part(room.work_order_id, room.part_id, "3")
    items.add_part(room.work_order_id, room.part_id, "1")  # the same part and place: one reservation of 4
    items.add_part(room.work_order_id, filter_part.id, "2", location_id=room.van_id)
    assign(services, room)
    assert movements(services, room.work_order_id) == [
        ("reserve", room.part_id, room.warehouse_id, D("4")),
        ("reserve", filter_part.id, room.van_id, D("2")),
    ]
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(4), D(6))
    assert at(services, filter_part.id, room.van_id) == (D(4), D(2), D(2))
    card = items.items(room.work_order_id)
    assert [(line.part_number, line.location_name, line.reserved) for line in card.lines] == [
        ("P-100", "Warehouse", D("3")),
        ("P-100", "Warehouse", D("1")),
        ("F-16", "Van — Maria", D("2")),
    ]
    assert ledger_agrees(services)


def test_assign_is_refused_when_one_line_is_short_and_nothing_is_stored(services, room):
    filter_part = services.inventory.add_part("F-16", "Air filter 16x25")
    services.inventory.receive(filter_part.id, room.van_id, "1")
    services.work_order_items.add_part(room.work_order_id, room.part_id, "3")
    services.work_order_items.add_part(room.work_order_id, filter_part.id, "2", location_id=room.van_id)
    order = services.work_orders.get(room.work_order_id)
    before = counts(services)
    with pytest.raises(ValidationError) as refused:
        assign(services, room)
    assert str(refused.value) == (
        f"{order.number} was not assigned. Only 1 of part F-16 is available at Van — Maria; 2 asked. "
        "Receive or transfer stock there, or take the part from another location on the Items card."
    )
    assert counts(services) == before  # not even the first line's reservation
    after = services.work_orders.get(room.work_order_id)
    assert (after.status, after.technician_id, after.version) == ("unassigned", None, order.version)
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(0), D(10))


def test_assign_refuses_a_part_no_longer_stocked(services, room):
    services.work_order_items.add_part(room.work_order_id, room.part_id, "1")
    with services.ctx.write() as session:  # retired (no service for it yet)
        session.get_one(Part, room.part_id).active = False
    with pytest.raises(ValidationError, match="Part P-100 is no longer stocked"):
        assign(services, room)
    assert services.work_orders.get(room.work_order_id).status == "unassigned"


def test_reassign_keeps_the_reservations_where_they_are(services, room):
    services.inventory.receive(room.part_id, room.van_id, "3")
    assign(services, room)
    services.work_order_items.add_part(room.work_order_id, room.part_id, "2")  # maria's van
    tess = services.users.add("tess", "longenough", "technician")
    act(services, room.work_order_id, "reassign", technician_id=tess.id)
    assert movements(services, room.work_order_id) == [("reserve", room.part_id, room.van_id, D("2"))]
    assert part_line(services, room.work_order_id).location_name == "Van — Maria"


# ----------------------------------------------------------------- edits while holding stock
def test_adding_a_line_to_a_scheduled_order_reserves_at_once_or_is_refused(services, room):
    assign(services, room)
    card = services.work_order_items.add_part(room.work_order_id, room.part_id, "4")
    assert card.lines[0].reserved == D("4")
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(4), D(6))
    before = counts(services)
    with pytest.raises(ValidationError) as refused:
        services.work_order_items.add_part(room.work_order_id, room.part_id, "7", location_id=room.warehouse_id)
    assert refused.value.field_errors == {"quantity": "Only 6 of part P-100 are available at Warehouse; 7 asked."}
    assert counts(services) == before  # no line, no movement


def test_changing_the_quantity_reserves_more_or_releases_the_difference(services, room):
    assign(services, room)
    items = services.work_order_items
    line = items.add_part(room.work_order_id, room.part_id, "2").lines[0]
    line = items.change_quantity(line.id, "5", line.version).lines[0]
    assert line.reserved == D("5") and at(services, room.part_id, room.warehouse_id)[1] == D(5)
    line = items.change_quantity(line.id, "1.5", line.version).lines[0]
    assert line.reserved == D("1.5") and at(services, room.part_id, room.warehouse_id)[1] == D("1.5")
    before = counts(services)
    with pytest.raises(ValidationError, match="Only 8.5 of part P-100 are available at Warehouse; 10.5 asked"):
        items.change_quantity(line.id, "12", line.version)
    assert counts(services) == before
    assert items.items(room.work_order_id).lines[0].quantity == D("1.5")
    assert [m[0] for m in movements(services, room.work_order_id)] == ["reserve", "reserve", "release"]
    assert ledger_agrees(services)


def test_moving_a_line_to_another_location_moves_its_reservation(services, room):
    services.inventory.receive(room.part_id, room.van_id, "3")
    assign(services, room)
    items = services.work_order_items
    line = items.add_part(room.work_order_id, room.part_id, "3", location_id=room.warehouse_id).lines[0]
    line = items.set_location(line.id, room.van_id, line.version).lines[0]
    assert (line.location_name, line.reserved) == ("Van — Maria", D("3"))
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(0), D(10))
    assert at(services, room.part_id, room.van_id) == (D(3), D(3), D(0))
    # the van has nothing more free: moving a second line there is refused, nothing changes
    other = items.add_part(room.work_order_id, room.part_id, "1", location_id=room.warehouse_id).lines[1]
    before = counts(services)
    with pytest.raises(ValidationError, match="Only 0 of part P-100 are available at Van — Maria; 1 asked"):
        items.set_location(other.id, room.van_id, other.version)
    assert counts(services) == before
    with pytest.raises(ConcurrencyConflict):  # the version the user saw is gone
        items.set_location(line.id, room.warehouse_id, line.version - 1)
    audit = services.ctx
    with audit.read() as session:
        moved = session.scalars(select(AuditEntry).where(AuditEntry.action == "change_item")).one()
    assert moved.changes["location"] == ["Warehouse", "Van — Maria"]


def test_a_price_list_line_has_no_location(services, room):
    labour = services.price_list.add(PriceListInput("Labour (per hour)", "service", "hour", "65"))
    line = services.work_order_items.add(room.work_order_id, labour.id).lines[0]
    assert not line.is_part and line.places == () and line.reserved is None
    with pytest.raises(ValidationError, match="Only a stocked part"):
        services.work_order_items.set_location(line.id, room.warehouse_id, line.version)


def test_removing_a_line_releases_what_it_held(services, room):
    assign(services, room)
    items = services.work_order_items
    first = items.add_part(room.work_order_id, room.part_id, "2").lines[0]
    items.add_part(room.work_order_id, room.part_id, "3")
    assert at(services, room.part_id, room.warehouse_id)[1] == D(5)
    card = items.remove(first.id, first.version)
    assert [line.reserved for line in card.lines] == [D("3")]
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(3), D(7))


def test_editing_an_unassigned_order_moves_no_stock(services, room):
    items = services.work_order_items
    line = items.add_part(room.work_order_id, room.part_id, "2").lines[0]
    line = items.change_quantity(line.id, "4", line.version).lines[0]
    line = items.set_location(line.id, room.van_id, line.version).lines[0]
    items.remove(line.id, line.version)
    assert movements(services, room.work_order_id) == []


# ----------------------------------------------------------------- approve, cancel
def test_approve_consumes_what_was_used_and_releases_the_rest(services, room):
    other_part = services.inventory.add_part("P-300", "Contactor 40 A")
    services.inventory.receive(other_part.id, room.warehouse_id, "5")
    items = services.work_order_items
    items.add_part(room.work_order_id, room.part_id, "3")
    to_waiting_approval(services, room, room.work_order_id)
    # a reservation the office made by hand on the inventory page for this order
    services.inventory.reserve(other_part.id, room.warehouse_id, room.work_order_id, "2")
    # the technician used only 2 of the 3 reserved
    line = part_line(services, room.work_order_id)
    items.change_quantity(line.id, "2", line.version)
    act(services, room.work_order_id, "approve")
    assert movements(services, room.work_order_id) == [
        ("reserve", room.part_id, room.warehouse_id, D("3")),
        ("reserve", other_part.id, room.warehouse_id, D("2")),
        ("release", room.part_id, room.warehouse_id, D("-1")),
        ("consume", room.part_id, room.warehouse_id, D("-2")),
        ("release", room.part_id, room.warehouse_id, D("-2")),
        ("release", other_part.id, room.warehouse_id, D("-2")),
    ]
    assert at(services, room.part_id, room.warehouse_id) == (D(8), D(0), D(8))
    assert at(services, other_part.id, room.warehouse_id) == (D(5), D(0), D(5))
    card = items.items(room.work_order_id)
    assert not card.can_edit and card.lines[0].reserved == 0  # nothing held once completed
    assert ledger_agrees(services)


def test_approve_uses_free_stock_beyond_the_reservation_but_never_others_promises(services, room):
    items = services.work_order_items
    items.add_part(room.work_order_id, room.part_id, "2")
    to_waiting_approval(services, room, room.work_order_id)
    items.add_part(room.other_work_order_id, room.part_id, "7")
    assign(services, room, room.other_work_order_id)  # the other order holds 7 of the 8 left free
    # the office released this order's 2 by hand; then the line is raised to 4 (reserving 2 again)
    services.inventory.release(room.part_id, room.warehouse_id, room.work_order_id)
    line = part_line(services, room.work_order_id)
    items.change_quantity(line.id, "4", line.version)
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(9), D(1))
    # 4 used: its own 2 and the 1 free are not enough, and the other order's 7 are not its to take
    before = counts(services)
    number = services.work_orders.get(room.work_order_id).number
    with pytest.raises(ValidationError) as refused:
        act(services, room.work_order_id, "approve")
    assert str(refused.value).startswith(
        f"{number} was not approved. Only 3 of part P-100 are available at Warehouse; 4 asked."
    )
    assert counts(services) == before
    assert services.work_orders.get(room.work_order_id).status == "waiting_approval"
    line = part_line(services, room.work_order_id)
    items.change_quantity(line.id, "3", line.version)  # holds 1 now; 3 = its 1 + the 2 free
    act(services, room.work_order_id, "approve")
    assert at(services, room.part_id, room.warehouse_id) == (D(7), D(7), D(0))
    assert ledger_agrees(services)


def test_cancel_releases_everything_the_order_holds(services, room):
    services.inventory.receive(room.part_id, room.van_id, "2")
    items = services.work_order_items
    items.add_part(room.work_order_id, room.part_id, "4", location_id=room.warehouse_id)
    items.add_part(room.work_order_id, room.part_id, "2", location_id=room.van_id)
    assign(services, room)
    act(services, room.work_order_id, "start")
    act(services, room.work_order_id, "pause", reason="awaiting_parts")
    assert at(services, room.part_id, room.warehouse_id)[1] == D(4)
    act(services, room.work_order_id, "cancel")
    assert at(services, room.part_id, room.warehouse_id) == (D(10), D(0), D(10))
    assert at(services, room.part_id, room.van_id) == (D(2), D(0), D(2))
    with services.ctx.read() as session:
        assert stock_ledger.reservations_of(session, room.work_order_id) == {}
    assert ledger_agrees(services)


def test_cancelling_an_unassigned_order_moves_nothing(services, room):
    services.work_order_items.add_part(room.work_order_id, room.part_id, "4")
    act(services, room.work_order_id, "cancel")
    assert movements(services, room.work_order_id) == []


# ----------------------------------------------------------------- who may
def test_a_technician_adds_parts_to_their_own_open_order_only(services, room):
    maria = as_role(services, Role.TECHNICIAN, "maria", room.technician_id)
    services.inventory.receive(room.part_id, room.van_id, "3")
    assign(services, room)
    card = maria.work_order_items.add_part(room.work_order_id, room.part_id, "2")
    line = card.lines[0]
    assert (line.location_name, line.reserved, line.unit_price) == ("Van — Maria", D("2"), None)
    line = maria.work_order_items.set_location(line.id, room.warehouse_id, line.version).lines[0]
    assert line.location_name == "Warehouse"
    # the other work order is not hers: she cannot even see it
    with pytest.raises(NotFound):
        maria.work_order_items.add_part(room.other_work_order_id, room.part_id, "1")
    # once submitted, only a supervisor changes the items
    act(services, room.work_order_id, "start")
    act(services, room.work_order_id, "submit")
    act(services, room.work_order_id, "approve")
    with pytest.raises(InvalidTransition):
        maria.work_order_items.add_part(room.work_order_id, room.part_id, "1")


def test_search_parts_by_number_or_name_with_stock_per_location(services, room):
    inv = services.inventory
    inv.add_part("P-101", "Run capacitor 45 uF", price="21.00")
    inv.add_part("CAP-9", "Start capacitor", price="9.50")
    inv.add_part("F-16", "Air filter 16x25")
    services.work_order_items.add_part(room.other_work_order_id, room.part_id, "3")
    assign(services, room, room.other_work_order_id)
    found = services.work_order_items.search_parts("capacitor")
    assert [p.number for p in found] == ["CAP-9", "P-100", "P-101"]
    found = services.work_order_items.search_parts("p-10")  # number prefix first, then by number
    assert [p.number for p in found] == ["P-100", "P-101"]
    assert services.work_order_items.search_parts("run 45")[0].number == "P-101"
    [p100] = services.work_order_items.search_parts("P-100")
    assert [(s.name, s.available) for s in p100.places] == [("Warehouse", D("7")), ("Van — Maria", D("0"))]
    assert p100.available == D("7")
    assert services.work_order_items.search_parts("cap", limit=1)[0].number == "CAP-9"
    assert services.work_order_items.search_parts("100%") == []  # a wildcard is a plain character
    # prices only for those who may see them
    assert next(p for p in found if p.number == "P-101").price == D("21.00")
    tech = as_role(services, Role.TECHNICIAN, "maria", room.technician_id)
    assert tech.work_order_items.search_parts("P-101")[0].price is None


# ----------------------------------------------------------------- two workstations
def test_two_workstations_assigning_orders_that_need_the_last_units(db_url):
    """Two real connections assign two work orders that each need 6 of the
    10 units at once: exactly one is assigned, the other refused; stock never negative.
    Then two orders sharing two parts, added in opposite orders, assign at once without a
    deadlock (parts are locked in ascending id order)."""
    url = db_url
    setup = system_services(open_database(url))
    room = stockroom(setup, on_hand="10")
    setup.work_order_items.add_part(room.work_order_id, room.part_id, "6")
    setup.work_order_items.add_part(room.other_work_order_id, room.part_id, "6")
    results = _race(url, room, [room.work_order_id, room.other_work_order_id])
    assert sorted(results) == ["assigned", "refused"], results
    assert at(setup, room.part_id, room.warehouse_id) == (D(10), D(6), D(4))
    statuses = sorted(setup.work_orders.get(i).status for i in (room.work_order_id, room.other_work_order_id))
    assert statuses == ["pending", "unassigned"]

    second = setup.inventory.add_part("P-900", "Hard start kit")
    setup.inventory.receive(second.id, room.warehouse_id, "10")
    orders = []
    for first, then in ((room.part_id, second.id), (second.id, room.part_id)):
        order = setup.work_orders.create(setup.work_orders.get(room.work_order_id).unit_id, "repair", "Noisy")
        setup.work_order_items.add_part(order.id, first, "1", location_id=room.warehouse_id)
        setup.work_order_items.add_part(order.id, then, "1", location_id=room.warehouse_id)
        orders.append(order.id)
    assert _race(url, room, orders) == ["assigned", "assigned"]
    with setup.ctx.read() as session:
        assert stock_ledger.disagreements(session) == []
    setup.ctx.db.engine.dispose()


def _race(url: str, room: Stockroom, work_order_ids: list[int]) -> list[str]:
    stations = [system_services(open_database(url)) for _ in work_order_ids]
    versions = [stations[0].work_orders.get(i).version for i in work_order_ids]
    barrier = threading.Barrier(len(stations))
    results: list[str] = []
    lock = threading.Lock()

    def work(station: Services, work_order_id: int, version: int) -> None:
        station.users.count()  # connected before the barrier
        barrier.wait()
        try:
            station.work_orders.act(work_order_id, "assign", version, technician_id=room.technician_id)
            outcome = "assigned"
        except ValidationError:
            outcome = "refused"
        except BaseException as exc:  # noqa: BLE001 - reported in the result
            outcome = f"error: {exc!r}"
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(target=work, args=(s, i, v))
        for s, i, v in zip(stations, work_order_ids, versions, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for station in stations:
        station.ctx.db.engine.dispose()
    return sorted(results)
