"""Who is acting, and the database and clock every service uses.

Services are built by the composition root with a ``ServiceContext``; nothing in the
service layer reaches for globals. Every public service method declares the permission
it needs (``services/guard.py``), and it is checked whatever the UI shows or hides.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tuffops_desktop.db.base import CLOCK
from tuffops_desktop.db.engine import SessionFactories, driver_message
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied
from tuffops_desktop.domain.permissions import ALL_PERMISSIONS
from tuffops_desktop.errors import DatabaseUnavailable


@dataclass(frozen=True)
class Actor:
    """The signed-in user (or the system, for the CLI and demo seeding)."""

    user_id: int | None
    username: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    role: str = ""
    full_name: str = ""

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission)


SYSTEM_ACTOR = Actor(user_id=None, username="system", permissions=ALL_PERMISSIONS, role="admin", full_name="System")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServiceContext:
    """Dependencies shared by the services of one signed-in session."""

    db: SessionFactories
    actor: Actor
    clock: Callable[[], datetime] = _utc_now

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone().date()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One user action = one transaction: commits when the block ends, rolls back on error."""
        with database_errors(), self.db.write.begin() as session:
            session.info[CLOCK] = self.clock
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction for reading (the ``read`` factory never writes)."""
        with database_errors(), self.db.read.begin() as session:
            session.info[CLOCK] = self.clock
            yield session


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Translate driver errors into the few the rest of the app understands."""
    try:
        yield
    except StaleDataError as exc:
        raise ConcurrencyConflict("record", None) from exc
    except IntegrityError:
        raise
    except OperationalError as exc:
        text = driver_message(exc)
        if "locked" in text or "busy" in text:
            raise DatabaseUnavailable(
                "The database is busy with another workstation's change; try again in a moment."
            ) from exc
        raise DatabaseUnavailable(f"Cannot reach the database: {text}") from exc
