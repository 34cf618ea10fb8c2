"""Device catalogue: manufacturers → device types → device models (the spec sheets units
are instances of)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import DeviceModel, DeviceType, Manufacturer
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.units import MaintenanceFrequency
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.catalog import CatalogEntry, DeviceModelInfo
from tuffops_desktop.services.guard import requires, requires_any

_Named = TypeVar("_Named", Manufacturer, DeviceType)


def model_info(m: DeviceModel) -> DeviceModelInfo:
    return DeviceModelInfo(
        id=m.id,
        manufacturer=m.manufacturer.name,
        device_type=m.device_type.name,
        name=m.name,
        default_cost=m.default_cost,
        default_warranty_months=m.default_warranty_months,
        default_maintenance_frequency=m.default_maintenance_frequency,
    )


def _clean_name(value: str, field: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError({field: "A name is required."})
    if len(name) > 120:
        raise ValidationError({field: "At most 120 characters."})
    return name


class CatalogService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.UNITS_VIEW)
    def manufacturers(self) -> list[CatalogEntry]:
        with self._ctx.read() as session:
            makers = session.scalars(select(Manufacturer).order_by(Manufacturer.name))
            return [CatalogEntry(m.id, m.name) for m in makers]

    @requires(P.UNITS_VIEW)
    def device_types(self) -> list[CatalogEntry]:
        with self._ctx.read() as session:
            return [CatalogEntry(t.id, t.name) for t in session.scalars(select(DeviceType).order_by(DeviceType.name))]

    @requires(P.UNITS_VIEW)
    def device_models(self) -> list[DeviceModelInfo]:
        with self._ctx.read() as session:
            models = session.scalars(select(DeviceModel)).all()
            return sorted((model_info(m) for m in models), key=lambda i: i.label.casefold())

    @requires(P.SETTINGS_EDIT)
    def add_device_model(
        self,
        manufacturer: str,
        device_type: str,
        name: str,
        *,
        default_cost: Decimal | None = None,
        default_warranty_months: int | None = None,
        default_maintenance_frequency: str = "none",
    ) -> DeviceModelInfo:
        """Add a model, creating its manufacturer and type when they are new."""
        with self._ctx.write() as session:
            model = self.ensure_model(
                session,
                manufacturer,
                device_type,
                name,
                default_cost=default_cost,
                default_warranty_months=default_warranty_months,
                default_maintenance_frequency=default_maintenance_frequency,
            )
            return model_info(model)

    @requires_any(P.UNITS_CREATE, P.SETTINGS_EDIT)
    def ensure_model(
        self,
        session: Session,
        manufacturer: str,
        device_type: str,
        name: str,
        *,
        default_cost: Decimal | None = None,
        default_warranty_months: int | None = None,
        default_maintenance_frequency: str = "none",
    ) -> DeviceModel:
        """Get-or-create inside an open transaction (imports, demo data)."""
        maker = self._ensure(session, Manufacturer, _clean_name(manufacturer, "manufacturer"))
        kind = self._ensure(session, DeviceType, _clean_name(device_type, "device_type"))
        model_name = _clean_name(name, "model")
        model = session.scalar(
            select(DeviceModel).where(DeviceModel.manufacturer_id == maker.id, DeviceModel.name == model_name)
        )
        if model is not None:
            return model
        try:
            frequency = MaintenanceFrequency(default_maintenance_frequency).value
        except ValueError:
            raise ValidationError({"maintenance_frequency": "Choose a maintenance frequency from the list."}) from None
        model = DeviceModel(
            manufacturer=maker,
            device_type=kind,
            name=model_name,
            default_cost=default_cost,
            default_warranty_months=default_warranty_months,
            default_maintenance_frequency=frequency,
        )
        session.add(model)
        session.flush()
        audit.record(
            session,
            self._ctx,
            "device_model",
            model.id,
            "create",
            {"manufacturer": [None, maker.name], "device_type": [None, kind.name], "name": [None, model_name]},
        )
        return model

    def _ensure(self, session: Session, table: type[_Named], name: str) -> _Named:
        row = session.scalar(select(table).where(table.name == name))
        if row is None:
            row = table(name=name)
            session.add(row)
            session.flush()
            audit.record(session, self._ctx, table.__tablename__.rstrip("s"), row.id, "create", {"name": [None, name]})
        return row
