"""The change log: on SQLite, every write leaves ``(entity, id, action)`` here for other
workstations' change feeds to poll (PostgreSQL uses NOTIFY instead; see services/changes.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base, UtcDateTime, utcnow


class ChangeLogEntry(Base):
    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
