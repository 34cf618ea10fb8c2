"""Invoices, their lines and payments, and the per-year document number counters.

An invoice bills one completed work order. Its lines, bill-to and totals are a snapshot
taken when it is issued, so later changes to the customer, the price list or the work
order never rewrite a document the customer already holds. Payments are never deleted:
a wrong one is voided with a reason. Rules: ``domain/invoices.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow

# Active = sent or paid (domain.invoices.ACTIVE); migration 0009 writes the same text.
ACTIVE_INVOICE_WHERE = "status IN ('sent', 'paid')"
# The balance the Invoices list sorts by (services/invoices.py ``_balance_expr``) and the
# invoices that can be overdue; migration 0011 indexes them on PostgreSQL (same text). The balance is
# laid out as PostgreSQL prints an index expression back, so comparing the migrated
# schema with the models sees the same text.
INVOICE_BALANCE_SQL = "(\nCASE\n    WHEN status = 'cancelled' THEN 0.00\n    ELSE total - paid\nEND)"
OVERDUE_CANDIDATE_WHERE = "status = 'sent' AND total > paid"


class DocumentCounter(Base):
    """The last number given to a kind of document in a year (``invoice``/2026 → 17).

    The issuing transaction increments its row and uses the new value, so numbers are
    gapless: a rolled-back issue rolls the counter back with it, and two workstations
    issuing at once wait for each other on the row (PostgreSQL) or the database
    (SQLite) instead of both taking the same number.
    """

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Invoice(Base):
    """One issued invoice (``INV-2026-00001``): status sent, paid or cancelled."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="sent")
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    # Bill-to and unit as printed on the invoice when it was issued.
    bill_to_name: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    bill_to_address: Mapped[str] = mapped_column(Text, nullable=False, default="")
    unit_label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    payment_terms_days: Mapped[int] = mapped_column(Integer, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    # Totals snapshot (domain.invoices.invoice_totals): subtotal before discount, the
    # discount, the net (subtotal - discount), tax on the net, total = net + tax.
    subtotal: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    discount_total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    net: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    # Sum of the non-voided payments, written with every payment and void so lists sort
    # and filter by balance (total - paid) in SQL.
    paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=Decimal("0.00"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    cancel_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
        Index(
            "uq_invoices_active_work_order",
            "work_order_id",
            unique=True,
            sqlite_where=text(ACTIVE_INVOICE_WHERE),
            postgresql_where=text(ACTIVE_INVOICE_WHERE),
        ),
        Index("ix_invoices_work_order_id", "work_order_id"),
        Index("ix_invoices_customer_id", "customer_id", "issued_on"),
        Index("ix_invoices_status_due_on", "status", "due_on"),
        Index("ix_invoices_issued_on", "issued_on"),
        # migration 0011, PostgreSQL only: the list by balance and "overdue only", read in
        # order from the index alone (SQLite matches neither to the service's bound values)
        Index(
            "ix_invoices_balance",
            text(INVOICE_BALANCE_SQL),
            "year",
            "sequence",
            postgresql_include=["id", "status", "total", "paid"],
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_invoices_overdue",
            "due_on",
            "year",
            "sequence",
            postgresql_include=["id"],
            postgresql_where=text(OVERDUE_CANDIDATE_WHERE),
        ).ddl_if(dialect="postgresql"),
    )


class InvoiceLine(Base):
    """One line of an invoice, copied from a work-order item when the invoice was issued."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    description: Mapped[str] = mapped_column(String(120), nullable=False)
    unit: Mapped[str] = mapped_column(String(8), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    # quantity x unit price less the discount, rounded half-up to the cent (domain.pricing.line_amount).
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)

    __table_args__ = (Index("ix_invoice_lines_invoice_id", "invoice_id", "position"),)


class Payment(Base):
    """Money received against an invoice. Never deleted; a mistaken one is voided with a reason."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    reference: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    voided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    void_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    voided_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")

    __table_args__ = (
        Index("ix_payments_invoice_id", "invoice_id"),
        Index("ix_payments_paid_on", "paid_on"),
    )
