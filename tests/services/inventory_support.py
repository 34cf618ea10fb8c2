"""A part, a warehouse, a technician's van and a work order to move stock for."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.factories import make_customer, make_unit
from tuffops_desktop.services.registry import Services


@dataclass(frozen=True)
class Stockroom:
    part_id: int
    warehouse_id: int
    van_id: int
    work_order_id: int
    other_work_order_id: int
    technician_id: int | None = None  # maria, whose van it is


def stockroom(services: Services, *, on_hand: str = "10") -> Stockroom:
    """Part P-100 with ``on_hand`` in the warehouse, an empty van "Van — Maria", two work orders."""
    inv = services.inventory
    part = inv.add_part("P-100", "Run capacitor 35 uF", "each", manufacturer="Genteq", category="Electrical")
    warehouse = inv.add_location("Warehouse")
    maria = services.users.add("maria", "longenough", "technician")
    van = inv.add_location("Van — Maria", "van", maria.id)
    unit = make_unit(services, customer_id=make_customer(services).id)
    order = services.work_orders.create(unit.id, "repair", "Not cooling")
    other = services.work_orders.create(unit.id, "maintenance", "Yearly service")
    if on_hand != "0":
        inv.receive(part.id, warehouse.id, on_hand)
    return Stockroom(part.id, warehouse.id, van.id, order.id, other.id, maria.id)


def wait_until_ready(start: Path, processes: int, timeout: float = 60.0) -> None:
    """Wait until ``processes`` worker processes have each touched ``<start>.ready.<pid>``
    (they are connected and warm), so touching ``start`` lets them go at the same moment."""
    deadline = time.monotonic() + timeout
    while len(list(start.parent.glob(f"{start.name}.ready.*"))) < processes:
        assert time.monotonic() < deadline, "the worker processes never got ready"
        time.sleep(0.01)
