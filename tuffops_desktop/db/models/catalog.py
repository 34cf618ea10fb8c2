"""Device catalogue: manufacturers, device types (Split AC, Heat Pump…) and device models."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tuffops_desktop.db.base import Base


class Manufacturer(Base):
    __tablename__ = "manufacturers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    contact: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class DeviceType(Base):
    __tablename__ = "device_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)


class DeviceModel(Base):
    __tablename__ = "device_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manufacturer_id: Mapped[int] = mapped_column(ForeignKey("manufacturers.id"), nullable=False)
    device_type_id: Mapped[int] = mapped_column(ForeignKey("device_types.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    default_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    default_warranty_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    default_maintenance_frequency: Mapped[str] = mapped_column(String(16), nullable=False, default="none")

    manufacturer: Mapped[Manufacturer] = relationship(lazy="joined")
    device_type: Mapped[DeviceType] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("manufacturer_id", "name", name="uq_device_models_manufacturer_name"),)
