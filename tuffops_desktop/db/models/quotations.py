"""Quotations, the units they cover, their priced lines and their notes.

A quotation's lines snapshot a price-list entry's name, kind, unit and price and the
quotation's discount when they are added, as a work order's items do; converting an
accepted quotation copies them onto its work orders (``work_orders.quotation_id`` points
back). Its number comes from the per-year counter invoices use (``document_counters``,
kind ``quotation``). Rules: ``domain/quotations.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class Quotation(Base):
    """One quotation (``Q-2026-00001``); its status is a key of the ``quotation_statuses`` setting."""

    __tablename__ = "quotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    # Optional while a draft; required to send it.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(String(40), nullable=False, default="pending")
    # What the customer asked for; copied into every work order on conversion.
    customer_requests: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The customer's discount (percent) when chosen, or the estimator's override; the lines carry it.
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The total with tax (domain.quotations.quotation_totals of the lines), rewritten with
    # every change of lines, discount or tax, so the list sorts by it in SQL.
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=Decimal("0.00"))
    # Lower-cased number, title and requests: what the list's search reads with the customer's text.
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # locked from here
    submitted_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # accepted / rejected
    decided_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # recorded by (for the customer)
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    converted_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_quotations_year_sequence"),
        Index("ix_quotations_customer_id", "customer_id"),
        Index("ix_quotations_status_created", "status", "created_at"),
        Index("ix_quotations_created_at", "created_at"),
        Index("ix_quotations_total", "total"),
    )
    __mapper_args__ = {"version_id_col": version}


class QuotationUnit(Base):
    """A unit the quotation's work is for; each becomes one work order on conversion."""

    __tablename__ = "quotation_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("quotations.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # placement, access …

    __table_args__ = (
        UniqueConstraint("quotation_id", "unit_id", name="uq_quotation_units_quotation_unit"),
        Index("ix_quotation_units_unit_id", "unit_id"),
    )


class QuotationLine(Base):
    """One priced line: a snapshot of a price-list entry, optionally for one of the units."""

    __tablename__ = "quotation_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("quotations.id"), nullable=False)
    # The unit the line is for (None: the quotation as a whole; see domain.quotations.distribute).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    price_list_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_list_items.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    unit: Mapped[str] = mapped_column(String(8), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (
        Index("ix_quotation_lines_quotation_id", "quotation_id", "position"),
        Index("ix_quotation_lines_price_list_item_id", "price_list_item_id"),
    )
    __mapper_args__ = {"version_id_col": version}


class QuotationNote(Base):
    """A note on a quotation; allowed in every status, locked ones included."""

    __tablename__ = "quotation_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("quotations.id"), nullable=False, index=True)
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
