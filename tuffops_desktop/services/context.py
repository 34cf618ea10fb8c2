"""Who is acting, and the database and clock every service uses.

Services are built by the composition root with a ``ServiceContext``; nothing in the
service layer reaches for globals. Every public service method declares the permission
it needs (``services/guard.py``), and it is checked whatever the UI shows or hides.

Permissions are decided with the user's row as it is when the action runs, not as it was
at sign-in: an administrator who demotes or deactivates someone stops that person's
next action at once, on every workstation. The first transaction a guarded action opens
(``write`` or ``read``) reads the actor's role, extra permissions and active flag (one
primary-key query, see ``confirm_actor``) and checks every declaration of the call (and
of the guarded calls nested in it) against them before the action reads or writes
anything else; a refusal rolls the transaction back. The permissions the session signed
in with are checked too, before the call starts (``guard``): a session never gains
rights until its window re-reads them (``UserService.signed_in``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tuffops_desktop.db.base import CLOCK
from tuffops_desktop.db.engine import SessionFactories, driver_message
from tuffops_desktop.db.models import User
from tuffops_desktop.domain.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import ALL_PERMISSIONS, Role, effective_permissions
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


class PermissionRevoked(PermissionDenied):
    """An administrator took the permission away (or deactivated the user) after the
    user signed in; the action is refused with words that say so."""

    def __init__(self, permission: str, message: str) -> None:
        super().__init__(permission)
        self.message = message
        self.args = (message,)


Check = Callable[[frozenset[str]], None]


@dataclass
class GuardedAction:
    """The guarded service call running on this thread (with those nested in it).

    Attributes:
        checks: the declarations still to check against the database's permissions.
        granted: the permissions read from the database, once the first transaction
            of the action has read them (None before).
    """

    checks: list[Check]
    granted: frozenset[str] | None = None


_ACTION: ContextVar[GuardedAction | None] = ContextVar("tuffops_guarded_action", default=None)


@contextlib.contextmanager
def guarded_action(check: Check) -> Iterator[None]:
    """Run a guarded call: ``check`` (its declaration) is applied to the permissions the
    database holds when the action opens its first transaction. A call nested in an
    action that has already read them is checked at once."""
    current = _ACTION.get()
    if current is not None:
        if current.granted is not None:
            check(current.granted)
        else:
            current.checks.append(check)
        yield
        return
    token = _ACTION.set(GuardedAction([check]))
    try:
        yield
    finally:
        _ACTION.reset(token)


def permissions_now(session: Session, user_id: int) -> frozenset[str] | None:
    """The user's permissions as stored now (role bundle plus extra permissions); None
    when the user is deactivated or gone. One query by primary key."""
    row = session.execute(
        select(User.role, User.extra_permissions, User.active).where(User.id == user_id)
    ).one_or_none()
    if row is None or not row.active:
        return None
    try:
        return effective_permissions(Role(row.role), row.extra_permissions or ())
    except (ValueError, ValidationError):
        return frozenset()  # a role or key this version does not know grants nothing


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
            self.confirm_actor(session)
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction for reading (the ``read`` factory never writes)."""
        with database_errors(), self.db.read.begin() as session:
            session.info[CLOCK] = self.clock
            self.confirm_actor(session)
            yield session

    def confirm_actor(self, session: Session) -> None:
        """In the first transaction of a guarded action: refuse it unless the signed-in
        user is still active and still holds what the action declared (the system actor
        of the CLI and demo seeding has no row and is not checked)."""
        action = _ACTION.get()
        user_id = self.actor.user_id
        if action is None or action.granted is not None or user_id is None:
            return
        granted = permissions_now(session, user_id)
        if granted is None:
            raise PermissionRevoked(
                "active",
                f"The user “{self.actor.username}” has been deactivated by an administrator, "
                "so nothing more can be done with it. Ask an administrator if this is a mistake.",
            )
        action.granted = granted
        for check in action.checks:
            try:
                check(granted)
            except PermissionDenied as exc:
                raise PermissionRevoked(
                    exc.permission,
                    "An administrator has changed your permissions: you may no longer do this "
                    f"({exc.permission}). Your window shows what you may do now.",
                ) from None


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
