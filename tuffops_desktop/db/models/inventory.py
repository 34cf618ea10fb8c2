"""Inventory: parts, the places they are kept, and the append-only stock ledger.

Stock is never a stored number that gets edited: on hand and reserved per part and
location are the sums of ``stock_movements`` (each quantity stored signed, as its
effect). Rules: ``domain/inventory.py``; writer: ``services/inventory.py``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class Part(Base):
    """Something a technician takes to site (a filter, a capacitor, refrigerant by the kg)."""

    __tablename__ = "parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    manufacturer: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    unit: Mapped[str] = mapped_column(String(8), nullable=False)  # domain.pricing.UnitOfMeasure
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class StockLocation(Base):
    """A warehouse or a technician's van."""

    __tablename__ = "stock_locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # warehouse | van
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class StockMovement(Base):
    """One line of the stock ledger; never updated or deleted.

    ``quantity`` is signed as its effect on on hand (receive, transfer, adjust, consume,
    return) or on reserved (reserve, release). A transfer is two rows with the same
    ``transfer_group``."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), nullable=False)
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_locations.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # domain.inventory.MovementKind
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), nullable=True)
    transfer_group: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")

    __table_args__ = (
        Index("ix_stock_movements_part_location", "part_id", "location_id"),
        Index("ix_stock_movements_work_order_id", "work_order_id"),
        Index("ix_stock_movements_part_id_id", "part_id", "id"),
        # migration 0016: a transfer's other side (only transfers carry a group)
        Index(
            "ix_stock_movements_transfer_group",
            "transfer_group",
            sqlite_where=text("transfer_group IS NOT NULL"),
            postgresql_where=text("transfer_group IS NOT NULL"),
        ),
    )


class StockLevel(Base):
    """A part at a location: the cached on hand and reserved, and what the office sets there.

    ``on_hand`` / ``reserved`` are a cache of the ledger's sums, written only by
    ``services/stock_ledger.py`` in the transaction that appends the movement (a test
    proves they always agree with the ledger). ``minimum`` / ``reorder_quantity`` drive
    the low-stock list (None: not watched); ``bin`` is the shelf/bin code on the label."""

    __tablename__ = "stock_levels"

    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_locations.id"), primary_key=True)
    on_hand: Mapped[Decimal] = mapped_column(Numeric(15, 3), nullable=False, default=Decimal("0"))
    reserved: Mapped[Decimal] = mapped_column(Numeric(15, 3), nullable=False, default=Decimal("0"))
    minimum: Mapped[Decimal | None] = mapped_column(Numeric(12, 3), nullable=True)
    reorder_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3), nullable=True)
    bin: Mapped[str] = mapped_column(String(20), nullable=False, default="")

    __table_args__ = (Index("ix_stock_levels_location_id", "location_id", "part_id"),)


class StockOrder(Base):
    """Parts ordered from a supplier for a location, not yet delivered (``open``): the
    incoming stock the low-stock list counts. Receiving it appends a ``receive`` movement
    and closes it (``received``); ``cancelled`` when the order is called off."""

    __tablename__ = "stock_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), nullable=False)
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_locations.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    supplier: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    reference: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # open | received | cancelled
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    ordered_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (
        Index("ix_stock_orders_part_location_status", "part_id", "location_id", "status"),
        Index("ix_stock_orders_status", "status"),
    )
    __mapper_args__ = {"version_id_col": version}
