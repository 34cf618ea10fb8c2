"""Builders for invoice tests: a completed work order with priced items."""

from __future__ import annotations

from tests.factories import make_customer, make_unit
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.services.registry import Services

# (name, kind, unit, price, quantity)
DEFAULT_ITEMS = (
    ("Labour (per hour)", "service", "hour", "65.00", "1.5"),
    ("Refrigerant R-410A", "material", "kg", "38.50", "0.75"),
)


def technician_id(services: Services) -> int:
    found = next((u for u in services.users.list() if u.username == "tess"), None)
    return found.id if found else services.users.add("tess", "longenough", "technician").id


def price_entry(services: Services, name: str, kind: str, unit: str, price: str) -> int:
    existing = [e for e in services.price_list.search(name, include_inactive=True) if e.name == name]
    if existing:
        return existing[0].id
    return services.price_list.add(PriceListInput(name, kind, unit, price)).id


def completed_work_order(
    services: Services, unit_id: int, items: tuple[tuple[str, str, str, str, str], ...] = DEFAULT_ITEMS
) -> int:
    """A work order on ``unit_id`` with ``items``, taken through assign, start, submit and approve."""
    tech = technician_id(services)
    order = services.work_orders.create(unit_id, "repair", "Not cooling")
    order = services.work_orders.act(order.id, "assign", order.version, technician_id=tech)
    order = services.work_orders.act(order.id, "start", order.version)
    for name, kind, unit, price, quantity in items:
        services.work_order_items.add(order.id, price_entry(services, name, kind, unit, price), quantity)
    order = services.work_orders.get(order.id)
    order = services.work_orders.act(order.id, "submit", order.version)
    order = services.work_orders.act(order.id, "approve", order.version)
    return order.id


def customer_with_unit(services: Services, **customer_fields: object) -> tuple[int, int]:
    """(customer id, unit id) of a new customer with one unit."""
    customer = make_customer(services, **customer_fields)
    unit = make_unit(services, customer_id=customer.id, serial_number=f"SN-{customer.id}")
    return customer.id, unit.id


def issued(services: Services, unit_id: int, **kwargs: object) -> int:
    """Issue an invoice for a new completed work order on ``unit_id``; its id."""
    order_id = completed_work_order(services, unit_id)
    version = services.work_orders.get(order_id).version
    return services.invoices.issue(order_id, expected_version=version, **kwargs).id  # type: ignore[arg-type]
