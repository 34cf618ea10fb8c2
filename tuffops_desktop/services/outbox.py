"""The outbox: how anything in the app says "send this e-mail".

``queue`` is called by a service inside the transaction of the event that causes the
message (an invoice issued, a request received…). It writes ONE row (the event, the
recipients, a JSON context for the template, an optional attachment reference), its
audit row and the change-feed notification, and nothing else: no rendering, no network,
no settings read, so the triggering transaction pays well under a millisecond
(``benchmarks/bench_outbox.py``). If the transaction rolls back, the message never
existed. The sender (``services/mail_sender.py``) renders and delivers it later.

``OutboxService`` is what the Outbox page and the customer's page use: look at messages,
retry a failed one, cancel one that should not go.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.notifications import (
    Event,
    OutboxStatus,
    check_header_text,
    check_recipients,
    check_transition,
)
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires, requires_any

ENTITY = "outbox"
_TABLE = table_of(OutboxMessage)
_ATTACHMENT_KINDS = frozenset({"invoice", "quotation", "statement", "work_order"})
_STATEMENTS: dict[str, Insert] = {}


def _insert_for(dialect: str) -> Insert:
    """``INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`` for the dialect."""
    found = _STATEMENTS.get(dialect)
    if found is None:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        found = (
            module.insert(_TABLE).on_conflict_do_nothing(index_elements=[_TABLE.c.dedupe_key]).returning(_TABLE.c.id)
        )
        _STATEMENTS[dialect] = found
    return found


def _json_value(value: object, path: str) -> Any:
    """A JSON form of a context value: decimals and dates as text (never float)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float):
        raise ValidationError({"context": f"{path}: store amounts as Decimal, not float."})
    if isinstance(value, Mapping):
        return {str(k): _json_value(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise ValidationError({"context": f"{path}: a {type(value).__name__} cannot be stored with a message."})


def queue(
    session: Session,
    ctx: ServiceContext,
    event: Event,
    recipients: Sequence[str],
    context: Mapping[str, object],
    *,
    customer_id: int | None = None,
    work_order_id: int | None = None,
    attachment: tuple[str, int] | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue one e-mail in the caller's transaction; returns the outbox id.

    Args:
        event: what happened (chooses the template).
        recipients: plain addresses; any with a line break, a display name or a bad
            shape refuses the whole call (``ValidationError``) and nothing is stored.
        context: the template's values (JSON-able; Decimal and dates become text).
        customer_id / work_order_id: who and what it is about (the customer's page lists it).
        attachment: ``(kind, id)`` of a document attached when sending (``"invoice"``,
            ``"quotation"``…); the PDF is made at sending time.
        dedupe_key: one event, one message: a second call with the same key adds nothing
            and returns None (e.g. ``"overdue:<invoice id>:<bucket>"``).
    """
    event = Event(event)
    addresses = check_recipients(recipients)
    if "subject" in context:
        check_header_text("subject", str(context["subject"]))
    if dedupe_key is not None:
        dedupe_key = check_header_text("dedupe_key", dedupe_key.strip())
        if not dedupe_key or len(dedupe_key) > 120:
            raise ValidationError({"dedupe_key": "A dedupe key has 1 to 120 characters."})
    kind: str | None = None
    attachment_id: int | None = None
    if attachment is not None:
        kind, attachment_id = attachment
        if kind not in _ATTACHMENT_KINDS:
            raise ValidationError({"attachment": f"“{kind}” is not a document that can be attached."})
    values = _json_value(dict(context), "context")
    now = ctx.now()
    outbox_id: int | None = (
        session.connection()
        .execute(
            _insert_for(session.get_bind().dialect.name),
            {
                "event": event.value,
                "status": OutboxStatus.QUEUED.value,
                "recipients": list(addresses),
                "context": values,
                "customer_id": customer_id,
                "work_order_id": work_order_id,
                "attachment_kind": kind,
                "attachment_id": attachment_id,
                "dedupe_key": dedupe_key,
                "token": secrets.token_hex(8),
                "subject": "",
                "attempts": 0,
                "next_attempt_at": now,
                "claimed_by": "",
                "last_error": "",
                "server_reply": "",
                "created_at": now,
                "created_by": ctx.actor.username,
                "updated_at": now,
            },
        )
        .scalar()
    )
    if outbox_id is None:
        return None  # this event's message is already queued (or sent)
    audit.record(
        session,
        ctx,
        ENTITY,
        outbox_id,
        "create",
        {"event": [None, event.value], "recipients": [None, list(addresses)], "dedupe_key": [None, dedupe_key]},
        at=now,
    )
    return outbox_id


# ------------------------------------------------------------------ the Outbox page
@dataclass(frozen=True)
class OutboxEntry:
    """One message as the Outbox page and the customer's page show it."""

    id: int
    event: Event
    status: OutboxStatus
    recipients: tuple[str, ...]
    subject: str
    customer_id: int | None
    work_order_id: int | None
    attachment: tuple[str, int] | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    server_reply: str
    message_id: str | None
    created_at: datetime
    created_by: str
    sent_at: datetime | None

    @property
    def gave_up(self) -> bool:
        """Failed for good: nobody will try again unless someone presses Retry."""
        return self.status is OutboxStatus.FAILED and self.next_attempt_at is None


def entry_of(row: OutboxMessage) -> OutboxEntry:
    attachment = (
        (row.attachment_kind, row.attachment_id)
        if row.attachment_kind is not None and row.attachment_id is not None
        else None
    )
    return OutboxEntry(
        id=row.id,
        event=Event(row.event),
        status=OutboxStatus(row.status),
        recipients=tuple(row.recipients or ()),
        subject=row.subject,
        customer_id=row.customer_id,
        work_order_id=row.work_order_id,
        attachment=attachment,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        server_reply=row.server_reply,
        message_id=row.message_id,
        created_at=row.created_at,
        created_by=row.created_by,
        sent_at=row.sent_at,
    )


class OutboxService:
    """Messages waiting, sent and failed; retry and cancel (Settings → Outbox)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires_any(P.SETTINGS_VIEW, P.CUSTOMERS_VIEW)
    def get(self, outbox_id: int) -> OutboxEntry:
        with self._ctx.read() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None:
                raise NotFound("This message is no longer in the outbox.")
            return entry_of(row)

    @requires(P.CUSTOMERS_VIEW)
    def for_customer(self, customer_id: int, *, limit: int = 200) -> list[OutboxEntry]:
        """The messages about one customer, newest first (the customer's page)."""
        with self._ctx.read() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.customer_id == customer_id)
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
            return [entry_of(row) for row in rows]

    @requires(P.SETTINGS_VIEW)
    def recent(self, *, status: OutboxStatus | None = None, limit: int = 500) -> list[OutboxEntry]:
        """The newest messages, optionally of one status."""
        with self._ctx.read() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
            if status is not None:
                query = query.where(OutboxMessage.status == status.value)
            return [entry_of(row) for row in session.scalars(query)]

    @requires(P.SETTINGS_EDIT)
    def retry(self, outbox_id: int) -> OutboxEntry:
        """Send a failed message again as soon as a sender runs (its attempts start over;
        its Message-ID stays the same)."""
        with self._ctx.write() as session:
            row = self._locked(session, outbox_id)
            check_transition(OutboxStatus(row.status), OutboxStatus.QUEUED)
            before = {"status": row.status, "attempts": row.attempts}
            now = self._ctx.now()
            row.status = OutboxStatus.QUEUED.value
            row.attempts = 0
            row.next_attempt_at = now
            row.updated_at = now
            audit.record(session, self._ctx, ENTITY, row.id, "retry", audit.diff(before, {"status": row.status}))
            session.flush()
            return entry_of(row)

    @requires(P.SETTINGS_EDIT)
    def cancel(self, outbox_id: int) -> OutboxEntry:
        """Make sure a queued or failed message never goes out."""
        with self._ctx.write() as session:
            row = self._locked(session, outbox_id)
            check_transition(OutboxStatus(row.status), OutboxStatus.CANCELLED)
            before = {"status": row.status}
            row.status = OutboxStatus.CANCELLED.value
            row.next_attempt_at = None
            row.updated_at = self._ctx.now()
            audit.record(session, self._ctx, ENTITY, row.id, "cancel", audit.diff(before, {"status": row.status}))
            session.flush()
            return entry_of(row)

    @staticmethod
    def _locked(session: Session, outbox_id: int) -> OutboxMessage:
        """The row, locked against a sender claiming it meanwhile (PostgreSQL)."""
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFound("This message is no longer in the outbox.")
        return row
