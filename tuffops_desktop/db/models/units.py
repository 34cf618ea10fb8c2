"""Units, their ownership history, linked groups, blank QR labels and retired GUIDs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class UnitLinkGroup(Base):
    """Units of one customer that form one system (split indoor + outdoor, …)."""

    __tablename__ = "unit_link_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    qr_code_guid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    device_model_id: Mapped[int] = mapped_column(ForeignKey("device_models.id"), nullable=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    link_group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_link_groups.id"), nullable=True)
    serial_number: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    installed_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    warranty_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    maintenance_frequency: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    serviced_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    maintained_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    sticker_printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_units_customer_id", "customer_id"),
        Index("ix_units_link_group_id", "link_group_id"),
        Index("ix_units_serial_number", "serial_number"),
        Index("ix_units_location", "location"),
    )


class UnitOwnership(Base):
    """Who owned a unit when: a transfer closes one period and opens the next."""

    __tablename__ = "unit_ownerships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class BlankQrLabel(Base):
    """A GUID printed on a sticker before any unit exists; bound to a unit later."""

    __tablename__ = "blank_qr_labels"

    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    bound_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    bound_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RetiredQrCode(Base):
    """A GUID a unit no longer answers to (replaced by a bound label). Never reused."""

    __tablename__ = "retired_qr_codes"

    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    retired_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
