"""``outbox.queue``: one row in the caller's transaction, refused input stores nothing,
one event makes one row; retry and cancel from the Outbox page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tuffops_desktop.db.models import AuditEntry, OutboxMessage
from tuffops_desktop.domain.errors import InvalidTransition, ValidationError
from tuffops_desktop.domain.notifications import Event, OutboxStatus
from tuffops_desktop.services import outbox


def _count(services) -> int:
    with services.ctx.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_queue_writes_one_row_with_its_audit_row(services):
    with services.ctx.write() as session:
        outbox_id = outbox.queue(
            session,
            services.ctx,
            Event.INVOICE_ISSUED,
            ["Ann@Example.COM", "ann@example.com", "bob@example.org"],
            {"number": "INV-2026-00001", "total": Decimal("12.50")},
            attachment=("invoice", 7),
            dedupe_key="invoice_issued:7",
        )
    assert outbox_id is not None
    with services.ctx.read() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row.status == "queued" and row.event == "invoice_issued"
        assert row.recipients == ["Ann@example.com", "bob@example.org"]  # domain lower-cased, duplicate dropped
        assert row.context == {"number": "INV-2026-00001", "total": "12.50"}
        assert (row.attachment_kind, row.attachment_id) == ("invoice", 7)
        assert row.attempts == 0 and row.next_attempt_at is not None and len(row.token) == 16
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "outbox")).all()
        assert [(a.entity_id, a.action) for a in audit] == [(str(outbox_id), "create")]


def test_a_rolled_back_event_leaves_no_message(services):
    with pytest.raises(RuntimeError), services.ctx.write() as session:
        outbox.queue(session, services.ctx, Event.PAYMENT_RECEIVED, ["ann@example.com"], {})
        raise RuntimeError("the event failed")
    assert _count(services) == 0


def test_same_dedupe_key_twice_is_one_message(services):
    with services.ctx.write() as session:
        first = outbox.queue(session, services.ctx, Event.INVOICE_OVERDUE, ["a@example.com"], {}, dedupe_key="k:1")
    with services.ctx.write() as session:
        second = outbox.queue(session, services.ctx, Event.INVOICE_OVERDUE, ["a@example.com"], {}, dedupe_key="k:1")
        third = outbox.queue(session, services.ctx, Event.INVOICE_OVERDUE, ["a@example.com"], {}, dedupe_key="k:2")
    assert first is not None and second is None and third is not None
    assert _count(services) == 2


@pytest.mark.parametrize(
    "recipients",
    [
        ["ann@example.com\r\nBcc: everyone@example.com"],
        ["ann@example.com\nX-Spam: yes"],
        ["Ann <ann@example.com>"],
        ["ann@example.com, bob@example.com"],
        ["not an address"],
        [],
        "ann@example.com",
    ],
)
def test_header_injection_and_bad_recipients_are_refused_and_nothing_is_stored(services, recipients):
    with pytest.raises(ValidationError), services.ctx.write() as session:
        outbox.queue(session, services.ctx, Event.TEST, recipients, {})
    assert _count(services) == 0


def test_a_subject_with_a_line_break_is_refused(services):
    with pytest.raises(ValidationError), services.ctx.write() as session:
        outbox.queue(session, services.ctx, Event.TEST, ["a@example.com"], {"subject": "Hi\r\nBcc: x@example.com"})
    with pytest.raises(ValidationError), services.ctx.write() as session:
        outbox.queue(session, services.ctx, Event.TEST, ["a@example.com"], {"amount": 1.5})
    assert _count(services) == 0


def test_retry_and_cancel_follow_the_status_table(services):
    with services.ctx.write() as session:
        outbox_id = outbox.queue(session, services.ctx, Event.TEST, ["a@example.com"], {})
    with services.ctx.write() as session:
        row = session.get(OutboxMessage, outbox_id)
        row.status, row.attempts, row.next_attempt_at = "failed", 8, None
    service = outbox.OutboxService(services.ctx)
    assert service.get(outbox_id).gave_up
    again = service.retry(outbox_id)
    assert again.status is OutboxStatus.QUEUED and again.attempts == 0 and again.next_attempt_at is not None
    assert service.cancel(outbox_id).status is OutboxStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        service.retry(outbox_id)
    with services.ctx.read() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "outbox")).all()
    assert sorted(actions) == ["cancel", "create", "retry"]
