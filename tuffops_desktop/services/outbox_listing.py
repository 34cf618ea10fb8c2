"""The Outbox page's list: every e-mail the business queued, as ids in SQL and rows in
blocks (``services/listing.py``), and the few messages shown on a customer's page.

Search: every word must appear in the subject, a recipient, the event, the error or the
customer's name (any order, any case). Filters (``ListQuery.filters``): ``status`` and
``event`` (AnyOf), ``customer`` (Ref), ``created`` (Between, local days) and ``gave_up``
(Flag: failed and no further attempt planned: the ones someone has to look at).
Sorts: ``OUTBOX_SORTS``; newest first by default, the id breaking ties so the order is
total and the first ids are exactly the start of the list.

Reading only: retry and cancel are ``OutboxService``'s (``services/outbox.py``) or
``services/outbox_admin.py``'s, with their audit rows and change-feed notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, OutboxMessage
from tuffops_desktop.domain.notifications import Event, OutboxStatus
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.outbox import OutboxRow
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import (
    FilterField,
    FirstIds,
    ListQuery,
    apply_filters,
    date_field,
    enum_field,
    flag_field,
    matches_all,
    read_first_ids,
    read_ids,
    ref_field,
)

CUSTOMER_MESSAGES = 50  # the customer's page shows the latest this many


def _recipients_text() -> ColumnElement[str]:
    """The recipients' JSON list as lower-case text (searchable, sortable on both databases)."""
    return func.lower(cast(OutboxMessage.recipients, String))


def _haystack() -> ColumnElement[str]:
    return (
        func.lower(OutboxMessage.subject)
        .concat(" ")
        .concat(_recipients_text())
        .concat(" ")
        .concat(func.replace(OutboxMessage.event, "_", " "))
        .concat(" ")
        .concat(func.lower(OutboxMessage.last_error))
        .concat(" ")
        .concat(func.coalesce(Customer.search_text, ""))
    )


_SORTS: dict[str, Any] = {
    "created": OutboxMessage.id,
    "status": OutboxMessage.status,
    "event": OutboxMessage.event,
    "recipients": _recipients_text(),
    "customer": Customer.display_name,
    "attempts": OutboxMessage.attempts,
    "next": OutboxMessage.next_attempt_at,
    "sent": OutboxMessage.sent_at,
}

_FILTERS: dict[str, FilterField] = {
    "status": enum_field(OutboxMessage.status, {s.value for s in OutboxStatus}),
    "event": enum_field(OutboxMessage.event, {e.value for e in Event}),
    "customer": ref_field(OutboxMessage.customer_id),
    "created": date_field(OutboxMessage.created_at, timestamp=True),
    "gave_up": flag_field(
        and_(OutboxMessage.status == OutboxStatus.FAILED.value, OutboxMessage.next_attempt_at.is_(None))
    ),
}


class OutboxListingService:
    """Lists the outbox for the Outbox page (``settings.view``) and a customer's
    messages for their page (``customers.view``)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.SETTINGS_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Every matching message id in list order."""
        with self._ctx.read() as session:
            return read_ids(session, self._ordered(query))

    @requires(P.SETTINGS_VIEW)
    def first_ids(self, query: ListQuery, limit: int) -> FirstIds:
        """How many match and the first ``limit`` ids (the page paints these first)."""
        with self._ctx.read() as session:
            return read_first_ids(session, self._matching(query), self._ordered(query), limit)

    @requires(P.SETTINGS_VIEW)
    def rows(self, ids: Sequence[int]) -> list[OutboxRow]:
        """The rows of ``ids``, in that order (ids no longer there are left out)."""
        with self._ctx.read() as session:
            return _rows(session, ids)

    @requires(P.CUSTOMERS_VIEW)
    def for_customer(self, customer_id: int, limit: int = CUSTOMER_MESSAGES) -> list[OutboxRow]:
        """The latest messages about one customer, newest first (their page)."""
        with self._ctx.read() as session:
            ids = list(
                session.scalars(
                    select(OutboxMessage.id)
                    .where(OutboxMessage.customer_id == customer_id)
                    .order_by(OutboxMessage.id.desc())
                    .limit(limit)
                )
            )
            return _rows(session, ids)

    # ----------------------------------------------------------------- statements
    def _matching(self, query: ListQuery) -> Select[Any]:
        stmt = select(OutboxMessage.id)
        if query.text or query.sort == "customer":
            stmt = stmt.outerjoin(Customer, Customer.id == OutboxMessage.customer_id)
        stmt = apply_filters(stmt, query, _FILTERS)
        if query.text:
            stmt = stmt.where(matches_all(_haystack(), query.text))
        return stmt

    def _ordered(self, query: ListQuery) -> Select[Any]:
        known = query.sort in _SORTS
        key = _SORTS[query.sort] if known else OutboxMessage.id
        descending = query.descending if known else True
        tie = OutboxMessage.id.desc() if descending else OutboxMessage.id.asc()
        if key is OutboxMessage.id:
            return self._matching(query).order_by(tie)
        first = key.desc().nulls_last() if descending else key.asc().nulls_last()
        return self._matching(query).order_by(first, tie)


def _rows(session: Session, ids: Sequence[int]) -> list[OutboxRow]:
    if not ids:
        return []
    found: dict[int, OutboxRow] = {}
    stmt = (
        select(OutboxMessage, Customer.display_name)
        .outerjoin(Customer, Customer.id == OutboxMessage.customer_id)
        .where(OutboxMessage.id.in_(list(ids)))
    )
    for message, customer_name in session.execute(stmt):
        found[message.id] = OutboxRow(
            id=message.id,
            event=message.event,
            status=message.status,
            recipients=tuple(message.recipients or ()),
            subject=message.subject,
            customer_id=message.customer_id,
            customer_name=customer_name or "",
            work_order_id=message.work_order_id,
            attachment_kind=message.attachment_kind,
            attempts=message.attempts,
            next_attempt_at=message.next_attempt_at,
            last_error=message.last_error,
            server_reply=message.server_reply,
            message_id=message.message_id,
            created_at=message.created_at,
            created_by=message.created_by,
            sent_at=message.sent_at,
        )
    return [found[i] for i in ids if i in found]
