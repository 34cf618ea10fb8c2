"""The one place a customer request is written.

A new request is three facts written together, in the caller's transaction: the
``customer_requests`` row, its audit row, and the change-feed notification that wakes
every workstation's inbox (``audit.record`` publishes it); plus, when the contact given
is an e-mail address, the "request received" e-mail in the outbox
(``notification_events.request_received``). The office dialog
(``RequestService.submit_office``) and the public listener (on SQLite, where there is no
database function) both come here.

On PostgreSQL the listener cannot write tables at all: it calls the ``SECURITY DEFINER``
function ``intake_submit_request`` (migration 0003), which writes the same three facts
with the same values. ``tests/intake/test_role_attack.py`` checks that both store the
same facts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import CustomerRequest
from tuffops_desktop.domain.requests import RequestFields, RequestSource, RequestStatus
from tuffops_desktop.services import audit, notification_events
from tuffops_desktop.services.context import Actor, ServiceContext

PUBLIC_FORM_USER = "public form"
# Who the audit log names for a request sent through the public form: nobody signed in.
PUBLIC_FORM_ACTOR = Actor(user_id=None, username=PUBLIC_FORM_USER, full_name="Public form")
_INSERT = table_of(CustomerRequest).insert().returning(table_of(CustomerRequest).c.id)


def insert_request(
    session: Session,
    ctx: ServiceContext,
    *,
    unit_id: int,
    fields: RequestFields,
    submission_key: str,
    ticket: str,
    source: RequestSource,
    received_at: datetime | None = None,
) -> int:
    """Add a validated request, its audit row and the inbox notification; returns its id.

    ``ctx.actor`` is who logged it (a member of staff, or ``PUBLIC_FORM_ACTOR``);
    ``received_at`` is when the customer sent it (a spooled request arrives later).
    A repeated ``submission_key`` or ``ticket`` raises ``IntegrityError``.
    """
    at = received_at or ctx.now()
    request_id: int = (
        session.connection()
        .execute(
            _INSERT,
            {
                "ticket": ticket,
                "submission_key": submission_key,
                "unit_id": unit_id,
                "request": fields.request,
                "schedule_at": fields.schedule_at,
                "schedule_time": fields.schedule_time.value,
                "contact_info": fields.contact_info,
                "source": source.value,
                "status": RequestStatus.OPEN.value,
                "created_at": at,
                "updated_at": at,
                "created_by": ctx.actor.username,
                "closed_by": "",
                "version": 1,
            },
        )
        .scalar_one()
    )
    audit.record(
        session,
        ctx,
        "customer_request",
        request_id,
        "create",
        {"ticket": [None, ticket], "unit_id": [None, unit_id], "source": [None, source.value]},
        at=at,
    )
    notification_events.request_received(
        session, ctx, request_id=request_id, unit_id=unit_id, fields=fields, ticket=ticket
    )
    return request_id
