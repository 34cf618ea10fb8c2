"""Customer requests (the inbox), their internal notes, and the minimal work-order table
the work-order issue grows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class CustomerRequest(Base):
    __tablename__ = "customer_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    # One-time key of the submission (from the public form or the office dialog): a
    # repeated POST or a spooled re-delivery finds the request already there.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    request: Mapped[str] = mapped_column(Text, nullable=False)
    schedule_at: Mapped[date] = mapped_column(Date, nullable=False)
    schedule_time: Mapped[str] = mapped_column(String(16), nullable=False)
    contact_info: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    close_reason: Mapped[str | None] = mapped_column(String(12), nullable=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_customer_requests_status_created", "status", "created_at"),
        Index("ix_customer_requests_unit_id", "unit_id"),
        Index("ix_customer_requests_created_at", "created_at"),  # 0015: received in a period (reports)
    )


class RequestNote(Base):
    """Internal triage note; never shown to the customer."""

    __tablename__ = "request_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("customer_requests.id"), nullable=False, index=True)
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)


# Open = not completed, billed or cancelled (domain.work_orders.OPEN); migration 0006 writes the same text.
OPEN_MAINTENANCE_WHERE = (
    "maintenance_due_on IS NOT NULL AND status IN ('unassigned', 'pending', 'ongoing', 'paused', 'waiting_approval')"
)


class WorkOrder(Base):
    """Dispatchable work on one unit (rules: ``domain/work_orders.py``)."""

    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("customer_requests.id", use_alter=True), nullable=True)
    # The accepted quotation it was made from (one work order per quoted unit), if any.
    quotation_id: Mapped[int | None] = mapped_column(ForeignKey("quotations.id"), nullable=True)
    work_type: Mapped[str] = mapped_column(String(16), nullable=False, default="repair")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="unassigned")
    customer_requests: Mapped[str] = mapped_column(Text, nullable=False, default="")
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # SLA: by when it must be done
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    scheduled_start: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # booked on the board
    time_window: Mapped[str | None] = mapped_column(String(16), nullable=True)  # All Day / Morning / Afternoon
    estimated_hours: Mapped[Decimal] = mapped_column(Numeric(6, 1), nullable=False, default=Decimal("2"))
    # Preventive maintenance: the due date (period) this work order is for; at most one open per unit and date.
    maintenance_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # 0017: when it was approved (moved to completed) — written only by the trigger on
    # work_order_history, for the reports; never set it from Python.
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        Index("ix_work_orders_status_due", "status", "due_at"),
        Index("ix_work_orders_technician_start", "technician_id", "scheduled_start"),
        Index("ix_work_orders_customer_id", "customer_id"),
        Index("ix_work_orders_quotation_id", "quotation_id"),
        # 0006: due / booked ranges and the sort by creation without a full sort (bench_work_orders.py)
        Index("ix_work_orders_due_at", "due_at"),
        Index("ix_work_orders_scheduled_start", "scheduled_start"),
        Index("ix_work_orders_created_at", "created_at"),
        # 0015: a completion's call-backs, repairs on the same unit soon after (reports)
        Index("ix_work_orders_unit_type_created", "unit_id", "work_type", "created_at"),
        # 0015/0017: hours booked per technician in a period, from the index alone, also when
        # filtered by work type or customer (reports)
        Index(
            "ix_work_orders_booked",
            "technician_id",
            "scheduled_start",
            "status",
            "estimated_hours",
            "work_type",
            "customer_id",
        ),
        # 0017: the completions of a period with what the report figures and filters read
        Index(
            "ix_work_orders_completed",
            "completed_at",
            "status",
            "work_type",
            "due_at",
            "unit_id",
            "technician_id",
            "customer_id",
        ),
        Index(
            "uq_work_orders_open_maintenance",
            "unit_id",
            "maintenance_due_on",
            unique=True,
            sqlite_where=text(OPEN_MAINTENANCE_WHERE),
            postgresql_where=text(OPEN_MAINTENANCE_WHERE),
        ),
    )
    __mapper_args__ = {"version_id_col": version}


class WorkOrderHistory(Base):
    """One status change of a work order: who, when, from, to, why. The status replays from it."""

    __tablename__ = "work_order_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    by: Mapped[str] = mapped_column(String(64), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # 0017: on a move away from ongoing, when that stretch on site began — written only by
    # the trigger on this table (time on site in the reports); never set it from Python.
    ongoing_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        Index("ix_work_order_history_work_order_id", "work_order_id", "id"),
        # 0015: the moves to and from a status in a period, read from the index alone (reports)
        Index("ix_work_order_history_to_status_at", "to_status", "at", "work_order_id", "from_status", "id"),
        Index("ix_work_order_history_from_status_at", "from_status", "at", "work_order_id", "to_status", "id"),
        # 0017: each finished stretch on site as one index entry (reports)
        Index("ix_work_order_history_stretches", "from_status", "at", "ongoing_since", "work_order_id"),
    )


class WorkOrderNote(Base):
    """An internal note on a work order (never shown to the customer)."""

    __tablename__ = "work_order_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), nullable=False, index=True)
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
