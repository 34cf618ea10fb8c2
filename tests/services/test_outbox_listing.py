"""The Outbox page's list (``OutboxListingService``): search, filters, sorts, ids then
rows, the customer's messages, and who may read them; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.services import outbox
from tuffops_desktop.services.context import Actor, ServiceContext
from tuffops_desktop.services.listing import Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.outbox_listing import OutboxListingService


def _queue(services, event: Event, to: list[str], customer_id: int | None = None) -> int:  # noqa: ANN001
    with services.ctx.write() as session:
        outbox_id = outbox.queue(session, services.ctx, event, to, {"ticket": "R-1"}, customer_id=customer_id)
    assert outbox_id is not None
    return outbox_id


def _set(services, outbox_id: int, **values: object) -> None:  # noqa: ANN001
    """Test setup: put a message where the sender would have left it."""
    with services.ctx.write() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))


@pytest.fixture
def mail(services):  # noqa: ANN001, ANN201
    ann = services.customers.create(CustomerInput(customer_type="residential", first_name="Ann", last_name="Zeller"))
    bob = services.customers.create(CustomerInput(customer_type="commercial", company_name="Bobcat Cooling"))
    ids = {
        "received": _queue(services, Event.REQUEST_RECEIVED, ["ann@example.com"], ann.id),
        "invoice": _queue(services, Event.INVOICE_ISSUED, ["ap@bobcat.example", "boss@bobcat.example"], bob.id),
        "failed": _queue(services, Event.PAYMENT_RECEIVED, ["ann@example.com"], ann.id),
        "gave_up": _queue(services, Event.INVOICE_OVERDUE, ["ap@bobcat.example"], bob.id),
        "test": _queue(services, Event.TEST, ["admin@office.example"]),
    }
    now = datetime.now(UTC)
    _set(services, ids["invoice"], status="sent", subject="Invoice INV-2026-00001", sent_at=now, attempts=1)
    _set(
        services,
        ids["failed"],
        status="failed",
        attempts=2,
        next_attempt_at=now + timedelta(minutes=5),
        last_error="Cannot reach the mail server.",
    )
    _set(services, ids["gave_up"], status="failed", attempts=8, next_attempt_at=None, last_error="550 no such user")
    return {"ann": ann.id, "bob": bob.id, **ids}


def test_newest_first_then_rows_in_blocks(services, mail):
    listing = OutboxListingService(services.ctx)
    ids = listing.list_ids(ListQuery(sort="created", descending=True))
    assert ids == sorted(ids, reverse=True) and len(ids) == 5
    first = listing.first_ids(ListQuery(sort="created", descending=True), 2)
    assert first.total == 5 and first.ids == ids[:2]
    rows = listing.rows([mail["invoice"], mail["test"], 999_999])
    assert [r.id for r in rows] == [mail["invoice"], mail["test"]]
    invoice = rows[0]
    assert invoice.status == "sent" and invoice.subject == "Invoice INV-2026-00001"
    assert invoice.recipients == ("ap@bobcat.example", "boss@bobcat.example")
    assert invoice.customer_name == "Bobcat Cooling" and invoice.sent_at is not None
    assert rows[1].customer_id is None and rows[1].customer_name == ""


def test_filters_status_event_customer_and_gave_up(services, mail):
    listing = OutboxListingService(services.ctx)

    def ids(**filters) -> set[int]:  # noqa: ANN003
        return set(listing.list_ids(ListQuery(sort="created", filters=filters)))

    assert ids(status=any_of("failed")) == {mail["failed"], mail["gave_up"]}
    assert ids(status=any_of("queued")) == {mail["received"], mail["test"]}
    assert ids(status=any_of("queued", "sent")) == {mail["received"], mail["test"], mail["invoice"]}
    assert ids(gave_up=Flag(True)) == {mail["gave_up"]}
    assert mail["gave_up"] not in ids(gave_up=Flag(False))
    assert ids(event=any_of("test")) == {mail["test"]}
    assert ids(customer=Ref(mail["ann"])) == {mail["received"], mail["failed"]}
    assert ids(customer=Ref(None)) == {mail["test"]}
    with pytest.raises(ValidationError, match="Unknown value"):
        listing.list_ids(ListQuery(filters={"status": any_of("lost")}))


def test_search_every_word_anywhere(services, mail):
    listing = OutboxListingService(services.ctx)

    def found(text: str) -> set[int]:
        return set(listing.list_ids(ListQuery(text=text)))

    assert found("BOBCAT") == {mail["invoice"], mail["gave_up"]}  # recipient or customer
    assert found("boss@") == {mail["invoice"]}
    assert found("reach server") == {mail["failed"]}  # the error, words in any order
    assert found("zeller payment") == {mail["failed"]}  # customer and event
    assert found("inv-2026") == {mail["invoice"]}  # the subject
    assert found("100%_") == set()  # LIKE wildcards are plain characters


def test_sorts_are_total_and_nulls_last(services, mail):
    listing = OutboxListingService(services.ctx)
    by_status = listing.rows(listing.list_ids(ListQuery(sort="status")))
    assert [r.status for r in by_status] == sorted(r.status for r in by_status)
    by_customer = listing.rows(listing.list_ids(ListQuery(sort="customer")))
    assert by_customer[-1].customer_name == ""  # no customer: last
    assert [r.customer_name for r in by_customer[:-1]] == sorted(r.customer_name for r in by_customer[:-1])
    sent = listing.list_ids(ListQuery(sort="sent", descending=True))
    assert sent[0] == mail["invoice"]
    for sort in ("event", "recipients", "attempts", "next", "unknown-sort"):
        assert sorted(listing.list_ids(ListQuery(sort=sort))) == sorted(
            mail[k] for k in mail if k not in ("ann", "bob")
        )


def test_a_customers_messages_newest_first(services, mail):
    listing = OutboxListingService(services.ctx)
    assert [r.id for r in listing.for_customer(mail["ann"])] == [mail["failed"], mail["received"]]
    assert [r.id for r in listing.for_customer(mail["bob"], limit=1)] == [mail["gave_up"]]
    assert listing.for_customer(999_999) == []


def test_who_may_read(services, mail):
    clerk = Actor(user_id=None, username="clerk", permissions=frozenset({"customers.view"}))
    listing = OutboxListingService(ServiceContext(db=services.ctx.db, actor=clerk))
    assert [r.id for r in listing.for_customer(mail["ann"])] == [mail["failed"], mail["received"]]
    with pytest.raises(PermissionDenied):
        listing.list_ids(ListQuery())
    with pytest.raises(PermissionDenied):
        listing.rows([mail["test"]])
