"""Technicians' working hours: one row per technician and weekday (rules: ``domain/scheduling.py``)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import ForeignKey, Integer, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tuffops_desktop.db.base import Base


class TechnicianHours(Base):
    """A technician works on ``weekday`` (0 = Monday) from ``starts`` to ``ends``, office local time."""

    __tablename__ = "technician_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    starts: Mapped[time] = mapped_column(Time, nullable=False)
    ends: Mapped[time] = mapped_column(Time, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "weekday"),)
