"""Each business event queues the right e-mail to the right addresses in its own
transaction (SQLite and PostgreSQL): every e-mail on the customer's record, the
requester's e-mail contact, the technician; the customer's opt-out; the attachment
reference; overdue reminders once per ageing bucket; maintenance due once per due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import make_customer, make_unit
from tests.services.invoice_support import completed_work_order
from tuffops_desktop.db.models import Customer, Invoice, OutboxMessage
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services import notification_events
from tuffops_desktop.services.mail_sender import MailSender, SenderLoop
from tuffops_desktop.services.notification_events import DailyJobs, queue_maintenance_due, queue_overdue_reminders

EMAILS = "ann@example.com, Accounts@Harbour.Example.com"
BOTH = ["ann@example.com", "Accounts@harbour.example.com"]


def outbox_rows(services, event: str | None = None) -> list[OutboxMessage]:
    with services.ctx.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if event is not None:
            stmt = stmt.where(OutboxMessage.event == event)
        rows = list(session.scalars(stmt))
        session.expunge_all()
        return rows


@pytest.fixture
def shop(services):
    """A customer with two e-mails and one unit; a technician with an e-mail."""
    services.settings.update({"company_name": "Cool Air Ltd", "smtp_enabled": True})
    customer = make_customer(services, first_name="Ann", last_name="Liburd", emails=EMAILS)
    unit = make_unit(
        services, customer_id=customer.id, location="Lobby AC #2", address="12 Bay Road", city="Basseterre"
    )
    tech = services.users.add("tess", "longenough", "technician", full_name="Tess Walker", email="tess@coolair.example")
    return customer, unit, tech


def _request(services, unit_id: int, contact: str, text: str = "The AC drips") -> int:
    data = RequestInput(
        request=text, schedule_at=date.today() + timedelta(days=2), schedule_time="Morning", contact_info=contact
    )
    return services.requests.submit_office(unit_id, data).id


def _opt_out(services, customer_id: int) -> None:
    detail = services.customers.get(customer_id)
    data = CustomerInput(
        customer_type=detail.customer_type,
        first_name=detail.first_name,
        last_name=detail.last_name,
        emails=list(detail.emails),
        notify_opt_out=True,
    )
    services.customers.update(customer_id, data, detail.version)


def test_request_received_goes_to_an_e_mail_contact_only_with_the_ticket_and_nothing_internal(services, shop):
    customer, unit, _tech = shop
    request_id = _request(services, unit.id, " Walkin@Example.ORG ", text="Secret: the code is 1234")
    _request(services, unit.id, "+1 869 555 1234")  # a phone number: nothing to e-mail
    [row] = outbox_rows(services)
    ticket = services.requests.get(request_id).ticket
    assert (row.event, row.recipients, row.customer_id) == ("request_received", ["Walkin@example.org"], customer.id)
    assert row.context == {
        "ticket": ticket,
        "unit": "Lobby AC #2",
        "preferred_date": (date.today() + timedelta(days=2)).isoformat(),
        "preferred_window": "Morning",
    }
    assert row.dedupe_key == f"request_received:{request_id}"
    assert row.attachment_kind is None and row.status == "queued"


def test_an_opted_out_customer_gets_nothing(services, shop):
    customer, unit, tech = shop
    _opt_out(services, customer.id)
    _request(services, unit.id, "walkin@example.org")
    order_id = completed_work_order(services, unit.id)
    version = services.work_orders.get(order_id).version
    services.invoices.issue(order_id, expected_version=version)
    assert [r.event for r in outbox_rows(services)] == ["technician_assigned"]  # staff mail still goes
    assert outbox_rows(services)[0].recipients == ["tess@coolair.example"]


def test_a_request_booked_tells_the_customer_and_the_requester_and_assigning_tells_the_technician(services, shop):
    customer, unit, tech = shop
    request_id = _request(services, unit.id, "walkin@example.org")
    info = services.requests.convert(request_id)
    order = services.work_orders.get(info.id)
    start = datetime.combine(date.today() + timedelta(days=3), time(9, 30)).astimezone()
    order = services.work_orders.act(order.id, "assign", order.version, technician_id=tech.id, scheduled_start=start)

    [assigned] = outbox_rows(services, "technician_assigned")
    assert assigned.recipients == ["tess@coolair.example"] and assigned.work_order_id == order.id
    assert assigned.customer_id is None  # staff mail: not among the customer's messages
    assert assigned.context["job"] == "The AC drips" and assigned.context["time"] == "09:30"
    assert assigned.context["site"] == "12 Bay Road, Basseterre"
    assert assigned.context["date"] == start.date().isoformat()

    [booked] = outbox_rows(services, "request_scheduled")
    assert booked.recipients == [*BOTH, "walkin@example.org"]
    assert booked.customer_id == customer.id and booked.work_order_id == order.id
    ticket = services.requests.get(request_id).ticket
    assert booked.context == {
        "customer": "Ann Liburd",
        "ticket": ticket,
        "work_order": order.number,
        "unit": "Lobby AC #2",
        "date": start.date().isoformat(),
        "window": "Morning",
        "time": "09:30",
    }

    # Reassigning without moving the visit tells the new technician only.
    other = services.users.add("theo", "longenough", "technician", email="theo@coolair.example")
    services.work_orders.act(order.id, "reassign", order.version, technician_id=other.id, scheduled_start=start)
    assert [r.recipients for r in outbox_rows(services, "technician_assigned")][-1] == ["theo@coolair.example"]
    assert len(outbox_rows(services, "request_scheduled")) == 1


def test_assigning_without_a_booking_or_a_request_tells_only_the_technician(services, shop):
    _customer, unit, tech = shop
    order = services.work_orders.create(unit.id, "repair", "Noisy fan")
    services.work_orders.act(order.id, "assign", order.version, technician_id=tech.id)
    assert [r.event for r in outbox_rows(services)] == ["technician_assigned"]
    assert outbox_rows(services)[0].context["date"] == ""


def test_a_technician_without_an_e_mail_gets_nothing(services, shop):
    _customer, unit, _tech = shop
    quiet = services.users.add("quinn", "longenough", "technician")
    order = services.work_orders.create(unit.id, "repair", "Noisy fan")
    services.work_orders.act(order.id, "assign", order.version, technician_id=quiet.id)
    assert outbox_rows(services) == []


def test_completion_invoice_and_payment_go_to_every_e_mail_of_the_customer(services, shop):
    customer, unit, _tech = shop
    order_id = completed_work_order(services, unit.id)
    [done] = outbox_rows(services, "work_order_completed")
    assert done.recipients == BOTH and done.customer_id == customer.id and done.work_order_id == order_id
    assert done.context["completed_date"] == date.today().isoformat()

    version = services.work_orders.get(order_id).version
    invoice = services.invoices.issue(order_id, expected_version=version)
    [issued] = outbox_rows(services, "invoice_issued")
    assert issued.recipients == BOTH
    assert (issued.attachment_kind, issued.attachment_id) == ("invoice", invoice.id)
    assert issued.context == {
        "customer": "Ann Liburd",
        "invoice": invoice.number,
        "work_order": services.work_orders.get(order_id).number,
        "total": f"{invoice.total:,.2f}",
        "due_date": invoice.due_on.isoformat(),
    }

    services.invoices.record_payment(invoice.id, "10.00", date.today(), "cash")
    [paid] = outbox_rows(services, "payment_received")
    assert paid.recipients == BOTH
    assert paid.context["amount"] == "10.00"
    assert paid.context["balance"] == f"{invoice.total - Decimal('10.00'):,.2f}"


def test_sending_a_quotation_queues_it_with_its_pdf_reference(services, shop):
    customer, unit, _tech = shop
    entry = services.price_list.add(PriceListInput("Split AC install", "service", "each", "1250"))
    quote = services.quotations.create(QuotationInput(title="New split unit", customer_id=customer.id))
    services.quotations.add_unit(quote.id, unit.id)
    quote = services.quotations.add_line(quote.id, entry.id, "1")
    assert outbox_rows(services) == []  # drafts are not sent
    quote = services.quotations.act(quote.id, "send", quote.version)
    [row] = outbox_rows(services)
    assert row.event == "quotation_sent" and row.recipients == BOTH
    assert (row.attachment_kind, row.attachment_id) == ("quotation", quote.id)
    assert row.context["quotation"] == quote.number and row.context["title"] == "New split unit"
    assert row.context["total"] == f"{quote.total:,.2f}"


def test_the_message_lives_and_dies_with_its_transaction(services, shop):
    _customer, unit, _tech = shop
    invoice_id = _overdue_invoice(services, unit.id)
    before = len(outbox_rows(services))
    with pytest.raises(RuntimeError), services.ctx.write() as session:
        notification_events.invoice_issued(session, services.ctx, session.get_one(Invoice, invoice_id))
        raise RuntimeError("the event fails after queueing")
    assert len(outbox_rows(services)) == before  # rolled back with it


def _overdue_invoice(services, unit_id: int) -> int:
    order_id = completed_work_order(services, unit_id)
    version = services.work_orders.get(order_id).version
    return services.invoices.issue(order_id, expected_version=version).id


def test_overdue_reminders_go_once_per_ageing_bucket(services, shop):
    _customer, unit, _tech = shop
    invoice_id = _overdue_invoice(services, unit.id)
    due = services.invoices.get(invoice_id).due_on
    noon = datetime.combine(due, time(12)).astimezone(UTC)

    assert queue_overdue_reminders(services.ctx, noon).queued == 0  # due today: not overdue
    first = queue_overdue_reminders(services.ctx, noon + timedelta(days=5))
    again = queue_overdue_reminders(services.ctx, noon + timedelta(days=20))  # same bucket (1–30)
    later = queue_overdue_reminders(services.ctx, noon + timedelta(days=45))  # 31–60
    assert (first.queued, again.queued, again.already, later.queued) == (1, 0, 1, 1)
    rows = outbox_rows(services, "invoice_overdue")
    assert [r.dedupe_key for r in rows] == [f"overdue:{invoice_id}:days_1_30", f"overdue:{invoice_id}:days_31_60"]
    assert [r.context["days_overdue"] for r in rows] == ["5", "45"]
    assert rows[0].recipients == BOTH and (rows[0].attachment_kind, rows[0].attachment_id) == ("invoice", invoice_id)
    assert rows[1].context["bucket"] == "31–60 days"

    services.invoices.record_payment(invoice_id, services.invoices.get(invoice_id).balance, date.today(), "cash")
    assert queue_overdue_reminders(services.ctx, noon + timedelta(days=100)).queued == 0  # paid: no reminder


def test_no_overdue_reminders_while_invoicing_is_off(services, shop):
    _customer, unit, _tech = shop
    invoice_id = _overdue_invoice(services, unit.id)
    due = services.invoices.get(invoice_id).due_on
    services.settings.update({"feature_flag_invoices_enabled": False})
    moment = datetime.combine(due + timedelta(days=10), time(12)).astimezone(UTC)
    assert queue_overdue_reminders(services.ctx, moment).queued == 0
    assert outbox_rows(services, "invoice_overdue") == []


def test_the_daily_jobs_run_once_a_day_and_not_while_e_mail_is_off(services, shop):
    _customer, unit, _tech = shop
    invoice_id = _overdue_invoice(services, unit.id)
    late = datetime.combine(services.invoices.get(invoice_id).due_on + timedelta(days=3), time(9)).astimezone(UTC)
    services.settings.update({"smtp_enabled": False})
    assert queue_overdue_reminders(services.ctx, late).queued == 0
    assert queue_maintenance_due(services.ctx, late).queued == 0
    services.settings.update({"smtp_enabled": True})
    jobs = DailyJobs(services.ctx)
    assert jobs.run_if_due(late) == notification_events.JobReport(1, 0)
    assert jobs.run_if_due(late + timedelta(hours=2)) is None  # the same day
    assert jobs.run_if_due(late + timedelta(days=1)) == notification_events.JobReport(0, 1)
    assert len(outbox_rows(services, "invoice_overdue")) == 1


def test_the_sender_loop_runs_the_daily_jobs_and_a_failing_job_does_not_stop_the_mail(services, shop):
    _customer, unit, _tech = shop
    invoice_id = _overdue_invoice(services, unit.id)
    with services.ctx.write() as session:
        session.get_one(Invoice, invoice_id).due_on = date.today() - timedelta(days=3)
    loop = SenderLoop(MailSender(services.ctx.db), daily=DailyJobs.for_database(services.ctx.db).run_if_due)
    loop.run_once()
    loop.run_once()
    [reminder] = outbox_rows(services, "invoice_overdue")
    assert reminder.created_by == "system" and reminder.context["days_overdue"] == "3"

    def broken() -> None:
        raise RuntimeError("a bug in a job")

    report = SenderLoop(MailSender(services.ctx.db), daily=broken).run_once()
    assert report is not None and loop.last_error == ""


def test_maintenance_due_is_announced_once_per_unit_and_due_date(services, shop):
    customer, _unit, _tech = shop
    today = date.today()
    due_soon = make_unit(
        services,
        customer_id=customer.id,
        serial_number="M-1",
        location="Roof chiller",
        maintenance_frequency="quarterly",
        installed_at=today - timedelta(days=85),
    )
    make_unit(  # due in about two months: not yet
        services,
        customer_id=customer.id,
        serial_number="M-2",
        maintenance_frequency="quarterly",
        installed_at=today - timedelta(days=30),
    )
    now = datetime.now(UTC)
    assert queue_maintenance_due(services.ctx, now).queued == 1
    assert queue_maintenance_due(services.ctx, now + timedelta(days=1)) == notification_events.JobReport(0, 1)
    [row] = outbox_rows(services, "maintenance_due")
    due_on = services.units.get(due_soon.id).next_maintenance_at
    assert row.dedupe_key == f"maintenance:{due_soon.id}:{due_on.isoformat()}"
    assert row.recipients == BOTH and row.customer_id == customer.id
    assert row.context == {
        "customer": "Ann Liburd",
        "unit": "Roof chiller",
        "due_date": due_on.isoformat(),
        "frequency": "quarterly",
    }


def test_a_malformed_address_on_record_is_left_out_not_a_reason_to_refuse(services, shop):
    customer, unit, _tech = shop
    with services.ctx.write() as session:
        session.get_one(Customer, customer.id).emails = "ann@example.com, not an address, x@y\r\nBcc: v@example.com"
    completed_work_order(services, unit.id)
    [done] = outbox_rows(services, "work_order_completed")
    assert done.recipients == ["ann@example.com"]
