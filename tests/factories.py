"""Small builders so tests say what they mean (``make_customer(services, first_name="Ann")``)."""

from __future__ import annotations

from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.permissions import ROLE_BUNDLES, Role
from tuffops_desktop.domain.units import UnitInput
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.dto.catalog import DeviceModelInfo
from tuffops_desktop.services.dto.customers import CustomerDetail
from tuffops_desktop.services.dto.units import UnitDetail
from tuffops_desktop.services.registry import Services, build_services


def make_customer(services: Services, **fields: object) -> CustomerDetail:
    values: dict[str, object] = {"customer_type": "residential", "first_name": "Ann", "last_name": "Liburd"}
    values.update(fields)
    return services.customers.create(CustomerInput(**values))  # type: ignore[arg-type]


def make_model(services: Services, name: str = "MSZ-GL09NA") -> DeviceModelInfo:
    return services.catalog.add_device_model("Mitsubishi Electric", "Split AC", name, default_warranty_months=60)


def make_unit(
    services: Services, customer_id: int | None = None, model: DeviceModelInfo | None = None, **fields: object
) -> UnitDetail:
    model = model or make_model(services)
    values: dict[str, object] = {
        "device_model_id": model.id,
        "customer_id": customer_id,
        "serial_number": "A12-345678",
        "location": "Lobby AC #2",
    }
    values.update(fields)
    return services.units.create(UnitInput(**values))  # type: ignore[arg-type]


def as_role(services: Services, role: Role, username: str | None = None, user_id: int | None = None) -> Services:
    """The same database, acting as a user holding ``role``'s permissions."""
    actor = Actor(user_id=user_id, username=username or role.value, permissions=ROLE_BUNDLES[role], role=role.value)
    return build_services(ServiceContext(db=services.ctx.db, actor=actor, clock=services.ctx.clock))
