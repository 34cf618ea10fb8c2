"""The price list (billable services and materials) and the items recorded on work orders.

Not the device catalogue (``db/models/catalog.py``: manufacturers, types, models). A work
order item snapshots the price-list entry's name, kind, unit and price and the customer's
discount when it is added, so later price changes never rewrite what was done and billed.
Rules: ``domain/pricing.py``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class PriceListItem(Base):
    """A billable service (labour, call-out fee) or material (filter, refrigerant) with its list price."""

    __tablename__ = "price_list_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # service | material
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    unit: Mapped[str] = mapped_column(String(8), nullable=False)  # domain.pricing.UNITS
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    # Retired entries stay for the lines that use them but can no longer be added.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class WorkOrderItem(Base):
    """One line of a work order's Items card: what was used, how much, at which snapshot price."""

    __tablename__ = "work_order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), nullable=False)
    # The entry it was picked from; the snapshot below is what counts for billing.
    price_list_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_list_items.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    unit: Mapped[str] = mapped_column(String(8), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    # The customer's discount (percent) when the line was added; None = no discount.
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    # A material line that is a stocked part (``db/models/inventory.py``), and the location
    # its stock is reserved at and taken from (``services/work_order_stock.py``).
    part_id: Mapped[int | None] = mapped_column(ForeignKey("parts.id"), nullable=True)
    stock_location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_locations.id"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (
        Index("ix_work_order_items_work_order_id", "work_order_id", "position"),
        Index("ix_work_order_items_price_list_item_id", "price_list_item_id"),
        Index("ix_work_order_items_part_id", "part_id"),
    )
    __mapper_args__ = {"version_id_col": version}
