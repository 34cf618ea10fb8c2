"""Outbox messages as the Outbox page lists them and the customer's page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# ``ListQuery.sort`` names of the Outbox list (``OutboxListingService``).
OUTBOX_SORTS = ("created", "status", "event", "recipients", "customer", "attempts", "next", "sent")


@dataclass(frozen=True)
class OutboxRow:
    """One message: what it is about, to whom, where it stands and why it failed.

    ``subject`` is empty until the sender renders the message (the event names it then);
    ``gave_up`` is a failed message nobody will try again unless someone presses Retry.
    """

    id: int
    event: str
    status: str
    recipients: tuple[str, ...]
    subject: str
    customer_id: int | None
    customer_name: str
    work_order_id: int | None
    attachment_kind: str | None
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
        return self.status == "failed" and self.next_attempt_at is None
