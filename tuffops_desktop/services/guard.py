"""Every public service method declares who may call it, in its signature line.

    @requires(P.UNITS_EDIT)                      # the actor needs every key listed
    @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)  # the actor needs at least one of them
    @public("why anyone may call it")            # no permission, on purpose

The check runs before the method's body, so a refused call reads and writes nothing:
first against the permissions the session signed in with, then, in the first transaction
the call opens, against the user's row as it is now (``context.guarded_action``), so a
demoted or deactivated user is refused at once.
``tests/services/test_permissions_declared.py`` walks every public method of every service
in ``services/registry.py`` and fails on one that declares nothing, then calls each guarded
method as a user without the permission, on both databases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, Literal, ParamSpec, Protocol, TypeVar

from tuffops_desktop.domain.errors import PermissionDenied
from tuffops_desktop.domain.permissions import Permission
from tuffops_desktop.services.context import ServiceContext, guarded_action

Params = ParamSpec("Params")
Result = TypeVar("Result")


class HasContext(Protocol):
    """A service: it holds the context of the signed-in session."""

    _ctx: ServiceContext


Service = TypeVar("Service", bound=HasContext)
Method = Callable[Concatenate[Service, Params], Result]


@dataclass(frozen=True)
class Access:
    """What a method declared: ``all`` of the keys, ``any`` one of them, or ``public``."""

    kind: Literal["all", "any", "public"]
    permissions: tuple[Permission, ...] = ()
    reason: str = ""

    def check(self, granted: frozenset[str]) -> None:
        """Raise ``PermissionDenied`` unless ``granted`` satisfies the declaration."""
        if self.kind == "all":
            for key in self.permissions:
                if key not in granted:
                    raise PermissionDenied(key)
        elif self.kind == "any" and not any(key in granted for key in self.permissions):
            raise PermissionDenied(" or ".join(self.permissions))


ACCESS_ATTRIBUTE = "__tuffops_access__"


def access_of(method: object) -> Access | None:
    """The declaration of a service method, or None when it declares nothing."""
    found = getattr(method, ACCESS_ATTRIBUTE, None)
    return found if isinstance(found, Access) else None


def _guarded(
    access: Access,
) -> Callable[[Callable[Concatenate[Service, Params], Result]], Callable[Concatenate[Service, Params], Result]]:
    def decorate(
        method: Callable[Concatenate[Service, Params], Result],
    ) -> Callable[Concatenate[Service, Params], Result]:
        @functools.wraps(method)
        def wrapper(self: Service, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
            access.check(self._ctx.actor.permissions)
            with guarded_action(access.check):
                return method(self, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, access)
        return wrapper

    return decorate


def requires(
    *permissions: Permission,
) -> Callable[[Callable[Concatenate[Service, Params], Result]], Callable[Concatenate[Service, Params], Result]]:
    """The actor needs every one of ``permissions``."""
    if not permissions:
        raise TypeError("requires() needs at least one permission; use @public for none")
    return _guarded(Access("all", tuple(permissions)))


def requires_any(
    *permissions: Permission,
) -> Callable[[Callable[Concatenate[Service, Params], Result]], Callable[Concatenate[Service, Params], Result]]:
    """The actor needs at least one of ``permissions`` (the body may ask for a specific one)."""
    if len(permissions) < 2:
        raise TypeError("requires_any() needs two or more permissions; use requires() for one")
    return _guarded(Access("any", tuple(permissions)))


def public(reason: str) -> Callable[[Callable[Params, Result]], Callable[Params, Result]]:
    """No permission needed; ``reason`` says why, for the reader and the review."""
    if not reason.strip():
        raise TypeError("public() needs the reason anyone may call the method")

    def mark(method: Callable[Params, Result]) -> Callable[Params, Result]:
        setattr(method, ACCESS_ATTRIBUTE, Access("public", reason=reason))
        return method

    return mark
