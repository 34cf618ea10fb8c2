"""The notification outbox: one row per e-mail to send (rules: ``domain/notifications.py``).

A row is written by ``services/outbox.queue`` (or, for a public request on PostgreSQL,
by the database function ``intake_submit_request``) in the transaction of the event that
causes it, and then only the sender (``services/mail_sender.py``) and the Outbox page's
retry/cancel change it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    # Plain addresses, checked at queue time (no line breaks, no display names).
    recipients: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    # What the template needs (ticket, numbers, names…), as JSON; rendered when sending.
    context: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), nullable=True)
    # A document attached when sending: its kind ("invoice", "quotation") and record id.
    attachment_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    attachment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # One event, one row: e.g. "overdue:<invoice id>:<bucket>"; NULL for events that cannot repeat.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    # Random, written at queue time: part of the Message-ID, unique across databases.
    token: Mapped[str] = mapped_column(String(32), nullable=False)
    # Fixed at the first claim and reused on every attempt (the dedupe handle of receivers).
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    subject: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    server_reply: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        # The sender's due query: status and when, oldest first.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # A customer's messages (their page), a work order's, newest first.
        Index("ix_outbox_customer_id", "customer_id", "id"),
        Index("ix_outbox_work_order_id", "work_order_id", "id"),
    )
