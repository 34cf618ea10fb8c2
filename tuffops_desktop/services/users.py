"""Users: sign-in, adding users, changing passwords. Passwords are Argon2 hashes."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import User
from tuffops_desktop.domain.errors import AuthenticationFailed, NotFound, ValidationError
from tuffops_desktop.domain.permissions import P, Role, effective_permissions, parse_role, validate_permissions
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.guard import public, requires

PASSWORD_MIN_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()


def validate_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError({"password": f"Use at least {PASSWORD_MIN_LENGTH} characters."})


def validate_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(
            {"username": "2–64 characters: lower-case letters, digits, dot, dash or underscore."}
        )
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

    @requires(P.USERS_CREATE)
    def add(self, username: str, password: str, role: str, *, full_name: str = "", email: str = "",
            extra_permissions: tuple[str, ...] = ()) -> UserInfo:
        errors: dict[str, str] = {}
        name = role_value = ""
        extras: frozenset[str] = frozenset()
        try:
            name = validate_username(username)
        except ValidationError as exc:
            errors.update(exc.field_errors)
        try:
            role_value = parse_role(role).value
        except ValidationError as exc:
            errors.update(exc.field_errors)
        try:
            validate_password(password)
        except ValidationError as exc:
            errors.update(exc.field_errors)
        try:
            extras = validate_permissions(extra_permissions)
        except ValidationError as exc:
            errors.update(exc.field_errors)
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

    def _add_in(self, session: Session, name: str, password: str, role_value: str, full_name: str,
                email: str, extras: frozenset[str]) -> UserInfo:
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
        audit.record(session, self._ctx, "user", user.id, "create",
                     {"username": [None, name], "role": [None, role_value]})
        return _info(user)

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
    def list(self) -> list[UserInfo]:
        with self._ctx.read() as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.username))]

    @requires(P.USERS_VIEW)
    def count(self) -> int:
        with self._ctx.read() as session:
            return session.scalar(select(func.count()).select_from(User)) or 0


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
