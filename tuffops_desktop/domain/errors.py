"""Errors the business rules raise, written for the person at the keyboard.

Every error here carries a message a user can act on. The UI maps them to dialogs and
inline field messages in one place (``ui/error_mapper.py``), the CLI prints them as one
line, and the intake listener turns ``ValidationError`` into per-field form messages.
"""

from __future__ import annotations

from collections.abc import Mapping

from tuffops_desktop.domain.numbers import work_order_number


class DomainError(Exception):
    """A rule of the business was not met; the message is safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input did not pass validation.

    Attributes:
        field_errors: field name → message, for inline display next to each field.
    """

    def __init__(self, field_errors: Mapping[str, str] | str, message: str | None = None) -> None:
        if isinstance(field_errors, str):
            field_errors = {"": field_errors}
        self.field_errors = dict(field_errors)
        if message is None:
            message = " ".join(f"{name}: {text}" if name else text for name, text in self.field_errors.items())
        super().__init__(message)


class PermissionDenied(DomainError):
    """The signed-in user lacks the permission key an action needs."""

    def __init__(self, permission: str) -> None:
        super().__init__(f"You do not have permission to do this ({permission}).")
        self.permission = permission


class NotFound(DomainError):
    """The record asked for does not exist (or was removed by someone else)."""


class ConcurrencyConflict(DomainError):
    """Someone else saved this record after you opened it.

    The edit is refused rather than silently overwriting their change; the user can reload
    and compare. ``current`` holds the record as it is now, when the service could read it.
    """

    def __init__(self, entity: str, entity_id: object, current: object | None = None) -> None:
        super().__init__(
            f"This {entity} was changed by someone else after you opened it. "
            "Reload it to see their changes, then apply yours again."
        )
        self.entity = entity
        self.entity_id = entity_id
        self.current = current


class InvalidTransition(DomainError):
    """A status change that the state machine does not allow."""


class ImportRejected(DomainError):
    """A CSV import had errors; nothing was imported.

    Attributes:
        row_errors: (line number in the file, message) for every bad row.
    """

    def __init__(self, row_errors: list[tuple[int, str]]) -> None:
        self.row_errors = row_errors
        lines = "\n".join(f"line {line}: {text}" for line, text in row_errors)
        super().__init__(f"The file has {len(row_errors)} error(s); nothing was imported.\n{lines}")


class OperationCancelled(DomainError):
    """The user stopped a long operation; what it had done is undone (nothing imported, no file)."""

    def __init__(self) -> None:
        super().__init__("Cancelled; nothing was changed.")


class AuthenticationFailed(DomainError):
    """Wrong user name or password (never says which)."""

    def __init__(self) -> None:
        super().__init__("The user name or password is not right.")


class IntegrationOwnsCustomers(DomainError):
    """Customers come from an external system (``customer_integration_enabled``)."""

    def __init__(self) -> None:
        super().__init__("Customer data is managed by an external system.")


class AlreadyConverted(DomainError):
    """Someone converted (or closed) this request first."""

    def __init__(self, ticket: str, by: str, work_order_id: int | None) -> None:
        if work_order_id:
            number = work_order_number(work_order_id)
            message = f"Request {ticket} was already converted to work order {number} by {by}."
        else:
            message = f"Request {ticket} was already closed by {by}."
        super().__init__(message)
        self.work_order_id = work_order_id
        self.by = by


class LastAdministrator(DomainError):
    """The change would leave no active administrator (nobody could manage users then)."""

    def __init__(self, username: str) -> None:
        super().__init__(f"“{username}” is the last active administrator. Make another user an administrator first.")
        self.username = username


class UnknownUnit(NotFound):
    """No active unit has this QR code (unknown, blank, or retired since its page was shown)."""
