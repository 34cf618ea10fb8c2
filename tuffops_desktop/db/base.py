"""Declarative base with the constraint naming convention Alembic needs on both dialects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import DateTime, MetaData, Table, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.orm.attributes import flag_modified

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every mapped table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on both SQLite and PostgreSQL.

    SQLite has no time zones; values are stored naive-UTC and come back aware, so code
    never compares naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def table_of(entity: type[Base]) -> Table:
    """The ``Table`` of a mapped class, for Core bulk statements (``table_of(Unit).insert()``)."""
    return cast(Table, entity.__table__)


CLOCK = "tuffops_clock"
"""``session.info`` key of the clock the session's writes are stamped with (``ServiceContext.clock``)."""


def session_now(session: Session) -> datetime:
    """Now, by the clock of whoever opened ``session`` (the wall clock if nobody set one)."""
    clock: Callable[[], datetime] = session.info.get(CLOCK, utcnow)
    return clock()


@event.listens_for(Session, "before_flush")
def _stamp_times(session: Session, _flush_context: object, _instances: object) -> None:
    """``created_at`` / ``updated_at`` come from the session's clock, not from the column
    defaults' wall clock, so a service's "now" is the only "now" in the rows it writes."""
    now = session_now(session)
    for obj in session.new:
        for name in ("created_at", "updated_at"):
            if hasattr(type(obj), name) and getattr(obj, name, None) is None:
                setattr(obj, name, now)
    for obj in session.dirty:
        if hasattr(type(obj), "updated_at") and session.is_modified(obj, include_collections=False):
            obj.updated_at = now
            flag_modified(obj, "updated_at")  # in the UPDATE even when unchanged: no onupdate wall clock
