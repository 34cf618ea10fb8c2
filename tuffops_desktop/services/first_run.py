"""What a database needs before anyone can sign in, done from the first-run wizard.

Two things happen before there is a signed-in user, so neither can be guarded by a
permission the usual way:

- **The first administrator.** A new database has no users, so nobody could sign in to
  create one. ``create_first_admin`` adds an administrator only while the users table is
  empty, checked and written in one transaction (on PostgreSQL the table is locked for
  it, so two workstations running the wizard at the same moment cannot both add one).
  The audit row names the first-run setup as the author.
- **Agreeing to upgrade a shared database.** Upgrading the office database's schema
  changes it for every workstation (those still on the older version are then refused),
  so a TuffOps administrator's user name and password are asked first.
  ``confirm_administrator`` checks them on a schema this version may not map yet: it
  reads only the user name, password hash, role and active flag, columns every
  revision since the first has.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text

from tuffops_desktop.db.models import User
from tuffops_desktop.domain.errors import AuthenticationFailed, DomainError, ValidationError
from tuffops_desktop.domain.permissions import P, Role
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.guard import public
from tuffops_desktop.services.users import UserService, actor_for, validate_password, validate_username

FIRST_RUN_ACTOR = Actor(
    user_id=None,
    username="first-run setup",
    permissions=frozenset({P.USERS_CREATE}),
    role="",
    full_name="First-run setup",
)
_hasher = PasswordHasher()


class UsersAlreadyExist(DomainError):
    """The database has users already: its administrator adds the others."""

    def __init__(self) -> None:
        super().__init__(
            "This database already has users, so no first administrator is needed. "
            "Sign in, or ask an administrator for an account."
        )


class NotAnAdministrator(DomainError):
    """The user signed in correctly but is not an administrator."""

    def __init__(self, username: str) -> None:
        super().__init__(f"“{username}” is not an administrator. Ask an administrator to upgrade the database.")


class FirstRunService:
    """First-run steps on one database; built with ``FIRST_RUN_ACTOR`` as its actor."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @public("first run: a new database has no user who could sign in and hold a permission")
    def create_first_admin(self, username: str, password: str, *, full_name: str = "") -> Actor:
        """Add the first administrator (only while there are no users) and return them
        signed in."""
        errors: dict[str, str] = {}
        try:
            validate_username(username)
        except ValidationError as exc:
            errors.update(exc.field_errors)
        try:
            validate_password(password)
        except ValidationError as exc:
            errors.update(exc.field_errors)
        if errors:
            raise ValidationError(errors)
        users = UserService(self._ctx)
        with self._ctx.write() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
            if session.scalar(select(func.count()).select_from(User)):
                raise UsersAlreadyExist()
            info = users.add_in(session, username, password, Role.ADMIN.value, full_name=full_name)
            user = session.get(User, info.id)
            assert user is not None
            return actor_for(user)

    @public("before an upgrade nobody can sign in through this version; the check itself is the permission")
    def confirm_administrator(self, username: str, password: str) -> str:
        """Check that ``username``/``password`` belong to an active administrator; returns
        the user name. Raises ``AuthenticationFailed`` or ``NotAnAdministrator``."""
        name = (username or "").strip().lower()
        with self._ctx.read() as session:
            row = session.execute(
                text("SELECT password_hash, role, active FROM users WHERE username = :name"), {"name": name}
            ).one_or_none()
        if row is None or not row.active:
            _hasher.hash(password or "x")  # same work either way: no user-name probing by timing
            raise AuthenticationFailed()
        try:
            _hasher.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            raise AuthenticationFailed() from None
        if row.role != Role.ADMIN.value:
            raise NotAnAdministrator(name)
        return name
