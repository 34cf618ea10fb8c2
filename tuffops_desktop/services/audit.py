"""Audit rows: every write records who, when, what record, what action, and the changed
fields before and after; and, in the same transaction, announces the change to every
workstation's change feed (``services/changes.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.services import changes as change_feed
from tuffops_desktop.services.context import ServiceContext

_INSERT = table_of(AuditEntry).insert()


def json_safe(value: Any) -> Any:
    """A JSON-storable form of a field value (Decimal and dates as text, never float)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as ``{field: [before, after]}``."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = json_safe(before.get(key)), json_safe(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def record(
    session: Session,
    ctx: ServiceContext,
    entity: str,
    entity_id: object,
    action: str,
    changes: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Write one audit row in the current transaction (``at``: when it happened, if not now).

    A plain INSERT rather than a unit-of-work object: audit rows are never read back in
    the transaction that writes them, and this is on every write's path.
    """
    session.connection().execute(
        _INSERT,
        {
            "at": at or ctx.now(),
            "user_id": ctx.actor.user_id,
            "username": ctx.actor.username,
            "entity": entity,
            "entity_id": str(entity_id),
            "action": action,
            "changes": {k: json_safe(v) for k, v in (changes or {}).items()},
        },
    )
    change_feed.publish(session, entity, entity_id, action)
