"""Work-order items and the price list through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.db.models import AuditEntry, ChangeLogEntry, WorkOrderItem
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.pricing import PriceListInput

D = Decimal


@pytest.fixture
def shop(services):
    """A customer with a 10 % discount, a unit, a short price list, the office and two
    technicians; one work order assigned to tom and started."""
    customer = make_customer(services, discount_rate="10")
    unit = make_unit(services, customer_id=customer.id)
    tom = services.users.add("tom", "longenough", "technician")
    bob = services.users.add("bob", "longenough", "technician")
    services.users.add("olga", "longenough", "office")
    labour = services.price_list.add(PriceListInput("Labour (per hour)", "service", "hour", "65.00", "30"))
    gas = services.price_list.add(PriceListInput("Refrigerant R-410A", "material", "kg", "38.50"))
    filt = services.price_list.add(PriceListInput("Air filter 16x25", "material", "each", "12.99"))
    office = as_role(services, Role.OFFICE, "olga")
    as_tom = as_role(services, Role.TECHNICIAN, "tom", tom.id)
    order = office.work_orders.create(unit.id, "repair", "Not cooling")
    order = office.work_orders.act(order.id, "assign", order.version, technician_id=tom.id)
    order = as_tom.work_orders.act(order.id, "start", order.version)
    return {
        "customer": customer,
        "unit": unit,
        "order": order,
        "labour": labour,
        "gas": gas,
        "filter": filt,
        "office": office,
        "as_tom": as_tom,
        "as_bob": as_role(services, Role.TECHNICIAN, "bob", bob.id),
    }


def _line_count(services) -> int:
    with services.ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(WorkOrderItem)) or 0)


def test_an_item_snapshots_price_and_discount_and_the_office_sees_the_totals(services, shop):
    tom, office, order = shop["as_tom"].work_order_items, shop["office"].work_order_items, shop["order"]
    tom.add(order.id, shop["labour"].id, "1.5")
    card = tom.add(order.id, shop["gas"].id, "0.75")
    # the technician sees what was used, not the money
    assert [(line.name, line.kind, line.unit, line.quantity) for line in card.lines] == [
        ("Labour (per hour)", "service", "hour", D("1.500")),
        ("Refrigerant R-410A", "material", "kg", D("0.750")),
    ]
    assert not card.pricing and card.total is None
    assert all(line.unit_price is None and line.amount is None for line in card.lines)
    seen = office.items(order.id)
    assert seen.pricing and seen.can_edit
    # 1.5 × 65.00 = 97.50 − 10 % = 87.75; 0.75 × 38.50 = 28.875 → 28.88, − 10 % = 25.9875 → 25.99
    assert [(line.unit_price, line.discount_rate, line.gross, line.amount) for line in seen.lines] == [
        (D("65.00"), D("10.00"), D("97.50"), D("87.75")),
        (D("38.50"), D("10.00"), D("28.88"), D("25.99")),
    ]
    assert (seen.gross, seen.discount, seen.total) == (D("126.38"), D("12.64"), D("113.74"))


def test_later_price_and_discount_changes_never_rewrite_a_line(services, shop):
    order, labour = shop["order"], shop["labour"]
    shop["as_tom"].work_order_items.add(order.id, labour.id)
    services.price_list.update(
        labour.id, PriceListInput("Labour (per hour)", "service", "hour", "80.00", "30"), labour.version
    )
    customer = services.customers.get(shop["customer"].id)
    from tuffops_desktop.domain.customers import CustomerInput

    services.customers.update(
        customer.id, CustomerInput(first_name="Ann", last_name="Liburd", discount_rate="25"), customer.version
    )
    card = shop["office"].work_order_items.add(order.id, labour.id)
    assert [(line.quantity, line.unit_price, line.discount_rate) for line in card.lines] == [
        (D("1.000"), D("65.00"), D("10.00")),  # as it was when added
        (D("1.000"), D("80.00"), D("25.00")),  # the new price and discount, for the new line only
    ]


def test_quantities_change_and_lines_go_with_version_checks(services, shop):
    tom, order = shop["as_tom"].work_order_items, shop["order"]
    card = tom.add(order.id, shop["filter"].id)
    line = card.lines[0]
    card = tom.change_quantity(line.id, "2,5", line.version)
    assert card.lines[0].quantity == D("2.500")
    with pytest.raises(ConcurrencyConflict):
        tom.change_quantity(line.id, "3", line.version)  # the version from before the change
    with pytest.raises(ConcurrencyConflict):
        tom.remove(line.id, line.version)
    card = tom.remove(line.id, card.lines[0].version)
    assert card.lines == ()
    with pytest.raises(NotFound, match="removed from the work order meanwhile"):
        tom.remove(line.id, 2)
    with services.ctx.read() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "work_order", AuditEntry.entity_id == str(order.id))
        ).all()
    assert actions[-3:] == ["add_item", "change_item", "remove_item"]
    if services.ctx.db.dialect == "sqlite":  # on PostgreSQL the same facts travel by NOTIFY
        with services.ctx.read() as s:
            heard = s.scalars(
                select(ChangeLogEntry.action).where(
                    ChangeLogEntry.entity == "work_order", ChangeLogEntry.entity_id == order.id
                )
            ).all()
        assert heard[-3:] == ["add_item", "change_item", "remove_item"]


def test_bad_quantities_are_refused_and_nothing_is_stored(services, shop):
    tom, order = shop["as_tom"].work_order_items, shop["order"]
    for bad in ("0", "-1", "abc", "1.2345", "", "1000000"):
        with pytest.raises(ValidationError) as info:
            tom.add(order.id, shop["labour"].id, bad)
        assert "quantity" in info.value.field_errors
    assert _line_count(services) == 0
    line = tom.add(order.id, shop["labour"].id).lines[0]
    with pytest.raises(ValidationError):
        tom.change_quantity(line.id, "0", line.version)
    assert tom.items(order.id).lines[0].quantity == D("1.000")


def test_a_line_too_large_for_the_books_is_refused_not_a_database_error(services, shop):
    """100,000 units at 1,000,000 passes each bound but overflowed the amount columns on PostgreSQL."""
    dear = services.price_list.add(PriceListInput("Chiller plant, complete", "material", "each", "1000000"))
    tom, order = shop["as_tom"].work_order_items, shop["order"]
    with pytest.raises(ValidationError, match="at most 10,000,000 per line"):
        tom.add(order.id, dear.id, "100000")
    assert _line_count(services) == 0
    line = tom.add(order.id, dear.id, "10").lines[0]
    with pytest.raises(ValidationError, match="at most 10,000,000 per line"):
        tom.change_quantity(line.id, "11", line.version)
    assert tom.items(order.id).lines[0].quantity == D("10.000")


def test_a_technician_cannot_touch_someone_elses_work_order(services, shop):
    bob, order, labour = shop["as_bob"].work_order_items, shop["order"], shop["labour"]
    with pytest.raises(NotFound):  # not even visible to him, as on the work-orders page
        bob.add(order.id, labour.id)
    line = shop["as_tom"].work_order_items.add(order.id, labour.id).lines[0]
    with pytest.raises(NotFound):
        bob.change_quantity(line.id, "2", line.version)
    with pytest.raises(NotFound):
        bob.remove(line.id, line.version)
    with pytest.raises(NotFound):
        bob.items(order.id)
    estimator = as_role(services, Role.ESTIMATOR, "esme").work_order_items
    with pytest.raises(PermissionDenied):
        estimator.add(order.id, labour.id)
    card = estimator.items(order.id)  # may look, not change
    assert not card.can_edit and "not change" in card.edit_refusal
    assert _line_count(services) == 1


def test_closed_work_orders_keep_their_items(services, shop):
    tom, office, order = shop["as_tom"].work_order_items, shop["office"], shop["order"]
    line = tom.add(order.id, shop["labour"].id).lines[0]
    order = shop["as_tom"].work_orders.act(order.id, "submit", order.version)
    # waiting for approval: a supervisor may still correct the items
    office.work_order_items.change_quantity(line.id, "2", line.version)
    order = office.work_orders.act(order.id, "approve", order.version)
    card = office.work_order_items.items(order.id)
    assert not card.can_edit and "completed" in card.edit_refusal
    with pytest.raises(InvalidTransition, match="completed; its items can no longer change"):
        office.work_order_items.add(order.id, shop["gas"].id)
    with pytest.raises(InvalidTransition):
        office.work_order_items.remove(line.id, card.lines[0].version)
    assert [line.quantity for line in office.work_order_items.items(order.id).lines] == [D("2.000")]


def test_a_deactivated_entry_cannot_be_added_but_its_lines_stay(services, shop):
    office, order, gas = shop["office"].work_order_items, shop["order"], shop["gas"]
    office.add(order.id, gas.id, "1.2")
    gas = services.price_list.set_active(gas.id, False, gas.version)
    with pytest.raises(ValidationError, match="no longer on the price list"):
        office.add(order.id, gas.id)
    assert [line.name for line in office.items(order.id).lines] == ["Refrigerant R-410A"]
    assert "Refrigerant R-410A" not in [e.name for e in services.price_list.search()]
    assert "Refrigerant R-410A" in [e.name for e in services.price_list.search(include_inactive=True)]
    with pytest.raises(ValidationError):
        office.add(order.id, 999999)


def test_price_list_search_names_and_permissions(services, shop):
    found = shop["as_tom"].price_list.search("FILTER air")
    assert [(e.name, e.price) for e in found] == [("Air filter 16x25", None)]  # no prices for technicians
    assert [e.kind for e in services.price_list.search()] == ["service", "material", "material"]
    assert services.price_list.search("labour")[0].cost == D("30.00")
    assert shop["office"].price_list.search("%") == []  # LIKE wildcards are plain text
    with pytest.raises(ValidationError, match="already on the price list"):
        services.price_list.add(PriceListInput("  labour  (PER hour)", "service", "hour", "70"))
    with pytest.raises(ValidationError) as info:
        services.price_list.add(PriceListInput("", "labour", "bucket", "-1"))
    assert set(info.value.field_errors) == {"name", "kind", "unit", "price"}
    with pytest.raises(PermissionDenied):
        shop["as_tom"].price_list.add(PriceListInput("Call-out fee", "service", "visit", "45"))
    with pytest.raises(PermissionDenied):
        shop["office"].price_list.update(shop["labour"].id, PriceListInput("X", "service", "hour", "1"), 1)
    labour = services.price_list.update(
        shop["labour"].id, PriceListInput("Labour, standard", "service", "hour", "66"), shop["labour"].version
    )
    with pytest.raises(ConcurrencyConflict):
        services.price_list.set_active(labour.id, False, shop["labour"].version)
    assert services.price_list.get(labour.id).name == "Labour, standard"


def test_two_workstations_adding_the_same_name_at_once_get_a_readable_refusal(services, db, shop):
    """The other workstation's row is not committed yet when our check runs (PostgreSQL),
    so only the unique constraint can catch it: it must read like the check, and one row stays."""
    import threading
    import time
    from datetime import UTC, datetime

    from sqlalchemy import text

    now = datetime.now(UTC)
    outcome: list[BaseException | None] = []
    with db.engine.connect() as other:
        other.execute(
            text(
                "INSERT INTO price_list_items (kind, name, unit, price, active, created_at, updated_at, version)"
                " VALUES ('material', 'Duct tape', 'each', 4.50, :yes, :now, :now, 1)"
            ),
            {"yes": True, "now": now},
        )

        def add() -> None:
            try:
                services.price_list.add(PriceListInput("Duct tape", "material", "each", "4.60"))
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - reported below
                outcome.append(exc)

        worker = threading.Thread(target=add)
        worker.start()
        time.sleep(0.5)  # ours has checked (PostgreSQL) or waits for the write lock (SQLite)
        other.commit()
        worker.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], ValidationError), outcome
    assert "already on the price list" in outcome[0].field_errors["name"]
    assert [e.price for e in services.price_list.search("duct tape")] == [D("4.50")]
