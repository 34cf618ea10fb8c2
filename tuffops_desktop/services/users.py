"""Users: sign-in and the admin's user management (list, add, edit role and extra
permissions, deactivate/reactivate, reset a password). Passwords are Argon2 hashes.

There is always at least one active administrator: demoting or deactivating the last one
is refused (``LastAdministrator``). The active administrators' rows are locked (``FOR
UPDATE``, in id order) before the check, so two admins demoting each other at the same
moment cannot both succeed; on SQLite write transactions are serialised anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import User
from tuffops_desktop.domain.errors import (
    AuthenticationFailed,
    ConcurrencyConflict,
    LastAdministrator,
    NotFound,
    ValidationError,
)
from tuffops_desktop.domain.permissions import (
    P,
    Role,
    effective_permissions,
    parse_role,
    removes_last_admin,
    validate_permissions,
)
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.guard import public, requires, requires_any
from tuffops_desktop.services.listing import ListQuery, apply_filters, enum_field, matches_all

PASSWORD_MIN_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()

_SORTS: dict[str, SQLColumnExpression[Any]] = {
    "username": User.username,
    "name": User.full_name,
    "email": User.email,
    "role": User.role,
    "created": User.created_at,
}

# ``ListQuery.filters`` keys: role (AnyOf roles).
_FILTERS = {"role": enum_field(User.role, {r.value for r in Role})}

T = TypeVar("T")


def _haystack() -> ColumnElement[str]:
    return (
        func.lower(User.username)
        .concat(" ")
        .concat(func.lower(User.full_name))
        .concat(" ")
        .concat(func.lower(User.email))
    )


def validate_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError({"password": f"Use at least {PASSWORD_MIN_LENGTH} characters."})


def validate_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError({"username": "2–64 characters: lower-case letters, digits, dot, dash or underscore."})
    return name


def actor_for(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        permissions=effective_permissions(Role(user.role), user.extra_permissions or ()),
        role=user.role,
        full_name=user.full_name,
    )


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @public("signing in: nobody is signed in yet")
    def authenticate(self, username: str, password: str) -> Actor:
        """Check a sign-in; returns the actor the rest of the session runs as."""
        name = (username or "").strip().lower()
        with self._ctx.write() as session:
            user = session.scalar(select(User).where(User.username == name))
            if user is None or not user.active:
                _hasher.hash(password or "x")  # same work either way: no user-name probing by timing
                raise AuthenticationFailed()
            try:
                _hasher.verify(user.password_hash, password or "")
            except (VerificationError, InvalidHashError):
                raise AuthenticationFailed() from None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            return actor_for(user)

    @public("every signed-in user reads their own role and permissions, so their window follows an admin's change")
    def signed_in(self) -> Actor | None:
        """The signed-in user as the database holds them now (role, extra permissions,
        name); None once deactivated or removed. The system actor is returned as is."""
        user_id = self._ctx.actor.user_id
        if user_id is None:
            return self._ctx.actor
        with self._ctx.read() as session:
            user = session.get(User, user_id)
            return actor_for(user) if user is not None and user.active else None

    @requires(P.USERS_CREATE)
    def add(
        self,
        username: str,
        password: str,
        role: str,
        *,
        full_name: str = "",
        email: str = "",
        extra_permissions: tuple[str, ...] = (),
    ) -> UserInfo:
        errors: dict[str, str] = {}
        name = _checked(errors, lambda: validate_username(username), "")
        role_value = _checked(errors, lambda: parse_role(role).value, "")
        _checked(errors, lambda: validate_password(password), None)
        extras = _checked(errors, lambda: validate_permissions(extra_permissions), frozenset[str]())
        if errors:
            raise ValidationError(errors)
        with self._ctx.write() as session:
            return self._add_in(session, name, password, role_value, full_name, email, extras)

    @requires(P.USERS_CREATE)
    def add_in(self, session: Session, username: str, password: str, role: str, *, full_name: str = "") -> UserInfo:
        """Add a user inside an open transaction (demo seeding); same checks as ``add``."""
        name = validate_username(username)
        validate_password(password)
        return self._add_in(session, name, password, parse_role(role).value, full_name, "", frozenset())

    def _add_in(
        self,
        session: Session,
        name: str,
        password: str,
        role_value: str,
        full_name: str,
        email: str,
        extras: frozenset[str],
    ) -> UserInfo:
        exists = session.scalar(select(func.count()).select_from(User).where(User.username == name))
        if exists:
            raise ValidationError({"username": f"The user name “{name}” is taken."})
        user = User(
            username=name,
            full_name=full_name.strip(),
            email=email.strip(),
            password_hash=_hasher.hash(password),
            role=role_value,
            extra_permissions=sorted(extras),
        )
        session.add(user)
        session.flush()
        audit.record(
            session, self._ctx, "user", user.id, "create", {"username": [None, name], "role": [None, role_value]}
        )
        return _info(user)

    @requires(P.USERS_EDIT)
    def update(
        self,
        user_id: int,
        *,
        full_name: str,
        email: str,
        role: str,
        extra_permissions: Sequence[str],
        expected_version: int,
    ) -> UserInfo:
        """Change a user's name, e-mail, role and extra permissions (never the last admin's role)."""
        errors: dict[str, str] = {}
        role_value = _checked(errors, lambda: parse_role(role).value, "")
        extras = _checked(errors, lambda: validate_permissions(extra_permissions), frozenset[str]())
        if errors:
            raise ValidationError(errors)
        with self._ctx.write() as session:
            admins = _lock_active_admins(session)
            user = _load(session, user_id)
            if user.version != expected_version:
                raise ConcurrencyConflict("user", user_id, _info(user))
            if user.active and removes_last_admin(admins, user.id, admin_after=role_value == Role.ADMIN.value):
                raise LastAdministrator(user.username)
            before = {
                "full_name": user.full_name,
                "email": user.email,
                "role": user.role,
                "extra_permissions": sorted(user.extra_permissions or ()),
            }
            name, mail = full_name.strip(), email.strip()
            after = {"full_name": name, "email": mail, "role": role_value, "extra_permissions": sorted(extras)}
            changes = audit.diff(before, after)
            if changes:
                user.full_name, user.email, user.role = name, mail, role_value
                user.extra_permissions = sorted(extras)
                session.flush()
                audit.record(session, self._ctx, "user", user.id, "update", changes)
            return _info(user)

    @requires_any(P.USERS_EDIT, P.USERS_DELETE)
    def set_active(self, user_id: int, active: bool, expected_version: int) -> UserInfo:
        """Deactivate (cannot sign in; history kept) or reactivate a user. Nobody deactivates
        themselves, and the last active administrator stays."""
        self._ctx.actor.require(P.USERS_EDIT if active else P.USERS_DELETE)
        with self._ctx.write() as session:
            admins = _lock_active_admins(session)
            user = _load(session, user_id)
            if user.version != expected_version:
                raise ConcurrencyConflict("user", user_id, _info(user))
            if user.active == active:
                return _info(user)
            if not active:
                if user.id == self._ctx.actor.user_id:
                    raise ValidationError({"active": "You cannot deactivate your own user."})
                if removes_last_admin(admins, user.id, admin_after=False):
                    raise LastAdministrator(user.username)
            user.active = active
            session.flush()
            audit.record(
                session,
                self._ctx,
                "user",
                user.id,
                "reactivate" if active else "deactivate",
                {"active": [not active, active]},
            )
            return _info(user)

    @requires(P.USERS_EDIT)
    def reset_password(self, user_id: int, password: str) -> None:
        """Give a user a new password (they sign in with it from now on)."""
        validate_password(password)
        with self._ctx.write() as session:
            user = _load(session, user_id)
            user.password_hash = _hasher.hash(password)
            audit.record(session, self._ctx, "user", user.id, "set_password", {})

    @requires(P.USERS_EDIT)
    def set_password(self, username: str, password: str) -> None:
        validate_password(password)
        with self._ctx.write() as session:
            user = session.scalar(select(User).where(User.username == username.strip().lower()))
            if user is None:
                raise NotFound(f"There is no user “{username}”.")
            user.password_hash = _hasher.hash(password)
            audit.record(session, self._ctx, "user", user.id, "set_password", {})

    @requires(P.USERS_VIEW)
    def get(self, user_id: int) -> UserInfo:
        with self._ctx.read() as session:
            return _info(_load(session, user_id))

    @requires(P.USERS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids of the users matching ``query`` (user name, name, e-mail), in display order."""
        stmt = select(User.id).where(matches_all(_haystack(), query.text))
        stmt = apply_filters(stmt, query, _FILTERS)
        if not query.include_inactive:
            stmt = stmt.where(User.active.is_(True))
        key = _SORTS.get(query.sort, User.username)
        order = key.desc() if query.descending else key.asc()
        stmt = stmt.order_by(order, User.id.desc() if query.descending else User.id.asc())
        with self._ctx.read() as session:
            return list(session.scalars(stmt))

    @requires(P.USERS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[UserInfo]:
        """The users of ``ids``, in the same order (ids gone since are skipped)."""
        if not ids:
            return []
        with self._ctx.read() as session:
            found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
        return [_info(found[i]) for i in ids if i in found]

    @requires(P.USERS_VIEW)
    def list(self) -> list[UserInfo]:
        with self._ctx.read() as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.username))]

    @requires(P.USERS_VIEW)
    def count(self) -> int:
        with self._ctx.read() as session:
            return session.scalar(select(func.count()).select_from(User)) or 0


def _load(session: Session, user_id: int) -> User:
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound(f"User #{user_id} does not exist.")
    return user


def _lock_active_admins(session: Session) -> list[int]:
    """The active administrators' ids, their rows locked until the transaction ends (in id
    order, so two such transactions queue rather than deadlock; a waiting one sees the
    first one's committed change)."""
    stmt = (
        select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.id).with_for_update()
    )
    return list(session.scalars(stmt))


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        extra_permissions=tuple(user.extra_permissions or ()),
        active=user.active,
        version=user.version,
    )


def _checked(errors: dict[str, str], check: Callable[[], T], fallback: T) -> T:
    """One field's check; its error joins ``errors``, so every problem is reported at once."""
    try:
        return check()
    except ValidationError as exc:
        errors.update(exc.field_errors)
        return fallback
