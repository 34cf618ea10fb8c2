"""Customers table. Emails and phones are comma-separated lists (phones in E.164)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_type: Mapped[str] = mapped_column(String(16), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    company_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    # Derived from the three names by domain.customers.display_name on every save; kept as
    # a column so lists can sort and page by it in SQL.
    display_name: Mapped[str] = mapped_column(String(320), nullable=False)
    emails: Mapped[str] = mapped_column(Text, nullable=False, default="")
    phones: Mapped[str] = mapped_column(Text, nullable=False, default="")
    address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    default_sla_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Days from issue to due date of this customer's invoices; None = the setting
    # ``default_payment_terms_days`` (net 30).
    payment_terms_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    remote_id: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The customer asked for no e-mail from us (migration 0014; honoured by the notification events).
    notify_opt_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_customers_display_name", "display_name"),
        Index("ix_customers_type_display", "customer_type", "display_name"),
    )
