"""Errors from the environment, not from the user and not from a bug.

``KnownError`` covers what a calm, actionable message can explain: the database cannot be
reached, it belongs to a newer version of the app, a port is taken. Anything else that
escapes is a bug and is logged with its traceback.
"""

from __future__ import annotations


class KnownError(Exception):
    """An environment problem with a message the user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DatabaseUnavailable(KnownError):
    """The database server cannot be reached (network, server down, wrong address)."""


class DatabaseTooNew(KnownError):
    """The database was upgraded by a newer TuffOps than this one."""


class DatabaseUrlInvalid(KnownError):
    """The database address is not one we can use."""


class IntakeRoleError(KnownError):
    """The intake listener's database role cannot be set up as asked (not PostgreSQL, a bad name)."""
